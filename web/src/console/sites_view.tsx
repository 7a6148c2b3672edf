// A tenant's sites (widget installations) in Administration: the list, a new site, and the
// editor of one: name, languages, greetings and launcher texts per language, brand colour,
// corner and lift above it, the pages it may run on, with a live preview of the widget and the embed snippet to copy; its proactive rules
// (rules_view.tsx); and its secret for the shop's server. Rights: every agent reads, supervisors
// change, admins create and read the secret (docs/roles.md); the server checks.
import { useEffect, useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';
import W from '../widget/strings.json';
import { DEFAULT_COLOR, inkOn } from '../widget/logic';
import { RulesEditor } from './rules_view';

export type SiteRow = {
  site: string; tenant: number; name: string; greeting: string; greetings: Record<string, string>; langs: string[];
  holdout: number; color: string; position: 'right' | 'left'; lift: number; launchers: Record<string, string>; created_at: number;
  identity_required: boolean; team: number | null; origins: string[];
};
type Lang = 'fi' | 'sv' | 'en';
const LANGS: Lang[] = ['fi', 'sv', 'en'];
const LANG_NAMES: Record<Lang, string> = { fi: 'suomi', sv: 'svenska', en: 'English' };  // each in its own language

// The snippet a shop pastes before </body>: this server's widget.js and the site's key.
export const snippet = (origin: string, key: string) => `<script async src="${origin}/widget.js" data-site="${key}"></script>`;

// The text colour on a #rrggbb brand colour, as the widget picks it (its own inkOn()).
const inkOnHex = (hex: string) => {
  const n = parseInt(hex.slice(1), 16);
  return /^#[0-9a-f]{6}$/i.test(hex) ? inkOn([n >> 16, (n >> 8) & 255, n & 255]) : '#fff';
};

// The widget as a visitor speaking `lang` would see it, drawn from the draft (not the saved site).
function Preview({ t, d, lang }: { t: UiStrings; d: SiteRow; lang: Lang }) {
  const c = d.color || DEFAULT_COLOR, ink = inkOnHex(c);
  const greeting = d.greetings[lang] || d.greeting;
  const launcher = d.launchers[lang] || W.launch[lang];
  return (
    <div class={`widget-preview ${d.position}`} aria-label={t.st_preview} role="img">
      <div class="wp-panel">
        <div class="wp-head" style={{ background: c, color: ink }}><span class="wp-av">{(d.name || '?').slice(0, 1).toUpperCase()}</span>
          <div><b>{d.name || '—'}</b><small>{W.online[lang]}</small></div></div>
        <div class="wp-msgs">{greeting && <p class="wp-bubble">{greeting}</p>}</div>
        <div class="wp-compose"><span>{W.input[lang]}</span><b style={{ background: c, color: ink }}>{W.send[lang]}</b></div>
      </div>
      <span class="wp-launcher" style={{ background: c, color: ink }}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z" /></svg>{launcher}</span>
    </div>
  );
}

function Snippet({ t, site }: { t: UiStrings; site: string }) {
  const code = snippet(location.origin, site);
  const [note, setNote] = useState('');
  const copy = async () => {
    try { await navigator.clipboard.writeText(code); setNote(t.st_copied); } catch { setNote(t.st_copyByHand); }
  };
  return (
    <div class="snippet">
      <label>{t.st_snippet}<textarea readOnly rows={3} value={code} onFocus={(e) => (e.target as HTMLTextAreaElement).select()} /></label>
      <p class="hint">{t.st_snippetHint}</p>
      <div class="row-actions">{note && <span role="status" class="saved-note">{note}</span>}<button type="button" class="primary" onClick={() => void copy()}>{t.st_copy}</button></div>
    </div>
  );
}

function Secret({ t, site }: { t: UiStrings; site: string }) {
  const [secret, setSecret] = useState('');
  useEffect(() => setSecret(''), [site]);
  return (
    <div class="site-secret">
      <h3>{t.st_secret}</h3>
      <p class="hint">{t.st_secretHint}</p>
      {secret ? <code class="secret">{secret}</code>
        : <button type="button" class="ghost" onClick={() => void call('GET', `/api/sites/${site}/secret`).then((r) => r.ok && setSecret(r.body.secret))}>{t.st_showSecret}</button>}
    </div>
  );
}

function Editor({ t, site, csrf, may, admin, rev, onSaved }: { t: UiStrings; site: SiteRow; csrf: string; may: boolean; admin: boolean; rev: number; onSaved: (s: SiteRow) => void }) {
  const [d, setD] = useState(site);
  const [teams, setTeams] = useState<{ id: number; name: string }[]>([]);
  useEffect(() => { void call('GET', `/api/tenants/${site.tenant}/teams`).then((r) => setTeams(r.ok ? r.body.teams : [])); }, [site.tenant, rev]);
  const [lang, setLang] = useState<Lang>((site.langs[0] as Lang) || 'fi');
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => { setD(site); setNote(null); }, [site.site]);
  const put = <K extends keyof SiteRow>(k: K, v: SiteRow[K]) => { setD({ ...d, [k]: v }); setNote(null); };
  const perLang = (k: 'greetings' | 'launchers', l: Lang, v: string) => put(k, { ...d[k], [l]: v });
  const toggleLang = (l: Lang) => put('langs', d.langs.includes(l) ? d.langs.filter((x) => x !== l) : LANGS.filter((x) => x === l || d.langs.includes(x)));
  const save = async (e: Event) => {
    e.preventDefault();
    const greetings: Record<string, string> = {}, launchers: Record<string, string> = {};
    for (const l of LANGS) { greetings[l] = (d.greetings[l] ?? '').trim(); launchers[l] = (d.launchers[l] ?? '').trim(); }
    const r = await call('PUT', `/api/sites/${d.site}`, { name: d.name.trim(), greeting: d.greeting.trim(), greetings, launchers,
      langs: d.langs, color: d.color, position: d.position, lift: d.lift, identity_required: d.identity_required, team: d.team,
      origins: d.origins.map((o) => o.trim()).filter(Boolean) }, csrf);
    setNote(r.ok ? { ok: true, text: t.st_saved } : { ok: false, text: errorText(r, t.ad_failed) });
    if (r.ok) { setD(r.body as SiteRow); onSaved(r.body as SiteRow); }  // the addresses as the server keeps them
  };
  return (
    <div class="site-editor">
      <form class="ad-form site-form" onSubmit={save}>
        <fieldset disabled={!may}>
          <label>{t.st_name}<input required maxLength={200} value={d.name} onInput={(e) => put('name', (e.target as HTMLInputElement).value)} /></label>
          <fieldset class="langs"><legend>{t.st_langs}</legend>
            {LANGS.map((l) => <label key={l} class="check"><input type="checkbox" checked={d.langs.includes(l)} onChange={() => toggleLang(l)} />{LANG_NAMES[l]}</label>)}</fieldset>
          <div class="look">
            <label class="color-field">{t.st_color}<input type="color" value={d.color || DEFAULT_COLOR} onInput={(e) => put('color', (e.target as HTMLInputElement).value)} /></label>
            {d.color && <button type="button" class="ghost small" onClick={() => put('color', '')}>{t.st_defaultColor}</button>}
            <fieldset class="corner"><legend>{t.st_position}</legend>
              {(['right', 'left'] as const).map((p) => <label key={p} class="check"><input type="radio" name="corner" checked={d.position === p} onChange={() => put('position', p)} />
                {p === 'right' ? t.st_right : t.st_left}</label>)}</fieldset>
            <label class="lift-field">{t.st_lift}<input type="number" min={0} max={400} step={10} value={d.lift}
              onInput={(e) => put('lift', Math.max(0, Math.min(400, Math.round(Number((e.target as HTMLInputElement).value) || 0))))} /></label>
          </div>
          <label>{t.st_greetingDefault}<textarea rows={2} maxLength={500} value={d.greeting} onInput={(e) => put('greeting', (e.target as HTMLTextAreaElement).value)} /></label>
          <div class="lang-tabs" role="tablist" aria-label={t.st_perLang}>{LANGS.map((l) => (
            <button type="button" role="tab" key={l} aria-selected={lang === l} class={lang === l ? 'on' : ''} onClick={() => setLang(l)}>{LANG_NAMES[l]}</button>))}</div>
          <label>{t.st_greeting} ({lang})<textarea rows={2} maxLength={500} placeholder={d.greeting} value={d.greetings[lang] ?? ''}
            onInput={(e) => perLang('greetings', lang, (e.target as HTMLTextAreaElement).value)} /></label>
          <label>{t.st_launcher} ({lang})<input maxLength={40} placeholder={W.launch[lang]} value={d.launchers[lang] ?? ''}
            onInput={(e) => perLang('launchers', lang, (e.target as HTMLInputElement).value)} /></label>
          <label>{t.st_team}<select value={d.team ?? ''} onChange={(e) => { const v = (e.target as HTMLSelectElement).value; put('team', v ? Number(v) : null); }}>
            <option value="">{t.st_teamAll}</option>{teams.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}</select></label>
          <label class="check"><input type="checkbox" checked={d.identity_required} onChange={() => put('identity_required', !d.identity_required)} />{t.st_identity}</label>
          <label>{t.st_origins}<textarea rows={3} spellcheck={false} placeholder="https://www.kauppa.fi" value={d.origins.join('\n')}
            aria-describedby="st-origins-hint" onInput={(e) => put('origins', (e.target as HTMLTextAreaElement).value.split('\n'))} /></label>
          <p class="hint" id="st-origins-hint">{t.st_originsHint}</p>
          {note && <p class={note.ok ? 'saved-note' : 'error'} role={note.ok ? 'status' : 'alert'}>{note.text}</p>}
          {may && <div class="row-actions"><button class="primary">{t.st_save}</button></div>}
        </fieldset>
      </form>
      <div class="site-side">
        <Preview t={t} d={d} lang={lang} />
        <Snippet t={t} site={d.site} />
      </div>
      <RulesEditor t={t} site={d.site} langs={site.langs} csrf={csrf} may={may} />
      {admin && <Secret t={t} site={d.site} />}
    </div>
  );
}

export function Sites({ t, tenant, csrf, role, rev = 0, onChange }: { t: UiStrings; tenant: number; csrf: string; role: string; rev?: number; onChange: () => void }) {
  const [list, setList] = useState<SiteRow[]>([]);
  const [open, setOpen] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const load = (pick?: string) => void call('GET', `/api/tenants/${tenant}/sites`).then((r) => {
    const sites: SiteRow[] = r.ok ? r.body.sites : [];
    setList(sites);
    setOpen((o) => pick ?? (sites.some((s) => s.site === o) ? o : sites[0]?.site ?? ''));
  });
  useEffect(() => { setOpen(''); load(); }, [tenant]);
  const create = async (e: Event) => {
    e.preventDefault();
    const r = await call('POST', `/api/tenants/${tenant}/sites`, { name: name.trim() }, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    if (r.ok) { setName(''); load(r.body.site); onChange(); }
  };
  const site = list.find((s) => s.site === open);
  return (
    <section class="ad-sites">
      <h2>{t.st_title} <span class="count">{list.length}</span></h2>
      {list.length > 0 && <div class="site-tabs" role="tablist" aria-label={t.st_title}>{list.map((s) => (
        <button type="button" role="tab" key={s.site} data-site={s.site} aria-selected={s.site === open} class={s.site === open ? 'on' : ''} onClick={() => setOpen(s.site)} title={s.name}>
          <i style={{ background: s.color || DEFAULT_COLOR }} /><bdi>{s.name}</bdi>
          {/* two sites of one name: their keys tell them apart */}
          {list.some((x) => x !== s && x.name === s.name) && <small>{s.site.slice(0, 6)}</small>}</button>))}</div>}
      {list.length === 0 && <p class="empty" role="status">{t.st_none}</p>}
      {site && <Editor t={t} site={site} csrf={csrf} may={role !== 'agent'} admin={role === 'admin'} rev={rev} onSaved={(s) => { setList(list.map((x) => (x.site === s.site ? s : x))); onChange(); }} />}
      {role === 'admin' && (
        <form class="ad-form inline" onSubmit={create}>
          <h3>{t.st_new}</h3>
          {error && <p class="error" role="alert">{error}</p>}
          <label>{t.st_name}<input required maxLength={200} value={name} placeholder={t.st_namePlaceholder} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
          <button class="primary" type="submit">{t.st_create}</button>
        </form>
      )}
    </section>
  );
}
