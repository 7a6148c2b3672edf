// The agent's desk on screen (docs/desk.md): the tenant's name in its colour wherever a chat is
// shown, its policy card beside the chat, the composer's list of canned answers, and the page
// where supervisors and admins keep the answers and the card.
import { CardsEditor } from './cards_view';
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TenantRole } from '../protocol.gen';
import type { UiLang, UiStrings } from './i18n';
import { desk, call, errorText } from './desk';
import { fill, hoursText, pickText, policyBlocks, type Block, type Canned, type Desk, type Lang, type Vars } from './canned';
import { safeHref, shortened } from './format';

// The tenant's name on its colour: in every list row, chat header and context panel.
export function TenantTag({ id, name }: { id: number; name: string }) {
  return (
    <span class="tag tenant" style={{ '--tc': desk.color(id) } as JSX.CSSProperties} data-tenant={id}>
      <i class="tdot" aria-hidden="true" /><bdi>{name}</bdi>
    </span>
  );
}

function Blocks({ blocks }: { blocks: Block[] }) {
  const line = (l: Block['lines'][number]) =>
    l.map((x, i) => x.k === 'b' ? <strong key={i}>{x.v}</strong>
      : x.k === 'a' && safeHref(x.v) ? <a key={i} href={safeHref(x.v)} target="_blank" rel="noreferrer noopener">{x.v}</a>
      : <span key={i}>{x.v}</span>);
  return <>{blocks.map((b, i) => b.k === 'ul' ? <ul key={i}>{b.lines.map((l, j) => <li key={j}>{line(l)}</li>)}</ul>
    : b.lines.map((l, j) => <p key={`${i}-${j}`}>{line(l)}</p>))}</>;
}

function hoursLine(d: Desk | undefined, t: UiStrings, lang: UiLang): string {
  if (!d) return '';
  if (d.hours_today === null || (d.hours_today.length === 1 && d.hours_today[0] === '00:00-24:00')) return t.dk_alwaysOpen;
  if (d.hours_today.length === 0) return t.dk_closedToday;
  return t.dk_openToday.replace('{t}', hoursText(d.hours_today, lang));
}

// Beside every chat: whose shop this is, what it allows in chat, its hours today.
export function PolicyCard({ tenant, name, t, lang }: { tenant: number; name: string; t: UiStrings; lang: UiLang }) {
  const d = desk.desks.get(tenant);
  const blocks = policyBlocks(d?.policy ?? '');
  return (
    <section class="policy" style={{ '--tc': desk.color(tenant) } as JSX.CSSProperties} aria-label={`${t.dk_policy}: ${name}`} data-tenant={tenant}>
      <h2><i class="tdot" aria-hidden="true" /><bdi>{name}</bdi></h2>
      {d && <p class={'hours-today' + (d.open_now ? ' open' : '')}>{hoursLine(d, t, lang)}</p>}
      <div class="policy-text">{blocks.length ? <Blocks blocks={blocks} /> : <p class="empty">{t.dk_noPolicy}</p>}</div>
    </section>
  );
}

// The composer's list: answers matching what follows / or #, the visitor's language filled in.
export function CannedPicker(p: { t: UiStrings; items: Canned[]; active: number; lang: string | undefined; vars: Vars;
  onPick: (a: Canned) => void; onHover: (i: number) => void; onLang?: (l: string) => void }) {
  const { t } = p;
  const shown = p.lang === 'sv' || p.lang === 'en' ? p.lang : 'fi';
  return (
    <div class="canned-pop">
      <p class="canned-head">{t.dk_canned} <small>↑↓ ↵ Esc</small>
        {p.onLang && <span class="canned-langs" role="group" aria-label={t.dk_answerLang}>{(['fi', 'sv', 'en'] as const).map((l) => (
          // mousedown, not click: the focus stays in the message box, the list open
          <button key={l} type="button" class={'small' + (l === shown ? ' on' : '')} aria-pressed={l === shown}
            onMouseDown={(e) => { e.preventDefault(); p.onLang!(l); }}>{l}</button>))}</span>}</p>
      {p.items.length === 0 ? <p class="empty" role="status">{t.dk_noMatch}</p> : (
        <ul role="listbox" id="canned-list" aria-label={t.dk_canned}>
          {p.items.map((a, i) => {
            const chosen = pickText(a, p.lang);
            return (
              <li key={a.id} id={`canned-${a.id}`} role="option" aria-selected={i === p.active} class={i === p.active ? 'active' : ''}
                onMouseDown={(e) => { e.preventDefault(); p.onPick(a); }} onMouseEnter={() => p.onHover(i)}>
                <span class="cmd">/{a.shortcut}</span> <strong><bdi>{a.title}</bdi></strong>
                {chosen.lang !== p.lang && <span class="clang">{chosen.lang}</span>}
                {a.workspace && <span class="tag">{t.dk_workspace}</span>}
                <small><bdi>{shortened(fill(chosen.text, chosen.lang, p.vars), 120)}</bdi></small>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

type Draft = { id: number; shortcut: string; title: string; fi: string; sv: string; en: string };
const empty: Draft = { id: 0, shortcut: '', title: '', fi: '', sv: '', en: '' };

function CannedForm(p: { t: UiStrings; draft: Draft; error: string; onSave: (d: Draft) => void; onCancel: () => void }) {
  const { t } = p;
  const [d, setD] = useState(p.draft);
  // Another answer to edit replaces the form's text; the first render's draft is already in it
  // (an effect that set it again would run after paint and wipe what was typed meanwhile).
  const shown = useRef(p.draft);
  useEffect(() => {
    if (shown.current === p.draft) return;
    shown.current = p.draft;
    setD(p.draft);
  }, [p.draft]);
  // From the latest state: two fields filled before a render must not undo each other.
  const field = (k: keyof Draft) => (e: Event) => {
    const v = (e.target as HTMLInputElement).value;
    setD((x) => ({ ...x, [k]: v }));
  };
  return (
    <form class="canned-form" onSubmit={(e) => { e.preventDefault(); p.onSave(d); }}>
      <div class="row2">
        <label>{t.dk_shortcut}<input value={d.shortcut} onInput={field('shortcut')} maxLength={32} required placeholder="toimitus" /></label>
        <label>{t.dk_titleField}<input value={d.title} onInput={field('title')} maxLength={100} required /></label>
      </div>
      <label>{t.dk_textFi}<textarea rows={3} value={d.fi} onInput={field('fi')} maxLength={4000} /></label>
      <label>{t.dk_textSv}<textarea rows={3} value={d.sv} onInput={field('sv')} maxLength={4000} /></label>
      <label>{t.dk_textEn}<textarea rows={3} value={d.en} onInput={field('en')} maxLength={4000} /></label>
      <p class="hint">{t.dk_vars}</p>
      {p.error && <p class="chat-error" role="alert">{p.error}</p>}
      <div class="row-actions"><button type="button" class="ghost" onClick={p.onCancel}>{t.cancel}</button><button class="primary">{t.dk_save}</button></div>
    </form>
  );
}

function PolicyEditor(p: { t: UiStrings; tenant: number; csrf: string }) {
  const { t } = p;
  const d = desk.desks.get(p.tenant);
  const [color, setColor] = useState(desk.color(p.tenant));
  const [text, setText] = useState(d?.policy ?? '');
  const [note, setNote] = useState('');
  const [dirty, setDirty] = useState(false);  // edited: data arriving later does not overwrite it
  useEffect(() => { setNote(''); setDirty(false); }, [p.tenant]);
  useEffect(() => {
    if (dirty) return;
    setColor(desk.color(p.tenant));
    setText(desk.desks.get(p.tenant)?.policy ?? '');
  }, [p.tenant, d?.policy, d?.color, dirty]);
  const save = async () => {
    const r = await call('PUT', `/api/tenants/${p.tenant}/desk`, { color, policy: text }, p.csrf);
    if (r.ok) { desk.put(r.body as Desk); setNote(t.dk_saved); setDirty(false); } else setNote(errorText(r, t.dk_failed));
  };
  return (
    <form class="policy-editor" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <label class="color-field">{t.dk_color}<input type="color" value={color} onInput={(e) => { setColor((e.target as HTMLInputElement).value); setDirty(true); }} /></label>
      <label>{t.dk_policy}<textarea rows={8} value={text} maxLength={4000} onInput={(e) => { setText((e.target as HTMLTextAreaElement).value); setDirty(true); }} /></label>
      <p class="hint">{t.dk_policyHelp}</p>
      <div class="row-actions">{note && <span role="status" class="saved-note">{note}</span>}<button class="primary">{t.dk_save}</button></div>
    </form>
  );
}

// The desk page: per tenant, its policy card and its canned answers; supervisors and admins edit.
export function DeskPage(p: { t: UiStrings; lang: UiLang; tenants: TenantRole[]; csrf: string }) {
  const { t } = p;
  const [tenant, setTenant] = useState(p.tenants[0]?.id ?? 0);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [error, setError] = useState('');
  const role = p.tenants.find((x) => x.id === tenant)?.role;
  const may = role === 'supervisor' || role === 'admin';
  const list = desk.cannedOf(tenant).slice().sort((a, b) => a.shortcut.localeCompare(b.shortcut));
  const name = p.tenants.find((x) => x.id === tenant)?.name ?? '';
  const save = async (d: Draft) => {
    const body = { shortcut: d.shortcut.trim(), title: d.title.trim(), texts: Object.fromEntries((['fi', 'sv', 'en'] as Lang[]).filter((l) => d[l].trim()).map((l) => [l, d[l]])) };
    const r = await call(d.id ? 'PUT' : 'POST', `/api/tenants/${tenant}/canned` + (d.id ? `/${d.id}` : ''), body, p.csrf);
    if (!r.ok) return setError(errorText(r, t.dk_failed));
    setEditing(null);
    setError('');
    await desk.loadCanned(tenant);
  };
  const remove = async (a: Canned) => {
    if (!confirm(t.dk_confirmDelete.replace('{t}', a.shortcut))) return;
    const r = await call('DELETE', `/api/tenants/${tenant}/canned/${a.id}`, undefined, p.csrf);
    if (!r.ok) return setError(errorText(r, t.dk_failed));
    await desk.loadCanned(tenant);
  };
  return (
    <main class="desk-page">
      <header>
        <h1>{t.dk_title}</h1>
        {p.tenants.length > 1 && (
          <select aria-label={t.tenant} value={tenant} onChange={(e) => { setTenant(Number((e.target as HTMLSelectElement).value)); setEditing(null); setError(''); }}>
            {p.tenants.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
          </select>
        )}
      </header>
      {!may && <p class="hint">{t.dk_readOnly}</p>}
      <div class="desk-cols">
        <section class="desk-policy">
          <h2>{t.dk_policy}</h2>
          {may ? <PolicyEditor t={t} tenant={tenant} csrf={p.csrf} /> : null}
          <PolicyCard tenant={tenant} name={name} t={t} lang={p.lang} />
          <CardsEditor t={t} tenant={tenant} cards={desk.desks.get(tenant)?.cards} csrf={p.csrf} may={may} />
        </section>
        <section class="desk-canned">
          <h2>{t.dk_canned} <span class="count">{list.length}</span></h2>
          <p class="hint">{t.dk_cannedHint}</p>
          {may && !editing && <button class="primary small" onClick={() => { setEditing({ ...empty }); setError(''); }}>{t.dk_add}</button>}
          {editing && <CannedForm t={t} draft={editing} error={error} onSave={(d) => void save(d)} onCancel={() => { setEditing(null); setError(''); }} />}
          {!editing && error && <p class="chat-error" role="alert">{error}</p>}
          {list.length === 0 ? <p class="empty">{t.dk_none}</p> : (
            <ul class="canned-list">
              {list.map((a) => (
                <li key={a.id} data-canned={a.shortcut}>
                  <div class="row"><span class="cmd">/{a.shortcut}</span> <strong><bdi>{a.title}</bdi></strong>
                    {a.workspace && <span class="tag">{t.dk_workspace}</span>}
                    <span class="langs-have">{(['fi', 'sv', 'en'] as Lang[]).filter((l) => a.texts[l]).join(' · ')}</span>
                    {may && !a.workspace && <span class="row-tools">
                      <button class="link" onClick={() => { setEditing({ id: a.id, shortcut: a.shortcut, title: a.title, fi: a.texts.fi ?? '', sv: a.texts.sv ?? '', en: a.texts.en ?? '' }); setError(''); }}>{t.dk_edit}</button>
                      <button class="link danger" onClick={() => void remove(a)}>{t.dk_delete}</button>
                    </span>}
                  </div>
                  <p class="ctext"><bdi>{pickText(a, p.lang).text}</bdi></p>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </main>
  );
}
