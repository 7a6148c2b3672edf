// The Tiski widget: embedded on a shop's page with
//   <script async src="https://HOST/widget.js" data-site="SITE_KEY"></script>
// Plain DOM in a shadow root, no framework, nothing written to the page's console. Protocol:
// docs/protocol.md. This file reads the script tag and wires the parts:
//   view.ts        builds the DOM: launcher, panel, composer, teaser (leave.ts: the offline parts)
//   panel.ts       what shows, the header's status, opening and closing, focus on a phone
//   messages.ts    the messages list
//   composer.ts    sending messages and typing
//   frames.ts      what the server's frames do, fetching earlier messages
//   invitation.ts  proactive invitations
//   survey.ts      the satisfaction survey after a chat closes
//   convert.ts     the page's conversions tiski('track', ...) and the tiski_visitor cookie
//   connection.ts  the socket: hello/welcome, resync by last_seq, reconnect, ping
//   tracking.ts    page, visit, idle, cart and the page's API tiski('set' | 'track', ...)
//   state.ts       what the widget knows; storage.ts what it keeps in the browser
//   logic.ts       the pure logic, unit-tested in web/test/logic.test.mjs
import { VISITOR_PATH } from '../protocol.gen';
import { pickLang } from './logic';
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
import { conversions } from './convert';
import { survey } from './survey';

(() => {
  const script = (document.currentScript || document.querySelector('script[data-site]')) as HTMLScriptElement | null;
  const site = script?.dataset.site;
  if (!script || !site || window.__tiski) return;
  window.__tiski = 1;
  const url = new URL(VISITOR_PATH, script.src).href.replace(/^http/, 'ws');
  const lang = pickLang(script.dataset.lang, document.documentElement.lang, navigator.language);
  const T = strings(lang);
  const k = keys(site);
  const st = newState(store(sessionStorage, k.live) !== '0', k.mail, readJson<Look>(localStorage, k.look));

  const v = view(T);
  const lp = leaveParts(T, () => !!st.lv, (f) => {
    st.lv = f;
    ui.showError('');
    conn.send(f);  // or after the next welcome
    ui.update();
  });
  const msgs = messageList(v, st, T, lang);
  const conn = connection({
    url,
    tokenKey: k.token,
    hello: () => ({ t: 'hello', site, lang, ...facts() }),
    lastSeq: () => (st.conv ? st.thread.lastSeq(st.conv.id) : 0),
    onFrame: (f) => {
      if (f.t === 'welcome') restyle(f.site);
      onFrame(f);
      if (f.t === 'welcome') facts.resync();  // a cart set while the hello was on its way
    },
    onDown: () => ui.showStatus(),
  });
  const ui = panelControl({ v, lp, st, T, lang, k, down: conn.down, dismiss: () => inv.dismiss() });
  const inv = invitation(v, st, conn.send, msgs.render, ui.setOpen);
  const cv = conversions(k, conn);
  const sv = survey(v, st, T, k, conn);
  const onFrame = frameHandler({ v, lp, st, T, conn, msgs, ui, invite: inv.show, cv, sv });
  composer(v, st, T, conn.send, msgs, ui.showError, sv.fresh);
  const facts = tracking(k, conn.send, cv.add);

  // The site's look as the server has it now; drawn at once on the next page too.
  const restyle = ({ color, position, launcher }: Look) => {
    const look: Look = { color, position, launcher };
    if (JSON.stringify(look) === JSON.stringify(st.look)) return;
    st.look = look;
    store(localStorage, k.look, JSON.stringify(look));
    if (v.host.isConnected) dress(v, look, script.dataset.color);
  };

  const start = () => {
    document.body.append(v.host);
    dress(v, st.look, script.dataset.color);
    ui.update();
    ui.setOpen(store(sessionStorage, k.open) === '1', false);
    conn.connect();
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
