// The pure part of the privacy page (privacy_view.tsx), unit-tested in web/test/privacy.test.mjs.

// Who the admin means: "12", "#12" or "Kävijä #12" → the visitor number; an address → the email.
export function subjectOf(text: string): { visitor: number } | { email: string } | null {
  const s = text.trim();
  if (s.includes('@')) return { email: s };
  const m = /^(?:\D*#)?\s*(\d{1,12})$/.exec(s);
  return m && Number(m[1]) > 0 ? { visitor: Number(m[1]) } : null;
}
