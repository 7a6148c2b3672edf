// The business hours editor in Administration: always open, or a week of opening hours in the
// tenant's time zone with dated exceptions (holidays closed, other hours on a day). The server
// validates (its message is shown) and tells whether live chat is open now.
import { useEffect, useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';
import { useShown } from './ui';
import { type Hours, alwaysHours, emptyHours, hoursText, isAlways, parseHours } from './hours';

const ZONES = ['Europe/Helsinki', 'Europe/Stockholm', 'Europe/Tallinn', 'Europe/Oslo', 'Europe/Berlin', 'Europe/London', 'UTC'];
// Monday first, in the console's language.
const dayName = (d: number, lang: string) => new Intl.DateTimeFormat(lang, { weekday: 'long' }).format(new Date(Date.UTC(2024, 0, 1 + d)));

export function HoursEditor({ t, lang, tenant, csrf, may, onChange }: { t: UiStrings; lang: string; tenant: number; csrf: string; may: boolean; onChange: () => void }) {
  const [h, setH] = useState<Hours | null>(null);
  const [openNow, setOpenNow] = useState<boolean | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [loaded, setLoaded] = useState(false);  // this company's hours are in (not the previous one's)
  const shown = useShown(tenant);
  const took = (asked: number, r: { ok: boolean; body: any }) => {
    if (!shown(asked) || !r.ok) return;
    setH(parseHours(r.body.hours));
    setOpenNow(r.body.open_now);
    setLoaded(true);
  };
  useEffect(() => {
    setNote(null);
    setLoaded(false);
    setOpenNow(null);
    void call('GET', `/api/tenants/${tenant}/hours`).then((r) => {
      took(tenant, r);
      if (!r.ok && shown(tenant)) setNote({ ok: false, text: errorText(r, t.ad_failed) });
    });
  }, [tenant]);
  const edit = (next: Hours | null) => { setH(next); setNote(null); };
  const save = async (e: Event) => {
    e.preventDefault();
    const r = await call('PUT', `/api/tenants/${tenant}/hours`, { hours: h ? hoursText(h) : 'always' }, csrf);
    setNote(r.ok ? { ok: true, text: t.hr_saved } : { ok: false, text: errorText(r, t.ad_failed) });
    took(tenant, r);
    if (r.ok) onChange();
  };
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const guess = ZONES.includes(local) ? local : 'Europe/Helsinki';
  const always = isAlways(h);
  const tz = h ? h.tz : 'UTC';  // hours never set: the reports' days are UTC's
  return (
    <section class="ad-hours">
      <div class="section-head"><h2>{t.hr_title}</h2>
        {openNow != null && <span class={`tag ${openNow ? 'is-open' : 'off'}`} role="status">{openNow ? t.hr_openNow : t.hr_closedNow}</span>}</div>
      <form class="ad-form hours-form" onSubmit={save}>
        <fieldset disabled={!may || !loaded}>
          <label class="check"><input type="checkbox" checked={always} onChange={() => edit(always ? emptyHours(h ? h.tz : guess) : alwaysHours(tz))} />{t.hr_always}</label>
          <label>{t.hr_tz}<input list="tz-list" required value={tz} onInput={(e) => {
            const z = (e.target as HTMLInputElement).value;
            edit(h ? { ...h, tz: z } : alwaysHours(z));
          }} />
            <datalist id="tz-list">{ZONES.map((z) => <option key={z} value={z} />)}</datalist></label>
          {always && <p class="hint">{t.hr_alwaysTz}</p>}
          {h && !always && <>
            <table class="hours-week"><tbody>{h.week.map((v, d) => (
              <tr key={d}><th scope="row">{dayName(d, lang)}</th>
                <td><input aria-label={dayName(d, lang)} placeholder={t.hr_closed} value={v} pattern="[0-9:,\- ]*"
                  onInput={(e) => edit({ ...h, week: h.week.map((x, i) => (i === d ? (e.target as HTMLInputElement).value : x)) })} /></td>
                <td>{v.trim() ? <button type="button" class="ghost small" onClick={() => edit({ ...h, week: h.week.map((x, i) => (i === d ? '' : x)) })}>{t.hr_close}</button>
                  : <small class="muted">{t.hr_closed}</small>}</td></tr>))}</tbody></table>
            <p class="hint">{t.hr_hint}</p>
            <h3>{t.hr_exceptions}</h3>
            {h.exceptions.map((x, i) => (
              <div class="hours-exception" key={i}>
                <input type="date" aria-label={t.hr_date} required value={x.date} onInput={(e) => edit({ ...h, exceptions: h.exceptions.map((y, j) => (j === i ? { ...y, date: (e.target as HTMLInputElement).value } : y)) })} />
                <input aria-label={t.hr_hours} placeholder={t.hr_closed} value={x.hours} onInput={(e) => edit({ ...h, exceptions: h.exceptions.map((y, j) => (j === i ? { ...y, hours: (e.target as HTMLInputElement).value } : y)) })} />
                <button type="button" class="ghost small" onClick={() => edit({ ...h, exceptions: h.exceptions.filter((_, j) => j !== i) })}>{t.ad_remove}</button>
              </div>))}
            <button type="button" class="ghost small" onClick={() => edit({ ...h, exceptions: [...h.exceptions, { date: '', hours: '' }] })}>{t.hr_addException}</button>
          </>}
          {note && <p class={note.ok ? 'saved-note' : 'error'} role={note.ok ? 'status' : 'alert'}>{note.text}</p>}
          {may && <div class="row-actions"><button class="primary">{t.hr_save}</button></div>}
        </fieldset>
      </form>
    </section>
  );
}
