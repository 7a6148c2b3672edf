// The agent's desk, pure parts (docs/desk.md): canned answers (which ones match what the agent
// typed after / or #, which language's text, the variables filled in), the tenant's colour, its
// hours today in words, and the policy card's light formatting. No DOM: web/test/canned.test.mjs.

export type Lang = 'fi' | 'sv' | 'en';
export type Canned = { id: number; workspace: boolean; shortcut: string; title: string; texts: Partial<Record<Lang, string>>; updated_at: number };
// GET /api/desk and /api/tenants/{id}/desk: hours_today null = no hours (always open), [] = closed today.
export type Desk = { tenant: number; name: string; color: string; policy: string; hours_today: string[] | null; open_now: boolean;
  cards?: { id: string; title: string; text: string; url: string; label: string; channel: string }[] };

// The text for a visitor of `lang`: theirs, else Finnish, Swedish, English in that order.
export function pickText(a: Canned, lang: string | undefined): { text: string; lang: Lang } {
  const order: Lang[] = [lang as Lang, 'fi', 'sv', 'en'];
  for (const l of order) {
    const text = a.texts[l];
    if (text) return { text, lang: l };
  }
  return { text: '', lang: 'fi' };
}

// The open "/query" or "#query" just before the caret: at the start or after white space.
export function trigger(value: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)([/#])([^\s/#]{0,32})$/.exec(value.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[3].length - 1, query: m[3].toLowerCase() };
}

// Answers for a query, best first: the shortcut begins with it, then the title does, then
// either contains it, then (three letters or more) a text does. At most `max`.
export function matching(list: Canned[], query: string, max = 8): Canned[] {
  const q = query.toLowerCase();
  const score = (a: Canned) => {
    const title = a.title.toLowerCase();
    if (a.shortcut.startsWith(q)) return 0;
    if (title.startsWith(q) || title.split(/\s+/).some((w) => w.startsWith(q))) return 1;
    if (a.shortcut.includes(q) || title.includes(q)) return 2;
    if (q.length >= 3 && Object.values(a.texts).some((t) => t?.toLowerCase().includes(q))) return 3;
    return 9;
  };
  // A tenant's answer hides a workspace-wide one with the same shortcut.
  const own = new Set(list.filter((a) => !a.workspace).map((a) => a.shortcut));
  return list
    .filter((a) => !a.workspace || !own.has(a.shortcut))
    .map((a) => [score(a), a] as const)
    .filter(([s]) => s < 9)
    .sort((x, y) => x[0] - y[0] || x[1].shortcut.localeCompare(y[1].shortcut))
    .slice(0, max)
    .map(([, a]) => a);
}

const HOURS_WORDS: Record<Lang, { closed: string; always: string; sep: string }> = {
  fi: { closed: 'suljettu', always: 'ympäri vuorokauden', sep: '.' },
  sv: { closed: 'stängt', always: 'dygnet runt', sep: '.' },
  en: { closed: 'closed', always: 'around the clock', sep: ':' },
};

// "09:00-17:00" -> "9.00–17.00" (fi, sv) or "9:00–17:00" (en); closed and always open in words.
export function hoursText(today: string[] | null | undefined, lang: Lang): string {
  const w = HOURS_WORDS[lang] ?? HOURS_WORDS.fi;
  // No hours, or a day open from midnight to midnight (open around the clock in a time zone).
  if (today === null || today === undefined || (today.length === 1 && today[0] === '00:00-24:00')) return w.always;
  if (today.length === 0) return w.closed;
  const time = (hhmm: string) => {
    const [h, m] = hhmm.split(':');
    return `${Number(h)}${w.sep}${m}`;
  };
  return today.map((i) => i.split('-').map(time).join('–')).join(', ');
}

export type Vars = { visitorName?: string; agentName?: string; siteName?: string; hoursToday?: string[] | null };

// The text with its variables filled; an unknown name stays as typed. A variable with nothing
// to put in ("Hei {visitor.name}!" for a visitor without a name) leaves no stray space.
export function fill(text: string, lang: Lang, v: Vars): string {
  const values: Record<string, string> = {
    'visitor.name': v.visitorName?.trim() ?? '',
    'agent.name': v.agentName?.trim() ?? '',
    'site.name': v.siteName?.trim() ?? '',
    'hours.today': v.hoursToday === undefined ? '' : hoursText(v.hoursToday, lang),
  };
  let empty = false;
  const out = text.replace(/\{([a-z_.]+)\}/g, (all, name: string) => {
    if (!(name in values)) return all;
    if (!values[name]) empty = true;
    return values[name];
  });
  if (!empty) return out;
  return out.replace(/[ \t]+([,.!?;:])/g, '$1').replace(/[ \t]{2,}/g, ' ').replace(/^[ \t]+|[ \t]+$/gm, '');
}

// Readable on white and as a band: a tenant without a colour of its own gets one by its id.
const PALETTE = ['#2f6f4e', '#1f5f99', '#9a4a12', '#7a3b8f', '#a4262c', '#0f6e6e', '#5b5f12', '#3d4a9e'];
export function tenantColor(id: number, color?: string): string {
  return color && /^#[0-9a-f]{6}$/i.test(color) ? color : PALETTE[Math.abs(id) % PALETTE.length];
}

// The policy card: paragraphs (blank lines), "- " lists, **bold** and http(s) links.
export type Inline = { k: 'text' | 'b' | 'a'; v: string };
export type Block = { k: 'p' | 'ul'; lines: Inline[][] };

export function inline(line: string): Inline[] {
  const out: Inline[] = [];
  const re = /\*\*(.+?)\*\*|(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/g;
  let at = 0;
  for (let m; (m = re.exec(line));) {
    if (m.index > at) out.push({ k: 'text', v: line.slice(at, m.index) });
    out.push(m[1] !== undefined ? { k: 'b', v: m[1] } : { k: 'a', v: m[2] });
    at = m.index + m[0].length;
  }
  if (at < line.length) out.push({ k: 'text', v: line.slice(at) });
  return out;
}

export function policyBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    let cur: Block | null = null;
    for (const raw of para.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      const item = /^[-*•]\s+/.exec(line);
      const k = item ? 'ul' : 'p';
      if (!cur || cur.k !== k) blocks.push((cur = { k, lines: [] }));
      cur.lines.push(inline(item ? line.slice(item[0].length) : line));
    }
  }
  return blocks;
}
