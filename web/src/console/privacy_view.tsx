// A tenant's privacy in the console (docs/privacy.md), for its admins: the retention period,
// and a person's data, found by visitor number or email, exported as a JSON file or erased.
import { useEffect, useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';
import { put, putAll } from './fill';
import { subjectOf } from './privacy';

type Erased = { visitors: number; conversations: number; messages: number; page_views: number };


export function Privacy({ t, tenant, csrf, onChange }: { t: UiStrings; tenant: number; csrf: string; onChange: () => void }) {
  const [days, setDays] = useState(0);
  const [saved, setSaved] = useState('');
  const [who, setWho] = useState('');
  const [error, setError] = useState('');
  const [result, setResult] = useState('');
  const base = `/api/tenants/${tenant}/privacy`;
  useEffect(() => {
    setResult('');
    setError('');
    void call('GET', base).then((r) => r.ok && setDays(r.body.retention_days));
  }, [tenant]);
  const save = async (e: Event) => {
    e.preventDefault();
    const r = await call('PUT', base, { retention_days: days }, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    setSaved(r.ok ? t.pv_saved : '');
    onChange();
  };
  const subject = () => {
    const s = subjectOf(who);
    if (!s) setError(t.pv_badSubject);
    return s;
  };
  const download = async () => {
    const s = subject();
    if (!s) return;
    const q = 'email' in s ? `email=${encodeURIComponent(s.email)}` : `visitor=${s.visitor}`;
    const r = await call('GET', `${base}/export?${q}`);
    onChange();
    if (!r.ok) return setError(errorText(r, t.ad_failed));
    setError('');
    const url = URL.createObjectURL(new Blob([JSON.stringify(r.body, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `tiski-export-${'email' in s ? 'email' : s.visitor}.json`;
    a.click();
    URL.revokeObjectURL(url);
    setResult(put(t.pv_exported, 'n', r.body.visitors.length));
  };
  const erase = async () => {
    const s = subject();
    if (!s || !confirm(t.pv_eraseAsk.replace('{w}', who.trim()))) return;
    const r = await call('POST', `${base}/erase`, s, csrf);
    onChange();
    if (!r.ok) return setError(errorText(r, t.ad_failed));
    const e = r.body as Erased;
    setError('');
    setResult(putAll(t.pv_erased, { c: e.conversations, m: e.messages, p: e.page_views }));
    setWho('');
  };
  return (
    <section class="pv">
      <h2>{t.pv_title}</h2>
      <p class="hint">{t.pv_hint}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <form class="ad-form" onSubmit={save}>
        <label>{t.pv_retention}<input type="number" min={0} max={3650} value={days}
          onInput={(e) => { setDays(Number((e.target as HTMLInputElement).value)); setSaved(''); }} /></label>
        <button class="primary" type="submit">{t.pv_save}</button>
        <p class="hint">{saved || t.pv_retentionHint}</p>
      </form>
      <div class="ad-form pv-subject">
        <h3>{t.pv_person}</h3>
        <label>{t.pv_who}<input value={who} maxLength={254} placeholder="#12 / matti@example.com"
          onInput={(e) => setWho((e.target as HTMLInputElement).value)} /></label>
        <button class="ghost" type="button" onClick={() => void download()}>{t.pv_export}</button>
        <button class="ghost danger" type="button" onClick={() => void erase()}>{t.pv_erase}</button>
        {result && <p class="hint" role="status">{result}</p>}
      </div>
    </section>
  );
}
