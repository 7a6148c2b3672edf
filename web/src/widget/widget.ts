// The Tiski widget: embedded on a shop's page with
//   <script async src="https://HOST/widget.js" data-site="SITE_KEY"></script>
// Plain DOM in a shadow root, no framework, nothing written to the page's console. Protocol:
// docs/protocol.md. widget.js is what every page view loads: the launcher, the socket, the
// tracking and the page's API. The chat itself is its own file, fetched when first needed
// (chat_lazy.ts). This file reads the script tag and wires the parts:
//   shell.ts       the host and the launcher in the corner, in the site's colour and corner
//   connection.ts  the socket: hello/welcome, resync by last_seq, reconnect, ping
//   tracking.ts    page, visit, idle and cart
//   convert_lazy.ts the tiski_visitor cookie; the page's conversions, tiski('track', ...),
//                  checked and sent by convert.ts, its own file fetched when there are some
//   page_api.ts    the page's API window.tiski(...): set, track, identify, open, close, hide, show, on
//   chat_lazy.ts   fetches the chat when needed; the server's frames wait for it till then
//   storage.ts     what it keeps in the browser
//   logic.ts       the pure logic, unit-tested in web/test/logic.test.mjs
// The chat's own file (chat_chunk.ts; chat.ts wires it):
//   view.ts        builds the chat's DOM: panel, composer, teaser (leave.ts: the offline parts)
//   panel.ts       what shows, the header's status, opening and closing, focus on a phone
//   messages.ts    the messages list
//   composer.ts    sending messages and typing
//   files.ts       sending files (the paperclip) and showing those in messages
//   frames.ts      what the server's frames do, fetching earlier messages
//   invitation.ts  proactive invitations
//   survey.ts      the satisfaction survey after a chat closes (its own file: survey_lazy.ts)
//   state.ts       what the chat knows
// The launcher and the chat are built in the visitor's language, and built again when the page
// changes it (tiski('set', {lang})); what the chat knows and the socket stay.
import type { IdentityIn } from '../protocol.gen';
import { VISITOR_PATH } from '../protocol.gen';
import { langOf, pickLang, toIdentity, type Lang } from './logic';
import { keys, readJson, store } from './storage';
import { connection } from './connection';
import { tracking } from './tracking';
import { lazyConversions } from './convert_lazy';
import { dress, shell, type Look, type Shell } from './shell';
import { lazyChat } from './chat_lazy';
import { pageApi } from './page_api';

(() => {
  const script = (document.currentScript || document.querySelector('script[data-site]')) as HTMLScriptElement | null;
  const site = script?.dataset.site;
  if (!script || !site || window.__tiski) return;
  window.__tiski = 1;
  const url = new URL(VISITOR_PATH, script.src).href.replace(/^http/, 'ws');
  let lang: Lang = pickLang(script.dataset.lang, document.documentElement.lang, navigator.language);
  const k = keys(site);
  let live = store(sessionStorage, k.live) !== '0';  // live chat open (welcome, avail)
  let look = readJson<Look>(localStorage, k.look);
  let identity: IdentityIn | null = null;  // tiski('identify', ...): sent in every hello
  let shown = true;  // tiski('hide') / tiski('show')
  let sh: Shell | undefined;  // on the page (from start)
  let opening = false;  // to open once the chat is here (the launcher clicked, tiski('open'))

  const conn = connection({
    url,
    tokenKey: k.token,
    hello: () => ({ t: 'hello', site, lang, ...facts(), ...(identity ? { identity } : {}) }),
    lastSeq: () => chat.get()?.lastSeq() || 0,
    onFrame: (f) => {
      if (f.t === 'converted') return cv.converted(f);
      // Without a cid and before the chat was ever here, an error can only answer a conversion.
      if (f.t === 'error' && !f.cid && !chat.get() && cv.error(f)) return;
      if (f.t === 'welcome') {
        restyle(f.site);
        cv.welcome(f.token);
      }
      if (f.t === 'welcome' || f.t === 'avail') {
        live = f.open !== false;
        if (!chat.get()) {  // else the chat's panel names the launcher
          store(sessionStorage, k.live, live ? null : '0');
          sh?.label(live);
        }
      }
      chat.onFrame(f);
      if (f.t === 'welcome') facts.resync();  // a cart set while the hello was on its way
    },
    onDown: () => chat.get()?.onDown(),
  });
  const cv = lazyConversions(k, conn, script.src);
  const facts = tracking(k, conn.send);
  const chat = lazyChat(
    { src: script.src, k, conn, cv, emit: (e, detail) => page.emit(e, detail) },
    () => ({ sh: sh!, lang, open: store(sessionStorage, k.open) === '1', live }),
    (c) => opening && c.setOpen(true),
  );

  // The launcher drawn in lang, on the page, in the site's look; reaching for it fetches the chat.
  const place = () => {
    const s = (sh = shell(lang, () => look));
    s.label(live);
    document.body.append(s.host);
    dress(s, look, script.dataset.color);
    show(shown);
    for (const ev of ['pointerenter', 'focus', 'touchstart']) s.launch.addEventListener(ev, chat.load, { passive: true });
    s.launch.addEventListener('click', () => chat.get() || open(true));  // else the chat's own listener opens it
  };

  // The site's look as the server has it now; drawn at once on the next page too (the welcome's
  // site info is kept whole: its name, greeting and languages ride along, a few hundred bytes).
  const restyle = (site: Look) => {
    const next = JSON.stringify(site);
    if (next === JSON.stringify(look)) return;
    store(localStorage, k.look, next);
    look = site;
    if (sh) dress(sh, look, script.dataset.color);
  };
  const show = (on: boolean) => {
    shown = on;
    if (sh) sh.host.style.display = on ? '' : 'none';
  };
  // Before the start (calls queued by the page), opened with the page as a tab's open panel is;
  // after it, opened (and told to the page) when the chat arrives.
  const open = (on: boolean) => {
    const c = chat.get();
    if (c) return c.setOpen(on);
    opening = on && !!sh;
    store(sessionStorage, k.open, on && !sh ? '1' : null);
    if (opening) chat.load();
  };

  const page = pageApi({
    set: (a) => {
      if (!a || typeof a !== 'object') return;
      facts.setCart(a as Record<string, unknown>);
      const l = langOf((a as { lang?: unknown }).lang);
      if (!l || l === lang) return;
      lang = l;
      if (!sh) return;  // the widget is built in it
      // Built again in the new language; a new hello brings the greeting in it.
      sh.host.remove();
      place();
      chat.get()?.rebuild(sh, lang);
      conn.restart(false);
    },
    track: cv.track,
    identify: (a) => {
      const next = toIdentity(a);
      if (JSON.stringify(next) === JSON.stringify(identity)) return;
      identity = next;
      const had = store(localStorage, k.ident);
      store(localStorage, k.ident, next && next.id);
      // Logged out: this browser's visitor was the customer's; the next person starts afresh.
      if (!next && had) store(localStorage, k.token, null);
      if (!sh || (!next && !had)) return;  // the first hello carries it / nothing changes
      // Another customer (or none): their own conversations, from a fresh hello.
      chat.get()?.forget();
      conn.restart(true);
    },
    open: () => open(true),
    close: () => open(false),
    hide: () => show(false),
    show: () => show(true),
  });

  const start = () => {
    place();
    if (store(sessionStorage, k.open) === '1') chat.load();  // open in this tab: at once
    conn.connect();
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
