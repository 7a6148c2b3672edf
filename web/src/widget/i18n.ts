// The widget's strings live in strings.json ({"key": {"fi", "sv", "en"}}, the shape of
// proto/strings.json); this is their typed loader. esbuild bundles the JSON into widget.js.
import S from './strings.json';
import type { Lang } from './logic';

export type Strings = Record<Exclude<keyof typeof S, 'doc'>, string>;
export const strings = (l: Lang): Strings => {
  const out: Record<string, string> = {};
  for (const k in S) if (k !== 'doc') out[k] = (S as unknown as Record<string, Record<Lang, string>>)[k][l];
  return out as Strings;
};
