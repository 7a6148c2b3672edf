// Pure widget logic, kept apart from the DOM so it can be unit-tested in Node.
import type { ConversionKind, ConvStatus, IdentityIn, Message, Visit, VisitorConv } from '../protocol.gen';
import type { Strings } from './i18n';

export type Lang = 'fi' | 'sv' | 'en';

// The first supported language among the candidates (e.g. data-lang, <html lang>,
// navigator.language); Finnish when none matches.
export const pickLang = (...candidates: (string | null | undefined)[]): Lang => candidates.map(langOf).find((l) => l) || 'fi';

// Messages of the visitor's conversations, ordered by (conversation, seq), each once.
export class Thread {
  private byKey = new Map<string, Message>();

  // Adds messages; returns those that were new.
  merge(msgs: Message[]): Message[] {
    const fresh: Message[] = [];
    for (const m of msgs) {
      const k = m.conv + ':' + m.seq;
      if (!this.byKey.has(k)) {
        this.byKey.set(k, m);
        fresh.push(m);
      }
    }
    return fresh;
  }

  // Highest seq held for a conversation (0 if none).
  lastSeq(conv: number): number {
    let max = 0;
    for (const m of this.byKey.values()) if (m.conv === conv && m.seq > max) max = m.seq;
    return max;
  }

  // Lowest seq held for a conversation (0 if none): where to ask for earlier ones.
  firstSeq(conv: number): number {
    let min = 0;
    for (const m of this.byKey.values()) if (m.conv === conv && (!min || m.seq < min)) min = m.seq;
    return min;
  }

  all(): Message[] {
    return [...this.byKey.values()].sort((a, b) => a.conv - b.conv || a.seq - b.seq);
  }
}

// Reconnect delay: exponential from 0.5 s to 30 s with +-30 % jitter; 0.5 s for attempts below
// zero. After a server that had welcomed us closes saying it restarts (1001, 1012) the clients
// count from RESTART_TRIES: every 0.5 s for six tries, then doubling as usual. A restart is
// down for about a second, and doubling from the start would leave many an extra 2-4 s away.
export const RESTART_TRIES = -5;
export const restarting = (code: number) => code == 1001 || code == 1012;
export function backoff(attempt: number, rnd: number = Math.random()): number {
  const base = Math.min(30000, 500 * 2 ** Math.max(0, attempt));  // 2 ** 1024 is Infinity: still 30 s
  return Math.round(base * (0.7 + 0.6 * rnd));
}

// A client message id: random, URL-safe, 16 characters.
export function newCid(): string {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return btoa(String.fromCharCode(...a)).replace(/\+/g, '-').replace(/\//g, '_');
}

// A plausible email address (something@something.tld, no spaces, at most 254 characters).
// Deliberately loose: the server has the final word and answers bad_request.
export function isEmail(s: string): boolean {
  return s.length <= 254 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.[^\s@.]{2,}$/.test(s);
}

// Length in UTF-8 bytes, as the server counts its limits.
export const bytes = (s: string): number => new TextEncoder().encode(s).length;

export interface Layout {
  form: boolean;    // the leave-a-message form instead of the thread and the chat input
  banner: boolean;  // "nobody is available: leave your email" above the chat input
  mail: boolean;    // "we will answer by email to …" above the chat input
}

// What the panel shows. live: chat is open (welcome/avail); conv: the open conversation;
// leaving: a leave-a-message form is on its way (keep it until it is acknowledged);
// mailTo: the address left for this conversation; answered: an agent has written in it.
export function layout(live: boolean, conv: { status: ConvStatus } | null, leaving: boolean, mailTo: string, answered: boolean): Layout {
  const form = leaving || (!live && !conv);
  return { form, mail: !form && !!mailTo, banner: !form && !live && conv?.status === 'waiting' && !answered && !mailTo };
}

// ---- tracking (docs/proactive.md lists everything the widget reports)

export interface CartIn {
  cents: number;
  currency: string;
  items: number;
}

// A cart as the shop's page passes it to tiski('set', {cart: {value, currency, items}}):
// value in currency units, currency an ISO 4217 code (three capital letters); null when malformed.
export function toCart(c: unknown): CartIn | null {
  if (!c || typeof c !== 'object' || !('value' in c && 'currency' in c && 'items' in c)) return null;
  const { value, currency, items } = c;
  if (typeof value !== 'number' || !isFinite(value) || value < 0 || value > 1e9) return null;
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return null;  // ISO 4217, as the server wants
  if (typeof items !== 'number' || !Number.isInteger(items) || items < 0 || items > 1e5) return null;
  return { cents: Math.round(value * 100), currency, items };
}

export interface VisitState {
  id: string;
  start: number;
  pages: number;
  ref?: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
}

// The visit after a page load: the stored one with one page more, or a new one that
// remembers where it came from (another origin's referrer, the landing page's UTM parameters).
export function nextVisit(stored: VisitState | null, href: string, referrer: string, now: number, id: () => string): VisitState {
  if (stored && typeof stored.id === 'string' && typeof stored.start === 'number') {
    return { ...stored, pages: (stored.pages | 0) + 1 };
  }
  const v: VisitState = { id: id(), start: now, pages: 1 };
  try {
    const u = new URL(href);
    if (referrer && new URL(referrer).origin !== u.origin) v.ref = referrer.slice(0, 300);
    for (const k of ['utm_source', 'utm_medium', 'utm_campaign'] as const) {
      const x = u.searchParams.get(k);
      if (x) v[k] = x.slice(0, 100);
    }
  } catch {}
  return v;
}

// The visit as hello reports it: its age in seconds instead of when it began.
export function visitFacts({ id, start, pages, ...from }: VisitState, now: number): Visit {
  return { id, age_s: Math.max(0, Math.round((now - start) / 1000)), pages, ...from };
}

// ---- catching up after a reconnect (hello.last_seq, older; docs/protocol.md)

export interface CatchUp {
  fill: number;  // fetch older pages down to this seq (0: nothing to fetch)
  ask?: number;  // ask for the messages before this seq now
  earlier: boolean;  // the conversation has messages before the first one held
}

// After a welcome. same: it is the conversation on screen; sentLast: the hello's last_seq (0: it
// asked for the newest); first: the seq of the welcome's first message; earlier: as it was.
// A reconnect whose welcome says more has a gap between what is held and msgs: fill it. Any
// other welcome shows its conversation from msgs, which has earlier messages if more says so,
// or if it is another conversation than the one asked about and msgs does not begin at 1.
export function afterWelcome(same: boolean, sentLast: number, conv: boolean, more: boolean, first: number | undefined, earlier: boolean): CatchUp {
  if (same && sentLast) return more && first !== undefined ? { fill: sentLast, ask: first, earlier } : { fill: 0, earlier };
  return { fill: 0, earlier: conv && (more || (!!sentLast && first !== 1)) };
}

// While filling a gap down to fill, after an older page: the seq to ask before next, 0 if filled.
export const nextGapPage = (fill: number, more: boolean, first: number | undefined): number =>
  more && first !== undefined && first > fill + 1 ? first : 0;

// ---- texts that depend on the state

// The status under the site's name in the header. down: the socket dropped after a welcome;
// mailTo: the address left for this conversation; queue: the queue line ('' if none).
export function statusText(
  T: Pick<Strings, 'offline' | 'joined' | 'byMail' | 'away' | 'waiting' | 'online'>,
  s: { down: boolean; conv: VisitorConv | null; mailTo: string; live: boolean; queue: string },
): string {
  const c = s.conv;
  return s.down ? T.offline
    : c?.status === 'active' && c.agent ? c.agent + T.joined
    : s.mailTo ? T.byMail
    : !s.live ? T.away
    : c?.status === 'waiting' ? s.queue || T.waiting
    : T.online;
}

// The queue line: the position, and the wait (eta in seconds) in whole minutes, at least 1; no
// wait when eta is 0.
export const queueLine = (T: Pick<Strings, 'queue' | 'eta' | 'mins'>, position: number, eta: number): string =>
  T.queue.replace('{n}', String(position)) + (eta > 0 ? T.eta + Math.max(1, Math.round(eta / 60)) + T.mins : '');

// The leave-a-message form's checks: the error of the address, the message and the consent, in
// that order ('' when fine). The server checks again and has the final word.
export const leaveErrors = (T: Pick<Strings, 'badEmail' | 'needMsg' | 'too_large' | 'needOk'>, email: string, body: string, consent: boolean): string[] =>
  [isEmail(email) ? '' : T.badEmail, !body ? T.needMsg : bytes(body) > 4000 ? T.too_large : '', consent ? '' : T.needOk];

// ---- message text

// Splits text at its http(s) URLs: [text, url, text, url, ..., text] (odd indices are URLs).
// Punctuation that ends a sentence, and a closing bracket without its opening one, stay text.
export function splitLinks(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s<>"]+/gi)) {
    let u = m[0];
    for (;;) {
      const c = u.slice(-1);
      if (/[.,;:!?'’”»*]/.test(c) || (c === ')' && u.split('(').length < u.split(')').length) ||
          (c === ']' && u.split('[').length < u.split(']').length)) u = u.slice(0, -1);
      else break;
    }
    if (!/^https?:\/\/[^/?#]*\w/i.test(u)) continue;  // a host is needed
    out.push(text.slice(at, m.index), u);
    at = m.index! + u.length;
  }
  out.push(text.slice(at));
  return out;
}

// ---- times: "9.05" (fi), "9:05" (sv), "9:05 AM" (en); tz only for tests (default: the visitor's)

export const clock = (at: number, lang: Lang, tz?: string): string =>
  new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit', timeZone: tz }).format(at);

// When live chat opens again, for "Chat opens again …": the weekday and time ("ma 9.00",
// "Mon 9:00 AM"), today's word on the same day, the date too a week or more ahead.
export function opensWhen(at: number, now: number, lang: Lang, today: string, tz?: string): string {
  const day = (t: number) => new Intl.DateTimeFormat('en', { dateStyle: 'short', timeZone: tz }).format(t);
  const w = day(at) === day(now) ? today
    : new Intl.DateTimeFormat(lang, { weekday: 'short', ...(at - now > 6 * 864e5 ? { day: 'numeric', month: 'numeric' } : {}), timeZone: tz }).format(at);
  return w + ' ' + clock(at, lang, tz);
}

// ---- the page's API: tiski('identify', {...}) and tiski('set', {lang})

// The identity a page passed to tiski('identify', {id, name?, email?, hash?}): id a string or a
// number, the others strings (others dropped); null for anything else (logged out, malformed).
// The server checks the rest (lengths, the hash) and says why it refuses one.
export function toIdentity(v: unknown): IdentityIn | null {
  const o = (v || {}) as Record<string, unknown>;
  const id = typeof o.id === 'number' ? String(o.id) : o.id;
  const s = (x: unknown) => (typeof x === 'string' && x ? x : undefined);
  return typeof id === 'string' && id ? { id, name: s(o.name), email: s(o.email), hash: s(o.hash) } : null;
}

// A language tiski('set', {lang}) names (fi, sv or en), or null.
export const langOf = (v: unknown): Lang | null => (typeof v === 'string' && /^(fi|sv|en)/i.test(v) ? (v.slice(0, 2).toLowerCase() as Lang) : null);

// ---- the brand colour (data-color)

export const DEFAULT_COLOR = '#1d5c3f';

// data-color if it is a colour (supports: CSS.supports('color', v)) that stays one wherever it
// is used; else the default. var(), keywords that depend on the context, and transparent are not.
export function brandColor(v: string | undefined, supports: (v: string) => boolean): string {
  v = (v || '').trim();
  return v && v.length < 100 && !/\(\s*--|var\(|env\(|attr\(|^(inherit|initial|unset|revert|revert-layer|currentcolor|transparent)$/i.test(v) &&
    supports(v) ? v : DEFAULT_COLOR;
}

// [r, g, b, alpha] of a computed colour: rgb()/rgba() or color(srgb ...); null for others.
export function rgbOf(s: string): number[] | null {
  const m = /^(rgba?\(|color\(srgb )\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(s);
  if (!m) return null;
  const k = m[1][0] === 'c' ? 255 : 1;
  const a = m[5] === undefined ? 1 : parseFloat(m[5]) / (m[5].endsWith('%') ? 100 : 1);
  return [+m[2] * k, +m[3] * k, +m[4] * k, a];
}

// The text colour on a background: white or near-black, whichever contrasts more (WCAG).
export function inkOn(rgb: number[]): string {
  const [r, g, b] = rgb.map((c) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const L = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // White: (1.05) / (L + .05); #111 (luminance .0056): (L + .05) / .0556.
  return 1.05 / (L + 0.05) >= (L + 0.05) / 0.0556 ? '#fff' : '#111';
}

// ---- conversions: tiski('track', 'order'|'lead', {id, value?, currency?}) (docs/proactive.md)

export interface ConversionIn {
  kind: ConversionKind;
  id: string;
  cents?: number;
  currency?: string;
}

// A conversion as the page reports it: id the shop's order or lead id (a number becomes a string;
// at most 100 bytes, no control characters), value in currency units, currency an ISO 4217 code
// (uppercased). An order, and a lead with a value, need a currency. null when malformed: the
// server would refuse it (and has the final word on the currency code).
export function toConversion(kind: unknown, d: unknown): ConversionIn | null {
  if ((kind !== 'order' && kind !== 'lead') || !d || typeof d !== 'object') return null;
  const { id, value, currency } = d as Record<string, unknown>;
  const ref = typeof id === 'number' && isFinite(id) ? String(id) : id;
  if (typeof ref !== 'string' || !ref.trim() || bytes(ref) > 100 || /[\0-\x1f\x7f]/.test(ref)) return null;
  const c: ConversionIn = { kind, id: ref };
  if (value != null) {
    if (typeof value !== 'number' || !isFinite(value) || value < 0 || value > 1e7) return null;
    c.cents = Math.round(value * 100);
  }
  if (currency != null) {
    const cur = typeof currency === 'string' ? currency.toUpperCase() : '';
    if (!/^[A-Z]{3}$/.test(cur)) return null;
    c.currency = cur;
  }
  return c.currency || (kind === 'lead' && !c.cents) ? c : null;
}

// The conversions waiting for the server's converted, oldest first: a new one goes last (one of
// the same kind and id already waiting stays as it is); at most 20 are kept.
export const addPending = (list: ConversionIn[], c: ConversionIn): ConversionIn[] =>
  list.some((x) => x.kind === c.kind && x.id === c.id) ? list : [...list, c].slice(-20);

export const dropPending = (list: ConversionIn[], kind: string, id: string): ConversionIn[] =>
  list.filter((x) => x.kind !== kind || x.id !== id);

// ---- the satisfaction survey (csat) after a conversation closes

// What the widget remembers (localStorage, storage.ts): a, the conversations it asked about (the
// survey was seen), the last 20; c, the conversation to ask about when it closes (one an agent
// took part in), kept until its survey is seen, also across page loads.
export interface SurveyMemo {
  a: number[];
  c?: number;
}

// Ask about a closed conversation without an answer that was not asked about before.
export const shouldAsk = (conv: VisitorConv, m: SurveyMemo): boolean =>
  conv.status === 'closed' && !conv.csat && !m.a.includes(conv.id) && (!!conv.agent || m.c === conv.id);

// The ended conversation a welcome shows again (closed a moment ago) brings back its survey while
// it is unanswered and was not skipped (`skipped`: the ids whose survey the visitor skipped).
export const askAgain = (conv: VisitorConv | null | undefined, skipped: number[]): boolean =>
  conv?.status === 'closed' && !conv.csat && !!conv.agent && !skipped.includes(conv.id);
export const skipKey = (surveyKey: string) => surveyKey + ':skip';

// The survey was seen (or skipped): never ask about that conversation again.
export const asked = (m: SurveyMemo, id: number): SurveyMemo =>
  ({ a: [...m.a.filter((x) => x !== id), id].slice(-20), ...(m.c && m.c !== id ? { c: m.c } : {}) });

// The conversation kept in c, if it has not been asked about yet (0: none): a welcome without it
// open says it closed meanwhile, and the survey is owed.
export const surveyOwed = ({ a, c }: SurveyMemo): number => (c && !a.includes(c) ? c : 0);

// What the widget learns of a conversation: conv from a conv frame, or a welcome's (null: no open
// one). Returns the conversation to ask about now (0: none) and the memo to keep. A welcome
// without the conversation kept in c says it closed meanwhile; another open one replaces it.
export function surveyNext(m: SurveyMemo, conv: VisitorConv | null): { ask: number; m: SurveyMemo } {
  const { a, c } = m;
  if (!conv) return { ask: surveyOwed(m), m };
  if (conv.status !== 'closed') return { ask: 0, m: conv.agent || c === conv.id ? { a, c: conv.id } : { a } };
  if (shouldAsk(conv, m)) return { ask: conv.id, m: { a, c: conv.id } };
  return { ask: 0, m: c === conv.id ? { a } : m };
}
