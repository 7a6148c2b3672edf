// Password links (docs/admin.md): "forgot your password?" on the login screen mails a reset link;
// the link (#password=TOKEN, an invitation's too) opens the page that sets a new password. The
// server answers the same for every address, so the screen never says whether one has an
// account.
import { useState } from 'preact/hooks';
import type { UiLang, UiStrings } from './i18n';
import { api } from './api';
import { Langs } from './ui';
import { serverText } from './server_text';

// The token of a password link in the address (#password=...), or ''.
export const linkToken = (hash: string) => /^#password=([A-Za-z0-9_-]{20,100})$/.exec(hash)?.[1] ?? '';

const message = async (r: Response | null): Promise<string> => {
  const m: unknown = (await r?.json().catch(() => null))?.error?.message;
  return typeof m === 'string' ? serverText(m) : '';
};

export function Forgot({ t, lang, email: initial, onBack }: { t: UiStrings; lang: UiLang; email: string; onBack: () => void }) {
  const [email, setEmail] = useState(initial);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const r = await api('/api/password/forgot', { email: email.trim(), lang }).catch(() => null);
    setBusy(false);
    if (r?.status === 202) { setSent(true); setError(''); } else setError((await message(r)) || t.networkError);
  };
  return (
    <form onSubmit={submit} class="card" aria-labelledby="forgot-title">
      <div class="brand big"><span class="logo">T</span> Tiski</div>
      <h1 id="forgot-title">{t.pw_forgotTitle}</h1>
      {sent ? <p class="notice" role="status">{t.pw_sent}</p> : <>
        <p class="hint">{t.pw_forgotHint}</p>
        <label>{t.email}<input type="email" autocomplete="username" required maxLength={254} value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <button class="primary" disabled={busy}>{t.pw_send}</button></>}
      <button type="button" class="link" onClick={onBack}>‹ {t.pw_backToLogin}</button>
    </form>
  );
}

export function SetPassword({ t, lang, setLang, token, onDone }: {
  t: UiStrings; lang: UiLang; setLang: (l: UiLang) => void; token: string; onDone: (email: string) => void;
}) {
  const [pw, setPw] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (pw !== again) return setError(t.pw_mismatch);
    setBusy(true);
    const r = await api('/api/password/reset', { token, password: pw }).catch(() => null);
    setBusy(false);
    if (r?.ok) onDone((await r.json()).email);
    else setError((await message(r)) || t.networkError);
  };
  return (
    <div class="login">
      <form onSubmit={submit} class="card">
        <div class="brand big"><span class="logo">T</span> Tiski</div>
        <h1>{t.pw_setTitle}</h1>
        <p class="hint">{t.pw_setHint}</p>
        <label>{t.pw_new}<input type="password" autocomplete="new-password" required minLength={8} maxLength={200} value={pw} onInput={(e) => setPw((e.target as HTMLInputElement).value)} /></label>
        <label>{t.pw_again}<input type="password" autocomplete="new-password" required minLength={8} maxLength={200} value={again} onInput={(e) => setAgain((e.target as HTMLInputElement).value)} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <button class="primary" disabled={busy}>{t.pw_set}</button>
        <div class="login-foot"><Langs lang={lang} setLang={setLang} /></div>
      </form>
    </div>
  );
}
