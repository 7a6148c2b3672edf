// The server's reasons in the console's language. REST and socket errors (and the reason an
// email's file was not kept) are English sentences for the API's users; the ones an agent, a
// supervisor or an admin meets in the console are matched here and said in their language.
// Anything else is shown as the server wrote it. main.tsx sets the language.
import type { UiStrings } from './i18n';

let texts: UiStrings | null = null;
export const setServerTexts = (t: UiStrings) => { texts = t; };

type Rule = [RegExp, (t: UiStrings, m: RegExpExecArray) => string];
const fill = (s: string, n: string, x = '') => s.replace('{n}', () => n).replace('{t}', () => x);  // names may hold $&
const RULES: Rule[] = [
  [/^a quote in the search is not closed$/, (t) => t.se_quote],
  [/^search for at least one word$/, (t) => t.se_noWord],
  [/^a search has at most (\d+) words or phrases$/, (t, m) => fill(t.se_terms, m[1])],
  [/^files of type '([^']*)' are not accepted here$/, (t, m) => fill(t.se_type, '', m[1])],
  [/^the file '(.*)' is larger than (\d+) MB$/, (t, m) => fill(t.se_size, m[2], m[1])],
  [/^at most (\d+) files in one message$/, (t, m) => fill(t.se_files, m[1])],
  [/^(\d+) more files not read$/, (t, m) => fill(t.se_more, m[1])],
  [/^a report covers at most (\d+) days$/, (t, m) => fill(t.se_days, m[1])],
  [/^the range is reversed/, (t) => t.se_reversed],
  [/^no such contact$/, (t) => t.se_noContact],
  [/^no such agent in this conversation's tenant$/, (t) => t.se_otherTenant],
];

export function serverText(message: string): string {
  if (!texts) return message;
  for (const [re, say] of RULES) {
    const m = re.exec(message);
    if (m) return say(texts, m);
  }
  return message;
}
