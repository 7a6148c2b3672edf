// The email channel's IMAP mailboxes of a tenant in the console (docs/channels.md), for its
// admins: add one (server URL, username, password — never shown again — and the site whose inbox
// its mail joins), see when it was last read, its last error and how many emails it brought,
// switch it off, change its password, remove it. The server checks every right.
import { useEffect, useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';
import { when as whenAt } from './format';
import { useShown } from './ui';

type Mailbox = { id: number; url: string; username: string; has_password: boolean; site: string; address: string; active: boolean;
  checked_at: number | null; last_error: string; received: number; last_uid: number };

const when = (ms: number | null) => (ms ? whenAt(ms) : '—');

function MailboxRow({ t, m, onChange }: { t: UiStrings; m: Mailbox; onChange: (body: Record<string, unknown> | null) => void }) {
  const [password, setPassword] = useState('');
  const [editing, setEditing] = useState(false);
  return (
    <li data-mailbox={m.id} class={m.active ? '' : 'inactive'}>
      <div class="row">
        <code class="url"><bdi>{m.url}</bdi></code>
        <span class="user"><bdi>{m.username}</bdi></span>
        {!m.active && <span class="tag off">{t.in_off}</span>}
        <span class="grow" />
        <button class="ghost small" aria-expanded={editing} onClick={() => setEditing(!editing)}>{t.mb_password}</button>
        <button class="ghost small" onClick={() => onChange({ active: !m.active })}>{m.active ? t.in_turnOff : t.in_turnOn}</button>
        <button class="ghost small danger" onClick={() => onChange(null)}>{t.ad_remove}</button>
      </div>
      <p class="events">
        {t.mb_checked} {when(m.checked_at)} · {t.mb_received.replace('{n}', String(m.received))}
        {m.address && <> · {t.mb_replyTo} <bdi>{m.address}</bdi></>}
        {m.site && <> · {t.mb_site} <code>{m.site}</code></>}
      </p>
      {m.last_error && <p class="error" role="status">{t.mb_error} <bdi>{m.last_error}</bdi></p>}
      {editing && (
        <form class="mb-password" onSubmit={(e) => { e.preventDefault(); onChange({ password }); setPassword(''); setEditing(false); }}>
          <label>{t.mb_newPassword}<input type="password" required maxLength={500} autocomplete="new-password" value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)} /></label>
          <button class="primary small" type="submit">{t.mb_save}</button>
        </form>)}
    </li>
  );
}

export function Mailboxes({ t, tenant, csrf, onChange }: { t: UiStrings; tenant: number; csrf: string; onChange: () => void }) {
  const [list, setList] = useState<Mailbox[]>([]);
  const [error, setError] = useState('');
  const [form, setForm] = useState({ url: '', username: '', password: '', site: '', address: '' });
  const shown = useShown(tenant);
  const load = () => {
    const asked = tenant;
    void call('GET', `/api/tenants/${asked}/mailboxes`).then((r) => { if (shown(asked)) setList(r.ok ? r.body.mailboxes : []); });
  };
  useEffect(() => { setList([]); load(); }, [tenant]);
  // A new or changed mailbox is read within moments, a first read sometimes later: look again
  // 3 s after a change, and every 3 s while an active one has never been read.
  const unread = list.some((m) => m.active && !m.checked_at);
  useEffect(() => {
    if (!unread) return;
    const timer = setTimeout(load, 3000);
    return () => clearTimeout(timer);
  }, [list]);
  const done = (r: { ok: boolean }, failed: string) => {
    setError(r.ok ? '' : failed);
    load();
    if (r.ok) setTimeout(load, 3000);
    onChange();
  };
  const create = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, string> = { url: form.url.trim(), username: form.username.trim(), password: form.password };
    if (form.site.trim()) body.site = form.site.trim();
    if (form.address.trim()) body.address = form.address.trim();
    const r = await call('POST', `/api/tenants/${tenant}/mailboxes`, body, csrf);
    if (r.ok) setForm({ url: '', username: '', password: '', site: '', address: '' });
    done(r, errorText(r, t.ad_failed));
  };
  const change = async (m: Mailbox, body: Record<string, unknown> | null) => {
    if (!body && !confirm(t.in_removeAsk.replace('{n}', m.url))) return;
    const r = await call(body ? 'PUT' : 'DELETE', `/api/tenants/${tenant}/mailboxes/${m.id}`, body ?? undefined, csrf);
    done(r, errorText(r, t.ad_failed));
  };
  const field = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  return (
    <section class="in-mailboxes">
      <h2>{t.mb_title}</h2>
      <p class="hint">{t.mb_hint}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {list.length === 0 ? <p class="empty">{t.mb_none}</p> : (
        <ul class="in-hook-list">{list.map((m) => <MailboxRow key={m.id} t={t} m={m} onChange={(b) => void change(m, b)} />)}</ul>)}
      <form class="ad-form" onSubmit={create}>
        <h3>{t.mb_add}</h3>
        <label>{t.mb_url}<input type="text" required maxLength={500} placeholder="imaps://imap.example.fi/INBOX" value={form.url} onInput={field('url')} /></label>
        <label>{t.mb_username}<input type="text" required maxLength={200} autocomplete="off" value={form.username} onInput={field('username')} /></label>
        <label>{t.mb_passwordLabel}<input type="password" required maxLength={500} autocomplete="new-password" value={form.password} onInput={field('password')} /></label>
        <label>{t.mb_addressLabel}<input type="email" maxLength={254} placeholder="asiakaspalvelu@example.fi" value={form.address} onInput={field('address')} /></label>
        <label>{t.mb_siteLabel}<input type="text" maxLength={64} value={form.site} onInput={field('site')} /></label>
        <button class="primary" type="submit">{t.mb_addButton}</button>
      </form>
    </section>
  );
}
