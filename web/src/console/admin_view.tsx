// Administration in the console (docs/roles.md): my login sessions (everyone); a tenant's
// sites and business hours, agents, their roles and capacity, and its audit log (the tenant's
// admins); the tenants (workspace owners, who also create them). Every right is checked by the server; this page
// only hides what the table would refuse.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TenantRole } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';
import { slugOf, when } from './format';
import { alwaysHours, hoursText } from './hours';
import { TenantTag } from './desk_view';
import { Integrations } from './integrations_view';
import { Privacy } from './privacy_view';
import { RequireTwoFactor, TwoFactor } from './totp_view';
import { Sites } from './sites_view';
import { HoursEditor } from './hours_view';
import { TargetsEditor } from './targets_view';
import { AttachmentsEditor } from './attachments_view';
import { Teams } from './teams_view';

type Member = { id: number; email: string; name: string; role: string; max_chats: number; owner: boolean; active: boolean; totp?: boolean };
type Entry = { id: number; at: number; tenant: number; actor: string; action: string; target: string; ip: string;
  detail: { before?: unknown; after?: unknown } | null };
type SessionRow = { id: string; created_at: number; expires_at: number; ip: string; user_agent: string; current: boolean };
type TenantRow = { id: number; slug: string; name: string; role: string | null };

const ROLES = ['agent', 'supervisor', 'admin'] as const;
const ACTIONS = ['', 'login', 'agent', 'team', 'tenant', 'site', 'rules', 'hours', 'settings', 'desk', 'canned', 'block', 'contact', 'token', 'webhook', 'mailbox', 'privacy', 'totp', 'security'] as const;

// An audit action ("login.ok") and an action filter ("login") in words; the code itself if the
// server logs one this console does not know yet.
const words = (t: UiStrings, key: string, code: string) => (t as Record<string, string>)[key] ?? code;
export const actionText = (a: string, t: UiStrings) => words(t, 'au_' + a.replace(/\./g, '_'), a);
const filterText = (a: string, t: UiStrings) => (a ? words(t, 'auf_' + a, a) : t.ad_allActions);

// "Chrome 131 · Linux" from a User-Agent, or the start of it.
export function browserName(ua: string): string {
  const app = /Edg\/(\d+)/.exec(ua) ? `Edge ${/Edg\/(\d+)/.exec(ua)![1]}`
    : /Firefox\/(\d+)/.exec(ua) ? `Firefox ${/Firefox\/(\d+)/.exec(ua)![1]}`
    : /Chrom(?:e|ium)\/(\d+)/.exec(ua) ? `Chrome ${/Chrom(?:e|ium)\/(\d+)/.exec(ua)![1]}`
    : /Version\/(\d+).*Safari/.exec(ua) ? `Safari ${/Version\/(\d+).*Safari/.exec(ua)![1]}` : '';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  const name = [app, os].filter(Boolean).join(' · ');
  return name || ua.slice(0, 60);
}

// A supervisor changes the sites (look, proactive rules), hours and settings of their tenants.
export const managesAny = (tenants: TenantRole[], owner: boolean) => owner || tenants.some((x) => x.role === 'admin' || x.role === 'supervisor');

function roleText(r: string, t: UiStrings): string {
  return r === 'admin' ? t.ad_roleAdmin : r === 'supervisor' ? t.ad_roleSupervisor : t.ad_roleAgent;
}

// A change as "field: before → after" lines, values cut short (they may be long texts).
// Fields in words where the console knows them (the key itself otherwise), yes/no for a flag, a
// role by its name.
function changeLines(d: Entry['detail'], t: UiStrings): string[] {
  if (!d) return [];
  const short = (v: unknown) => { const s = typeof v === 'string' ? v : JSON.stringify(v); return s.length > 60 ? s.slice(0, 60) + '…' : s; };
  // Times (`…_at`, milliseconds) as the log's own times; nothing as a dash (a review found
  // "updated_at: 1796582952131" and "null" in the log).
  const value = (k: string, v: unknown) =>
    v == null ? '—' : typeof v === 'number' && (k === 'at' || k.endsWith('_at')) && v > 1e11 ? when(v)
      : typeof v === 'boolean' ? (v ? t.au_yes : t.au_no)
      : k === 'role' && typeof v === 'string' ? roleText(v, t) : short(v);
  const key = (k: string) => words(t, 'auk_' + k, k);
  const b = (d.before ?? {}) as Record<string, unknown>, a = (d.after ?? {}) as Record<string, unknown>;
  const fields = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${key(k)}: ${value(k, v)}`);
  if (d.before == null && d.after && typeof d.after === 'object') return fields(a);   // created
  if (d.after == null && d.before && typeof d.before === 'object') return fields(b).map((l) => l + ' → —');  // removed
  if (typeof d.before !== 'object' || typeof d.after !== 'object' || d.before === null || d.after === null) {
    if (d.before === undefined && d.after === undefined) return [];
    return [`${d.before == null ? '—' : short(d.before)} → ${d.after == null ? '—' : short(d.after)}`];
  }
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => `${key(k)}: ${value(k, b[k])} → ${value(k, a[k])}`);
}

function Agents({ t, tenant, csrf, me, onChange }: { t: UiStrings; tenant: number; csrf: string; me: number; onChange: () => void }) {
  const [list, setList] = useState<Member[]>([]);
  const [fallback, setFallback] = useState<number | null>(null);  // the tenant's default capacity
  const [error, setError] = useState('');
  const [note, setNote] = useState('');  // an invitation was sent
  const [draft, setDraft] = useState({ email: '', name: '', password: '', role: 'agent' });
  const load = () => void call('GET', `/api/tenants/${tenant}/agents`).then((r) => {
    setList(r.ok ? r.body.agents : []);
    setFallback(r.ok && typeof r.body.default_max_chats === 'number' ? r.body.default_max_chats : null);
  });
  useEffect(load, [tenant]);
  const change = async (m: Member, body: Record<string, unknown> | null) => {
    const r = await call(body ? 'PUT' : 'DELETE', `/api/tenants/${tenant}/agents/${m.id}`, body ?? undefined, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    load();
    onChange();
  };
  const add = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, string> = { email: draft.email.trim(), role: draft.role, lang: document.documentElement.lang || 'fi' };
    if (draft.name.trim()) body.name = draft.name.trim();
    if (draft.password) body.password = draft.password;
    const r = await call('POST', `/api/tenants/${tenant}/agents`, body, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    setNote(r.ok && r.body.invited ? t.ad_invited.replace('{e}', body.email) : '');
    if (r.ok) setDraft({ email: '', name: '', password: '', role: 'agent' });
    load();
    onChange();
  };
  const set = (k: keyof typeof draft) => (e: Event) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });
  return (
    <section class="ad-agents">
      <h2>{t.ad_agents} <span class="count">{list.length}</span></h2>
      {fallback != null && !list.some((m) => m.active) && <p class="hint no-agents" role="status">{t.ad_noAgents}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {note && <p class="saved-note" role="status">{note}</p>}
      <table class="ad-table">
        <thead><tr><th>{t.ad_name}</th><th>{t.ad_email}</th><th>{t.ad_role}</th><th>{t.ad_capacity}{fallback != null && <small class="muted"> ({t.ad_capacityZero.replace('{n}', String(fallback))})</small>}</th><th /></tr></thead>
        <tbody>{list.map((m) => (
          <tr key={m.id} data-agent={m.id} class={m.active ? '' : 'inactive'}>
            <td><bdi>{m.name}</bdi>{m.owner && <span class="tag">{t.ad_owner}</span>}{!m.active && <span class="tag off">{t.ad_inactive}</span>}</td>
            <td><bdi>{m.email}</bdi></td>
            <td data-label={t.ad_role}>{m.id === me ? roleText(m.role, t) : (
              <select aria-label={`${t.ad_role}: ${m.name}`} value={m.role} onChange={(e) => void change(m, { role: (e.target as HTMLSelectElement).value })}>
                {ROLES.map((r) => <option key={r} value={r}>{roleText(r, t)}</option>)}</select>)}</td>
            <td data-label={t.ad_capacity}><input type="number" min={0} max={50} aria-label={`${t.ad_capacity}: ${m.name}`} value={m.max_chats}
              onChange={(e) => void change(m, { max_chats: Number((e.target as HTMLInputElement).value) })} /></td>
            <td class="acts">{m.id !== me && <>
              <button class="ghost small" onClick={() => void change(m, { active: !m.active })}>{m.active ? t.ad_deactivate : t.ad_activate}</button>
              {m.totp && <button class="ghost small" title={t.tf_resetHint} onClick={() => { if (confirm(t.tf_resetAsk.replace('{n}', m.name))) void change(m, { totp_reset: true }); }}>{t.tf_reset}</button>}
              <button class="ghost small danger" onClick={() => { if (confirm(t.ad_removeAsk.replace('{n}', m.name))) void change(m, null); }}>{t.ad_remove}</button></>}</td>
          </tr>
        ))}</tbody>
      </table>
      <form class="ad-form" onSubmit={add}>
        <h3>{t.ad_add}</h3>
        <p class="hint">{t.ad_addHint}</p>
        <label>{t.ad_email}<input type="email" required maxLength={254} value={draft.email} onInput={set('email')} /></label>
        <label>{t.ad_name}<input maxLength={100} value={draft.name} onInput={set('name')} /></label>
        <label>{t.ad_passwordOptional}<input type="password" minLength={8} maxLength={200} autoComplete="new-password" value={draft.password} onInput={set('password')} /></label>
        <label>{t.ad_role}<select value={draft.role} onChange={set('role')}>{ROLES.map((r) => <option key={r} value={r}>{roleText(r, t)}</option>)}</select></label>
        <button class="primary" type="submit">{t.ad_addButton}</button>
      </form>
    </section>
  );
}

function AuditLog({ t, path, rev, title }: { t: UiStrings; path: string; rev: number; title: string }) {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [action, setAction] = useState('');
  const load = async (before: number | null) => {
    const q = new URLSearchParams();
    if (action) q.set('action', action);
    if (before) q.set('before', String(before));
    const r = await call('GET', `${path}?${q}`);
    if (!r.ok) return;
    setEntries((old) => (before ? [...old, ...r.body.entries] : r.body.entries));
    setNext(r.body.next);
  };
  useEffect(() => { void load(null); }, [path, action, rev]);
  return (
    <section class="ad-audit">
      <div class="section-head"><h2>{title}</h2>
        <select aria-label={t.ad_filter} value={action} onChange={(e) => setAction((e.target as HTMLSelectElement).value)}>
          {ACTIONS.map((a) => <option key={a} value={a}>{filterText(a, t)}</option>)}</select></div>
      {entries.length === 0 ? <p class="empty" role="status">{t.ad_noAudit}</p> : (
        <table class="ad-table audit">
          <thead><tr><th>{t.ad_when}</th><th>{t.ad_who}</th><th>{t.ad_what}</th><th>{t.ad_change}</th><th>IP</th></tr></thead>
          <tbody>{entries.map((e) => (
            <tr key={e.id} data-action={e.action} class={e.action === 'login.failed' ? 'failed' : ''}>
              <td class="when">{when(e.at)}</td><td class="who"><bdi>{e.actor || '—'}</bdi></td>
              <td title={e.action}>{actionText(e.action, t)} <small><bdi>{e.target}</bdi></small></td>
              <td>{changeLines(e.detail, t).map((l, i) => <div key={i} class="chg"><bdi>{l}</bdi></div>)}</td>
              <td class="ip"><bdi>{e.ip}</bdi></td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {next != null && <button class="ghost more-btn" onClick={() => void load(next)}>{t.loadMore}</button>}
    </section>
  );
}

// My own password: the current one, the new one twice. Without a mail relay this is the way to
// change it (docs/admin.md); my other sessions end.
function OwnPassword({ t, csrf }: { t: UiStrings; csrf: string }) {
  const [f, setF] = useState({ current: '', password: '', again: '' });
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    if (f.password !== f.again) return setNote({ ok: false, text: t.pwc_mismatch });
    setBusy(true);
    const r = await call('POST', '/api/me/password', { current: f.current, password: f.password }, csrf);
    setBusy(false);
    if (r.ok) {
      setF({ current: '', password: '', again: '' });
      setNote({ ok: true, text: t.pwc_changed.replace('{n}', String(r.body.sessions_ended ?? 0)) });
    } else setNote({ ok: false, text: r.status === 401 ? t.pwc_wrongCurrent : errorText(r, t.ad_failed) });
  };
  return (
    <section class="ad-password">
      <h2>{t.pwc_change}</h2>
      <form class="ad-form" onSubmit={submit}>
        {note && <p class={note.ok ? 'ok' : 'error'} role={note.ok ? 'status' : 'alert'}>{note.text}</p>}
        <label>{t.pwc_current}<input type="password" autocomplete="current-password" required value={f.current} onInput={set('current')} /></label>
        <label>{t.pwc_new}<input type="password" autocomplete="new-password" required minLength={8} value={f.password} onInput={set('password')} /></label>
        <label>{t.pwc_again}<input type="password" autocomplete="new-password" required minLength={8} value={f.again} onInput={set('again')} /></label>
        <button class="primary" disabled={busy}>{t.pwc_change}</button>
      </form>
    </section>
  );
}

function Sessions({ t, csrf }: { t: UiStrings; csrf: string }) {
  const [list, setList] = useState<SessionRow[]>([]);
  const load = () => void call('GET', '/api/me/sessions').then((r) => setList(r.ok ? r.body.sessions : []));
  useEffect(load, []);
  return (
    <section class="ad-sessions">
      <h2>{t.ad_sessions}</h2>
      <p class="hint">{t.ad_sessionsHint}</p>
      <ul class="session-list">{list.map((s) => (
        <li key={s.id} data-session={s.id}>
          <div><strong title={s.user_agent}><bdi>{s.user_agent ? browserName(s.user_agent) : t.ad_unknownBrowser}</bdi></strong>{s.current && <> <span class="tag here">{t.ad_thisSession}</span></>}</div>
          <small>{t.ad_since} {when(s.created_at)} · <bdi>{s.ip || '—'}</bdi></small>
          {!s.current && <button class="ghost small" onClick={() => void call('DELETE', `/api/me/sessions/${s.id}`, undefined, csrf).then(load)}>{t.ad_endSession}</button>}
        </li>
      ))}</ul>
    </section>
  );
}

function Tenants({ t, csrf, onCreated }: { t: UiStrings; csrf: string; onCreated: (id: number) => void }) {
  const [list, setList] = useState<TenantRow[]>([]);
  const [draft, setDraft] = useState({ slug: '', name: '' });
  const [slugTyped, setSlugTyped] = useState(false);  // the id follows the name until typed by hand
  const [made, setMade] = useState('');
  const [error, setError] = useState('');
  const load = () => void call('GET', '/api/tenants').then((r) => setList(r.ok ? r.body.tenants : []));
  useEffect(load, []);
  const create = async (e: Event) => {
    e.preventDefault();
    const r = await call('POST', '/api/tenants', { slug: draft.slug.trim(), name: draft.name.trim() }, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    if (r.ok) {
      // Open around the clock in the creator's time zone (its reports' days), not UTC's, until
      // hours are set.
      const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (tz) await call('PUT', `/api/tenants/${r.body.id}/hours`, { hours: hoursText(alwaysHours(tz)) }, csrf);
      setMade(t.ad_tenantMade.replace('{n}', draft.name.trim()));
      setDraft({ slug: '', name: '' });
      setSlugTyped(false);
      onCreated(r.body.id);
      // Its sites and agents are edited at the top of the page: go there.
      requestAnimationFrame(() => document.querySelector('.ad-sites')?.scrollIntoView({ block: 'start' }));
    }
    load();
  };
  return (
    <section class="ad-tenants">
      <h2>{t.ad_tenants} <span class="count">{list.length}</span></h2>
      <ul class="tenant-list">{list.map((x) => <li key={x.id}><TenantTag id={x.id} name={x.name} /> <small>{x.slug}</small></li>)}</ul>
      <form class="ad-form" onSubmit={create}>
        <h3>{t.ad_newTenant}</h3>
        {error && <p class="error" role="alert">{error}</p>}
        {made && <p class="saved-note" role="status">{made}</p>}
        <label>{t.ad_tenantName}<input required maxLength={200} value={draft.name} onInput={(e) => {
          const name = (e.target as HTMLInputElement).value;
          setDraft({ name, slug: slugTyped ? draft.slug : slugOf(name) });
          setMade('');
        }} /></label>
        <label>{t.ad_slug}<input required pattern="[a-z0-9\-]{2,40}" title={t.ad_slugHint} placeholder="kenka-oy" value={draft.slug} aria-describedby="ad-slug-hint"
          onInput={(e) => { setSlugTyped(true); setDraft({ ...draft, slug: (e.target as HTMLInputElement).value }); }} /></label>
        <p class="field-hint" id="ad-slug-hint">{t.ad_slugHint}</p>
        <button class="primary" type="submit">{t.ad_create}</button>
      </form>
    </section>
  );
}

// The page's sections as links at its top: Administration runs from the sites to the login
// sessions, a long page. Read from the headings on screen, so it follows what this role sees
// and what has loaded.
let parts = 0;
function Contents({ t }: { t: UiStrings }) {
  const [items, setItems] = useState<{ id: string; text: string }[]>([]);
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    const main = ref.current?.closest('main');
    if (!main) return;
    const read = () => {
      const next = [...main.querySelectorAll<HTMLElement>('section h2')].map((h) => {
        const section = h.closest('section')!;
        if (!section.id) section.id = `ad-part-${++parts}`;  // sections load at different times
        const text = [...h.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
        return { id: section.id, text };
      }).filter((x) => x.text);
      setItems((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    };
    read();
    const watch = new MutationObserver(read);
    watch.observe(main, { childList: true, subtree: true, characterData: true });  // a new language too
    return () => watch.disconnect();
  }, []);
  return (
    <nav ref={ref} class="ad-toc" aria-label={t.ad_contents}>
      {items.map((x) => <a key={x.id} href={`#${x.id}`} onClick={(e) => {
        e.preventDefault();
        document.getElementById(x.id)?.scrollIntoView({ block: 'start' });
      }}>{x.text}</a>)}
    </nav>
  );
}

export function AdminPage(p: { t: UiStrings; lang: string; tenants: TenantRole[]; owner: boolean; me: number; csrf: string; mailOff?: boolean }) {
  const { t } = p;
  const [all, setAll] = useState<TenantRole[]>(p.tenants);
  const mine = all.filter((x) => x.role === 'admin' || x.role === 'supervisor');
  // The company chosen last stays chosen after a reload (per account, in this browser).
  const keptKey = 'tiski:admin:' + p.me;
  const [tenant, setTenant] = useState(() => {
    let kept = 0;
    try { kept = Number(localStorage.getItem(keptKey)) || 0; } catch {}
    return kept && (p.owner || mine.some((x) => x.id === kept)) ? kept : mine[0]?.id ?? 0;
  });
  useEffect(() => { try { localStorage.setItem(keptKey, String(tenant)); } catch {} }, [tenant]);
  const admin = all.find((x) => x.id === tenant)?.role === 'admin';
  const [rev, setRev] = useState(0);  // a change here: the audit logs read again
  const changed = () => setRev((n) => n + 1);
  // An owner administers every tenant, those created since the login too.
  const reload = (pick?: number) => {
    if (!p.owner) return;
    void call('GET', '/api/tenants').then((r) => {
      if (!r.ok) return;
      const list = (r.body.tenants as TenantRow[]).map((x) => ({ id: x.id, name: x.name, role: 'admin' as const }));
      setAll(list);
      // The one just created, or the one shown if it is still there, or the first.
      setTenant((cur) => pick ?? (list.some((x) => x.id === cur) ? cur : list[0]?.id ?? 0));
    });
  };
  useEffect(() => reload(), []);
  return (
    <main class="admin-page">
      <header><h1>{mine.length || p.owner ? t.ad_title : t.ad_account}</h1>
        {mine.length > 1 && <select aria-label={t.ad_tenant} value={tenant} onChange={(e) => setTenant(Number((e.target as HTMLSelectElement).value))}>
          {mine.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}</select>}</header>
      {/* The owner learns before a customer does: the leave-a-message form promises an answer by email. */}
      {p.mailOff && (mine.length > 0 || p.owner) && <p class="mail-off" role="note">{t.ad_mailOff}</p>}
      <Contents t={t} />
      {tenant > 0 && <Sites t={t} tenant={tenant} csrf={p.csrf} role={admin ? 'admin' : 'supervisor'} rev={rev} onChange={changed} />}
      {tenant > 0 && <HoursEditor t={t} lang={p.lang} tenant={tenant} csrf={p.csrf} may onChange={changed} />}
      {tenant > 0 && <TargetsEditor t={t} tenant={tenant} csrf={p.csrf} may onChange={changed} />}
      {tenant > 0 && admin && <>
        <AttachmentsEditor t={t} tenant={tenant} csrf={p.csrf} onChange={changed} />
        <Agents t={t} tenant={tenant} csrf={p.csrf} me={p.me} onChange={changed} />
        <Teams t={t} tenant={tenant} csrf={p.csrf} rev={rev} onChange={changed} />
        <RequireTwoFactor t={t} tenant={tenant} csrf={p.csrf} onChange={changed} />
        <Integrations t={t} tenant={tenant} csrf={p.csrf} onChange={changed} />
        <Privacy t={t} tenant={tenant} csrf={p.csrf} onChange={changed} />
        <AuditLog t={t} path={`/api/tenants/${tenant}/audit`} rev={rev} title={t.ad_audit} /></>}
      {p.owner && <Tenants t={t} csrf={p.csrf} onCreated={(id) => { reload(id); changed(); }} />}
      {p.owner && <AuditLog t={t} path="/api/audit" rev={rev} title={t.ad_auditAll} />}
      <TwoFactor t={t} csrf={p.csrf} />
      <OwnPassword t={t} csrf={p.csrf} />
      <Sessions t={t} csrf={p.csrf} />
    </main>
  );
}
