// The Tiski widget: embedded on a shop's page with
//   <script async src="https://HOST/widget.js" data-site="SITE_KEY"></script>
// Plain DOM in a shadow root (the shop's CSS cannot reach it, ours cannot leak), no
// framework, nothing written to the page's console. Protocol: docs/protocol.md.
import type { Message, VisitorConv, VisitorServerFrame, SiteInfo, VisitorClientFrame, VisitorClientLeave, VisitorServerAck } from '../protocol.gen';
import { VISITOR_PATH } from '../protocol.gen';
import { DEFAULT_COLOR, Thread, backoff, brandColor, bytes, clock, inkOn, isEmail, layout, newCid, nextVisit, opensWhen, pickLang, rgbOf, splitLinks, toCart } from './logic';
import type { CartIn, VisitState } from './logic';
import { errorText, strings } from './i18n';
import { css } from './style';

// What the widget keeps on the page's window: that it is loaded (a second copy of the script stays
// idle), and the page's API, tiski('set', {...}); calls made before the widget loaded wait in its q.
type TiskiApi = ((cmd: string, arg?: unknown) => void) & { q?: ArrayLike<unknown>[] };
declare global {
  interface Window {
    __tiski?: number;
    tiski?: TiskiApi;
  }
}

(() => {
  const script = (document.currentScript || document.querySelector('script[data-site]')) as HTMLScriptElement | null;
  const site = script?.dataset.site;
  if (!script || !site || window.__tiski) return;
  window.__tiski = 1;
  const wsUrl = new URL(VISITOR_PATH, script.src).href.replace(/^http/, 'ws');
  const lang = pickLang(script.dataset.lang, document.documentElement.lang, navigator.language);
  const T = strings(lang);
  const tokenKey = 'tiski:v:' + site;
  const openKey = 'tiski:o:' + site;
  // The address left with the leave-a-message form or the waiting banner, for one conversation:
  // {c: conversation, e: email, s: seq of the message sent with it (0: none)}.
  const mailKey = 'tiski:e:' + site;
  const liveKey = 'tiski:a:' + site;  // the last known availability, so that a page load does not flicker
  const visitKey = 'tiski:visit:' + site;  // this tab's visit (sessionStorage)
  const cartKey = 'tiski:cart:' + site;  // the cart the page last set (sessionStorage)
  const store = (s: Storage, k: string, v?: string | null) => {
    try {
      if (v === undefined) return s.getItem(k);
      v === null ? s.removeItem(k) : s.setItem(k, v);
    } catch {}
    return null;
  };

  // ---- DOM
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', attrs: Record<string, string> = {}) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  };
  const host = el('div', '', { id: 'tiski-widget' });
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${css}</style>`;
  // The brand colour (data-color, if it is one) and the text colour that reads on it.
  const paint = () => {
    const c = brandColor(script.dataset.color, (v) => CSS.supports('color', v));
    const p = el('i');
    p.style.color = c;
    root.append(p);
    const rgb = rgbOf(getComputedStyle(p).color);
    p.remove();
    const clear = !!rgb && rgb[3] < 1;  // see-through: the header and bubbles would vanish
    const dark = !!rgb && !clear && inkOn(rgb) !== '#fff';  // a light colour: dark text on it
    const set = (k: string, v: string) => host.style.setProperty(k, v);
    set('--c', clear ? DEFAULT_COLOR : c);
    set('--i', dark ? '#111' : '#fff');
    set('--d', dark ? `color-mix(in srgb,${c} 45%,#000)` : 'var(--c)');
  };

  const icon = (d: string, line?: 1) =>
    `<svg viewBox="0 0 24 24" aria-hidden="true"><path ${line ? 'fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" ' : ''}d="${d}"/></svg>`;
  const chatIcon = icon('M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z');
  const mailIcon = icon('M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm-1 2 9 6 9-6', 1);

  const launch = el('button', 'l', { type: 'button' });
  const launchIcon = el('span', 'ic');
  const launchText = el('span');
  const badge = el('span', 'b');
  badge.hidden = true;
  launch.append(launchIcon, launchText, badge);

  const panel = el('section', 'p', { role: 'dialog', 'aria-label': T.launch });
  panel.hidden = true;
  const head = el('header', 'h');
  const avatar = el('div', 'av', { 'aria-hidden': 'true' });
  const title = el('div', 't');
  const name = el('b');
  const status = el('span');
  title.append(name, status);
  const min = el('button', 'x', { type: 'button', 'aria-label': T.min });
  min.textContent = '–';
  head.append(avatar, title, min);
  const list = el('ol', 'm', { 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: '-1' });
  // "Show earlier messages", at the top of the list while the conversation has earlier ones.
  const moLi = el('li', 'mo');
  const moBtn = el('button', '', { type: 'button' });
  moBtn.textContent = T.more;
  moLi.append(moBtn);
  const typing = el('div', 'ty', { 'aria-live': 'polite' });
  const err = el('div', 'e', { role: 'alert' });
  err.hidden = true;
  const form = el('form', 'f');
  const input = el('textarea', '', { rows: '1', 'aria-label': T.input, placeholder: T.input, maxlength: '4000' });
  const send = el('button', 'sb', { type: 'submit' });
  send.textContent = T.send;
  form.append(input, send);

  // Form parts: a field is its label (above; after a checkbox; or only aria-label), the
  // control and an error line that describes it.
  let uid = 0;
  const inp = (type: string, ac?: string) => el('input', '', ac ? { type, autocomplete: ac } : { type });
  const field = (c: HTMLInputElement | HTMLTextAreaElement, text: string, kind = 0) => {
    const w = el('div', 'fd');
    const e = el('p', 'fe', { id: 'tk' + ++uid });
    e.hidden = true;
    c.setAttribute('aria-describedby', e.id);
    if (kind === 2) {
      c.setAttribute('aria-label', text);
      c.placeholder = text;
      w.append(c);
    } else {
      const l = el('label', kind ? 'cb' : '');
      const s = el('span');
      s.textContent = text;
      kind ? l.append(c, s) : l.append(s, c);
      w.append(l);
    }
    w.append(e);
    return w;
  };
  const setBad = (c: HTMLElement, text = '') => {
    const e = c.closest('.fd')?.lastElementChild as HTMLElement | null;
    if (!e) return;
    e.textContent = text;
    e.hidden = !text;
    text ? c.setAttribute('aria-invalid', 'true') : c.removeAttribute('aria-invalid');
  };

  // The leave-a-message form: instead of the thread while live chat is closed.
  const lf = el('form', 'lf', { novalidate: '' });
  const intro = el('p', 'in', { id: 'tk0' });
  intro.innerHTML = `<span class="ib">${mailIcon}</span>`;
  const introText = el('span');
  const opensLine = el('b');  // "Chat opens again Mon 9:00 AM."
  introText.append(T.intro, opensLine);
  intro.append(introText);
  const fName = inp('text', 'name');
  fName.maxLength = 50;
  const fMail = inp('email', 'email');
  const fMsg = el('textarea', '', { rows: '4', maxlength: '4000' });
  const fOk = inp('checkbox');
  const fBtn = el('button', 'lb', { type: 'submit' });
  fMail.required = fMsg.required = fOk.required = true;
  lf.append(intro, field(fName, T.name), field(fMail, T.email), field(fMsg, T.message), field(fOk, T.consent, 1), fBtn);

  // The banner above the input of a waiting chat when live chat closes: leave an address.
  const bn = el('form', 'bn', { novalidate: '', 'aria-labelledby': 'tkb' });
  const bText = el('p', '', { id: 'tkb' });
  bText.textContent = T.nobody;
  const bMail = inp('email', 'email');
  const bOk = inp('checkbox');
  const bBtn = el('button', 'sb', { type: 'submit' });
  bMail.required = bOk.required = true;
  const bRow = el('div', 'br');
  bRow.append(field(bMail, T.email, 2), bBtn);
  bn.append(bText, bRow, field(bOk, T.consent2, 1));

  // "We will answer by email to …" above the input of a conversation with an address.
  const mb = el('div', 'mb');
  mb.innerHTML = mailIcon;
  const mbText = el('span');
  mb.append(mbText);
  const sr = el('div', 'sr', { role: 'status' });  // announcements for screen readers

  panel.append(head, list, typing, err, form, sr);
  // The teaser: a proactive invitation as a small bubble above the launcher.
  const tz = el('div', 'tz');
  tz.hidden = true;
  const tzText = el('button', 'tt', { type: 'button' });
  const tzX = el('button', 'tx', { type: 'button', 'aria-label': T.close });
  tzX.textContent = '×';
  tz.append(tzText, tzX);
  root.append(tz, launch, panel);

  // ---- state
  const phone = matchMedia('(max-width:480px)');  // the panel is full screen there
  const thread = new Thread();
  const pending = new Map<string, { body: string; li: HTMLLIElement }>();
  let info: SiteInfo | null = null;
  let conv: VisitorConv | null = null;
  let ws: WebSocket | null = null;
  let ready = false;
  let attempt = 0;
  let welcomed = false;
  let unread = 0;
  let typingSent = 0;
  let typingOff: number | undefined;
  let typingHide: number | undefined;
  let queueText = '';
  let live = store(sessionStorage, liveKey) !== '0';  // live chat is open (welcome.open, avail)
  let lv: VisitorClientLeave | null = null;  // a leave frame on its way, kept until acknowledged
  let formShown = false;
  let invite: { rule: number; text: string } | null = null;  // a proactive invitation on screen
  let opensAt: number | undefined;  // when live chat opens again (business hours), if closed for that
  let earlier = false;  // the open conversation has messages before the first one held
  let asking = false;  // an older frame is on its way
  let sentLast = 0;  // last_seq of the latest hello
  let fill = 0;  // filling the gap after a reconnect: fetch older pages down to this seq

  const left = (): { c: number; e: string; s: number } | null => {
    try {
      return JSON.parse(store(localStorage, mailKey) || 'null');
    } catch {
      return null;
    }
  };
  const mailTo = (): string => {
    const l = left();
    return (conv && l?.c === conv.id && l.e) || '';
  };

  const sendFrame = (f: VisitorClientFrame) => {
    if (ws && ready) ws.send(JSON.stringify(f));
  };

  // A message's time (0: not acknowledged yet: "Sending…").
  const stamp = (li: HTMLElement, at: number) => {
    (li.querySelector('time') || li.appendChild(el('time'))).textContent = at ? clock(at, lang) : T.sending;
  };

  // A bubble: text nodes, its http(s) URLs as links (never HTML from the text), the time.
  const bubble = (cls: string, text: string, who?: string, at?: number) => {
    const li = el('li', cls);
    if (who) {
      const i = el('i');
      i.textContent = who;
      li.append(i);
    }
    splitLinks(text).forEach((s, i) => {
      if (i % 2) {
        const a = el('a', '', { href: s, target: '_blank', rel: 'noopener noreferrer' });
        a.textContent = s;
        li.append(a);
      } else if (s) li.append(s);
    });
    if (at != null) stamp(li, at);
    list.append(li);
    list.scrollTop = list.scrollHeight;
    return li;
  };

  const renderMessage = (m: Message) =>
    bubble(m.author === 'visitor' ? 'v' : m.author === 'agent' ? 'a' : 's', m.body, m.author === 'agent' ? m.name || T.agent : '', m.at);

  // The site greeting shown before a conversation exists; the stored copy (seq 1) replaces it.
  let greeting: HTMLLIElement | null = null;

  // Whole re-render (welcome, earlier messages): greeting if no conversation yet, then every
  // message, then pending. keep: the messages on screen stay where they are (earlier ones above).
  const render = (keep?: boolean) => {
    const below = list.scrollHeight - list.scrollTop;
    const wasOn = root.activeElement === moBtn;
    list.textContent = '';
    if (earlier && conv) list.append(moLi);
    greeting = null;
    const msgs = thread.all();
    const hello = invite?.text || info?.greeting;  // an invitation's text greets instead of the site's
    if (!msgs.some((m) => conv && m.conv === conv.id) && hello) greeting = bubble('s', hello);
    const l = left();
    for (const m of msgs) {
      renderMessage(m);
      if (l?.s && l.c === m.conv && l.s === m.seq) thanks(l.e);
    }
    for (const [cid, p] of pending) if (!msgs.some((m) => m.cid === cid)) list.append(p.li);
    list.scrollTop = keep ? list.scrollHeight - below : list.scrollHeight;
    if (wasOn) (moLi.isConnected ? moBtn : list).focus();  // all loaded: focus stays in the list
  };

  const ask = (before: number) => {
    asking = true;
    sendFrame({ t: 'older', before });
  };

  // The note under the visitor's message sent with the leave-a-message form.
  const thanks = (email: string) => bubble('k', T.answerTo + email + '.', T.thanks).insertAdjacentHTML('afterbegin', mailIcon);

  const showStatus = () => {
    name.textContent = info?.name || '';
    avatar.textContent = (conv?.agent || info?.name || 'T').charAt(0).toUpperCase();
    status.textContent =
      !ready && welcomed ? T.offline
      : conv?.status === 'active' && conv.agent ? conv.agent + T.joined
      : mailTo() ? T.byMail
      : !live ? T.away
      : conv?.status === 'waiting' ? queueText || T.waiting
      : T.online;
  };

  const focusMain = () => (formShown ? fName : input).focus();

  // Shows the parts the state calls for (see layout() in logic.ts).
  const update = () => {
    const to = mailTo();
    const v = layout(live, conv, !!lv?.body, to, !!conv && thread.all().some((m) => m.conv === conv!.id && m.author === 'agent'));
    const had = root.activeElement;
    if (v.form !== formShown) {
      // A half-written message moves between the chat input and the form.
      const [a, b] = v.form ? [input, fMsg] : [fMsg, input];
      if (a.value.trim() && !b.value) {
        b.value = a.value;
        a.value = '';
      }
      formShown = v.form;
    }
    list.hidden = typing.hidden = v.form;
    mbText.textContent = T.byMailTo + to + '.';
    const opens = opensAt ? T.opens + opensWhen(opensAt, Date.now(), lang, T.today) + '.' : '';
    opensLine.textContent = opens;
    bText.textContent = T.nobody + (opens && ' ' + opens);
    let prev: Element = err;
    for (const [n, on] of [[bn, v.banner], [mb, v.mail], [form, !v.form], [lf, v.form]] as [Element, boolean][]) {
      if (!on) n.remove();
      else {
        if (prev.nextSibling !== n) prev.after(n);
        prev = n;
      }
    }
    // Focus stays where it was, or moves to the matching field (the draft went with it).
    if (had && !had.isConnected && !panel.hidden) (had === input ? fMsg : had === fMsg ? input : formShown ? fName : input).focus();
    fBtn.textContent = lv?.body ? T.sending : T.sendMsg;
    bBtn.textContent = lv && !lv.body ? T.sending : T.save;
    fBtn.setAttribute('aria-disabled', String(!!lv));
    bBtn.setAttribute('aria-disabled', String(!!lv));
    store(sessionStorage, liveKey, live ? null : '0');
    launchText.textContent = live ? T.launch : T.leave;
    launchIcon.innerHTML = live ? chatIcon : mailIcon;
    panel.setAttribute('aria-label', live ? T.launch : T.leave);
    v.form ? panel.setAttribute('aria-describedby', intro.id) : panel.removeAttribute('aria-describedby');
    showStatus();
  };

  const setOpen = (open: boolean, focus = true) => {
    if (!open && invite && !conv) dismiss();  // closed without answering
    tz.hidden = true;
    panel.hidden = !open;
    panel.setAttribute('aria-modal', String(phone.matches));
    launch.hidden = open;
    store(sessionStorage, openKey, open ? '1' : null);
    if (open) {
      unread = 0;
      badge.hidden = true;
      list.scrollTop = list.scrollHeight;
      if (focus) focusMain();
    } else if (focus) launch.focus();
  };

  const showError = (text: string) => {
    err.textContent = text;
    err.hidden = !text;
  };

  // The leave frame was stored: remember the address, show the message and the thank-you note.
  const leaveDone = (f: VisitorServerAck) => {
    const { email, body } = lv!;
    lv = null;
    store(localStorage, mailKey, JSON.stringify({ c: f.conv, e: email, s: body ? f.seq : 0 }));
    if (conv?.id !== f.conv) conv = { id: f.conv, status: 'waiting' };
    if (body) {
      greeting?.remove();
      greeting = null;
      if (thread.merge([{ conv: f.conv, seq: f.seq, author: 'visitor', body, at: f.at, cid: f.cid }]).length) bubble('v', body, '', f.at);
      thanks(email);
      lf.reset();
    } else bn.reset();
    sr.textContent = (body ? T.thanks + ' ' + T.answerTo : T.byMailTo) + email + '.';
    update();
  };

  const dismiss = () => {
    sendFrame({ t: 'dismiss', rule: invite!.rule });
    invite = null;
    tz.hidden = true;
    render();
  };

  // ---- tracking: the page, the visit, idleness and the cart (docs/proactive.md)
  const json = (k: string) => {
    try {
      return JSON.parse(store(sessionStorage, k) || 'null');
    } catch {
      return null;
    }
  };
  const visit: VisitState = nextVisit(json(visitKey), location.href, document.referrer, Date.now(), newCid);
  store(sessionStorage, visitKey, JSON.stringify(visit));
  let cart: CartIn | null = json(cartKey);
  if (!/^[A-Z]{3}$/.test(cart?.currency as string)) cart = null;  // stored by an older widget
  const pageNow = () => {
    const c = (document.body?.dataset.tiskiCategory || document.documentElement.dataset.tiskiCategory ||
      document.querySelector<HTMLMetaElement>('meta[name="tiski:category"]')?.content || '').slice(0, 100);
    return { url: location.href.slice(0, 2048), title: document.title.slice(0, 300), ...(c ? { category: c } : {}) };
  };
  let idle = false;
  let active = Date.now();
  for (const ev of ['pointermove', 'pointerdown', 'keydown', 'scroll', 'touchstart', 'wheel']) {
    addEventListener(ev, () => {
      active = Date.now();
      if (idle) sendFrame({ t: 'track', idle: (idle = false) });
    }, { passive: true, capture: true });
  }
  // Idle after 5 s without activity; idle_ms says since when, so rules count from the activity.
  setInterval(() => {
    const ms = Date.now() - active;
    if (!idle && ms >= 5000) sendFrame({ t: 'track', idle: (idle = true), idle_ms: ms });
  }, 1000);
  // Single-page shops: a new URL without a load is a page view too.
  let href = location.href;
  const moved = () => {
    if (location.href === href) return;
    href = location.href;
    store(sessionStorage, visitKey, JSON.stringify({ ...visit, pages: ++visit.pages }));
    sendFrame({ t: 'page', page: pageNow(), pages: visit.pages });
  };
  for (const m of ['pushState', 'replaceState'] as const) {
    const orig = history[m];
    history[m] = function (this: History, ...a: Parameters<History['pushState']>) {
      const r = orig.apply(this, a);
      setTimeout(moved);
      return r;
    };
  }
  addEventListener('popstate', moved);
  // The page's API: tiski('set', {cart: {value, currency, items}}), also queued before we loaded.
  const api = (cmd: unknown, arg?: unknown) => {
    if (cmd !== 'set' || !arg || typeof arg !== 'object' || !('cart' in arg)) return;
    const c = toCart(arg.cart);
    if (!c || JSON.stringify(c) === JSON.stringify(cart)) return;
    cart = c;
    store(sessionStorage, cartKey, JSON.stringify(c));
    sendFrame({ t: 'track', cart: c });
  };
  const queued = window.tiski?.q || [];
  window.tiski = api;
  for (const a of queued) api(a[0], a[1]);

  // ---- socket
  const onFrame = (f: VisitorServerFrame) => {
    switch (f.t) {
      case 'invite':
        if (conv || !panel.hidden || !live) break;
        invite = { rule: f.rule, text: f.text };
        render();
        if (f.mode === 'open') setOpen(true, false);
        else {
          tzText.textContent = f.text;
          tz.hidden = false;
        }
        break;
      case 'welcome': {
        const same = !!conv && f.conv?.id === conv.id;
        store(localStorage, tokenKey, f.token);
        info = f.site;
        conv = f.conv || null;
        live = f.open !== false;
        opensAt = f.opens_at;
        if (left()?.c !== conv?.id) store(localStorage, mailKey, null);  // that conversation is over
        welcomed = ready = true;
        attempt = 0;
        thread.merge(f.msgs);
        asking = false;
        fill = 0;
        if (same && sentLast) {
          // A reconnect: more means a gap between what we hold and msgs; fill it.
          if (f.more && f.msgs.length) {
            fill = sentLast;
            ask(f.msgs[0].seq);
          }
        } else earlier = !!conv && (f.more || (!!sentLast && f.msgs[0]?.seq !== 1));  // another conversation: from its start
        render();
        update();
        showError('');
        for (const [cid, p] of pending) sendFrame({ t: 'send', cid, body: p.body });  // same cid: never stored twice
        if (lv) sendFrame(lv);
        break;
      }
      case 'older':
        asking = false;
        if (f.conv !== conv?.id) break;
        thread.merge(f.msgs);
        if (!fill) {
          earlier = f.more;
          render(true);
          break;
        }
        if (f.more && f.msgs.length && f.msgs[0].seq > fill + 1) ask(f.msgs[0].seq);
        else fill = 0;
        render();
        break;
      case 'avail':
        live = f.open;
        opensAt = f.opens_at;
        update();
        break;
      case 'ack': {
        if (lv?.cid === f.cid) {
          leaveDone(f);
          break;
        }
        const p = pending.get(f.cid);
        if (!p) break;
        pending.delete(f.cid);
        p.li.classList.remove('q');
        stamp(p.li, f.at);
        thread.merge([{ conv: f.conv, seq: f.seq, author: 'visitor', body: p.body, at: f.at, cid: f.cid }]);
        break;
      }
      case 'msg':
        if (thread.merge([f.m]).length) {
          if (f.m.author === 'visitor' && f.m.cid && pending.has(f.m.cid)) break;
          if (f.m.author === 'system' && f.m.seq === 1 && greeting) {
            stamp(greeting, f.m.at);
            greeting = null;  // already on screen, in the right place
            break;
          }
          renderMessage(f.m);
          if (f.m.author === 'agent') {
            update();
            typing.textContent = '';
            if (panel.hidden) {
              badge.textContent = String(++unread);
              badge.hidden = false;
            }
          }
        }
        break;
      case 'typing':
        typing.textContent = f.on ? (f.name || T.agent) + T.typing : '';
        clearTimeout(typingHide);
        if (f.on) typingHide = window.setTimeout(() => (typing.textContent = ''), 6000);
        break;
      case 'queue':
        queueText = T.queue + f.position + (f.eta > 0 ? T.eta + Math.max(1, Math.round(f.eta / 60))+ T.mins : '');
        showStatus();
        break;
      case 'conv':
        conv = f.conv;
        invite = null;  // answered: the conversation carries it now
        if (conv.status !== 'waiting') queueText = '';
        if (conv.status === 'closed') {
          bubble('n', T.ended);
          conv = null;
          earlier = false;
          moLi.remove();
          typing.textContent = '';
          store(localStorage, mailKey, null);
        }
        update();
        break;
      case 'error':
        asking = false;
        if (lv && lv.cid === f.cid) {
          // Refused: keep what was typed, point at the field to fix (the server checks the
          // address too), or say why.
          const c = f.code === 'bad_request' ? (lv.body ? fMail : bMail) : f.code === 'too_large' && lv.body ? fMsg : null;
          lv = null;
          if (c) {
            setBad(c, f.code === 'too_large' ? T.too_large : T.badEmail);
            if (!panel.hidden) c.focus();
          } else showError(errorText(f.code, T));
          update();
          break;
        }
        if (f.cid && pending.has(f.cid)) {
          pending.get(f.cid)!.li.remove();
          pending.delete(f.cid);
        }
        showError(errorText(f.code, T));
        break;
    }
  };

  const connect = () => {
    let sock: WebSocket;
    try {
      sock = new WebSocket(wsUrl);
    } catch {
      return;
    }
    ws = sock;
    sock.onopen = () => {  // ready (for other frames) once welcomed
      const { id, start, pages, ...from } = visit;
      const hello: VisitorClientFrame = {
        t: 'hello', site, lang, page: pageNow(), idle,
        visit: { id, age_s: Math.max(0, Math.round((Date.now() - start) / 1000)), pages, ...from },
      };
      if (idle) hello.idle_ms = Date.now() - active;
      if (cart) hello.cart = cart;
      const token = store(localStorage, tokenKey);
      if (token) hello.token = token;
      // On a reconnect within this page ask only for what we miss; on a page load for the newest.
      sentLast = welcomed && conv ? thread.lastSeq(conv.id) : 0;
      if (sentLast) hello.last_seq = sentLast;
      sock.send(JSON.stringify(hello));
    };
    sock.onmessage = (e) => {
      try {
        onFrame(JSON.parse(e.data));
      } catch {}
    };
    sock.onerror = () => {};
    sock.onclose = () => {
      ready = false;
      if (ws !== sock) return;
      ws = null;
      showStatus();
      setTimeout(connect, backoff(attempt++));
    };
  };
  setInterval(() => sendFrame({ t: 'ping' }), 25000);

  // ---- input
  const submit = () => {
    const body = input.value.trim();
    if (!body) return;
    if (body.length > 4000) return showError(T.too_large);
    const cid = newCid();
    const li = bubble('v q', body, '', 0);
    pending.set(cid, { body, li });
    input.value = '';
    showError('');
    clearTimeout(typingOff);
    if (typingSent) sendFrame({ t: 'typing', on: false });
    typingSent = 0;
    sendFrame({ t: 'send', cid, body });
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    const now = Date.now();
    if (conv && now - typingSent > 2000) {
      sendFrame({ t: 'typing', on: true });
      typingSent = now;
    }
    clearTimeout(typingOff);
    typingOff = window.setTimeout(() => {
      if (typingSent) sendFrame({ t: 'typing', on: false });
      typingSent = 0;
    }, 3000);
  });

  // Marks each control whose check failed (non-empty text) and focuses the first; true if none.
  const valid = (checks: [HTMLElement, string][]) => {
    checks.forEach(([c, t]) => setBad(c, t));
    const bad = checks.find((x) => x[1]);
    bad?.[0].focus();
    return !bad;
  };
  const leave = (f: VisitorClientLeave) => {
    lv = f;
    showError('');
    sendFrame(f);  // or after the next welcome
    update();
  };
  lf.addEventListener('submit', (e) => {
    e.preventDefault();
    const email = fMail.value.trim();
    const body = fMsg.value.trim();
    const name = fName.value.trim();
    const checks: [HTMLElement, string][] = [
      [fMail, isEmail(email) ? '' : T.badEmail],
      [fMsg, !body ? T.needMsg : bytes(body) > 4000 ? T.too_large : ''],
      [fOk, fOk.checked ? '' : T.needOk],
    ];
    if (lv || !valid(checks)) return;
    const f: VisitorClientLeave = { t: 'leave', cid: newCid(), email, body, consent: true };
    if (name) f.name = name;
    leave(f);
  });
  bn.addEventListener('submit', (e) => {
    e.preventDefault();
    const email = bMail.value.trim();
    if (lv || !valid([[bMail, isEmail(email) ? '' : T.badEmail], [bOk, bOk.checked ? '' : T.needOk]])) return;
    leave({ t: 'leave', cid: newCid(), email, consent: true });
  });
  for (const f of [lf, bn]) f.addEventListener('input', (e) => setBad(e.target as HTMLElement));
  addEventListener('storage', (e) => e.key === mailKey && update());  // another tab left an address
  launch.addEventListener('click', () => setOpen(true));
  tzText.addEventListener('click', () => setOpen(true));
  tzX.addEventListener('click', () => {
    dismiss();
    launch.focus();
  });
  min.addEventListener('click', () => setOpen(false));
  moBtn.addEventListener('click', () => !asking && conv && ask(thread.firstSeq(conv.id) || 1e15));
  // On a phone the open panel covers the page: Tab and Shift+Tab go round inside it.
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') setOpen(false);
    if (e.key !== 'Tab' || !phone.matches) return;
    const f = [...panel.querySelectorAll<HTMLElement>('a[href],button,input,textarea')].filter((x) => x.getClientRects().length);
    const a = root.activeElement as HTMLElement;
    const i = f.indexOf(a);
    if (i < 0 ? !panel.contains(a) : i === (e.shiftKey ? 0 : f.length - 1)) {
      e.preventDefault();
      f[e.shiftKey ? f.length - 1 : 0]?.focus();
    }
  });
  document.addEventListener('focusin', (e) => !panel.hidden && phone.matches && e.target !== host && focusMain());

  const start = () => {
    document.body.append(host);
    paint();
    update();
    setOpen(store(sessionStorage, openKey) === '1', false);
    connect();
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
