// The Overview tab's sales parts (reports.tsx renders them under the KPI tiles): the money tiles,
// chatters against the other visitors, the proactive funnel, the holdout experiment's uplift
// with its 95 % intervals and verdict, and the outcomes, tags and ratings of the conversations.
// A plain agent's report has no comparisons (null from the server): only their own tiles.
// The logic that is not rendering is in report_money.ts.
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { UiStrings } from './i18n';
import { change, changeText, countText, percentText, type Change, type Report } from './report_format';
import { putAll } from './fill';
import {
  OUTCOMES, averageCents, frac, intervalDomain, moneyText, outcomeRows, pointsText, rangeText, rateRangeText, relativeDiff,
  relativeText, starsText, verdictText,
  type Arm, type ChatVsNonchat, type Funnel, type Holdout, type Interval, type OutcomeKey,
} from './report_money';

type P = { t: UiStrings; lang: string };

// "{n} of {t}" with the values; a value may be markup (a <code>), then the result is too.
export const fill = putAll;
function fillParts(s: string, v: Record<string, ComponentChildren>): ComponentChildren[] {
  return s.split(/(\{\w+\})/).map((x, i) => {
    const k = /^\{(\w+)\}$/.exec(x)?.[1];
    return k && k in v ? <span key={i}>{v[k]}</span> : x;
  });
}

// ---- tiles (the KPI tiles of reports.tsx use the same row) ----

export type Tile = {
  id: string; label: string; value: string; note?: string; sub?: string; sub2?: string; c: Change | null; title?: string;
  money?: { cur: string | null };  // a change from nothing is an amount of money
};

export function TileRow({ tiles, cls, t, lang }: P & { tiles: Tile[]; cls: string }) {
  return (
    <ul class={'tiles ' + cls}>
      {tiles.map((x) => {
        const text = !x.c ? '' : x.money && x.c.unit === 'abs' ? `${changeText(x.c, lang).split(' ')[0]} ${moneyText(x.c.value, x.money.cur, lang, { sign: true })}`
          : changeText(x.c, lang, t.rp_points);
        const label = fill(t.rp_changeLabel, { t: text });
        return (
          <li key={x.id} class="tile" data-kpi={x.id}>
            <h3>{x.label}</h3>
            <p class="kpi" title={x.title}>{x.value}{x.note && <small class="kpi-note">{x.note}</small>}</p>
            {x.c ? <p class={'delta ' + x.c.tone} title={label} aria-label={label}>{text}</p>
              : <p class="delta none">{t.rp_noChange}</p>}
            {x.sub && <p class="sub">{x.sub}</p>}
            {x.sub2 && <p class="sub">{x.sub2}</p>}
          </li>
        );
      })}
    </ul>
  );
}

// Chat sales, the chat's share of all sales, the orders from chats, satisfaction; each against
// the period before. A plain agent's sales are their own: the share (always all) is left out.
export function MoneyTiles({ rep, t, lang }: P & { rep: Report }) {
  const s = rep.summary;
  const p = rep.previous;
  const sales = s.sales;
  const csat = s.csat;
  const own = s.chat_vs_nonchat === null;  // an agent's own figures (or a filter to agents): no tenant-wide share
  const tiles: Tile[] = [];
  if (sales) {
    const cur = sales.currency;
    const money = (c: number | null | undefined) => moneyText(c, cur, lang);
    const noOrders = !sales.orders;
    const other = sales.other_currency_orders ? fill(t.rp_otherCurrency, { n: countText(sales.other_currency_orders, lang) }) : undefined;
    tiles.push({
      id: 'chat_revenue', label: t.rp_chatRevenue, value: noOrders ? '–' : money(sales.chat_revenue_cents),
      sub: noOrders ? t.rp_noOrders : own ? t.rp_ownRevenueSub : fill(t.rp_chatRevenueSub, { n: money(sales.revenue_cents) }), sub2: other, money: { cur },
      c: noOrders && !p.sales?.orders ? null : change(sales.chat_revenue_cents, p.sales?.chat_revenue_cents, { kind: 'relative', better: 'up' }),
    });
    if (!own) {
      tiles.push({
        id: 'chat_share', label: t.rp_chatShare, value: percentText(sales.chat_share, lang),
        sub: noOrders ? t.rp_noOrders : fill(t.rp_chatShareSub, { n: countText(sales.orders, lang) }),
        c: change(sales.chat_share, p.sales?.chat_share, { kind: 'points', better: 'up' }),
      });
    }
    const aov = averageCents(sales.chat_revenue_cents, sales.chat_orders);
    tiles.push({
      id: 'chat_orders', label: t.rp_chatOrders, value: countText(sales.chat_orders, lang),
      sub: aov === null ? (noOrders ? t.rp_noOrders : undefined) : fill(t.rp_chatOrdersSub, { n: money(aov) }),
      c: noOrders && !p.sales?.orders ? null : change(sales.chat_orders, p.sales?.chat_orders, { kind: 'relative', better: 'up' }),
    });
    if (sales.leads || p.sales?.leads) {  // a shop that reports leads (tiski('track','lead')): what chat brought
      tiles.push({
        id: 'chat_leads', label: t.rp_chatLeads, value: countText(sales.chat_leads, lang),
        sub: own ? undefined : fill(t.rp_chatLeadsSub, { n: countText(sales.leads, lang) }),
        c: change(sales.chat_leads, p.sales?.chat_leads, { kind: 'relative', better: 'up' }),
      });
    }
  }
  if (csat) {
    const has = csat.answers > 0;
    tiles.push({
      id: 'csat', label: t.rp_csat, value: has ? percentText(csat.score, lang) : '–', note: has ? '4–5 ★' : undefined, title: t.rp_csatHint,
      sub: has ? fill(t.rp_csatSub, { n: starsText(csat.average, lang), t: countText(csat.answers, lang) }) : t.rp_csatNone,
      sub2: has && csat.response_rate != null ? fill(t.rp_csatRate, { n: percentText(csat.response_rate, lang) }) : undefined,
      c: has ? change(csat.score, p.csat?.answers ? p.csat.score : null, { kind: 'points', better: 'up' }) : null,
    });
  }
  return tiles.length ? <TileRow tiles={tiles} cls="money" t={t} lang={lang} /> : null;
}

// ---- the comparisons (not in a plain agent's report) ----

export function SalesSections({ rep, t, lang }: P & { rep: Report }) {
  const s = rep.summary;
  if (!s.chat_vs_nonchat && !s.funnel) return null;  // a plain agent (or an older server): nothing to compare
  const cur = s.sales?.currency ?? null;
  return (
    <>
      <div class="rp-pair">
        {s.chat_vs_nonchat && <ChatVsOthers cv={s.chat_vs_nonchat} cur={cur} t={t} lang={lang} />}
        {s.funnel && <FunnelCard f={s.funnel} t={t} lang={lang} />}
      </div>
      <HoldoutCard h={s.holdout ?? null} cur={cur} days={rep.attribution_days ?? 7} t={t} lang={lang} />
    </>
  );
}

function ChatVsOthers({ cv, cur, t, lang }: P & { cv: ChatVsNonchat; cur: string | null }) {
  const a = cv.chatters;
  const b = cv.non_chatters;
  if (!a.visitor_days && !b.visitor_days) {
    return (
      <section class="rp-card rp-cv" aria-labelledby="rp-cv-title">
        <header><h2 id="rp-cv-title">{t.rp_cvTitle}</h2></header>
        <p class="rp-none empty">{t.rp_cvNone}</p>
      </section>
    );
  }
  const maxRate = Math.max(a.rate ?? 0, b.rate ?? 0);
  const maxAov = Math.max(a.aov_cents ?? 0, b.aov_cents ?? 0);
  const rateDiff = relativeText(a.rate, b.rate, lang);
  const aovDiff = relativeText(a.aov_cents, b.aov_cents, lang);
  const tone = (d: number | null) => (d === null || Math.abs(d) < 0.005 ? 'neutral' : d > 0 ? 'good' : 'bad');
  const col = (g: typeof a, cls: string, name: string) => (
    <div class={'cv-col ' + cls} data-group={cls}>
      <h3><span class="cv-dot" aria-hidden="true" />{name}</h3>
      <dl>
        <div>
          <dt>{t.rp_cvRate}</dt>
          <dd class="cv-big" data-figure="rate">{percentText(g.rate, lang)}</dd>
          <dd class="cv-bar" aria-hidden="true"><i style={{ width: `${maxRate ? ((g.rate ?? 0) / maxRate) * 100 : 0}%` }} /></dd>
        </div>
        <div>
          <dt>{t.rp_cvAov}</dt>
          <dd class="cv-big" data-figure="aov">{moneyText(g.aov_cents, cur, lang)}</dd>
          <dd class="cv-bar" aria-hidden="true"><i style={{ width: `${maxAov ? ((g.aov_cents ?? 0) / maxAov) * 100 : 0}%` }} /></dd>
        </div>
      </dl>
      <p class="cv-counts">{fill(t.rp_cvCounts, { n: countText(g.visitor_days, lang), t: countText(g.orders, lang) })}</p>
    </div>
  );
  return (
    <section class="rp-card rp-cv" aria-labelledby="rp-cv-title">
      <header><h2 id="rp-cv-title">{t.rp_cvTitle}</h2></header>
      <div class="cv-cols">
        {col(a, 'chatters', t.rp_cvChatters)}
        {col(b, 'others', t.rp_cvOthers)}
      </div>
      {(rateDiff || aovDiff) && (
        <div class="cv-diffs">
          <span class="cv-vs">{t.rp_cvVs}</span>
          {rateDiff && <span class={'delta ' + tone(relativeDiff(a.rate, b.rate))} data-diff="rate">{fill(t.rp_cvDiffRate, { n: rateDiff })}</span>}
          {aovDiff && <span class={'delta ' + tone(relativeDiff(a.aov_cents, b.aov_cents))} data-diff="aov">{fill(t.rp_cvDiffAov, { n: aovDiff })}</span>}
        </div>
      )}
      <p class="rp-caution"><span aria-hidden="true">!</span>{t.rp_cvCaveat}</p>
      <p class="rp-note">{t.rp_cvNote}</p>
    </section>
  );
}

function FunnelCard({ f, t, lang }: P & { f: Funnel }) {
  const steps = [
    { id: 'shown', label: t.rp_fnShown, n: f.shown, rate: f.shown ? 1 : null, of: '' },
    { id: 'accepted', label: t.rp_fnAccepted, n: f.accepted, rate: f.accept_rate, of: t.rp_fnOfShown },
    { id: 'converted', label: t.rp_fnConverted, n: f.converted, rate: f.convert_rate, of: t.rp_fnOfAccepted },
  ];
  return (
    <section class="rp-card rp-fn" aria-labelledby="rp-fn-title">
      <header><h2 id="rp-fn-title">{t.rp_fnTitle}</h2></header>
      {!f.shown ? <p class="rp-none empty">{t.rp_fnNone}</p> : (
        <ol class="fn-steps">
          {steps.map((x, i) => (
            <li key={x.id} class={'fn-step s' + i} data-step={x.id}>
              <div class="fn-head">
                <span class="fn-label">{x.label}</span>
                <b class="fn-n">{countText(x.n, lang)}</b>
              </div>
              <div class="fn-track" aria-hidden="true">
                <i style={{ width: `${Math.max(1.5, (x.n / f.shown) * 100)}%` }} />
              </div>
              {x.of && <p class="fn-rate">{fill(x.of, { n: percentText(x.rate, lang) })}</p>}
            </li>
          ))}
        </ol>
      )}
      {f.held_out > 0 && <p class="rp-note fn-held">{fill(t.rp_fnHeld, { n: countText(f.held_out, lang) })}</p>}
    </section>
  );
}

// An interval as a small bar on `domain`: the range, the estimate as a dot, 0 as a line when
// the domain crosses it. The numbers are in the text beside it.
function CiBar({ ci, v, domain, cls }: { ci: Interval | null; v: number | null; domain: [number, number]; cls: string }) {
  const zero = domain[0] < 0 ? frac(0, domain) : null;
  return (
    <div class={'ci ' + cls} aria-hidden="true">
      <span class="ci-track" />
      {zero !== null && <span class="ci-zero" style={{ left: `${zero * 100}%` }} />}
      {zero !== null && <span class="ci-zlabel" style={{ left: `${zero * 100}%` }}>0</span>}
      {ci && <span class="ci-range" style={{ left: `${frac(ci[0], domain) * 100}%`, width: `${(frac(ci[1], domain) - frac(ci[0], domain)) * 100}%` }} />}
      {v !== null && <span class="ci-dot" style={{ left: `${frac(v, domain) * 100}%` }} />}
    </div>
  );
}

function HoldoutCard({ h, cur, days, t, lang }: P & { h: Holdout | null; cur: string | null; days: number }) {
  if (!h) {
    return (
      <section class="rp-card rp-ho" aria-labelledby="rp-ho-title">
        <header><h2 id="rp-ho-title">{t.rp_hoTitle}</h2></header>
        <div class="ho-off">
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9 3h6M10 3v6l-5 9a2 2 0 0 0 1.8 3h10.4a2 2 0 0 0 1.8-3l-5-9V3" /><path d="M7.5 14h9" /></svg>
          <div>
            <p><strong>{t.rp_hoOff}</strong></p>
            <p>{fillParts(t.rp_hoHow, { n: <code>tiski site update --holdout 10</code>, t: <code>PUT /api/sites/{'{key}'}</code> })}</p>
            <p class="ho-why">{t.rp_hoHowWhy}</p>
          </div>
        </div>
      </section>
    );
  }
  const u = h.uplift;
  const v = verdictText(u, lang, { up: t.rp_hoUp, down: t.rp_hoDown, unclear: t.rp_hoUnclear, points: t.rp_points });
  const rateDomain = intervalDomain([...(h.invited.rate_ci ?? []), ...(h.held_out.rate_ci ?? []), h.invited.rate, h.held_out.rate]);
  const upDomain = intervalDomain([...(u.rate_ci ?? []), u.rate]);
  const revCi = u.revenue_per_1000_ci;
  const revDomain = intervalDomain([...(revCi ?? []), u.revenue_per_1000_cents]);
  const money = (c: number) => moneyText(c, cur, lang, { sign: true });
  const arm = (a: Arm, cls: string, name: string) => (
    <li class={'ho-arm ' + cls} data-arm={cls}>
      <div class="ho-armhead">
        <span class="ho-name"><span class="cv-dot" aria-hidden="true" />{name}</span>
        <b class="ho-rate">{percentText(a.rate, lang)}</b>
      </div>
      <CiBar ci={a.rate_ci} v={a.rate} domain={rateDomain} cls={cls} />
      <p class="ho-sub">
        <span>{fill(t.rp_hoCi, { t: rateRangeText(a.rate_ci, lang) })}</span>
        <span>{fill(t.rp_hoArm, { n: countText(a.visits, lang), t: countText(a.converted, lang) })}</span>
      </p>
    </li>
  );
  return (
    <section class="rp-card rp-ho" aria-labelledby="rp-ho-title">
      <header><h2 id="rp-ho-title">{t.rp_hoTitle}</h2></header>
      <p class={'ho-verdict ' + v.kind} data-verdict={v.kind}>
        <span class="ho-icon" aria-hidden="true">{v.kind === 'up' ? '↑' : v.kind === 'down' ? '↓' : '≈'}</span>
        <span>{v.text}</span>
      </p>
      <div class="ho-grid">
        <div class="ho-block ho-rates">
          <h3>{t.rp_hoRates}</h3>
          <ul>
            {arm(h.invited, 'invited', t.rp_hoInvited)}
            {arm(h.held_out, 'held', t.rp_hoHeld)}
          </ul>
          <div class="ci-axis" aria-hidden="true"><span>{percentText(rateDomain[0], lang)}</span><span>{percentText(rateDomain[1], lang)}</span></div>
        </div>
        <div class="ho-block" data-figure="uplift">
          <h3>{t.rp_hoUplift}</h3>
          <p class={'ho-big ' + v.kind}>{pointsText(u.rate, lang, t.rp_points)}</p>
          <CiBar ci={u.rate_ci} v={u.rate} domain={upDomain} cls={'diff ' + v.kind} />
          <p class="ho-sub"><span>{fill(t.rp_hoCi, { t: `${rangeText(u.rate_ci, (x) => pointsText(x, lang, '{n}'))} ${t.rp_points.replace('{n}', '').trim()}` })}</span></p>
        </div>
        <div class="ho-block" data-figure="revenue">
          <h3>{t.rp_hoRevenue}</h3>
          <p class={'ho-big ' + (revCi ? (revCi[0] > 0 ? 'up' : revCi[1] < 0 ? 'down' : 'unclear') : 'unclear')}>{money(u.revenue_per_1000_cents)}</p>
          <CiBar ci={revCi} v={u.revenue_per_1000_cents} domain={revDomain} cls="diff money" />
          <p class="ho-sub">
            <span>{revCi ? fill(t.rp_hoCi, { t: rangeText(revCi, money) }) : t.rp_hoNoCi}</span>
            <span>{t.rp_hoRevenueSub}</span>
          </p>
        </div>
      </div>
      <p class="rp-note">{fill(t.rp_hoWindow, { n: days })}</p>
    </section>
  );
}

// ---- outcomes, tags, ratings ----

const OUTCOME_WORDS: Record<OutcomeKey, keyof UiStrings> = {
  sale: 'rp_oc_sale', lead: 'rp_oc_lead', redirected: 'rp_oc_redirected', resolved: 'rp_oc_resolved',
  none: 'rp_oc_none', spam: 'rp_oc_spam', unset: 'rp_oc_unset',
};
const TAGS_FIRST = 8;

export function OutcomesCard({ rep, t, lang }: P & { rep: Report }) {
  const s = rep.summary;
  const [allTags, setAllTags] = useState(false);
  if (!s.outcomes && !s.tags && !s.csat) return null;
  const rows = outcomeRows(s.outcomes);
  const maxOc = Math.max(0, ...rows.map((r) => r.n));
  const tags = s.tags ?? [];
  const shownTags = allTags ? tags : tags.slice(0, TAGS_FIRST);
  const maxTag = Math.max(0, ...tags.map((x) => x.n));
  const by = s.csat?.by_score ?? [];
  const answers = by.reduce((a, b) => a + (b || 0), 0);
  const maxBy = Math.max(0, ...by);
  const pct = (v: number) => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(v);
  return (
    <section class="rp-card rp-oc" aria-labelledby="rp-oc-title">
      <header><h2 id="rp-oc-title">{t.rp_ocTitle}</h2></header>
      <div class="oc-cols">
        <div class="oc-block">
          <h3 id="rp-oc-outcomes">{t.rp_ocOutcomes}</h3>
          {!rows.length ? <p class="empty">{t.rp_ocNone}</p> : (
            <ul class="bars" aria-labelledby="rp-oc-outcomes">
              {OUTCOMES.map((k) => {
                const r = rows.find((x) => x.key === k)!;
                return (
                  <li key={k} data-outcome={k}>
                    <span class="bl-label">{t[OUTCOME_WORDS[k]]}</span>
                    <span class="bl-track" aria-hidden="true"><i class={'oc-' + k} style={{ width: `${maxOc ? (r.n / maxOc) * 100 : 0}%` }} /></span>
                    <span class="bl-n">{countText(r.n, lang)}</span>
                    <span class="bl-pct">{pct(r.share)}</span>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
        <div class="oc-block">
          <h3 id="rp-oc-tags">{t.rp_tags}</h3>
          {!tags.length ? <p class="empty">{t.rp_tagsNone}</p> : (
            <>
              <ul class="bars tags-bars" aria-labelledby="rp-oc-tags">
                {shownTags.map((x) => (
                  <li key={x.tag} data-tag={x.tag}>
                    <span class="bl-label" title={x.tag}><bdi>{x.tag}</bdi></span>
                    <span class="bl-track" aria-hidden="true"><i style={{ width: `${maxTag ? (x.n / maxTag) * 100 : 0}%` }} /></span>
                    <span class="bl-n">{countText(x.n, lang)}</span>
                  </li>
                ))}
              </ul>
              {tags.length > TAGS_FIRST && (
                <button type="button" class="link bl-more" aria-expanded={allTags} onClick={() => setAllTags(!allTags)}>
                  {allTags ? t.rp_tagsFewer : fill(t.rp_tagsAll, { n: tags.length })}
                </button>
              )}
            </>
          )}
        </div>
        <div class="oc-block">
          <h3 id="rp-oc-ratings">{t.rp_ratings}</h3>
          {!answers ? <p class="empty">{t.rp_csatNone}</p> : (
            <ul class="bars stars-bars" aria-labelledby="rp-oc-ratings">
              {[5, 4, 3, 2, 1].map((k) => {
                const n = by[k - 1] || 0;
                return (
                  <li key={k} data-stars={k}>
                    <span class="bl-label"><span aria-hidden="true">{k} ★</span><span class="vh">{fill(t.rp_stars, { n: k })}</span></span>
                    <span class="bl-track" aria-hidden="true"><i class={k >= 4 ? 'good' : k === 3 ? 'mid' : 'low'} style={{ width: `${maxBy ? (n / maxBy) * 100 : 0}%` }} /></span>
                    <span class="bl-n">{countText(n, lang)}</span>
                    <span class="bl-pct">{pct(n / answers)}</span>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}

