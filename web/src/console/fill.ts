// Putting values into the console's strings. "{n}" is the value; "{n|order|orders}" is the value
// with its word, the first form for exactly 1 and the second otherwise ("1 tilaus", "2 tilausta").
// A value is often already formatted for the language ("1 234"): only "1" takes the first form.
export function put(s: string, key: string, v: string | number): string {
  const value = String(v);
  return s
    .replace(new RegExp(`\\{${key}\\|([^|}]*)\\|([^}]*)\\}`, 'g'), (_, one: string, many: string) => `${value} ${value === '1' ? one : many}`)
    .replace(new RegExp(`\\{${key}\\}`, 'g'), value);
}

// Every key of v put into s.
export const putAll = (s: string, v: Record<string, string | number>) => Object.keys(v).reduce((out, k) => put(out, k, v[k]), s);
