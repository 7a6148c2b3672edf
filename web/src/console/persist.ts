// What the agent was doing survives a reload: the chat on screen, drafts and unread counts,
// kept per agent in this browser's localStorage (never on the server).
//
// The console asks to save after every render. Writes are throttled, not debounced: the first
// request schedules one write 300 ms later and later requests only update what it will write,
// so a console that re-renders several times a second (countdowns, previews) still saves. A
// pending write is flushed when the page is hidden or unloaded (a reload), so nothing typed in
// the last 300 ms is lost.
import type { Saved } from './model';

const key = (agent: number) => `tiski:console:${agent}`;
export const SAVE_DELAY_MS = 300;

export function load(agent: number): Saved | undefined {
  try {
    const v = JSON.parse(localStorage.getItem(key(agent)) || 'null');
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
let pending: { agent: number; get: () => Saved } | undefined;

// Writes what is pending now.
export function flush() {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  const p = pending;
  pending = undefined;
  if (!p) return;
  try {
    localStorage.setItem(key(p.agent), JSON.stringify(p.get()));
  } catch {}
}

export function save(agent: number, s: () => Saved) {
  pending = { agent, get: s };
  if (timer === undefined) timer = setTimeout(flush, SAVE_DELAY_MS);
}

export function forget(agent: number) {
  if (pending?.agent === agent) pending = undefined;
  try {
    localStorage.removeItem(key(agent));
  } catch {}
}

if (typeof addEventListener === 'function') {
  addEventListener('pagehide', flush);
  addEventListener('visibilitychange', () => {
    if (typeof document !== 'undefined' && document.hidden) flush();
  });
}
