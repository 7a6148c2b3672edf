// The Tiski widget: embedded on a shop's page with
//   <script async src="https://HOST/widget.js" data-site="SITE_KEY"></script>
// Plain DOM in a shadow root (the shop's CSS cannot reach it, ours cannot leak), no
// framework, nothing written to the page's console. Protocol: docs/protocol.md.
import type { Message, VisitorConv, VisitorServerFrame, SiteInfo, VisitorClientFrame } from '../protocol.gen';
import { VISITOR_PATH } from '../protocol.gen';
import { Thread, backoff, newCid, pickLang } from './logic';
import { strings } from './i18n';
import { css } from './style';

(() => {
  const script = (document.currentScript || document.querySelector('script[data-site]')) as HTMLScriptElement | null;
  const site = script?.dataset.site;
  if (!script || !site || (window as any).__tiski) return;
  (window as any).__tiski = 1;
  const wsUrl = new URL(VISITOR_PATH, script.src).href.replace(/^http/, 'ws');
  const lang = pickLang(script.dataset.lang, document.documentElement.lang, navigator.language);
  const T = strings(lang);
  const tokenKey = 'tiski:v:' + site;
  const openKey = 'tiski:o:' + site;
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
  host.style.setProperty('--c', script.dataset.color || '#1d5c3f');

  const launch = el('button', 'l', { type: 'button', 'aria-label': T.open });
  launch.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';
  const launchText = el('span');
  launchText.textContent = T.launch;
  const badge = el('span', 'b');
  badge.hidden = true;
  launch.append(launchText, badge);

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
  const list = el('ol', 'm', { 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const typing = el('div', 'ty', { 'aria-live': 'polite' });
  const err = el('div', 'e', { role: 'alert' });
  err.hidden = true;
  const form = el('form', 'f');
  const input = el('textarea', '', { rows: '1', 'aria-label': T.input, placeholder: T.input, maxlength: '4000' });
  const send = el('button', 'sb', { type: 'submit' });
  send.textContent = T.send;
  form.append(input, send);
  panel.append(head, list, typing, err, form);
  root.append(launch, panel);

  // ---- state
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

  const sendFrame = (f: VisitorClientFrame) => {
    if (ws && ready) ws.send(JSON.stringify(f));
  };

  const bubble = (cls: string, text: string, who?: string) => {
    const li = el('li', cls);
    if (who) {
      const i = el('i');
      i.textContent = who;
      li.append(i);
    }
    li.append(text);
    list.append(li);
    list.scrollTop = list.scrollHeight;
    return li;
  };

  const renderMessage = (m: Message) => {
    if (m.author === 'visitor') bubble('v', m.body);
    else if (m.author === 'agent') bubble('a', m.body, m.name || T.agent);
    else bubble('s', m.body);
  };

  // The site greeting shown before a conversation exists; the stored copy (seq 1) replaces it.
  let greeting: HTMLLIElement | null = null;

  // Whole re-render (welcome): greeting if no conversation yet, then every message, then pending.
  const render = () => {
    list.textContent = '';
    greeting = null;
    const msgs = thread.all();
    if (!msgs.some((m) => conv && m.conv === conv.id) && info?.greeting) greeting = bubble('s', info.greeting);
    msgs.forEach(renderMessage);
    for (const p of pending.values()) list.append(p.li);
    list.scrollTop = list.scrollHeight;
  };

  const showStatus = () => {
    name.textContent = info?.name || '';
    avatar.textContent = (conv?.agent || info?.name || 'T').charAt(0).toUpperCase();
    status.textContent = !ready && welcomed ? T.offline : conv?.status === 'active' && conv.agent ? conv.agent + T.joined : conv?.status === 'waiting' ? queueText || T.waiting : T.online;
  };

  const setOpen = (open: boolean, focus = true) => {
    panel.hidden = !open;
    launch.hidden = open;
    store(sessionStorage, openKey, open ? '1' : null);
    if (open) {
      unread = 0;
      badge.hidden = true;
      list.scrollTop = list.scrollHeight;
      if (focus) input.focus();
    } else if (focus) launch.focus();
  };

  const showError = (text: string) => {
    err.textContent = text;
    err.hidden = !text;
  };

  // ---- socket
  const onFrame = (f: VisitorServerFrame) => {
    switch (f.t) {
      case 'welcome':
        store(localStorage, tokenKey, f.token);
        info = f.site;
        conv = f.conv || null;
        welcomed = true;
        attempt = 0;
        thread.merge(f.msgs);
        render();
        showStatus();
        showError('');
        for (const [cid, p] of pending) sendFrame({ t: 'send', cid, body: p.body });  // same cid: never stored twice
        break;
      case 'ack': {
        const p = pending.get(f.cid);
        if (!p) break;
        pending.delete(f.cid);
        p.li.classList.remove('q');
        p.li.removeAttribute('title');
        thread.merge([{ conv: f.conv, seq: f.seq, author: 'visitor', body: p.body, at: f.at, cid: f.cid }]);
        break;
      }
      case 'msg':
        if (thread.merge([f.m]).length) {
          if (f.m.author === 'visitor' && f.m.cid && pending.has(f.m.cid)) break;
          if (f.m.author === 'system' && f.m.seq === 1 && greeting) {
            greeting = null;  // already on screen, in the right place
            break;
          }
          renderMessage(f.m);
          if (f.m.author === 'agent') {
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
        if (conv.status !== 'waiting') queueText = '';
        if (conv.status === 'closed') {
          bubble('n', T.ended);
          conv = null;
          typing.textContent = '';
        }
        showStatus();
        break;
      case 'error':
        if (f.cid && pending.has(f.cid)) {
          pending.get(f.cid)!.li.remove();
          pending.delete(f.cid);
        }
        showError((T as any)[f.code] || T.error);
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
    sock.onopen = () => {
      ready = true;
      const hello: VisitorClientFrame = {
        t: 'hello', site, lang,
        page: { url: location.href.slice(0, 2048), title: document.title.slice(0, 300) },
      };
      const token = store(localStorage, tokenKey);
      if (token) hello.token = token;
      // On a reconnect within this page ask only for what we miss; on a page load for all.
      if (welcomed && conv) hello.last_seq = thread.lastSeq(conv.id);
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
    const li = bubble('v q', body);
    li.title = T.sending;
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
  launch.addEventListener('click', () => setOpen(true));
  min.addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') setOpen(false);
  });

  const start = () => {
    document.body.append(host);
    setOpen(store(sessionStorage, openKey) === '1', false);
    showStatus();
    connect();
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
