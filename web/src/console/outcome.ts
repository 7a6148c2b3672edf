// What came of a conversation, as the agent says it (the outcome frame of docs/protocol.md): the
// outcome, the channel a redirected visitor was sent to, and the tenant's tags. Pure — no DOM, no
// Preact — so web/test/outcome.test.mjs tests it in Node. The limits are the server's
// (src/util/limits.h): it refuses what breaks them, so the console never sends it.
import type { AgentClientOutcome, Conversation, Outcome } from '../protocol.gen';

export const MAX_TAGS = 10;  // per conversation
export const MAX_TAG_BYTES = 40;
export const MAX_CHANNEL_BYTES = 40;

// The editor's state: '' is "not chosen".
export interface OutcomeState {
  outcome: Outcome | '';
  channel: string;
  tags: string[];
}

export const stateOf = (c: Conversation): OutcomeState => ({
  outcome: c.outcome ?? '',
  channel: c.outcome === 'redirected' ? c.outcome_channel ?? '' : '',
  tags: c.tags ?? [],
});

export const sameState = (a: OutcomeState, b: OutcomeState) =>
  a.outcome === b.outcome && a.channel === b.channel && a.tags.length === b.tags.length && a.tags.every((x, i) => x === b.tags[i]);

const encoder = new TextEncoder();
export const utf8Bytes = (s: string) => encoder.encode(s).length;

// At most `max` UTF-8 bytes, cut between characters (never inside one).
export function clipBytes(s: string, max: number): string {
  if (utf8Bytes(s) <= max) return s;
  let out = '';
  let n = 0;
  for (const ch of s) {
    const b = utf8Bytes(ch);
    if (n + b > max) break;
    out += ch;
    n += b;
  }
  return out;
}

// One line, single spaces, no commas (a comma separates tags), at most 40 bytes; '' if nothing is left.
export const cleanTag = (raw: string) => clipBytes(raw.replace(/,/g, ' ').replace(/\s+/g, ' ').trim(), MAX_TAG_BYTES).trim();

export const cleanChannel = (raw: string) => clipBytes(raw.replace(/\s+/g, ' ').trim(), MAX_CHANNEL_BYTES).trim();

const same = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();

// What the tag input holds: every part before a comma is a finished tag, the rest is still being
// typed ("teltat, kampanja, ka" → tags teltat and kampanja, rest "ka").
export function splitTags(text: string): { done: string[]; rest: string } {
  const parts = text.split(',');
  const rest = parts.pop() ?? '';
  return { done: parts, rest };
}

// The tags with `more` added: cleaned, without empties or duplicates (case-insensitively: the
// first spelling stays), at most ten. `full`: something was left out for the limit.
export function addTags(current: readonly string[], more: readonly string[]): { tags: string[]; full: boolean } {
  const tags: string[] = [];
  let full = false;
  for (const raw of [...current, ...more]) {
    const t = cleanTag(raw);
    if (!t || tags.some((x) => same(x, t))) continue;
    if (tags.length >= MAX_TAGS) {
      full = true;
      continue;
    }
    tags.push(t);
  }
  return { tags, full };
}

export const normalizeTags = (list: readonly string[]) => addTags([], list).tags;

export const removeTag = (current: readonly string[], tag: string) => current.filter((x) => !same(x, tag));

// The tenant's tags the conversation does not have yet, alphabetically: the input's suggestions.
export const suggestTags = (tenant: readonly string[] | undefined, chosen: readonly string[]) =>
  (tenant ?? []).filter((x) => !chosen.some((y) => same(x, y))).sort((a, b) => a.localeCompare(b));

// Every change sends the whole state: an outcome left out clears it, the channel goes with
// redirected only, an empty tag list clears the tags.
export function outcomeFrame(conv: number, s: OutcomeState): AgentClientOutcome {
  const f: AgentClientOutcome = { t: 'outcome', conv, tags: normalizeTags(s.tags) };
  if (s.outcome) f.outcome = s.outcome;
  const channel = cleanChannel(s.channel);
  if (s.outcome === 'redirected' && channel) f.channel = channel;
  return f;
}

// The state after choosing another outcome: a channel only stays with redirected.
export const withOutcome = (s: OutcomeState, outcome: Outcome | ''): OutcomeState =>
  ({ ...s, outcome, channel: outcome === 'redirected' ? s.channel : '' });

// The tenant wants an outcome before the close, and there is none.
export const mustChoose = (required: boolean | undefined, s: OutcomeState) => !!required && !s.outcome;

// A satisfaction score 1–5 (anything else is clamped and rounded) as five stars, n of them filled.
export function stars(score: number): { n: number; filled: string; empty: string } {
  const n = Math.min(5, Math.max(1, Math.round(Number(score) || 1)));
  return { n, filled: '★'.repeat(n), empty: '★'.repeat(5 - n) };
}
