// A site's proactive rules in Administration (docs/proactive.md): a form per rule — when to
// invite (all or any of a list of conditions), how (open the chat or a bubble, the text per
// language) and how often — in the order they are tried, or the JSON for what the form cannot
// show (nested groups). The server validates; its message, naming the rule, is shown.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';
import { useShown } from './ui';
import { type Cond, type Field, type FormRule, type Problem, FIELDS, MAX_JSON_BYTES, MAX_RULES, bytes, freshCond, fromForm, kindOf, moved, newRule, opsFor, problem, toForm, withField } from './rules';

const LANG_NAMES: Record<string, string> = { fi: 'suomi', sv: 'svenska', en: 'English' };
type Note = { ok: boolean; text: string } | null;

const fieldName = (t: UiStrings, f: Field) => (t as Record<string, string>)[`rl_f_${f}`] ?? f;
const opName = (t: UiStrings, o: string) => ({ '>=': t.rl_ge, '>': t.rl_gt, '<=': t.rl_le, '<': t.rl_lt, '==': t.rl_eq })[o] ?? o;

function CondRow({ t, c, n, set, drop }: { t: UiStrings; c: Cond; n: number; set: (c: Cond) => void; drop: () => void }) {
  const kind = kindOf(c.field);
  const label = `${t.rl_cond} ${n}`;
  return (
    <li class="rule-cond">
      <select aria-label={label} value={c.field} onChange={(e) => set(withField(c, (e.target as HTMLSelectElement).value as Field))}>
        {FIELDS.map((f) => <option key={f} value={f}>{fieldName(t, f)}</option>)}</select>
      {kind === 'number' && <select aria-label={`${label}: ${t.rl_op}`} value={c.op} onChange={(e) => set({ ...c, op: (e.target as HTMLSelectElement).value as Cond['op'] })}>
        {[...new Set([...opsFor(c.field), c.op])].map((o) => <option key={o} value={o}>{opName(t, o)}</option>)}</select>}
      {kind === 'flag'
        ? <select aria-label={`${label}: ${t.rl_value}`} data-cond={n} value={c.value} onChange={(e) => set({ ...c, value: (e.target as HTMLSelectElement).value })}>
          <option value="true">{t.rl_yes}</option><option value="false">{t.rl_no}</option></select>
        : <input key={kind} aria-label={`${label}: ${t.rl_value}`} data-cond={n} value={c.value} maxLength={kind === 'number' ? 12 : kind === 'list' ? 2000 : 200}
          {...(kind === 'number' ? { inputMode: 'decimal' } : {})}
          placeholder={c.field === 'url' ? '/tuotteet/teltat/*' : kind === 'list' ? t.rl_listHint : ''}
          onInput={(e) => set({ ...c, value: (e.target as HTMLInputElement).value })} />}
      {c.field.endsWith('_s') && <span class="unit">s</span>}
      <button type="button" class="ghost small" aria-label={`${t.rl_removeCond} ${n}`} title={t.rl_removeCond} onClick={drop}>×</button>
    </li>
  );
}

function RuleCard({ t, r, i, count, langs, set, move, drop }: {
  t: UiStrings; r: FormRule; i: number; count: number; langs: string[];
  set: (r: FormRule) => void; move: (by: -1 | 1) => void; drop: () => void;
}) {
  const shownLangs = [...langs, ...Object.keys(r.text).filter((l) => !langs.includes(l) && r.text[l])];
  const head = `${t.rl_rule} ${r.id}`;
  return (
    <fieldset class={`rule-card${r.enabled ? '' : ' off'}`} aria-label={head} data-rule={r.id}>
      <div class="rule-head">
        <b class="rule-no">#{r.id}</b>
        <label class="grow">{t.rl_name}<input maxLength={100} value={r.name} placeholder={t.rl_namePh} onInput={(e) => set({ ...r, name: (e.target as HTMLInputElement).value })} /></label>
        <label class="check"><input type="checkbox" checked={r.enabled} onChange={() => set({ ...r, enabled: !r.enabled })} />{t.rl_enabled}</label>
        <span class="rule-moves">
          <button type="button" class="ghost small" disabled={i === 0} aria-label={`${head}: ${t.rl_up}`} title={t.rl_up} onClick={() => move(-1)}>↑</button>
          <button type="button" class="ghost small" disabled={i === count - 1} aria-label={`${head}: ${t.rl_down}`} title={t.rl_down} onClick={() => move(1)}>↓</button>
          <button type="button" class="ghost small danger" aria-label={`${head}: ${t.rl_delete}`} onClick={drop}>{t.rl_delete}</button></span>
      </div>
      <div class="rule-when">
        <label class="inline">{t.rl_when}<select value={r.match} onChange={(e) => set({ ...r, match: (e.target as HTMLSelectElement).value as FormRule['match'] })}>
          <option value="all">{t.rl_all}</option><option value="any">{t.rl_any}</option></select></label>
        <ol>{r.conds.map((c, k) => <CondRow key={k} t={t} c={c} n={k + 1} set={(nc) => set({ ...r, conds: r.conds.map((x, j) => (j === k ? nc : x)) })}
          drop={() => set({ ...r, conds: r.conds.filter((_, j) => j !== k) })} />)}</ol>
        <button type="button" class="ghost small" data-add onClick={() => set({ ...r, conds: [...r.conds, freshCond('idle_s')] })}>{t.rl_addCond}</button>
      </div>
      <div class="rule-action">
        <fieldset class="corner"><legend>{t.rl_mode}</legend>
          {(['open', 'teaser'] as const).map((m) => <label key={m} class="check"><input type="radio" name={`mode-${r.id}`} checked={r.mode === m} onChange={() => set({ ...r, mode: m })} />
            {m === 'open' ? t.rl_open : t.rl_teaser}</label>)}</fieldset>
        {shownLangs.map((l) => <label key={l}>{t.rl_text} ({LANG_NAMES[l] ?? l})<textarea rows={2} maxLength={500} value={r.text[l] ?? ''}
          onInput={(e) => set({ ...r, text: { ...r.text, [l]: (e.target as HTMLTextAreaElement).value } })} /></label>)}
        <p class="hint">{t.rl_textHint}</p>
      </div>
      <div class="rule-cap">
        <label class="check"><input type="checkbox" checked={r.once} onChange={() => set({ ...r, once: !r.once })} />{t.rl_once}</label>
        <label class="inline">{t.rl_days}<input type="number" min={0} max={365} required value={r.days}
          onInput={(e) => set({ ...r, days: Math.max(0, Math.min(365, Math.trunc(Number((e.target as HTMLInputElement).value) || 0))) })} /></label>
      </div>
    </fieldset>
  );
}

export function RulesEditor({ t, site, langs, csrf, may }: { t: UiStrings; site: string; langs: string[]; csrf: string; may: boolean }) {
  const [form, setForm] = useState<FormRule[] | null>(null);  // null: not loaded, or only JSON fits
  const [json, setJson] = useState<string | null>(null);      // the JSON, while it is edited as such
  const [loaded, setLoaded] = useState(false);
  const [note, setNote] = useState<Note>(null);
  const [saving, setSaving] = useState(false);  // closed meanwhile: the answer replaces the form, no edit is lost
  const used = useRef(0);  // the highest rule id this editor has seen, deleted ones too
  const root = useRef<HTMLFormElement>(null);
  const shown = useShown(site);
  const took = (rules: unknown) => {
    const f = toForm(rules);
    if (Array.isArray(rules)) for (const r of rules) if (typeof r?.id === 'number') used.current = Math.max(used.current, r.id);
    setForm(f);
    setJson(f ? null : JSON.stringify(rules, null, 2));
    setNote(f ? null : { ok: false, text: t.rl_nested });
    setLoaded(true);
  };
  useEffect(() => {
    used.current = 0;
    setLoaded(false);
    setForm(null);
    setJson(null);
    setNote(null);
    void call('GET', `/api/sites/${site}/rules`).then((r) => {
      if (!shown(site)) return;
      if (r.ok) took(r.body.rules);
      else setNote({ ok: false, text: errorText(r, t.ad_failed) });
    });
  }, [site]);
  const edit = (next: FormRule[]) => { setForm(next); setNote(null); };
  // The JSON being edited, parsed; undefined (and said) when it is not JSON.
  const parsedJson = (): unknown => {
    try { return JSON.parse(json ?? ''); } catch (x) { setNote({ ok: false, text: `${t.st_rulesJson}: ${(x as Error).message}` }); return undefined; }
  };
  // A rule that cannot be saved: said in the console's language, and the field in question focused.
  const say = (id: number, p: Problem) => {
    const text = { text: t.rl_noText, textLong: t.rl_textLong, name: t.rl_nameLong, cond: t.rl_noCond, number: t.rl_badNumber,
      value: t.rl_noValue, valueLong: t.rl_valueLong }[p.what];
    setNote({ ok: false, text: text.replace('{n}', String(id)).replace('{c}', String(p.cond ?? '')) });
    const card = root.current?.querySelector(`[data-rule="${id}"]`);
    const field = p.cond ? card?.querySelector(`[data-cond="${p.cond}"]`)
      : card?.querySelector(p.what === 'name' ? 'input' : p.what === 'cond' ? '[data-add]' : 'textarea');
    (field as HTMLElement | null | undefined)?.focus();
  };
  const save = async (e: Event) => {
    e.preventDefault();
    let body: unknown;
    if (json !== null) {
      body = parsedJson();
      if (body === undefined) return;
    } else if (form) {
      if (form.length > MAX_RULES) { setNote({ ok: false, text: t.rl_tooMany }); return; }
      for (const r of form) {
        const p = problem(r);
        if (p) { say(r.id, p); return; }
      }
      body = fromForm(form);
      if (bytes(JSON.stringify(body)) > MAX_JSON_BYTES) { setNote({ ok: false, text: t.rl_tooBig }); return; }
    } else return;
    setSaving(true);
    const r = await call('PUT', `/api/sites/${site}/rules`, body, csrf);
    setSaving(false);
    if (!shown(site)) return;
    if (!r.ok) { setNote({ ok: false, text: errorText(r, t.ad_failed) }); return; }
    // As stored: in the form, unless the JSON was being edited or the form cannot show it.
    const f = toForm(r.body.rules);
    setForm(f);
    setJson(f && json === null ? null : JSON.stringify(r.body.rules, null, 2));
    setNote({ ok: true, text: t.st_saved });
  };
  // Between the form and the JSON; back to the form only when the JSON is valid and fits it.
  const toggle = () => {
    if (json === null) { setJson(JSON.stringify(form ? fromForm(form) : [], null, 2)); setNote(null); return; }
    const parsed = parsedJson();
    if (parsed === undefined) return;
    const f = toForm(parsed);
    if (!f) { setNote({ ok: false, text: t.rl_nested }); return; }
    setForm(f);
    setJson(null);
    setNote(null);
  };
  return (
    <form class="rules-editor" ref={root} onSubmit={save} noValidate>
      <div class="section-head"><h3>{t.st_rules}</h3>
        {loaded && <button type="button" class="ghost small" onClick={toggle}>{json === null ? t.rl_asJson : t.rl_asForm}</button>}</div>
      <p class="hint">{t.rl_hint}</p>
      <fieldset class="rules-body" disabled={!may || !loaded || saving}>
        {json !== null
          ? <><textarea class="json" aria-label={t.rl_json} rows={12} spellcheck={false} value={json} maxLength={MAX_JSON_BYTES} onInput={(e) => { setJson((e.target as HTMLTextAreaElement).value); setNote(null); }} />
            <p class="hint">{t.st_rulesHint}</p></>
          : form && <>
            {form.length === 0 && <p class="empty">{t.rl_none}</p>}
            {form.map((r, i) => <RuleCard key={r.id} t={t} r={r} i={i} count={form.length} langs={langs.length ? langs : ['fi']}
              set={(nr) => edit(form.map((x) => (x === r ? nr : x)))} move={(by) => edit(moved(form, i, by))}
              drop={() => { used.current = Math.max(used.current, r.id); edit(form.filter((x) => x !== r)); }} />)}
            {form.length < MAX_RULES ? <button type="button" class="ghost" onClick={() => { const n = newRule(form, used.current); used.current = n.id; edit([...form, n]); }}>{t.rl_add}</button>
              : <p class="hint">{t.rl_tooMany}</p>}
          </>}
      </fieldset>
      {note && <p class={note.ok ? 'saved-note' : 'error'} role={note.ok ? 'status' : 'alert'}>{note.text}</p>}
      {may && <div class="row-actions"><button class="primary" disabled={!loaded || saving}>{t.st_saveRules}</button></div>}
    </form>
  );
}
