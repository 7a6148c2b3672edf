// Conversions the page reports with tiski('track', 'order'|'lead', {id, value?, currency?}),
// checked with toConversion (malformed ones are ignored): kept in localStorage until the server
// answers converted, sent one at a time once welcomed, again after each welcome (the same id
// twice changes nothing on the server). Its own file (convert_chunk.ts), fetched by
// convert_lazy.ts when the page reports one or one is waiting.
import type { VisitorServerConverted, VisitorServerError } from '../protocol.gen';
import { addPending, dropPending, toConversion, type ConversionIn } from './logic';
import { readJson, store, type Keys } from './storage';
import type { Connection } from './connection';

export const conversions = (k: Keys, conn: Connection) => {
  let out: ConversionIn | null = null;  // sent, not answered yet
  let held = false;  // refused for a reason that may pass: again after the next welcome
  const list = () => readJson<ConversionIn[]>(localStorage, k.conv) || [];
  const save = (l: ConversionIn[]) => store(localStorage, k.conv, l.length ? JSON.stringify(l) : null);
  const next = () => {
    const c = list()[0];
    if (out || held || !c || !conn.ready()) return;
    out = c;
    conn.send({ t: 'convert', ...c });
  };
  const drop = (kind: string, id: string) => save(dropPending(list(), kind, id));

  return {
    track: (kind: unknown, data: unknown) => {
      const c = toConversion(kind, data);
      if (c) save(addPending(list(), c));
      next();
    },
    welcome: () => {
      out = null;
      held = false;
      next();
    },
    converted: (f: VisitorServerConverted) => {
      drop(f.kind, f.id);
      if (out?.kind === f.kind && out.id === f.id) out = null;
      next();
    },
    // An error without a cid while one is out is its answer: a malformed one is dropped, any
    // other refusal (too fast, the server busy) waits for the next welcome. true if it was ours.
    error: (f: VisitorServerError) => {
      if (!out) return false;
      if (f.code === 'bad_request' || f.code === 'too_large') drop(out.kind, out.id);
      else held = true;
      out = null;
      next();
      return true;
    },
  };
};
export type Conversions = ReturnType<typeof conversions>;
