// The tenant's attachment policy in Administration (docs/attachments.md): the largest file a
// visitor, an agent or an email may bring in, and the file types taken (extensions; "*" any).
// Admins only; the server validates and says what is wrong.
import { useEffect, useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';

export function AttachmentsEditor({ t, tenant, csrf, onChange }: { t: UiStrings; tenant: number; csrf: string; onChange: () => void }) {
  const [max, setMax] = useState('');
  const [types, setTypes] = useState('');
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const show = (a: { max_mb: number; types: string[] }) => {
    setMax(String(a.max_mb));
    setTypes(a.types.join(' '));
  };
  useEffect(() => {
    setNote(null);
    void call('GET', `/api/tenants/${tenant}/settings`).then((r) => r.ok && show(r.body.attachments));
  }, [tenant]);
  if (!max) return null;
  const save = async (e: Event) => {
    e.preventDefault();
    const body = { attachments: { max_mb: Number(max), types: types.split(/[\s,]+/).filter(Boolean) } };
    const r = await call('PUT', `/api/tenants/${tenant}/settings`, body, csrf);
    setNote(r.ok ? { ok: true, text: t.at_saved } : { ok: false, text: errorText(r, t.ad_failed) });
    if (r.ok) { show(r.body.attachments); onChange(); }
  };
  return (
    <section class="ad-attachments">
      <h2>{t.at_title}</h2>
      <p class="hint">{t.at_hint}</p>
      <form class="ad-form attachments-form" onSubmit={save}>
        <label>{t.at_max}<input type="number" min="0.1" max="20" step="0.1" required value={max}
          onInput={(e) => { setMax((e.target as HTMLInputElement).value); setNote(null); }} /></label>
        <label class="wide">{t.at_types}<input value={types} required maxLength={600}
          onInput={(e) => { setTypes((e.target as HTMLInputElement).value); setNote(null); }} /></label>
        <button class="primary" type="submit">{t.dk_save}</button>
        {note && <p class={note.ok ? 'ok' : 'error'} role={note.ok ? 'status' : 'alert'}>{note.text}</p>}
      </form>
    </section>
  );
}
