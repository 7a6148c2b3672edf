// Two-factor login in the console (docs/admin.md): an agent turns it on (a new key shown as
// text and as an otpauth:// link the phone's authenticator app opens, then a code of it) or off;
// a tenant admin requires it of the tenant's agents. An agent whose company requires it and who
// has not set it up sees only the set-up screen (TotpGate) until they have.
import { useEffect, useState } from 'preact/hooks';
import type { UiLang, UiStrings } from './i18n';
import { call, errorText } from './desk';
import { Langs } from './ui';

type State = { on: boolean; required: boolean };

// The key in groups of four, as apps show it and people type it.
export const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

export function TwoFactor({ t, csrf, onDone }: { t: UiStrings; csrf: string; onDone?: () => void }) {
  const [st, setSt] = useState<State | null>(null);
  const [setup, setSetup] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const load = () => void call('GET', '/api/me/totp').then((r) => r.ok && setSt(r.body));
  useEffect(load, []);
  const start = async () => {
    const r = await call('POST', '/api/me/totp', {}, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    if (r.ok) setSetup(r.body);
  };
  const send = async (e: Event, path: string) => {
    e.preventDefault();
    const r = await call('POST', path, { code: code.trim() }, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    if (!r.ok) return;
    setSetup(null);
    setCode('');
    load();
    onDone?.();
  };
  if (!st) return null;
  const codeField = (
    <label>{t.tf_code}<input inputMode="numeric" autocomplete="one-time-code" maxLength={7} required value={code}
      onInput={(e) => setCode((e.target as HTMLInputElement).value)} /></label>);
  return (
    <section class="tf">
      <h2>{t.tf_title} {st.on ? <span class="tag new">{t.tf_on}</span> : <span class="tag off">{t.tf_off}</span>}</h2>
      <p class="hint">{st.required ? t.tf_required : t.tf_hint}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {!st.on && !setup && <button class="primary" onClick={() => void start()}>{t.tf_start}</button>}
      {setup && (
        <form class="ad-form" onSubmit={(e) => void send(e, '/api/me/totp/confirm')}>
          <p class="hint">{t.tf_scan}</p>
          <code class="tf-key" aria-label={t.tf_key}>{grouped(setup.secret)}</code>
          <a class="ghost small" href={setup.uri}>{t.tf_openApp}</a>
          {codeField}
          <button class="primary" type="submit">{t.tf_confirm}</button>
        </form>)}
      {st.on && !st.required && (
        <form class="ad-form" onSubmit={(e) => void send(e, '/api/me/totp/disable')}>
          {codeField}
          <button class="ghost danger" type="submit">{t.tf_disable}</button>
        </form>)}
    </section>
  );
}

// A tenant's rule, for its admins.
export function RequireTwoFactor({ t, tenant, csrf, onChange }: { t: UiStrings; tenant: number; csrf: string; onChange: () => void }) {
  const [on, setOn] = useState<boolean | null>(null);
  const [error, setError] = useState('');
  useEffect(() => void call('GET', `/api/tenants/${tenant}/security`).then((r) => r.ok && setOn(r.body.require_totp)), [tenant]);
  // The box shows the choice at once and goes back if the server refuses it.
  const change = async (v: boolean) => {
    setOn(v);
    const r = await call('PUT', `/api/tenants/${tenant}/security`, { require_totp: v }, csrf);
    setError(r.ok ? '' : r.status === 409 ? t.tf_ruleOwnFirst : errorText(r, t.ad_failed));
    if (!r.ok) setOn(!v);
    onChange();
  };
  if (on === null) return null;
  return (
    <section class="tf-rule">
      <h2>{t.tf_ruleTitle}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <label class="check"><input type="checkbox" checked={on} onChange={(e) => void change((e.target as HTMLInputElement).checked)} /> {t.tf_rule}</label>
    </section>
  );
}

// The whole screen for an agent who must set up two-factor login before anything else.
export function TotpGate({ t, lang, setLang, csrf, onDone, onLogout }: {
  t: UiStrings; lang: UiLang; setLang: (l: UiLang) => void; csrf: string; onDone: () => void; onLogout: () => void;
}) {
  return (
    <div class="login">
      <div class="card admin-page tf-gate">
        <div class="brand big"><span class="logo">T</span> Tiski</div>
        <TwoFactor t={t} csrf={csrf} onDone={onDone} />
        <div class="login-foot"><Langs lang={lang} setLang={setLang} /><button class="ghost small" onClick={onLogout}>{t.logout}</button></div>
      </div>
    </div>
  );
}
