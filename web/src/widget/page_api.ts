// The page's API (docs/integrations.md): window.tiski(command, ...). Calls made before the widget
// loaded wait in window.tiski.q (each one the call's arguments) and are run in order once it is
// ready. Malformed calls are ignored; nothing is written to the page's console.
//   tiski('set', {cart: {...}})                the cart (tracking.ts)
//   tiski('set', {lang: 'sv'})                 the widget's language, at once
//   tiski('track', 'order'|'lead', {...})      a conversion (convert.ts)
//   tiski('identify', {id, name?, email?, hash?})  the shop's logged-in customer; null: logged out
//   tiski('open') / tiski('close')             the chat panel
//   tiski('hide') / tiski('show')              the whole widget (launcher included)
//   tiski('on', 'message'|'open'|'close', fn)  fn(detail) when an agent's message arrives
//                                              ({body, name?, at}) or the panel opens or closes
export type TiskiEvent = 'message' | 'open' | 'close';
type TiskiApi = ((cmd: string, arg?: unknown, arg2?: unknown) => void) & { q?: ArrayLike<unknown>[] };
declare global {
  interface Window {
    __tiski?: number;
    tiski?: TiskiApi;
  }
}

// What each command does (its arguments as the page gave them).
export type PageHandlers = Record<'set' | 'track' | 'identify' | 'open' | 'close' | 'hide' | 'show', (a?: unknown, b?: unknown) => void>;

export const pageApi = (h: PageHandlers) => {
  const on: Record<string, ((detail?: unknown) => void)[]> = Object.create(null);
  const api: TiskiApi = (cmd, a, b) => {
    if (cmd === 'on') typeof a === 'string' && typeof b === 'function' && (on[a] ||= []).push(b as (d?: unknown) => void);
    else if ({}.hasOwnProperty.call(h, cmd)) h[cmd as keyof PageHandlers](a, b);
  };
  const queued = window.tiski?.q || [];
  window.tiski = api;
  for (const a of Array.from(queued)) api(a[0] as string, a[1], a[2]);
  // Tells the page's listeners; one that throws stops neither the others nor the widget.
  const emit = (e: TiskiEvent, detail?: unknown) => on[e]?.forEach((fn) => {
    try {
      fn(detail);
    } catch {}
  });
  return { emit };
};
