// What the widget keeps in the visitor's browser, per site (data-site). The names stay as they
// are: renaming one forgets what visitors have stored (their token, their conversation).
export const keys = (site: string) => ({
  token: 'tiski:v:' + site,  // localStorage: the visitor's token from welcome, sent in each hello
  open: 'tiski:o:' + site,  // sessionStorage: '1' while the panel is open
  mail: 'tiski:e:' + site,  // localStorage: the address left for a conversation (Left)
  live: 'tiski:a:' + site,  // sessionStorage: '0' while live chat is closed, so a page load does not flicker
  visit: 'tiski:visit:' + site,  // sessionStorage: this tab's visit (VisitState)
  cart: 'tiski:cart:' + site,  // sessionStorage: the cart the page last set (CartIn)
  conv: 'tiski:cv:' + site,  // localStorage: conversions not yet answered by converted (ConversionIn[])
  calls: 'tiski:cvin:' + site,  // sessionStorage: tiski('track', ...) calls not yet checked (convert_lazy.ts)
  survey: 'tiski:s:' + site,  // localStorage: the satisfaction survey's memo (SurveyMemo)
  ident: 'tiski:id:' + site,  // localStorage: the customer id the page last identified (so logging out forgets the token)
  look: 'tiski:look:' + site,  // localStorage: the site's look from the last welcome (Look), drawn at once on the next page
});
export type Keys = ReturnType<typeof keys>;

// Reads k (v undefined), writes it, or removes it (v null). Storage that is blocked or full
// reads as empty and ignores writes.
export const store = (s: Storage, k: string, v?: string | null): string | null => {
  try {
    if (v === undefined) return s.getItem(k);
    v === null ? s.removeItem(k) : s.setItem(k, v);
  } catch {}
  return null;
};

// A stored JSON value; null if there is none or it does not parse.
export const readJson = <T>(s: Storage, k: string): T | null => {
  try {
    return JSON.parse(store(s, k) || 'null');
  } catch {
    return null;
  }
};

// The address left with the leave-a-message form or the waiting banner, for one conversation:
// c the conversation, e the address, s the seq of the message sent with it (0: none).
export interface Left {
  c: number;
  e: string;
  s: number;
}
