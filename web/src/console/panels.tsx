// The console's other panels: the live visitor list, the visitor's context beside a chat, and
// the list of recently closed conversations.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Conversation, LiveVisitor, VisitorContext } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { Preview } from './files_view';
import { dateTime, day, minutes, money, originText, safeHref, signalText, statusText, time, when, who } from './format';
import { OutcomeBadges } from './outcome_view';
import { PolicyCard, TenantTag } from './desk_view';
import { ContactPanel } from './contact_view';
import type { UiLang } from './i18n';

// A page or URL the visitor reported: a link only if it is http(s).
function PageLink({ url, title }: { url: string; title?: string }) {
  const href = safeHref(url);
  const text = <bdi>{title || url}</bdi>;
  return href ? <a href={href} target="_blank" rel="noreferrer noopener" title={url}>{text}</a> : <span title={url}>{text}</span>;
}

// The live visitor list: who is on the tenants' sites now, where, with what in the cart.
export function Visitors(p: { list: LiveVisitor[]; total: number; t: UiStrings; now: number; onOpen: (conv: number) => void;
  onStart: (visitor: number, body: string) => void; error: string; clearError: () => void }) {
  const { t } = p;
  const [starting, setStarting] = useState<number | null>(null);
  const [text, setText] = useState('');
  const list = [...p.list].sort((a, b) => a.since - b.since);
  return (
    <main class="visitors">
      <header><h1>{t.visitorsTitle} <span class="count">{Math.max(list.length, p.total)}</span></h1>
        {p.total > list.length && <p class="more">{t.visitorsShown.replace('{n}', String(list.length))}</p>}</header>
      {p.error && <p class="chat-error" role="alert" onClick={p.clearError}>{p.error}</p>}
      {list.length === 0 ? <p class="empty big">{t.visitorsNone}</p> : (
        <div class="table-wrap" tabIndex={0} role="group" aria-label={t.visitorsTitle}>
          <table>
            <thead><tr><th>{t.col_page}</th><th>{t.col_path}</th><th>{t.col_time}</th><th>{t.col_cart}</th><th>{t.col_lang}</th><th>{t.col_chat}</th></tr></thead>
            <tbody>
              {list.map((v) => (
                <tr key={v.id} data-visitor={v.id}>
                  <td class="vcell"><strong class="vpage"><bdi>{v.page.title || v.page.url || '–'}</bdi></strong>{v.page.category && <span class="tag"><bdi>{v.page.category}</bdi></span>}
                    <small>{t.visitor} #{v.no} · <bdi>{v.site_name}</bdi>{v.returning ? ' · ' + t.returning : ''}</small></td>
                  <td class="vpath" title={v.path.map((x) => `${time(x.at)} ${x.title || x.url}`).join('\n')}>{v.pages} · <bdi>{v.path.map((x) => x.title || x.url).join(' › ')}</bdi></td>
                  <td>{minutes(p.now - v.since)}</td>
                  <td>{v.cart && v.cart.cents > 0 ? <span class="cartv">{money(v.cart)} · {v.cart.items} {v.cart.items === 1 ? t.item : t.items}</span> : '–'}</td>
                  <td>{v.lang}</td>
                  <td class="vchat">{v.conv ? <button class="ghost small" onClick={() => p.onOpen(v.conv!)}>{t.chatting}</button>
                    : starting === v.id ? (
                      <form class="start" onSubmit={(e) => { e.preventDefault(); if (text.trim()) { p.onStart(v.id, text.trim()); setStarting(null); setText(''); } }}>
                        <textarea aria-label={t.startMsg} placeholder={t.startMsg} rows={2} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
                        <div class="row-actions"><button type="button" class="ghost small" onClick={() => setStarting(null)}>{t.cancel}</button><button class="primary small">{t.startSend}</button></div>
                      </form>
                    ) : <button class="primary small" onClick={() => setStarting(v.id)}>{t.startChat}</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

// One line of the context panel: its label and what it shows.
type Row = [string, ComponentChildren];

export function Context({ c, t, ctx, lang, extra, csrf, onOpen, open, onHide }: { c: Conversation; t: UiStrings; ctx?: VisitorContext; lang: UiLang; extra?: ComponentChildren;
  csrf: string; onOpen: (c: Conversation) => void; open: boolean; onHide: () => void }) {
  const who = ctx?.identity;
  // An email or API customer has no pages, cart or visits of a web visitor to show.
  const web = c.origin !== 'email' && c.origin !== 'api';
  const name = who?.name || c.contact_name || ctx?.contact?.name || '';
  const no = `#${c.visitor_no ?? c.visitor}`;
  const rows: Row[] = [
    ...(who ? [[t.id_customer, <span class="identity"><bdi>{[who.name, who.email].filter(Boolean).join(' · ') || who.id}</bdi>
      <span class={`tag ${who.verified ? 'verified' : 'unverified'}`} title={who.verified ? t.id_verifiedHint : t.id_unverifiedHint}>
        {who.verified ? `✓ ${t.id_verified}` : t.id_unverified}</span><small>{t.id_number} <bdi>{who.id}</bdi></small></span>] as Row] : []),
    ...(c.contact_name ? [[t.name, <bdi>{c.contact_name}</bdi>] as Row] : []),
    ...(c.contact_email ? [[t.email, <bdi>{c.contact_email}</bdi>] as Row] : []),
    [t.page, c.page ? <PageLink url={c.page.url} title={c.page.title} /> : '–'],
    [t.tenant, <TenantTag id={c.tenant} name={c.tenant_name} />],
    [t.site, <bdi>{c.site_name}</bdi>],
    [t.status, statusText(c.status, t)],
    [t.agent, c.assignee_name ? <bdi>{c.assignee_name}</bdi> : '–'],
    ...(c.team_name ? [[t.team, <bdi>{c.team_name}</bdi>] as Row] : []),
    [t.origin, originText(c.origin, t)],
    [t.started, when(c.created_at)],
    ...(c.closed_at ? [[t.closedAt, when(c.closed_at)] as Row] : []),
    ...(ctx ? [[t.lang, ctx.lang] as Row] : []),
    ...(ctx && web ? [
      [t.returning, ctx.returning ? t.yes : t.no],
      [t.cart, ctx.cart && ctx.cart.cents > 0 ? `${money(ctx.cart)} · ${ctx.cart.items} ${ctx.cart.items === 1 ? t.item : t.items}` : '–'],
    ] as Row[] : []),
    ...(c.signals?.length ? [[t.signals, <bdi>{c.signals.map((x) => signalText(x, t)).join(', ')}</bdi>] as Row] : []),
  ];
  // Over the chat on a narrow screen: Escape and its button close it, focus goes to that button.
  const hide = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    hide.current?.focus();
    const key = (e: KeyboardEvent) => { if (e.key === 'Escape') onHide(); };
    addEventListener('keydown', key);
    return () => removeEventListener('keydown', key);
  }, [open]);
  return (
    <aside class={'ctx' + (open ? ' open' : '')} aria-label={name ? `${name} ${no}` : `${t.context} ${no}`}>
      <button class="ghost small ctx-close" ref={hide} onClick={onHide}>‹ {t.ctx_hide}</button>
      <PolicyCard tenant={c.tenant} name={c.tenant_name} t={t} lang={lang} />
      <h2>{name ? <><bdi>{name}</bdi> <small class="no">{no}</small></> : `${t.context} ${no}`}</h2>
      <dl>{rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
      {ctx?.contact && <ContactPanel key={`${c.id}:${ctx.contact.id}`} t={t} c={c} visitor={ctx.visitor} contact={ctx.contact} csrf={csrf} onOpen={onOpen} />}
      {extra}
      {ctx && ctx.path.length > 0 && (
        <section class="path"><h3>{t.path}</h3>
          <ol>{ctx.path.map((x, i) => <li key={i}><time>{time(x.at)}</time> <PageLink url={x.url} title={x.title} />{x.category && <span class="tag"><bdi>{x.category}</bdi></span>}</li>)}</ol>
        </section>
      )}
      {ctx && !ctx.contact && (
        <section class="earlier"><h3>{t.earlier}</h3>
          {ctx.earlier.length ? <ul>{ctx.earlier.map((e) => <li key={e.id}><span>{day(e.created_at)}</span> {originText(e.origin, t)}{e.preview && <q><bdi>{e.preview}</bdi></q>}</li>)}</ul>
            : <p class="empty">{t.earlierNone}</p>}
        </section>
      )}
    </aside>
  );
}

// Conversations of my tenants closed in the last seven days, newest first, a page at a time.
export function Recent(p: { list: Conversation[]; loaded: boolean; more: boolean; t: UiStrings; onOpen: (c: Conversation) => void; onMore: () => void }) {
  const { t } = p;
  return (
    <main class="recent">
      <header><h1>{t.recentTitle}</h1></header>
      {!p.loaded ? <p class="empty big">…</p> : p.list.length === 0 ? <p class="empty big">{t.recentNone}</p> : (
        <ul class="recent-list">
          {p.list.map((c) => (
            <li key={c.id}>
              <button class="item" onClick={() => p.onOpen(c)} data-conv={c.id}>
                <div class="row"><strong><bdi>{who(c, t)}</bdi></strong><span class="when">{c.closed_at ? dateTime(c.closed_at) : ''}</span></div>
                <div class="tags"><OutcomeBadges c={c} t={t} /><TenantTag id={c.tenant} name={c.tenant_name} /><bdi class="site">{c.site_name}</bdi>{c.assignee_name && <span>· <bdi>{c.assignee_name}</bdi></span>}</div>
                {c.preview && <Preview text={c.preview} />}
                {c.tags?.length ? <div class="conv-tags">{c.tags.map((x) => <span key={x} class="ctag"><bdi>{x}</bdi></span>)}</div> : null}
                {c.csat_comment && <div class="csat-quote"><q><bdi>{c.csat_comment}</bdi></q></div>}
              </button>
            </li>
          ))}
        </ul>
      )}
      {p.more && <button class="ghost more-btn" onClick={p.onMore}>{t.loadMore}</button>}
    </main>
  );
}
