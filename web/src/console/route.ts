// The console's place in the browser's history: each view and each chat opened is an entry with
// an address of its own (#reports, #c42), so the browser's Back returns to the previous view or
// chat instead of leaving the console, a reload stays where the agent was, and an address can be
// opened in a new tab. Pure; main.tsx's useHistory pushes and follows the entries.
import type { View } from './sidebar';

export type Route = { view: View; conv: number | null };

const VIEWS: readonly View[] = ['visitors', 'recent', 'reports', 'desk', 'search', 'quality', 'live', 'admin'];

// The address of a place: "" for the chat list with nothing open.
export function routeOf(view: View, conv: number | null): string {
  if (view !== 'chat') return '#' + view;
  return conv != null ? '#c' + conv : '';
}

// The place an address names; anything else is the chat list with nothing open.
export function parseRoute(hash: string): Route {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  if ((VIEWS as readonly string[]).includes(h)) return { view: h as View, conv: null };
  const m = /^c([1-9][0-9]{0,14})$/.exec(h);  // an exact number in JavaScript
  return { view: 'chat', conv: m ? Number(m[1]) : null };
}
