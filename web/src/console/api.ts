// The console's few REST calls: login, logout, who am I and the reports (reports.tsx).
// Everything else goes over the socket (socket.ts).
import type { AgentInfo, TenantRole } from '../protocol.gen';

// owner: the workspace owner (docs/roles.md), an admin of every tenant.
export type Me = { agent: AgentInfo & { owner?: boolean; totp?: boolean; totp_setup_needed?: boolean }; tenants: TenantRole[]; csrf: string };

export async function api(path: string, body?: unknown, csrf?: string): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  return fetch(path, { method: body === undefined && !csrf ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
}
