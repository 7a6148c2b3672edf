// Expected response times per channel in Administration (docs/channels.md): how soon an email,
// a left message and an API/social message are answered — "2d" (by the end of the second working
// day), "24h" (business hours) or "0" (no target). The server validates and shows its message.
import { useEffect, useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';

type Targets = { email: string; offline: string; api: string };
const CHANNELS = ['email', 'offline', 'api'] as const;

export function TargetsEditor({ t, tenant, csrf, may, onChange }: { t: UiStrings; tenant: number; csrf: string; may: boolean; onChange: () => void }) {
  const [v, setV] = useState<Targets | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    setNote(null);
    void call('GET', `/api/tenants/${tenant}/settings`).then((r) => setV(r.ok ? r.body.response_targets : null));
  }, [tenant]);
  if (!v) return null;
  const label = { email: t.st_email, offline: t.st_offline, api: t.st_api };
  const save = async (e: Event) => {
    e.preventDefault();
    const r = await call('PUT', `/api/tenants/${tenant}/settings`, { response_targets: v }, csrf);
    setNote(r.ok ? { ok: true, text: t.dk_saved } : { ok: false, text: errorText(r, t.ad_failed) });
    if (r.ok) { setV(r.body.response_targets); onChange(); }
  };
  return (
    <section class="ad-targets">
      <h2>{t.st_targets}</h2>
      <p class="hint">{t.st_targetsHint}</p>
      <form class="ad-form targets-form" onSubmit={save}>
        <fieldset disabled={!may}>
          {CHANNELS.map((k) => (
            <label key={k}>{label[k]}<input value={v[k]} required maxLength={5} pattern="0|[0-9]{1,2}d|[0-9]{1,3}h" data-target={k}
              onInput={(e) => { setV({ ...v, [k]: (e.target as HTMLInputElement).value.trim() }); setNote(null); }} /></label>))}
          <button class="primary" type="submit">{t.dk_save}</button>
        </fieldset>
        {note && <p class={note.ok ? 'ok' : 'error'} role={note.ok ? 'status' : 'alert'}>{note.text}</p>}
      </form>
    </section>
  );
}
