// The proactive rules' form (docs/proactive.md), its pure part: a site's rules as the server
// stores them (JSON) taken apart into what the form edits, and put back. A rule's condition is
// one list of simple conditions, all or any of which must hold; a rule whose conditions nest
// groups (an "any" inside an "all") has no form, and the editor offers the JSON instead.

export const NUMBER_FIELDS = ['idle_s', 'page_s', 'site_s', 'pages', 'cart_value'] as const;
export const LIST_FIELDS = ['category', 'lang'] as const;  // one value or several, comma-separated
export const TEXT_FIELDS = ['url', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign'] as const;
export const FLAG_FIELDS = ['returning', 'in_hours'] as const;
export const FIELDS = [...NUMBER_FIELDS, ...LIST_FIELDS, ...TEXT_FIELDS, ...FLAG_FIELDS];
export type Field = (typeof FIELDS)[number];
export const OPS = ['>=', '>', '<=', '<', '=='] as const;
export type Op = (typeof OPS)[number];
export type Kind = 'number' | 'list' | 'text' | 'flag';

// value: the number as typed, the text, the comma-separated list, or 'true' / 'false'.
export type Cond = { field: Field; op: Op; value: string };
export type FormRule = {
  id: number; name: string; enabled: boolean; match: 'all' | 'any'; conds: Cond[];
  mode: 'open' | 'teaser'; text: Record<string, string>; once: boolean; days: number;
};

export const kindOf = (f: Field): Kind =>
  (NUMBER_FIELDS as readonly string[]).includes(f) ? 'number'
    : (LIST_FIELDS as readonly string[]).includes(f) ? 'list'
      : (FLAG_FIELDS as readonly string[]).includes(f) ? 'flag' : 'text';

// A condition of the field with its usual first value (a new row).
export const freshCond = (field: Field): Cond => {
  const k = kindOf(field);
  return { field, op: '>=', value: k === 'number' ? (field === 'pages' ? '2' : '30') : k === 'flag' ? 'true' : '' };
};

// The operators a field offers: "exactly" only for counts and money — the rules are evaluated
// once a second against times in milliseconds, so "exactly 10 s" would practically never hold.
export const opsFor = (f: Field): readonly Op[] => (f.endsWith('_s') ? OPS.filter((o) => o !== '==') : OPS);

// The condition with another field: what was typed stays when it still means something there
// (a number for a number, text for text), so a slip of the select loses nothing.
export function withField(c: Cond, field: Field): Cond {
  const from = kindOf(c.field), to = kindOf(field);
  const texty = (k: Kind) => k === 'list' || k === 'text';
  if (from === to || (texty(from) && texty(to))) {
    return { field, op: opsFor(field).includes(c.op) ? c.op : '>=', value: c.value };
  }
  return freshCond(field);
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function condFrom(v: unknown): Cond | null {
  if (!isObj(v) || Object.keys(v).length !== 1) return null;
  const [key, val] = Object.entries(v)[0];
  if (!(FIELDS as string[]).includes(key)) return null;
  const field = key as Field;
  switch (kindOf(field)) {
    case 'number': {
      if (typeof val === 'number') return { field, op: '>=', value: String(val) };
      if (!isObj(val) || Object.keys(val).length !== 1) return null;
      const [op, n] = Object.entries(val)[0];
      return (OPS as readonly string[]).includes(op) && typeof n === 'number' ? { field, op: op as Op, value: String(n) } : null;
    }
    case 'flag': return typeof val === 'boolean' ? { field, op: '>=', value: String(val) } : null;
    case 'list': {  // comma-separated in the form: a value with a comma in it has no form
      const list = typeof val === 'string' ? [val] : Array.isArray(val) && val.every((x) => typeof x === 'string') ? val as string[] : null;
      return list && !list.some((x) => x.includes(',')) ? { field, op: '>=', value: list.join(', ') } : null;
    }
    default: return typeof val === 'string' ? { field, op: '>=', value: val } : null;
  }
}

function condTo(c: Cond): Json {
  switch (kindOf(c.field)) {
    case 'number': {
      const n = Number(c.value.trim().replace(',', '.'));
      const num = c.value.trim() === '' || !Number.isFinite(n) ? c.value : n;  // the server names what is wrong
      return { [c.field]: c.op === '>=' ? num : { [c.op]: num } };
    }
    case 'flag': return { [c.field]: c.value === 'true' };
    case 'list': {
      const parts = c.value.split(',').map((s) => s.trim()).filter(Boolean);
      return { [c.field]: parts.length === 1 ? parts[0] : parts };
    }
    default: return { [c.field]: c.value.trim() };
  }
}

// The rules as the form edits them, or null when one of them has no form (nested groups, or a
// shape the server would not have stored).
export function toForm(rules: unknown): FormRule[] | null {
  if (!Array.isArray(rules)) return null;
  const out: FormRule[] = [];
  for (const r of rules) {
    if (!isObj(r) || typeof r.id !== 'number' || !isObj(r.action) || out.some((x) => x.id === r.id)) return null;
    let match: 'all' | 'any' = 'all';
    let list: unknown[] = [r.when];
    if (isObj(r.when) && ('all' in r.when || 'any' in r.when) && Object.keys(r.when).length === 1) {
      match = 'all' in r.when ? 'all' : 'any';
      const inner = r.when[match];
      if (!Array.isArray(inner)) return null;
      list = inner;
    }
    const conds = list.map(condFrom);
    if (conds.some((c) => c === null)) return null;
    const a = r.action as Json, cap = isObj(r.cap) ? r.cap : {};
    const text: Record<string, string> = {};
    if (typeof a.text === 'string') text.fi = a.text;  // one text for every language: fi is everyone's fallback
    else if (isObj(a.text)) for (const [l, s] of Object.entries(a.text)) if (typeof s === 'string') text[l] = s;
    out.push({
      id: r.id, name: typeof r.name === 'string' ? r.name : '', enabled: r.enabled !== false, match, conds: conds as Cond[],
      mode: a.mode === 'teaser' ? 'teaser' : 'open', text,
      once: cap.once_per_visit !== false, days: typeof cap.after_dismiss_days === 'number' ? cap.after_dismiss_days : 0,
    });
  }
  return out;
}

// The JSON the server stores. Languages left empty are left out (the visitor's language, else
// Finnish, else the first).
export function fromForm(rules: FormRule[]): Json[] {
  return rules.map((r) => {
    const text: Record<string, string> = {};
    for (const [l, s] of Object.entries(r.text)) if (s.trim()) text[l] = s.trim();
    const out: Json = { id: r.id };
    if (r.name.trim()) out.name = r.name.trim();
    out.enabled = r.enabled;
    out.when = { [r.match]: r.conds.map(condTo) };
    out.action = { mode: r.mode, text };
    out.cap = { once_per_visit: r.once, after_dismiss_days: r.days };
    return out;
  });
}

// The server's limits (src/util/limits.h, src/chat/rules/rules.cc), in UTF-8 bytes as it counts.
export const MAX_RULES = 50, MAX_NAME_BYTES = 100, MAX_TEXT_BYTES = 500, MAX_VALUE_BYTES = 200, MAX_NUMBER = 1e9;
export const MAX_JSON_BYTES = 32 * 1024;  // the whole rule set, as sent
export const bytes = (s: string) => new TextEncoder().encode(s).length;
const NUMBER = /^\d+([.,]\d+)?$/;

// What keeps a rule from being saved, found before asking the server, so that it is said in the
// console's language: the problem and the condition it is in (1-based), or null.
export type Problem = { what: 'text' | 'textLong' | 'name' | 'cond' | 'number' | 'value' | 'valueLong'; cond?: number };
export function problem(r: FormRule): Problem | null {
  if (bytes(r.name.trim()) > MAX_NAME_BYTES) return { what: 'name' };
  if (!r.conds.length) return { what: 'cond' };
  for (const [i, c] of r.conds.entries()) {
    const k = kindOf(c.field), v = c.value.trim();
    if (k === 'number' && (!NUMBER.test(v) || Number(v.replace(',', '.')) > MAX_NUMBER)) return { what: 'number', cond: i + 1 };
    const parts = k === 'list' ? v.split(',').map((x) => x.trim()).filter(Boolean) : [v];
    if (k !== 'flag' && k !== 'number' && (!parts.length || parts.some((x) => !x))) return { what: 'value', cond: i + 1 };
    if (parts.some((x) => bytes(x) > MAX_VALUE_BYTES)) return { what: 'valueLong', cond: i + 1 };
  }
  const texts = Object.values(r.text).map((x) => x.trim()).filter(Boolean);
  if (!texts.length) return { what: 'text' };
  return texts.some((x) => bytes(x) > MAX_TEXT_BYTES) ? { what: 'textLong' } : null;
}

// A new rule after the others, a page that held the visitor for 30 s, a bubble. Its id is past
// every id this editor has seen (`used`: those loaded and deleted too): the server keeps who was
// shown and who closed an invitation by rule id, so a new rule must not inherit a deleted one's.
export const newRule = (rules: FormRule[], used = 0): FormRule => ({
  id: Math.max(used, rules.reduce((m, r) => Math.max(m, r.id), 0)) + 1, name: '', enabled: true, match: 'all',
  conds: [freshCond('page_s')], mode: 'teaser', text: {}, once: true, days: 7,
});

// The list with the rule at i moved by one place (up: -1); the same list at either end.
export function moved<T>(list: T[], i: number, by: -1 | 1): T[] {
  const j = i + by;
  if (j < 0 || j >= list.length) return list;
  const next = list.slice();
  [next[i], next[j]] = [next[j], next[i]];
  return next;
}
