// Formatting for the console: times, money, names, and which text may become a link. Every
// function copes with whatever a visitor's page reported: one odd value must never stop the
// console from rendering.
import type { Cart, ConvStatus, Conversation, MailStatus, Origin, Outcome, PresenceStatus } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { isInbox } from './model';

// At most `max` characters of a text, cut at a word's end with "…" (a preview, not the text).
export function shortened(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, '') + '…';
}

export const clock = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
// Dates, times and money in the console's language, not the browser's locale: one screen never
// mixes two formats (the reports format in the language too). Set as the language is chosen.
// English is British English: day before month and a 24-hour clock, as Nordic readers expect
// ("07/12/2026, 13:05", not "12/7/2026, 1:05 PM", which reads as 12 July).
export const localeOf = (lang: string) => (lang === 'en' ? 'en-GB' : lang);
let locale: string | undefined;
export const formatIn = (lang: string) => { locale = localeOf(lang); };
export const when = (at: number) => new Date(at).toLocaleString(locale);
export const day = (at: number) => new Date(at).toLocaleDateString(locale);
export const time = (at: number) => new Date(at).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
export const dateTime = (at: number) => new Date(at).toLocaleString(locale, { day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit' });
export const weekdayTime = (at: number) => new Date(at).toLocaleString(locale, { weekday: 'short', day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit' });

// How long ago, coarsely: for inbox items that may wait for hours or days.
export const ago = (ms: number, t: UiStrings) => {
  const m = Math.floor(ms / 60000);
  return m < 1 ? t.justNow : m < 60 ? `${m} min` : m < 48 * 60 ? `${Math.floor(m / 60)} h` : `${Math.floor(m / 1440)} ${t.days}`;
};

export const minutes = (ms: number) => {
  const m = Math.max(0, Math.floor(ms / 60000));
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
};

// A cart's value; a currency the browser does not know is shown as its code.
export function money(c: Cart): string {
  const value = (Number(c.cents) || 0) / 100;
  try {
    return value.toLocaleString(locale, { style: 'currency', currency: c.currency || 'EUR' });
  } catch {
    return `${value.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${String(c.currency).slice(0, 3)}`;
  }
}

// Who the conversation is with: the name from the leave-a-message form, else its address
// (offline messages), else the visitor's number within the tenant.
export const who = (c: Conversation, t: UiStrings) =>
  c.contact_name || (isInbox(c) && c.contact_email) || `${t.visitor} #${c.visitor_no ?? c.visitor}`;

// Only http(s) URLs become links: a page URL is whatever the visitor's browser said it was.
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

// The words for the protocol's enum values. Each map covers its whole enum (protocol.gen.ts), so a
// value added to proto/protocol.json stops `tsc` until it has a string in strings.json. A value
// the console does not know yet (a newer server) is shown as it is.
type Key = keyof UiStrings;
export const STATUS_KEYS: Record<ConvStatus, Key> = { waiting: 'st_waiting', active: 'st_active', closed: 'st_closed' };
export const ORIGIN_KEYS: Record<Origin, Key> = {
  reactive: 'origin_reactive', proactive: 'origin_proactive', agent: 'origin_agent', offline: 'origin_offline', email: 'origin_email', api: 'origin_api',
};
export const PRESENCE_KEYS: Record<PresenceStatus, Key> = { online: 'online', away: 'away', offline: 'offline' };
export const OUTCOME_KEYS: Record<Outcome, Key> = {
  sale: 'oc_sale', lead: 'oc_lead', redirected: 'oc_redirected', resolved: 'oc_resolved', none: 'oc_none', spam: 'oc_spam',
};
// Buying signals are plain strings in the protocol: these two and phrase:<the phrase>.
export const SIGNAL_KEYS: Record<'cart' | 'product_page', Key> = { cart: 'sig_cart', product_page: 'sig_product_page' };

const lookup = <V extends string>(keys: Record<V, Key>, v: V, t: UiStrings): string =>
  (Object.prototype.hasOwnProperty.call(keys, v) && t[keys[v]]) || v;
export const statusText = (s: ConvStatus, t: UiStrings) => lookup(STATUS_KEYS, s, t);
export const originText = (o: Origin, t: UiStrings) => lookup(ORIGIN_KEYS, o, t);
export const presenceText = (p: PresenceStatus, t: UiStrings) => lookup(PRESENCE_KEYS, p, t);
export const outcomeText = (o: Outcome, t: UiStrings) => lookup(OUTCOME_KEYS, o, t);

// A buying signal in words: "tuotteita ostoskorissa", "“hinta”".
export const signalText = (s: string, t: UiStrings) =>
  s.startsWith('phrase:') ? `“${s.slice(7)}”` : lookup(SIGNAL_KEYS, s as keyof typeof SIGNAL_KEYS, t);

// The email delivery of one reply, in the console's language; the relay's own words as a detail.
export function mailText(s: MailStatus, t: UiStrings): { cls: string; text: string; detail?: string } {
  if (s.status === 'sent') return { cls: 'sent', text: t.mailSent + s.to };
  if (s.status === 'failed') return { cls: 'failed', text: t.mailFailed, detail: s.error };
  if (s.attempts > 0 && s.error) return { cls: 'retry', text: t.mailRetry.replace('{n}', String(s.attempts)), detail: s.error };
  if (s.error && /no SMTP relay/i.test(s.error)) return { cls: 'queued', text: t.mailNoRelay };
  return { cls: 'queued', text: t.mailQueued, detail: s.error };
}

// The companies under the agent's name: two by name, more as the first and how many others (an
// outsourcing company's agent may serve a hundred; the full list is the line's title).
export function tenantLine(names: readonly string[], t: UiStrings): string {
  if (names.length <= 2) return names.join(', ');
  return t.tenantsMore.replace('{names}', names[0]).replace('{n}', String(names.length - 1));
}

// Colleagues as lists show them: online first, then away, then offline; by name within each,
// numbers in names in their order ("Agent 2" before "Agent 10").
const presenceOrder: Record<PresenceStatus, number> = { online: 0, away: 1, offline: 2 };
export const byPresence = (a: { status: PresenceStatus; name: string }, b: { status: PresenceStatus; name: string }) =>
  presenceOrder[a.status] - presenceOrder[b.status] || a.name.localeCompare(b.name, undefined, { numeric: true });

// A company's id as its name suggests it: "Kenkä Oy" → "kenka-oy" (a–z, 0–9 and -, 2–40).
export const slugOf = (name: string) =>
  name.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
