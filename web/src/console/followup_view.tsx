// Steering a chat to email (docs/channels.md): the agent asks for the visitor's address and
// writes a note ("I'll find out and answer by email"); the visitor gets the note with the chat
// so far by email, every later answer goes by email too, the outcome says redirected to email and
// the answer is due by the tenant's email target.
import { useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';

export function FollowUpForm(p: { t: UiStrings; conv: number; name?: string; csrf: string; onDone: (text: string) => void; onCancel: () => void }) {
  const { t } = p;
  const [email, setEmail] = useState('');
  const [name, setName] = useState(p.name ?? '');
  const [note, setNote] = useState(t.fu_defaultNote);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const body: Record<string, string> = { email: email.trim(), note: note.trim() };
    if (name.trim()) body.name = name.trim();
    const r = await call('POST', `/api/conversations/${p.conv}/followup`, body, p.csrf);
    setBusy(false);
    if (!r.ok) return setError(errorText(r, t.ad_failed));
    p.onDone(t.fu_done.replace('{email}', email.trim()));
  };
  return (
    <form class="block-form followup-form" onSubmit={submit} aria-label={t.fu_title}>
      <p class="hint">{t.fu_hint}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <label>{t.fu_email}<input type="email" required maxLength={254} value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} /></label>
      <label>{t.fu_name}<input maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
      <label class="wide">{t.fu_note}<textarea required rows={3} maxLength={4000} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} /></label>
      <div class="row">
        <button class="primary" type="submit" disabled={busy}>{t.fu_send}</button>
        <button class="ghost" type="button" onClick={p.onCancel}>{t.cancel}</button>
      </div>
    </form>
  );
}
