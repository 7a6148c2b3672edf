// The console's strings live in strings.json ({"key": {"fi", "sv", "en"}}, the shape of
// proto/strings.json); this is their typed loader. esbuild bundles the JSON.
import S from './strings.json';

export type UiLang = 'fi' | 'sv' | 'en';
export const UI_LANGS: readonly UiLang[] = ['fi', 'sv', 'en'];
export type UiStrings = Record<Exclude<keyof typeof S, 'doc'>, string>;

const cache: Partial<Record<UiLang, UiStrings>> = {};
export const ui = (l: UiLang): UiStrings =>
  (cache[l] ??= Object.fromEntries(Object.entries(S).filter(([k]) => k !== 'doc').map(([k, v]) => [k, (v as Record<UiLang, string>)[l]])) as UiStrings);

// The console's language: the one chosen earlier in this browser, else the first of the browser's
// languages the console speaks, else Finnish.
export function pickUiLang(saved: string | null | undefined, browser: readonly string[]): UiLang {
  for (const c of [saved, ...browser]) {
    const l = (c || '').toLowerCase().split(/[-_]/)[0];
    if ((UI_LANGS as readonly string[]).includes(l)) return l as UiLang;
  }
  return 'fi';
}
