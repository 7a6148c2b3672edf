// The widget's strings live in strings.json ({"key": {"fi", "sv", "en"}}, the shape of
// proto/strings.json); this is their typed loader. esbuild bundles the JSON into widget.js.
import S from './strings.json';
import type { ErrorCode } from '../protocol.gen';
import type { Lang } from './logic';

export type Strings = Record<Exclude<keyof typeof S, 'doc'>, string>;
export const strings = (l: Lang): Strings => {
  const out: Record<string, string> = {};
  for (const k in S) if (k !== 'doc') out[k] = (S as unknown as Record<string, Record<Lang, string>>)[k][l];
  return out as Strings;
};

// An error frame in the visitor's words: the two a visitor can do something about (wait a moment,
// write less) have their own text, every other code the general one.
export const errorText = (code: ErrorCode, T: Strings): string => (code === 'rate_limited' || code === 'too_large' ? T[code] : T.error);
