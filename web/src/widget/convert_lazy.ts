// What widget.js does for the page's conversions (convert.ts, its own file): each welcome writes
// the visitor token as the first-party cookie tiski_visitor, for the shop's server to name the
// visitor in POST /api/sites/{key}/conversions; tiski('track', ...) calls wait in sessionStorage,
// as the page made them, until convert.ts (fetched then, or at a welcome while conversions wait
// unsent) checks and keeps them. So a call survives the page being left at once.
import type { VisitorServerConverted, VisitorServerError } from '../protocol.gen';
import { readJson, store, type Keys } from './storage';
import type { Connection } from './connection';
import type { Conversions } from './convert';
import { fetchChunk } from './chunk';

// The chunk's file name, next to widget.js (set by web/build.mjs; the name changes with it).
declare const __CONVERT_CHUNK__: string;

// At most this many calls wait, each at most this long as JSON; others are ignored.
export const MAX_CALLS = 20;
export const MAX_CALL_CHARS = 2000;

export const lazyConversions = (k: Keys, conn: Connection, src: string) => {
  let real: Conversions | null = null;
  const calls = () => readJson<unknown[][]>(sessionStorage, k.calls) || [];
  const load = fetchChunk(__CONVERT_CHUNK__, src, () => {
    real = window.__tiskiConvert!(k, conn);
    real.welcome();  // sends the first waiting, if welcomed
    for (const c of calls()) if (Array.isArray(c)) real.track(c[0], c[1]);
    store(sessionStorage, k.calls, null);
  });
  return {
    track: (kind: unknown, data: unknown) => {
      if (real) return real.track(kind, data);
      const l = calls();
      let j = '';
      try {
        j = JSON.stringify([kind, data]);
      } catch {}  // a cycle: not a conversion
      if (j && j.length <= MAX_CALL_CHARS && l.length < MAX_CALLS) store(sessionStorage, k.calls, JSON.stringify([...l, JSON.parse(j)]));
      load();
    },
    welcome: (token: string) => {
      document.cookie = `tiski_visitor=${token}; path=/; max-age=2592000; SameSite=Lax${location.protocol === 'https:' ? '; Secure' : ''}`;
      if (real) real.welcome();
      else if (store(localStorage, k.conv) || store(sessionStorage, k.calls)) load();
    },
    converted: (f: VisitorServerConverted) => real?.converted(f),
    // An error without a cid: true if it answered a conversion (none is out before convert.ts is here).
    error: (f: VisitorServerError) => !!real && real.error(f),
  };
};
export type LazyConversions = ReturnType<typeof lazyConversions>;
