// What the widget knows, shared by its parts: filled from the server's frames (frames.ts), read
// when the screen is drawn (panel.ts, messages.ts).
import type { Message, SiteInfo, VisitorClientLeave, VisitorConv } from '../protocol.gen';
import { Thread } from './logic';
import { readJson, store, type Left } from './storage';

export interface State {
  info: SiteInfo | null;  // the site (welcome)
  conv: VisitorConv | null;  // the open conversation
  ended: number;  // the conversation shown as ended (closed here, or a welcome's `ended`), 0 none
  live: boolean;  // live chat is open (welcome.open, avail)
  opensAt?: number;  // when live chat opens again (business hours), if closed for that
  invite: { rule: number; text: string } | null;  // a proactive invitation on screen
  lv: VisitorClientLeave | null;  // a leave frame on its way, kept until acknowledged
  queueText: string;  // the queue line while waiting ('' if none)
  earlier: boolean;  // the open conversation has messages before the first one held
  unread: number;  // agent messages since the panel was last open (the badge)
  thread: Thread;  // the messages held
  pending: Map<string, Pending>;  // sent, not acknowledged yet, by cid
  tok: string;  // the visitor token of the latest welcome (whose the pending lines are)
  mailKey: string;  // where the address left is stored (storage.ts)
  svCard: HTMLLIElement | null;  // the satisfaction survey (survey.ts), kept last in the list
}

export interface Pending {
  body: string;
  li: HTMLLIElement;
  tok: string;  // the visitor's token when it was typed: another customer's welcome drops it
}

export const newState = (live: boolean, mailKey: string): State => ({
  info: null, conv: null, ended: 0, live, invite: null, lv: null, queueText: '', earlier: false, unread: 0,
  thread: new Thread(), pending: new Map(), tok: '', mailKey, svCard: null,
});

// The address left, for whichever conversation it was.
export const left = (st: State) => readJson<Left>(localStorage, st.mailKey);

// The address left for the open conversation ('' if none).
export const mailTo = (st: State): string => {
  const l = left(st);
  return (st.conv && l?.c === st.conv.id && l.e) || '';
};

// Messages sent and not acknowledged yet outlive the page (sessionStorage): on the shop's next page
// they show as "Sending…" again and go after its welcome, with their cids (never stored twice).
const pendKey = (st: State) => st.mailKey + ':sending';
export const keepPending = (st: State) =>
  store(sessionStorage, pendKey(st), st.pending.size ? JSON.stringify([...st.pending].map(([c, p]) => [c, p.body, p.tok])) : null);
export const savedPending = (st: State): string[][] => readJson<string[][]>(sessionStorage, pendKey(st)) || [];

// The newest line of the open conversation the visitor has seen with the panel open
// (localStorage: [conversation, seq]). On a later page the agent's answers after it are counted
// on the closed launcher's badge, as they are while the page stays open.
const seenKey = (st: State) => st.mailKey + ':seen';
export const markSeen = (st: State) => {
  if (st.conv) store(localStorage, seenKey(st), JSON.stringify([st.conv.id, st.thread.lastSeq(st.conv.id)]));
};
export const unseen = (st: State, msgs: Message[]): number => {
  const s = readJson<number[]>(localStorage, seenKey(st));
  const id = st.conv?.id;
  return id && s && s[0] === id ? msgs.filter((m) => m.author === 'agent' && m.conv === id && m.seq > s[1]).length : 0;
};
