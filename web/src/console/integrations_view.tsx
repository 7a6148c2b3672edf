// A tenant's integrations in the console (docs/integrations.md), for its admins: API tokens
// (created with scopes, shown once, revoked) and webhooks (URL and events, the signing secret
// shown once, on/off, the delivery log with "send again"). The server checks every right.
import { useEffect, useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';
import { when as whenAt } from './format';
import { Mailboxes } from './mailboxes_view';

type Token = { id: number; name: string; scopes: string[]; prefix: string; created_at: number;
  last_used_at: number | null; revoked_at: number | null };
type Hook = { id: number; url: string; events: string[]; active: boolean; created_at: number; paused_reason?: string };
type Delivery = { id: number; delivery: string; type: string; status: string; attempts: number; next_at: number | null;
  last_code: number | null; error: string; created_at: number; done_at: number | null };

const SCOPES = ['read', 'write', 'admin'] as const;
const when = (ms: number | null) => (ms ? whenAt(ms) : '—');

// A secret shown once, with a copy button.
function Once({ t, label, value }: { t: UiStrings; label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="in-once" role="status">
      <p><strong>{label}</strong> {t.in_onceHint}</p>
      <code>{value}</code>
      <button class="ghost small" type="button" onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true))}>
        {copied ? t.in_copied : t.in_copy}</button>
    </div>
  );
}

function Tokens({ t, tenant, csrf, onChange }: { t: UiStrings; tenant: number; csrf: string; onChange: () => void }) {
  const [list, setList] = useState<Token[]>([]);
  const [error, setError] = useState('');
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read']);
  const [fresh, setFresh] = useState('');
  const load = () => void call('GET', `/api/tenants/${tenant}/tokens`).then((r) => setList(r.ok ? r.body.tokens : []));
  useEffect(() => { setFresh(''); load(); }, [tenant]);
  const create = async (e: Event) => {
    e.preventDefault();
    const r = await call('POST', `/api/tenants/${tenant}/tokens`, { name: name.trim(), scopes }, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    if (r.ok) { setFresh(r.body.token); setName(''); }
    load();
    onChange();
  };
  const revoke = async (x: Token) => {
    if (!confirm(t.in_revokeAsk.replace('{n}', x.name))) return;
    const r = await call('DELETE', `/api/tenants/${tenant}/tokens/${x.id}`, undefined, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    load();
    onChange();
  };
  const toggle = (s: string) => setScopes(scopes.includes(s) ? scopes.filter((x) => x !== s) : [...scopes, s]);
  return (
    <section class="in-tokens">
      <h2>{t.in_tokens}</h2>
      <p class="hint">{t.in_tokensHint}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {fresh && <Once t={t} label={t.in_newToken} value={fresh} />}
      {list.length === 0 ? <p class="empty">{t.in_noTokens}</p> : (
        <table class="ad-table">
          <thead><tr><th>{t.ad_name}</th><th>{t.in_scopes}</th><th>{t.in_prefix}</th><th>{t.in_lastUsed}</th><th /></tr></thead>
          <tbody>{list.map((x) => (
            <tr key={x.id} data-token={x.id} class={x.revoked_at ? 'inactive' : ''}>
              <td><bdi>{x.name}</bdi>{x.revoked_at && <span class="tag off">{t.in_revoked}</span>}</td>
              <td data-label={t.in_scopes}>{x.scopes.join(', ')}</td>
              <td data-label={t.in_prefix}><code>{x.prefix}…</code></td>
              <td data-label={t.in_lastUsed}>{when(x.last_used_at)}</td>
              <td class="acts">{!x.revoked_at && <button class="ghost small danger" onClick={() => void revoke(x)}>{t.in_revoke}</button>}</td>
            </tr>))}</tbody>
        </table>)}
      <form class="ad-form" onSubmit={create}>
        <h3>{t.in_createToken}</h3>
        <label>{t.ad_name}<input required maxLength={80} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
        <fieldset><legend>{t.in_scopes}</legend>
          {SCOPES.map((s) => <label key={s} class="check"><input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} />{t[`in_scope_${s}` as keyof UiStrings]}</label>)}
        </fieldset>
        <button class="primary" type="submit">{t.in_create}</button>
      </form>
    </section>
  );
}

function Deliveries({ t, tenant, hook, csrf }: { t: UiStrings; tenant: number; hook: number; csrf: string }) {
  const [list, setList] = useState<Delivery[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState('');
  const [paged, setPaged] = useState(false);  // older pages are shown: a refresh would drop them
  const base = `/api/tenants/${tenant}/webhooks/${hook}/deliveries`;
  const load = (before = 0) => void call('GET', before ? `${base}?before=${before}` : base).then((r) => {
    if (!r.ok) return setError(errorText(r, t.ad_failed));
    setList(before ? (l) => [...l, ...r.body.deliveries] : r.body.deliveries);
    setNext(r.body.next_before);
    setPaged(before !== 0);
  });
  useEffect(() => load(), [hook]);
  // The log follows a delivery waiting for its next attempt: it looks again when the earliest is
  // due (at least 3 s, at most a minute apart), unless older pages are open. One long overdue
  // (a switched-off webhook holds its deliveries) is looked at once a minute.
  const due = list.filter((d) => d.status === 'queued' && d.next_at != null).map((d) => d.next_at as number);
  useEffect(() => {
    if (paged || due.length === 0) return;
    const earliest = Math.min(...due);
    const wait = earliest < Date.now() - 10_000 ? 60_000 : Math.min(60_000, Math.max(3000, earliest - Date.now() + 1000));
    const timer = setTimeout(() => load(), wait);
    return () => clearTimeout(timer);
  }, [list, paged]);
  const again = async (d: Delivery) => {
    const r = await call('POST', `${base}/${d.id}/retry`, undefined, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    load();
  };
  return (
    <div class="in-log">
      {error && <p class="error" role="alert">{error}</p>}
      {list.length === 0 ? <p class="empty">{t.in_noDeliveries}</p> : (
        <table class="ad-table">
          <thead><tr><th>{t.ad_when}</th><th>{t.in_event}</th><th>{t.in_status}</th><th>{t.in_attempts}</th><th>{t.in_answer}</th><th /></tr></thead>
          <tbody>{list.map((d) => (
            <tr key={d.id} data-delivery={d.delivery} data-status={d.status}>
              <td>{when(d.created_at)}</td>
              <td data-label={t.in_event}>{d.type}</td>
              <td data-label={t.in_status}><span class={`tag st-${d.status}`}>{t[`in_st_${d.status}` as keyof UiStrings] ?? d.status}</span>
                {d.next_at && <small> {t.in_nextTry} {when(d.next_at)}</small>}</td>
              <td data-label={t.in_attempts}>{d.attempts}</td>
              <td data-label={t.in_answer}>{d.last_code ? `HTTP ${d.last_code}` : ''} <small><bdi>{d.error}</bdi></small></td>
              <td class="acts">{d.status !== 'queued' && <button class="ghost small" onClick={() => void again(d)}>{t.in_sendAgain}</button>}</td>
            </tr>))}</tbody>
        </table>)}
      <div class="row">
        <button class="ghost small" onClick={() => load()}>{t.in_refresh}</button>
        {next && <button class="ghost small" onClick={() => load(next)}>{t.in_older}</button>}
      </div>
    </div>
  );
}

function Webhooks({ t, tenant, csrf, onChange }: { t: UiStrings; tenant: number; csrf: string; onChange: () => void }) {
  const [list, setList] = useState<Hook[]>([]);
  const [types, setTypes] = useState<string[]>([]);
  const [error, setError] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['message.created']);
  const [fresh, setFresh] = useState('');
  const [open, setOpen] = useState(0);
  const load = () => void call('GET', `/api/tenants/${tenant}/webhooks`).then((r) => {
    setList(r.ok ? r.body.webhooks : []);
    if (r.ok) setTypes(r.body.event_types);
  });
  useEffect(() => { setFresh(''); setOpen(0); load(); }, [tenant]);
  const done = (r: { ok: boolean }, failed: string) => { setError(r.ok ? '' : failed); load(); onChange(); };
  const create = async (e: Event) => {
    e.preventDefault();
    const r = await call('POST', `/api/tenants/${tenant}/webhooks`, { url: url.trim(), events }, csrf);
    if (r.ok) { setFresh(r.body.secret); setUrl(''); }
    done(r, errorText(r, t.ad_failed));
  };
  const change = async (h: Hook, body: Record<string, unknown> | null) => {
    if (!body && !confirm(t.in_removeAsk.replace('{n}', h.url))) return;
    const r = await call(body ? 'PUT' : 'DELETE', `/api/tenants/${tenant}/webhooks/${h.id}`, body ?? undefined, csrf);
    done(r, errorText(r, t.ad_failed));
  };
  const toggle = (s: string) => setEvents(events.includes(s) ? events.filter((x) => x !== s) : [...events, s]);
  return (
    <section class="in-hooks">
      <h2>{t.in_webhooks}</h2>
      <p class="hint">{t.in_webhooksHint}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {fresh && <Once t={t} label={t.in_newSecret} value={fresh} />}
      {list.length === 0 ? <p class="empty">{t.in_noWebhooks}</p> : (
        <ul class="in-hook-list">{list.map((h) => (
          <li key={h.id} data-hook={h.id} class={h.active ? '' : 'inactive'}>
            <div class="row">
              <code class="url"><bdi>{h.url}</bdi></code>
              {!h.active && <span class="tag off">{h.paused_reason ? t.in_paused : t.in_off}</span>}
              <span class="grow" />
              <button class="ghost small" aria-expanded={open === h.id} onClick={() => setOpen(open === h.id ? 0 : h.id)}>{t.in_deliveries}</button>
              <button class="ghost small" onClick={() => void change(h, { active: !h.active })}>{h.active ? t.in_turnOff : t.in_turnOn}</button>
              <button class="ghost small danger" onClick={() => void change(h, null)}>{t.ad_remove}</button>
            </div>
            <p class="events">{h.events.join(', ')}</p>
            {!h.active && h.paused_reason && <p class="error" role="status">{t.in_pausedHint} <bdi>{h.paused_reason}</bdi></p>}
            {open === h.id && <Deliveries t={t} tenant={tenant} hook={h.id} csrf={csrf} />}
          </li>))}</ul>)}
      <form class="ad-form" onSubmit={create}>
        <h3>{t.in_addWebhook}</h3>
        <label>{t.in_url}<input type="url" required maxLength={500} placeholder="https://" value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} /></label>
        <fieldset><legend>{t.in_events}</legend>
          {types.map((s) => <label key={s} class="check"><input type="checkbox" checked={events.includes(s)} onChange={() => toggle(s)} /><code>{s}</code></label>)}
        </fieldset>
        <button class="primary" type="submit">{t.in_add}</button>
      </form>
    </section>
  );
}

export function Integrations(p: { t: UiStrings; tenant: number; csrf: string; onChange: () => void }) {
  return (
    <div class="integrations">
      <Tokens {...p} />
      <Webhooks {...p} />
      <Mailboxes {...p} />
    </div>
  );
}
