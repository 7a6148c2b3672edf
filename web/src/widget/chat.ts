// The chat itself: the panel, the messages, the composer, files, the leave-a-message forms,
// invitations and what the server's frames do to them. Its own file (chat_chunk.ts, fetched by
// chat_lazy.ts when first needed); widget.js keeps the launcher, the socket and the tracking.
// The parts are built in the visitor's language into the widget's shell, and built again when
// the page changes it (tiski('set', {lang})); what the chat knows (state.ts) stays.
import type { VisitorServerFrame } from '../protocol.gen';
import { Thread, type Lang } from './logic';
import { strings } from './i18n';
import { store, type Keys } from './storage';
import { keepPending, newState, savedPending } from './state';
import type { Connection } from './connection';
import type { LazyConversions } from './convert_lazy';
import type { TiskiEvent } from './page_api';
import type { Shell } from './shell';
import { view } from './view';
import { leaveParts } from './leave';
import { messageList } from './messages';
import { panelControl } from './panel';
import { invitation } from './invitation';
import { frameHandler } from './frames';
import { composer } from './composer';
import { fileApi, fileSender } from './files';
import { lazySurvey } from './survey_lazy';

// What widget.js lends the chat.
export interface ChatDeps {
  src: string;  // widget.js's URL: the survey's file and the files API are beside it
  k: Keys;
  conn: Connection;
  cv: LazyConversions;
  emit: (e: TiskiEvent, detail?: unknown) => void;  // tells the page's listeners
}

// Where and how it starts: the shell on the page, its language, open or not, live chat open.
export interface ChatAt {
  sh: Shell;
  lang: Lang;
  open: boolean;
  live: boolean;
}

export const chat = (d: ChatDeps, at: ChatAt) => {
  const { src, k, conn } = d;
  const st = newState(at.live, k.mail);
  const files = fileApi(src, () => store(localStorage, k.token));
  let quiet = false;

  // The parts drawn in lang into sh: open as asked, without telling the page.
  const build = (sh: Shell, lang: Lang, open: boolean) => {
    const T = strings(lang);
    const v = view(T, sh);
    const lp = leaveParts(T, () => !!st.lv, (f) => {
      st.lv = f;
      ui.showError('');
      conn.send(f);  // or after the next welcome
      ui.update();
    });
    const msgs = messageList(v, st, T, lang, files);
    // What the last page sent and heard nothing of: "Sending…" again, and sent after the welcome.
    if (!st.pending.size) {
      for (const [cid, body, tok] of savedPending(st)) {
        if (typeof cid === 'string' && typeof body === 'string') {
          st.pending.set(cid, { body, tok: String(tok ?? ''), li: msgs.bubble('v q', body, '', 0) });
        }
      }
    }
    const ui = panelControl({ v, lp, st, T, lang, k, down: conn.down, dismiss: () => inv.dismiss(), moved: (o) => {
      conn.send({ t: 'window', open: o });  // no invitation while it is open
      quiet || d.emit(o ? 'open' : 'close');
    } });
    const inv = invitation(v, st, conn.send, msgs.render, ui.setOpen);
    const sv = lazySurvey(src, v, st, T, k, conn);
    const onFrame: (f: VisitorServerFrame) => void = frameHandler({ v, lp, st, T, conn, msgs, ui, invite: inv.show, cv: d.cv, sv,
      heard: (m) => d.emit('message', { body: m.body, name: m.name, at: m.at }) });
    composer(v, st, T, conn.send, msgs, ui.showError, sv.fresh);
    fileSender(v, st, T, files, msgs, ui.showError, sv.fresh);
    msgs.render();
    ui.update();
    quiet = true;
    ui.setOpen(open, false);
    quiet = false;
    return { v, ui, msgs, onFrame };
  };
  let parts = build(at.sh, at.lang, at.open);

  return {
    onFrame: (f: VisitorServerFrame) => parts.onFrame(f),
    onDown: () => parts.ui.showStatus(),
    setOpen: (open: boolean) => parts.ui.setOpen(open),
    lastSeq: () => (st.conv ? st.thread.lastSeq(st.conv.id) : 0),
    // Built again in another language into a new shell (the old one has left the page); a new
    // hello brings the greeting in it.
    rebuild: (sh: Shell, lang: Lang) => {
      const was = !parts.v.panel.hidden;
      st.svCard = null;
      parts = build(sh, lang, was);
    },
    // Another customer (or none): their own conversations, from a fresh hello.
    forget: () => {
      for (const p of st.pending.values()) p.li.remove();  // the last customer's unsent lines are theirs
      st.pending.clear();
      keepPending(st);
      st.thread = new Thread();
      st.conv = null;
      st.ended = 0;
      st.earlier = false;
      parts.msgs.render();
    },
  };
};
export type Chat = ReturnType<typeof chat>;
