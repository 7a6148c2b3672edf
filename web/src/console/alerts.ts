// The agent's alarms: a short tone (mutable), the "(n)" counter in the tab title and a desktop
// notification while the tab is hidden. Permission for notifications is asked once, when the
// agent turns them on.
const muteKey = 'tiski:muted';

export const muted = () => localStorage.getItem(muteKey) === '1';
export const setMuted = (on: boolean) => (on ? localStorage.setItem(muteKey, '1') : localStorage.removeItem(muteKey));

let ctx: AudioContext | undefined;
// Two rising notes for a new chat, one note for a message; no audio file needed.
export function tone(kind: 'chat' | 'message') {
  if (muted()) return;
  try {
    ctx ??= new AudioContext();
    const notes = kind === 'chat' ? [660, 880] : [880];
    notes.forEach((f, i) => {
      const o = ctx!.createOscillator();
      const g = ctx!.createGain();
      const t0 = ctx!.currentTime + i * 0.16;
      o.frequency.value = f;
      g.gain.setValueAtTime(0.06, t0);
      g.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.22);
      o.connect(g).connect(ctx!.destination);
      o.start(t0);
      o.stop(t0 + 0.22);
    });
  } catch {}
}

export function setTitle(unread: number) {
  document.title = (unread ? `(${unread}) ` : '') + 'Tiski';
}

export const canNotify = () => typeof Notification !== 'undefined';
export const notifyState = (): NotificationPermission | 'unsupported' => (canNotify() ? Notification.permission : 'unsupported');
export async function askToNotify(): Promise<NotificationPermission | 'unsupported'> {
  if (!canNotify()) return 'unsupported';
  return Notification.requestPermission();
}

// Shown only while the console's tab is hidden; a click brings the chat forward.
export function notify(title: string, body: string, tag: string, onClick: () => void) {
  if (!canNotify() || Notification.permission !== 'granted' || !document.hidden) return;
  try {
    const n = new Notification(title, { body: body.slice(0, 180), tag });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {}
}
