// The login screen: email and password, the reason the agent is back here (the session ended),
// and the same language switch as the console's footer.
import { useState } from 'preact/hooks';
import type { UiLang, UiStrings } from './i18n';
import { api, type Me } from './api';
import { Langs } from './ui';
import { Forgot } from './password_view';
import { serverText } from './server_text';

type LoginError = { key: 'badLogin' | 'networkError' | 'tf_wrong' } | { text: string };

export function Login({ t, lang, setLang, notice, email: initial = '', onLogin }: {
  t: UiStrings; lang: UiLang; setLang: (l: UiLang) => void; notice: string; email?: string; onLogin: (m: Me) => void;
}) {
  const [email, setEmail] = useState(initial);
  const [forgot, setForgot] = useState(false);  // "forgot your password?": the reset form
  const [password, setPassword] = useState('');
  // Kept as what to say rather than the words, so that switching the language translates it.
  const [error, setError] = useState<LoginError | null>(null);
  const [busy, setBusy] = useState(false);
  // The password was right and the account has two-factor login: ask for the code.
  const [needCode, setNeedCode] = useState(false);
  const [code, setCode] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api('/api/login', needCode ? { email, password, code } : { email, password }).catch(() => null);
    setBusy(false);
    const body = r && !r.ok ? await r.clone().json().catch(() => null) : null;
    if (r && r.ok) onLogin(await r.json());
    else if (body?.error?.code === 'totp_required') setNeedCode(true);
    else if (r && r.status === 401) setError({ key: needCode ? 'tf_wrong' : 'badLogin' });
    else {
      const message: unknown = (await r?.json().catch(() => null))?.error?.message;
      setError(typeof message === 'string' && message ? { text: serverText(message) } : { key: 'networkError' });
    }
  };
  if (forgot) return <main class="login"><Forgot t={t} lang={lang} email={email} onBack={() => setForgot(false)} /></main>;
  return (
    <main class="login">
      <form onSubmit={submit} class="card">
        <div class="brand big"><span class="logo">T</span> Tiski</div>
        <h1>{t.login}</h1>
        {notice && <p class="notice" role="status">{notice}</p>}
        <label>{t.email}<input type="email" autocomplete="username" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} /></label>
        <label>{t.password}<input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} /></label>
        {needCode && <label>{t.tf_code}<input inputMode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxLength={7} required autoFocus
          value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value)} /></label>}
        {needCode && <p class="hint">{t.tf_codeHint}</p>}
        {error && <p class="error" role="alert">{'key' in error ? t[error.key] : error.text}</p>}
        <button class="primary" disabled={busy}>{t.login}</button>
        <button type="button" class="link forgot" onClick={() => setForgot(true)}>{t.pw_forgot}</button>
        <div class="login-foot"><Langs lang={lang} setLang={setLang} /></div>
      </form>
    </main>
  );
}
