// The chat (chat.ts, its own file) fetched when first needed: when the visitor reaches for the
// launcher (pointer over it, focus, touch), when the panel is to open, or when the server sends
// something the chat must show (a conversation in the welcome, a message, an invitation, a
// survey to ask). Until it is there, the server's frames since the latest welcome wait, and are
// handed to it in order; a welcome that says nothing to show (no conversation, nothing to ask)
// needs no chat. If it cannot load (blocked, offline), it is fetched again when next needed.
import type { VisitorServerFrame } from '../protocol.gen';
import type { Chat, ChatAt, ChatDeps } from './chat';
import { surveyOwed, type SurveyMemo } from './logic';
import { readJson } from './storage';
import { fetchChunk } from './chunk';

// The chunk's file name, next to widget.js (set by web/build.mjs; the name changes with it).
declare const __CHAT_CHUNK__: string;

// At most this many frames wait for the chat; one more fetches it (none of them is dropped).
export const MAX_HELD = 64;

// Whether a frame needs the chat on screen. Errors without a cid that are not a conversion's
// answer (convert.ts has taken those) wait: "not available" shows when the panel opens.
const wanted = (f: VisitorServerFrame, surveyKey: string): boolean => {
  switch (f.t) {
    case 'welcome':
      return !!f.conv || !!surveyOwed(readJson<SurveyMemo>(localStorage, surveyKey) || { a: [] });
    case 'avail': return false;
    case 'error': return !!f.cid;
    default: return true;
  }
};

// at(): where the chat starts when it arrives; loaded(): it is here (and has had the frames).
export const lazyChat = (d: ChatDeps, at: () => ChatAt, loaded: (c: Chat) => void) => {
  let real: Chat | null = null;
  let held: VisitorServerFrame[] = [];
  const load = fetchChunk(__CHAT_CHUNK__, d.src, () => {
    real = window.__tiskiChat!(d, at());
    for (const f of held.splice(0)) real.onFrame(f);
    loaded(real);
  });
  return {
    get: () => real,
    load,
    onFrame: (f: VisitorServerFrame) => {
      if (real) return real.onFrame(f);
      if (f.t === 'welcome') held = [];  // a welcome brings all there is to show
      held.push(f);
      if (wanted(f, d.k.survey) || held.length > MAX_HELD) load();
    },
  };
};
