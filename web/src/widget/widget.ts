// The Tiski widget: embedded on a shop's page with
//   <script async src="https://HOST/widget.js" data-site="SITE_KEY"></script>
// Plain DOM in a shadow root, no framework, nothing written to the page's console. Protocol:
// docs/protocol.md. This file reads the script tag and wires the parts:
//   view.ts        builds the DOM: launcher, panel, composer, teaser (leave.ts: the offline parts)
//   panel.ts       what shows, the header's status, opening and closing, focus on a phone
//   messages.ts    the messages list
//   composer.ts    sending messages and typing
//   files.ts       sending files (the paperclip) and showing those in messages
//   frames.ts      what the server's frames do, fetching earlier messages
//   invitation.ts  proactive invitations
//   survey.ts      the satisfaction survey after a chat closes (its own file: survey_lazy.ts)
//   convert.ts     the page's conversions tiski('track', ...) and the tiski_visitor cookie
//   connection.ts  the socket: hello/welcome, resync by last_seq, reconnect, ping
//   tracking.ts    page, visit, idle and cart
//   page_api.ts    the page's API window.tiski(...): set, track, identify, open, close, hide, show, on
//   state.ts       what the widget knows; storage.ts what it keeps in the browser
//   logic.ts       the pure logic, unit-tested in web/test/logic.test.mjs
// The parts that show text are built in the visitor's language, and built again when the page
// changes it (tiski('set', {lang})); what the widget knows (state.ts) and the socket stay.
import type { IdentityIn, VisitorServerFrame } from '../protocol.gen';
import { VISITOR_PATH } from '../protocol.gen';
import { Thread, langOf, pickLang, toIdentity, type Lang } from './logic';
import { strings } from './i18n';
import { keys, readJson, store } from './storage';
import { newState, type Look } from './state';
import { connection } from './connection';
import { tracking } from './tracking';
import { dress, view } from './view';
import { leaveParts } from './leave';
import { messageList } from './messages';
import { panelControl } from './panel';
import { invitation } from './invitation';
import { frameHandler } from './frames';
import { composer } from './composer';
import { fileApi, fileSender } from './files';
import { conversions } from './convert';
import { lazySurvey } from './survey_lazy';
import { pageApi } from './page_api';

(() => {
  const script = (document.currentScript || document.querySelector('script[data-site]')) as HTMLScriptElement | null;
  const site = script?.dataset.site;
  if (!script || !site || window.__tiski) return;
  window.__tiski = 1;
  const url = new URL(VISITOR_PATH, script.src).href.replace(/^http/, 'ws');
  let lang: Lang = pickLang(script.dataset.lang, document.documentElement.lang, navigator.language);
  const k = keys(site);
  const st = newState(store(sessionStorage, k.live) !== '0', k.mail, readJson<Look>(localStorage, k.look));
  let identity: IdentityIn | null = null;  // tiski('identify', ...): sent in every hello
  let shown = true;  // tiski('hide') / tiski('show')
  let parts: ReturnType<typeof build> | undefined;  // on the page (from start)
  let quiet = false;

  const conn = connection({
    url,
    tokenKey: k.token,
    hello: () => ({ t: 'hello', site, lang, ...facts(), ...(identity ? { identity } : {}) }),
    lastSeq: () => (st.conv ? st.thread.lastSeq(st.conv.id) : 0),
    onFrame: (f) => {
      if (f.t === 'welcome') restyle(f.site);
      parts!.onFrame(f);
      if (f.t === 'welcome') facts.resync();  // a cart set while the hello was on its way
    },
    onDown: () => parts!.ui.showStatus(),
  });
  const cv = conversions(k, conn);
  const files = fileApi(script.src, () => store(localStorage, k.token));
  const facts = tracking(k, conn.send, cv.add);

  // The parts drawn in `lang`, put on the page: the look, what is held, open as asked.
  function build(open: boolean) {
    const T = strings(lang);
    const v = view(T);
    const lp = leaveParts(T, () => !!st.lv, (f) => {
      st.lv = f;
      ui.showError('');
      conn.send(f);  // or after the next welcome
      ui.update();
    });
    const msgs = messageList(v, st, T, lang, files);
    const ui = panelControl({ v, lp, st, T, lang, k, down: conn.down, dismiss: () => inv.dismiss(), moved: (o) => quiet || page.emit(o ? 'open' : 'close') });
    const inv = invitation(v, st, conn.send, msgs.render, ui.setOpen);
    const sv = lazySurvey(script!.src, v, st, T, k, conn);
    const onFrame: (f: VisitorServerFrame) => void = frameHandler({ v, lp, st, T, conn, msgs, ui, invite: inv.show, cv, sv,
      heard: (m) => page.emit('message', { body: m.body, name: m.name, at: m.at }) });
    composer(v, st, T, conn.send, msgs, ui.showError, sv.fresh);
    fileSender(v, st, T, files, msgs, ui.showError, sv.fresh);
    document.body.append(v.host);
    dress(v, st.look, script!.dataset.color);
    v.host.style.display = shown ? '' : 'none';
    msgs.render();
    ui.update();
    quiet = true;  // as the tab left it, or rebuilt: no opening or closing to tell the page
    ui.setOpen(open, false);
    quiet = false;
    return { v, ui, msgs, onFrame };
  }

  // The site's look as the server has it now; drawn at once on the next page too.
  const restyle = ({ color, position, launcher }: Look) => {
    const look: Look = { color, position, launcher };
    if (JSON.stringify(look) === JSON.stringify(st.look)) return;
    st.look = look;
    store(localStorage, k.look, JSON.stringify(look));
    if (parts) dress(parts.v, look, script.dataset.color);
  };
  const show = (on: boolean) => {
    shown = on;
    if (parts) parts.v.host.style.display = on ? '' : 'none';
  };
  const open = (on: boolean) => (parts ? parts.ui.setOpen(on) : store(sessionStorage, k.open, on ? '1' : null));

  const page = pageApi({
    set: (a) => {
      if (!a || typeof a !== 'object') return;
      facts.setCart(a as Record<string, unknown>);
      const l = langOf((a as { lang?: unknown }).lang);
      if (!l || l === lang) return;
      lang = l;
      if (!parts) return;  // the widget is built in it
      // Built again in the new language; a new hello brings the greeting in it.
      const was = !parts.v.panel.hidden;
      parts.v.host.remove();
      st.svCard = null;
      parts = build(was);
      conn.restart(false);
    },
    track: facts.track,
    identify: (a) => {
      const next = toIdentity(a);
      if (JSON.stringify(next) === JSON.stringify(identity)) return;
      identity = next;
      const had = store(localStorage, k.ident);
      store(localStorage, k.ident, next && next.id);
      // Logged out: this browser's visitor was the customer's; the next person starts afresh.
      if (!next && had) store(localStorage, k.token, null);
      if (!parts || (!next && !had)) return;  // the first hello carries it / nothing changes
      // Another customer (or none): their own conversations, from a fresh hello.
      st.thread = new Thread();
      st.conv = null;
      st.earlier = false;
      parts.msgs.render();
      conn.restart(true);
    },
    open: () => open(true),
    close: () => open(false),
    hide: () => show(false),
    show: () => show(true),
  });

  const start = () => {
    parts = build(store(sessionStorage, k.open) === '1');
    conn.connect();
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
