// What the agent was doing survives a reload: the chat on screen, drafts and unread counts,
// kept per agent in this browser's localStorage (never on the server).
import type { Saved } from './model';

const key = (agent: number) => `tiski:console:${agent}`;

export function load(agent: number): Saved | undefined {
  try {
    const v = JSON.parse(localStorage.getItem(key(agent)) || 'null');
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

let timer: number | undefined;
export function save(agent: number, s: () => Saved) {
  clearTimeout(timer);
  timer = window.setTimeout(() => {
    try {
      localStorage.setItem(key(agent), JSON.stringify(s()));
    } catch {}
  }, 300);
}

export function forget(agent: number) {
  try {
    localStorage.removeItem(key(agent));
  } catch {}
}
