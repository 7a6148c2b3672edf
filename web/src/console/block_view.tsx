// Blocking abusive visitors (docs/roles.md, "Abuse"): any agent blocks the visitor of the chat
// they have open, for a time or until lifted, optionally also by the address they are
// connected from; supervisors see the tenant's active blocks in the live view and lift them.
import { useEffect, useState } from 'preact/hooks';
import type { TenantRole } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';
import { when } from './format';
import { TenantTag } from './desk_view';

type BlockRow = { id: number; tenant: number; visitor_no: number; conv: number; by_address: boolean; reason: string;
  created_at: number; expires_at: number | null };

const DURATIONS = [1, 24, 24 * 7, 24 * 30, 0] as const;  // hours; 0: until lifted

function durationText(h: number, t: UiStrings): string {
  return h === 0 ? t.bl_forever : h < 24 ? t.bl_hours.replace('{n}', String(h)) : t.bl_days.replace('{n}', String(h / 24));
}

export function BlockForm(p: { t: UiStrings; conv: number; csrf: string; onDone: (text: string) => void; onCancel: () => void }) {
  const { t } = p;
  const [hours, setHours] = useState<number>(24);
  const [ip, setIp] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { ip, reason: reason.trim() };
    if (hours === 0) body.forever = true;
    else body.hours = hours;
    const r = await call('POST', `/api/conversations/${p.conv}/block`, body, p.csrf);
    if (!r.ok) return setError(errorText(r, t.ad_failed));
    p.onDone(t.bl_done);
  };
  return (
    <form class="block-form" onSubmit={submit} aria-label={t.bl_title}>
      <p class="hint">{t.bl_hint}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <label>{t.bl_duration}<select value={hours} onChange={(e) => setHours(Number((e.target as HTMLSelectElement).value))}>
        {DURATIONS.map((h) => <option key={h} value={h}>{durationText(h, t)}</option>)}</select></label>
      <label class="check"><input type="checkbox" checked={ip} onChange={(e) => setIp((e.target as HTMLInputElement).checked)} /> {t.bl_address}</label>
      <label>{t.bl_reason}<input maxLength={200} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} /></label>
      <div class="row"><button class="primary danger" type="submit">{t.bl_submit}</button>
        <button class="ghost" type="button" onClick={p.onCancel}>{t.cancel}</button></div>
    </form>
  );
}

// The active blocks of the tenants I supervise, newest first, each with its lift button.
export function BlocksSection({ t, tenants, csrf }: { t: UiStrings; tenants: TenantRole[]; csrf: string }) {
  const mine = tenants.filter((x) => x.role !== 'agent');
  const [rows, setRows] = useState<BlockRow[]>([]);
  const load = async () => {
    const all: BlockRow[] = [];
    for (const x of mine) {
      const r = await call('GET', `/api/tenants/${x.id}/blocks`);
      if (r.ok) all.push(...r.body.blocks);
    }
    setRows(all.sort((a, b) => b.created_at - a.created_at));
  };
  useEffect(() => { void load(); }, [mine.map((x) => x.id).join()]);
  if (mine.length === 0) return null;
  const name = (id: number) => tenants.find((x) => x.id === id)?.name ?? '';
  return (
    <section class="live-blocks">
      <h2>{t.bl_list} <span class="count">{rows.length}</span></h2>
      {rows.length === 0 ? <p class="empty" role="status">{t.bl_none}</p> : (
        <ul class="block-list">{rows.map((b) => (
          <li key={b.id} data-block={b.id}>
            <div><strong>{t.visitor} #{b.visitor_no}</strong> <TenantTag id={b.tenant} name={name(b.tenant)} />
              {b.by_address && <span class="tag">{t.bl_byAddress}</span>}</div>
            <small>{when(b.created_at)} · {b.expires_at ? `${t.bl_until} ${when(b.expires_at)}` : t.bl_forever}
              {b.reason && <> · <q><bdi>{b.reason}</bdi></q></>}</small>
            <button class="ghost small" onClick={() => void call('DELETE', `/api/tenants/${b.tenant}/blocks/${b.id}`, undefined, csrf).then(load)}>{t.bl_lift}</button>
          </li>
        ))}</ul>
      )}
    </section>
  );
}
