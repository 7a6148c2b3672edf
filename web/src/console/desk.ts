// The agent's desk as the console holds it: each tenant's colour, policy card and hours today
// (GET /api/desk, read at start and every five minutes), and its canned answers (read when the
// composer first needs them, again when a minute old). Changes by this console are applied at
// once; other consoles see them at their next read (docs/desk.md).
import { tenantColor, type Canned, type Desk } from './canned';
import { serverText } from './server_text';

export type Reply = { ok: boolean; status: number; body: any };

export async function call(method: string, path: string, body?: unknown, csrf?: string): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  try {
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    const text = await r.text();
    let json: any = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { ok: r.ok, status: r.status, body: json };
  } catch {
    return { ok: false, status: 0, body: null };
  }
}

// The server's message of a failed reply in the console's language where known (server_text.ts),
// or `fallback`.
export const errorText = (r: Reply, fallback: string) => {
  const m = r.body?.error?.message as string | undefined;
  return m ? serverText(m) : fallback;
};

const CANNED_FRESH_MS = 60_000;
const DESK_FRESH_MS = 5 * 60_000;

export class DeskStore {
  desks = new Map<number, Desk>();
  private canned = new Map<number, { list: Canned[]; at: number; loading: boolean }>();
  private desksAt = 0;
  onChange: () => void = () => {};

  color(tenant: number): string {
    return tenantColor(tenant, this.desks.get(tenant)?.color);
  }

  async loadDesks(): Promise<void> {
    const got = new Map<number, Desk>();
    let after: number | null = null;
    do {
      const r = await call('GET', '/api/desk' + (after ? `?after=${after}` : ''));
      if (!r.ok) return;
      for (const d of r.body.tenants as Desk[]) got.set(d.tenant, d);
      after = r.body.next;
    } while (after != null);
    this.desks = got;
    this.desksAt = Date.now();
    this.onChange();
  }

  // Today's hours change at midnight and cards change by others: read again when stale.
  freshen(): void {
    if (Date.now() - this.desksAt > DESK_FRESH_MS) void this.loadDesks();
  }

  put(d: Desk): void {
    this.desks.set(d.tenant, d);
    this.onChange();
  }

  // The tenant's answers as known now; a read starts when they are missing or stale.
  cannedOf(tenant: number): Canned[] {
    const e = this.canned.get(tenant);
    if (!e || (!e.loading && Date.now() - e.at > CANNED_FRESH_MS)) void this.loadCanned(tenant);
    return e?.list ?? [];
  }

  async loadCanned(tenant: number): Promise<void> {
    const e = this.canned.get(tenant) ?? { list: [], at: 0, loading: false };
    e.loading = true;
    this.canned.set(tenant, e);
    const list: Canned[] = [];
    let after: number | null = null;
    do {
      const r = await call('GET', `/api/tenants/${tenant}/canned` + (after ? `?after=${after}` : ''));
      if (!r.ok) { e.loading = false; e.at = Date.now(); return; }
      list.push(...(r.body.answers as Canned[]));
      after = r.body.next;
    } while (after != null);
    this.canned.set(tenant, { list, at: Date.now(), loading: false });
    this.onChange();
  }
}

export const desk = new DeskStore();
