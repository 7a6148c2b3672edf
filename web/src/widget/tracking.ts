// What the widget tells the server about the visitor's tab (docs/proactive.md lists it all): the
// page (URL, title, category), the visit (kept per tab), idleness, the cart the page sets with
// tiski('set', {cart}), and page views of single-page shops. Sent in hello and as they change.
import type { Page, VisitorClientHello } from '../protocol.gen';
import { newCid, nextVisit, toCart, visitFacts } from './logic';
import type { CartIn, VisitState } from './logic';
import { readJson, store, type Keys } from './storage';
import type { Send } from './connection';

// The page now; its category from data-tiski-category (on body or html) or <meta name="tiski:category">.
const pageNow = (): Page => {
  const c = (document.body?.dataset.tiskiCategory || document.documentElement.dataset.tiskiCategory ||
    document.querySelector<HTMLMetaElement>('meta[name="tiski:category"]')?.content || '').slice(0, 100);
  return { url: location.href.slice(0, 2048), title: document.title.slice(0, 300), ...(c ? { category: c } : {}) };
};

// Idle after 5 s without activity; idle_ms says since when, so rules count from the activity.
const watchIdle = (send: Send) => {
  let idle = false;
  let active = Date.now();
  for (const ev of ['pointermove', 'pointerdown', 'keydown', 'scroll', 'touchstart', 'wheel']) {
    addEventListener(ev, () => {
      active = Date.now();
      if (idle) send({ t: 'track', idle: (idle = false) });
    }, { passive: true, capture: true });
  }
  setInterval(() => {
    const ms = Date.now() - active;
    if (!idle && ms >= 5000) send({ t: 'track', idle: (idle = true), idle_ms: ms });
  }, 1000);
  return { on: () => idle, ms: () => Date.now() - active };
};

// Single-page shops: a new URL without a load is a page view too.
const watchPages = (visit: VisitState, visitKey: string, send: Send) => {
  let href = location.href;
  const moved = () => {
    if (location.href === href) return;
    href = location.href;
    store(sessionStorage, visitKey, JSON.stringify({ ...visit, pages: ++visit.pages }));
    send({ t: 'page', page: pageNow(), pages: visit.pages });
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
};

// Starts tracking; returns the facts for hello, and the page API's setCart (page_api.ts).
export const tracking = (k: Keys, send: Send) => {
  const visit: VisitState = nextVisit(readJson(sessionStorage, k.visit), location.href, document.referrer, Date.now(), newCid);
  store(sessionStorage, k.visit, JSON.stringify(visit));
  let cart = readJson<CartIn>(sessionStorage, k.cart);
  if (!/^[A-Z]{3}$/.test(cart?.currency as string)) cart = null;  // stored by an older widget
  const idle = watchIdle(send);
  watchPages(visit, k.visit, send);
  // tiski('set', {cart: {value, currency, items}}); a malformed cart is ignored.
  const setCart = (arg: Record<string, unknown>) => {
    if (!('cart' in arg)) return;
    const c = toCart(arg.cart);
    if (!c || JSON.stringify(c) === JSON.stringify(cart)) return;
    cart = c;
    store(sessionStorage, k.cart, JSON.stringify(c));
    send({ t: 'track', cart: c });
  };

  // The cart the last hello carried: a change between that hello and its welcome was dropped
  // by send(), so resync() (on each welcome) tells it.
  let helloCart = '';
  const facts = (): Omit<VisitorClientHello, 't' | 'site'> => {
    const h: Omit<VisitorClientHello, 't' | 'site'> = { page: pageNow(), idle: idle.on(), visit: visitFacts(visit, Date.now()) };
    if (idle.on()) h.idle_ms = idle.ms();
    if (cart) h.cart = cart;
    helloCart = JSON.stringify(cart);
    return h;
  };
  const resync = () => {
    if (cart && JSON.stringify(cart) !== helloCart) send({ t: 'track', cart });
  };
  return Object.assign(facts, { resync, setCart });
};
