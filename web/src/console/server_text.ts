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
  [/^too many failed logins for this account; try again in (\d+) minutes?/, (t, m) => fill(t.se_loginsAccount, m[1])],
  [/^too many failed logins from your address; try again in (\d+) minutes?/, (t, m) => fill(t.se_loginsAddress, m[1])],
  [/^password reset by email is not set up on this server/, (t) => t.se_noMailReset],
  [/^cross-site request refused: Origin .* is not (.*)$/, (t, m) => fill(t.se_crossSite, '', m[1] === 'this site' ? location.origin : m[1])],
  [/^'(.*)' is not a web address such as https:\/\/shop\.fi/, (t, m) => fill(t.se_notOrigin, '', m[1])],
  [/^a new agent needs a name and a password/, (t) => t.se_newAgent],
  [/^(.*) already serves this tenant$/, (t, m) => fill(t.se_serves, '', m[1])],
  [/^(?:agent |site |team )?name must be 1-(\d+) characters/, (t, m) => fill(t.se_nameLen, m[1])],
  [/^too many connections from your address/, (t) => t.se_connections],
  [/^(.*) is already serving this conversation$/, (t, m) => fill(t.se_taken, '', m[1])],
  [/^(.*) is serving this conversation; supervisors/, (t, m) => fill(t.se_taken, '', m[1])],
  [/^the conversation is assigned to (.*)$/, (t, m) => fill(t.se_taken, '', m[1])],
  [/^the conversation is closed$/, (t) => t.se_closed],
];

export function serverText(message: string): string {
  if (!texts) return message;
  for (const [re, say] of RULES) {
    const m = re.exec(message);
    if (m) return say(texts, m);
  }
  return message;
}
