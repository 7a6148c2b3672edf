// One conversation: its header (who, where, status, the answer countdown, the visitor's
// satisfaction answer), the messages with earlier pages on request, what came of it (the outcome
// bar), the composer, and the transfer dialog.
import { AttachButton, Files } from './files_view';
import { CardPicker, CardView } from './cards_view';
import { BlockForm } from './block_view';
import { FollowUpForm } from './followup_view';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { AgentPresence, Conversation, MailStatus, Message, Team } from '../protocol.gen';
import type { UiLang, UiStrings } from './i18n';
import { isInbox } from './model';
import { byPresence, mailText, originText, presenceText, signalText, statusText, time, who } from './format';
import { Countdown, Due, Env } from './ui';
import { mustChoose, sameState, stateOf, type OutcomeState } from './outcome';
import { Csat, OutcomeBar } from './outcome_view';
import { CannedPicker, PolicyCard, TenantTag } from './desk_view';
import { desk } from './desk';
import { Component, type JSX } from 'preact';
import { fill, matching, pickText, trigger, type Canned, type Vars } from './canned';
import { ReviewPanel, Suggestions } from './quality_view';
import { splitLinks } from '../widget/logic';

function MailLine({ s, t }: { s: MailStatus; t: UiStrings }) {
  const m = mailText(s, t);
  return (
    <span class={'mail ' + m.cls} title={s.to}>
      ✉ {m.text}
      {m.detail && <small class="relay"> — {t.relaySaid}: <bdi>{m.detail}</bdi></small>}
    </span>
  );
}

export type ChatProps = {
  c: Conversation; t: UiStrings; me: number; msgs: Message[]; more: boolean; pendingList: [string, { body: string; internal?: boolean }][];
  typing: boolean; draft: string; now: number; error: string; clearError: () => void;
  colleagues: AgentPresence[]; teams: (Team & { online: number })[];
  mailOf: (seq: number) => MailStatus | undefined;
  emailOff?: boolean;  // the server sends no email (no SMTP relay)
  setDraft: (v: string) => void; onSend: (body: string, internal: boolean) => void; onTyping: (on: boolean) => void;
  onTake: () => void; onTakeOver: () => void; onClose: () => void; onTransfer: (to: number, note: string) => void; onOlder: () => void; onBack: () => void; onContext: () => void;
  // The outcome: may I set it, must it be set before the close, the tenant's tags, and the
  // server's refusal of the last change (seq grows with each; focus: bring the select forward).
  canOutcome: boolean; outcomeRequired: boolean; tenantTags?: string[];
  outcomeError?: { text: string; seq: number; focus: boolean }; clearOutcomeError: () => void;
  onOutcome: (s: OutcomeState) => void;
  // The tenant's canned answers (the composer's / and # list) and what fills their variables.
  canned: () => Canned[]; vars: Vars; lang: UiLang;
  // Who I am (a note by anyone else in my chat is a whisper), my CSRF token (suggestions), and
  // whether I supervise the tenant (whisper and take over in a colleague's chat).
  meName: string; csrf: string; supervises: boolean;
};

export function Chat(p: ChatProps) {
  const { c, t } = p;
  const [transferring, setTransferring] = useState(false);
  const [blocking, setBlocking] = useState(false);
  const [following, setFollowing] = useState(false);
  const [pointing, setPointing] = useState(false);  // the channel cards are open
  const [notice, setNotice] = useState('');
  const [ending, setEnding] = useState(false);  // "close the chat?" asked
  const endYes = useRef<HTMLButtonElement>(null), endAsk = useRef<HTMLButtonElement>(null);
  useEffect(() => { if (ending) endYes.current?.focus(); }, [ending]);  // Enter confirms, Escape does not
  const keepOpen = () => { setEnding(false); requestAnimationFrame(() => endAsk.current?.focus()); };
  const [reviewOpen, setReviewOpen] = useState(false);  // the folded review (narrow screens) reads when opened
  const listRef = useRef<HTMLOListElement>(null);
  const firstSeq = p.msgs[0]?.seq ?? 0;
  const prevFirst = useRef(firstSeq);
  const prevHeight = useRef(0);
  // New messages scroll to the bottom; an earlier page keeps what the agent was reading in place.
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    if (firstSeq < prevFirst.current && prevHeight.current) el.scrollTop += el.scrollHeight - prevHeight.current;
    else el.scrollTo(0, el.scrollHeight);
    prevFirst.current = firstSeq;
    prevHeight.current = el.scrollHeight;
  }, [p.msgs.length, p.pendingList.length, p.typing, firstSeq]);
  // The list shrinks when the panels around it fill in (suggestions, tags, a phone's keyboard):
  // read to the end, it stays at the end (on a phone the newest lines were left out of view).
  useEffect(() => {
    const el = listRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    let atEnd = true;
    const onScroll = () => { atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 40; };
    const ro = new ResizeObserver(() => { if (atEnd) el.scrollTo(0, el.scrollHeight); });
    el.addEventListener('scroll', onScroll, { passive: true });
    ro.observe(el);
    return () => { ro.disconnect(); el.removeEventListener('scroll', onScroll); };
  }, []);
  const closed = c.status === 'closed';
  const mineOrFree = !c.assignee || c.assignee === p.me;
  const cards = desk.desks.get(c.tenant)?.cards ?? [];  // the company's channel cards
  const visitorName = who(c, t);
  // The outcome bar shows my last change until the server's answer (a conv upsert) replaces it.
  const server = stateOf(c);
  const [draft, setDraft] = useState<OutcomeState | null>(null);
  const [ocNote, setOcNote] = useState('');  // said here, not by the server
  const selectRef = useRef<HTMLSelectElement>(null);
  const shown = draft ?? server;
  useEffect(() => setDraft(null), [JSON.stringify(server)]);
  useEffect(() => {
    if (!p.outcomeError) return;
    setDraft(null);
    setOcNote('');
    if (p.outcomeError.focus) selectRef.current?.focus();
  }, [p.outcomeError?.seq]);
  const setOutcome = (s: OutcomeState) => {
    setOcNote('');
    p.clearOutcomeError();
    if (sameState(s, shown)) return;
    setDraft(s);
    p.onOutcome(s);
  };
  const close = () => {
    if (mustChoose(p.outcomeRequired, shown)) {
      setOcNote(t.oc_first);
      selectRef.current?.focus();
      return;
    }
    setEnding(true);  // one click too many is cheaper than a visitor cut off by a slip
  };
  const showOutcome = p.canOutcome || !!shown.outcome || shown.tags.length > 0;
  return (
    <main class="chat" aria-label={visitorName} style={{ '--tc': desk.color(c.tenant) } as JSX.CSSProperties}>
      <header>
        <button class="back ghost small" onClick={p.onBack} aria-label={t.back}>‹ {t.back}</button>
        <div class="head-text">
          <h1><bdi>{visitorName}</bdi></h1>
          {c.signals?.length ? <p class="buyline">€ {t.buyHint}: <bdi>{c.signals.map((x) => signalText(x, t)).join(', ')}</bdi></p> : null}
          <p class="headline">
            {isInbox(c) && <><span class="tag off">{c.origin === 'offline' ? t.offlineMsg : originText(c.origin, t)}</span> </>}
            <TenantTag id={c.tenant} name={c.tenant_name} /> <bdi class="site">{c.site_name}</bdi> · <span class={'status ' + c.status}>{statusText(c.status, t)}</span>
            {c.assignee === p.me && <> <Countdown by={c.answer_by} now={p.now} t={t} /></>}
            {c.due_at && c.status !== 'closed' && <> <Due at={c.due_at} now={p.now} t={t} /></>}
          </p>
          {c.contact_email && <p class="mailline"><Env /> <span>{t.repliesByEmail} <strong><bdi>{c.contact_email}</bdi></strong></span></p>}
          {c.visitor_left_at &&
            <p class="leftline" role="status">{(c.assignee ? t.visitorLeftMine : t.visitorLeftNote).replace('{t}', time(c.visitor_left_at))}</p>}
          <Csat c={c} t={t} />
        </div>
        <div class="actions">
          {c.status === 'waiting' && <button class="primary" onClick={p.onTake}>{t.take}</button>}
          {c.status === 'active' && c.assignee != null && c.assignee !== p.me && p.supervises && <button class="ghost" onClick={p.onTakeOver}>{t.lv_takeOver}</button>}
          {c.status === 'active' && c.assignee === p.me && <button class="ghost" onClick={() => setTransferring(!transferring)} aria-expanded={transferring}>{t.transfer}</button>}
          {!closed && mineOrFree && <button class="ghost" ref={endAsk} onClick={close} aria-expanded={ending}>{t.close}</button>}
          {!isInbox(c) && !closed && !c.contact_email && (c.assignee === p.me || c.status === 'waiting') &&
            <button class="ghost small" onClick={() => setFollowing(!following)} aria-expanded={following}>{t.fu_button}</button>}
          {!closed && mineOrFree && cards.length > 0 &&
            <button class="ghost small" onClick={() => setPointing(!pointing)} aria-expanded={pointing}>{t.cc_button}</button>}
          {!isInbox(c) && <button class="ghost small danger" onClick={() => setBlocking(!blocking)} aria-expanded={blocking}>{t.bl_button}</button>}
          <button class="ghost small ctx-open" onClick={p.onContext}>{t.ctx_show}</button>
        </div>
      </header>
      <details class="policy-inline"><summary>{t.dk_policy}: <bdi>{c.tenant_name}</bdi></summary>
        <PolicyCard tenant={c.tenant} name={c.tenant_name} t={t} lang={p.lang} /></details>
      {following && <FollowUpForm t={t} conv={c.id} name={c.contact_name} csrf={p.csrf} onCancel={() => setFollowing(false)}
        onDone={(text) => { setFollowing(false); setNotice(text); }} />}
      {pointing && <CardPicker t={t} conv={c.id} cards={cards} csrf={p.csrf} onCancel={() => setPointing(false)}
        onDone={(text) => { setPointing(false); setNotice(text); }} />}
      {blocking && <BlockForm t={t} conv={c.id} csrf={p.csrf} onCancel={() => setBlocking(false)}
        onDone={(text) => { setBlocking(false); setNotice(text); }} />}
      {ending && !closed && mineOrFree && <div class="end-confirm" role="alertdialog" aria-label={t.close} onKeyDown={(e) => { if (e.key === 'Escape') keepOpen(); }}>
        <p>{t.ch_endAsk}</p>
        {p.draft.trim() && <p class="end-warn">{t.ch_endDraft}</p>}
        {p.canOutcome && !shown.outcome && <p class="end-warn">{t.ch_endNoOutcome}</p>}
        <button class="primary" ref={endYes} onClick={() => { setEnding(false); p.onClose(); }}>{t.ch_endYes}</button>
        <button class="ghost" onClick={keepOpen}>{t.cancel}</button></div>}
      {notice && <p class="chat-notice" role="status" onClick={() => setNotice('')}>{notice}</p>}
      {transferring && <Transfer t={t} colleagues={p.colleagues} teams={p.teams} onCancel={() => setTransferring(false)}
        onTransfer={(to, note) => { p.onTransfer(to, note); setTransferring(false); }} />}
      {p.error && <p class="chat-error" role="alert" onClick={p.clearError}>{p.error}</p>}
      <ol class="msgs" ref={listRef} aria-live="polite">
        {p.more && <li class="older"><button class="ghost small" onClick={p.onOlder}>{t.earlierMsgs}</button></li>}
        <MsgItems msgs={p.msgs} c={c} me={p.me} meName={p.meName} visitorName={visitorName} t={t} mailOf={p.mailOf}
          mailKey={p.msgs.map((m) => { const s = m.author === 'agent' ? p.mailOf(m.seq) : undefined; return s ? `${s.status}/${s.attempts}/${s.error ?? ''}` : ''; }).join()} />
        {p.pendingList.map(([id, x]) => <li key={id} class={'m pending ' + (x.internal ? 'note' : 'agent')}><div class="text" dir="auto">{x.body}</div></li>)}
        {p.typing && <li class="typing">{t.visitor} {t.typing}</li>}
        {closed && <li class="m system"><div class="text">{t.closedNote}</div></li>}
      </ol>
      {showOutcome && <OutcomeBar conv={c.id} t={t} state={shown} tenantTags={p.tenantTags} editable={p.canOutcome}
        error={ocNote || p.outcomeError?.text || ''} onError={setOcNote} onChange={setOutcome} selectRef={selectRef} />}
      {closed && p.supervises && <details class="review-inline" onToggle={(e) => setReviewOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>{t.q_review}</summary>{reviewOpen && <ReviewPanel c={c} t={t} may={p.supervises} csrf={p.csrf} />}</details>}
      {!closed && p.emailOff && (isInbox(c) || !!c.contact_email) && c.origin !== 'api' &&
        <p class="mail-off" role="note">{t.mailOff}</p>}
      {closed ? <p class="taken-note">{t.readOnly}</p> : mineOrFree ? <Composer t={t} draft={p.draft} setDraft={p.setDraft} onSend={p.onSend} onTyping={p.onTyping}
          canned={p.canned} vars={p.vars} lang={c.lang} conv={c.id} csrf={p.csrf} visitorSeq={lastVisitorSeq(p.msgs)} />
        : p.supervises ? <><p class="taken-note">{t.lv_watching} <bdi>{c.assignee_name}</bdi></p>
          <Composer t={t} draft={p.draft} setDraft={p.setDraft} onSend={p.onSend} onTyping={() => {}} canned={p.canned} vars={p.vars}
            lang={c.lang} conv={c.id} csrf={p.csrf} visitorSeq={0} whisper /></>
        : <p class="taken-note">{t.takenBy} <bdi>{c.assignee_name}</bdi></p>}
    </main>
  );
}

// The transcript's lines, drawn again only when they change: the console renders every second
// (its clocks) and a chat may hold thousands of lines (typing lagged with 2,000 loaded).
interface MsgItemsProps { msgs: Message[]; c: Conversation; me: number; meName: string; visitorName: string; t: UiStrings;
  mailOf: (seq: number) => MailStatus | undefined; mailKey: string }
class MsgItems extends Component<MsgItemsProps> {
  shouldComponentUpdate(n: MsgItemsProps) {
    const p = this.props;
    return n.msgs.length !== p.msgs.length || n.msgs[0] !== p.msgs[0] || n.msgs[n.msgs.length - 1] !== p.msgs[p.msgs.length - 1] ||
      n.c.id !== p.c.id || n.c.assignee !== p.c.assignee || n.c.contact_name !== p.c.contact_name || n.visitorName !== p.visitorName ||
      n.t !== p.t || n.me !== p.me || n.meName !== p.meName || n.mailKey !== p.mailKey;
  }
  render() {
    const p = this.props;
    return p.msgs.map((m, i) => {
      const mail = m.author === 'agent' ? p.mailOf(m.seq) : undefined;
      // A note by someone else in my chat: a supervisor's whisper, highlighted — but not the
      // note a colleague handed the chat over with (stored with the transfer's line, at once).
      const next = p.msgs[i + 1];
      const handover = !!next && next.author === 'system' && next.seq === m.seq + 1 && next.at === m.at;
      const whisper = m.author === 'note' && p.c.assignee === p.me && !!m.name && m.name !== p.meName && !handover;
      const author = m.author === 'visitor' ? p.c.contact_name || p.visitorName : m.author === 'note' ? `${whisper ? p.t.lv_whisper : p.t.note} · ${m.name}` : m.name || p.t.you;
      return (
        <li key={m.seq} class={'m ' + m.author + (whisper ? ' whisper' : '')}>
          {m.author !== 'system' && <span class="who"><bdi>{author}</bdi> · {time(m.at)}</span>}
          {m.card ? <CardView card={m.card} /> : m.body && <div class="text" dir="auto"><Linked text={m.body} /></div>}
          {m.files && <Files conv={p.c.id} files={m.files} t={p.t} />}
          {m.quoted && <details class="quoted"><summary title={p.t.quotedShow} aria-label={p.t.quotedShow}>···</summary>
            <div class="text" dir="auto">{m.quoted}</div></details>}
          {mail && <MailLine s={mail} t={p.t} />}
        </li>
      );
    });
  }
}

// The reply box: Enter sends, Shift+Enter is a new line; the draft is kept as it is typed, and the
// visitor sees "typing" at most every 2 s. An internal note goes to colleagues only. Typing / or #
// opens the canned answers that match what follows (arrows, Enter, Esc); the chosen one replaces
// the /word in the visitor's language with its variables filled, for the agent to edit and send.
// The visitor's last line while no agent has answered it (notes and system lines aside); 0 once
// answered, so the suggestions for it go away.
const lastVisitorSeq = (msgs: Pick<Message, 'author' | 'seq'>[]) => {
  for (let i = msgs.length - 1; i >= 0; i--) {
    if (msgs[i].author === 'visitor') return msgs[i].seq;
    if (msgs[i].author === 'agent') return 0;
  }
  return 0;
};

// whisper: a supervisor in a colleague's chat writes internal notes only. Above the box, the
// suggested replies to the visitor's last line (visitorSeq).
function Composer(p: Pick<ChatProps, 't' | 'draft' | 'setDraft' | 'onSend' | 'onTyping' | 'canned' | 'vars' | 'csrf'> &
  { lang?: string; conv: number; visitorSeq: number; whisper?: boolean }) {
  const { t } = p;
  const [text, setText] = useState(p.draft);
  const [internalChoice, setInternal] = useState(false);
  // The answers' language: the visitor's, unless the agent picks another in the list (a visitor
  // who writes English on a Finnish page; the conversation's language is the page's).
  const [langChoice, setLang] = useState<string | undefined>(undefined);
  const lang = langChoice ?? p.lang;
  const internal = p.whisper || internalChoice;
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(-1);  // the trigger Esc closed (its start)
  const typingAt = useRef(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const trig = trigger(text, caret);
  const open = trig !== null && trig.start !== dismissed;
  const items = open ? matching(p.canned(), trig.query) : [];
  const change = (v: string, at: number) => {
    setText(v);
    setCaret(at);
    p.setDraft(v);
  };
  // The draft went elsewhere (sent from another tab of mine: model.ts): the box empties too.
  useEffect(() => { if (p.draft === '' && text !== '') { setText(''); setCaret(0); } }, [p.draft]);
  const submit = () => {
    const body = text.trim();
    if (!body) return;
    p.onSend(body, internal);
    change('', 0);
    setInternal(false);  // one note at a time: the next line is the visitor's again
    if (typingAt.current) p.onTyping(false);
    typingAt.current = 0;
  };
  const pick = (a: Canned) => {
    if (!trig) return;
    const chosen = pickText(a, lang);
    const filled = fill(chosen.text, chosen.lang, p.vars);
    const v = text.slice(0, trig.start) + filled + text.slice(caret);
    const at = trig.start + filled.length;
    change(v, at);
    setActive(0);
    requestAnimationFrame(() => { area.current?.focus(); area.current?.setSelectionRange(at, at); });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (open && trig && (e.key === 'ArrowDown' || e.key === 'ArrowUp') && items.length) {
      e.preventDefault();
      setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
    } else if (open && trig && e.key === 'Escape') {
      e.preventDefault();
      setDismissed(trig.start);
    } else if (open && items.length && (e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      pick(items[Math.min(active, items.length - 1)]);
    } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  };
  const at = (e: Event) => (e.target as HTMLTextAreaElement).selectionStart ?? 0;
  return (
    <form class={'composer' + (internal ? ' internal' : '')} onSubmit={(e) => { e.preventDefault(); submit(); }}>
      {open && <CannedPicker t={t} items={items} active={Math.min(active, Math.max(items.length - 1, 0))} lang={lang} vars={p.vars}
        onLang={(l) => setLang(l)}
        onPick={pick} onHover={setActive} />}
      {!internal && <Suggestions conv={p.conv} seq={p.visitorSeq} t={t} lang={p.lang} vars={p.vars} csrf={p.csrf}
        onUse={(v) => {
          const next = text.trim() ? `${text.trimEnd()}\n${v}` : v;  // after what the agent had written, not instead of it
          change(next, next.length);
          requestAnimationFrame(() => { area.current?.focus(); area.current?.setSelectionRange(next.length, next.length); });
        }} />}
      {!p.whisper && <label class="internal-toggle"><input type="checkbox" checked={internal} onChange={(e) => {
        const on = (e.target as HTMLInputElement).checked;
        setInternal(on);
        if (on && typingAt.current) { p.onTyping(false); typingAt.current = 0; }
      }} /> {t.internal}</label>}
      <textarea ref={area} aria-label={p.whisper ? t.lv_whisperHint : internal ? t.noteHint : t.reply} placeholder={p.whisper ? t.lv_whisperHint : internal ? t.noteHint : t.replyHint} value={text} rows={2} maxLength={4000}
        aria-autocomplete="list" aria-controls={open && items.length ? 'canned-list' : undefined}
        aria-activedescendant={open && items.length ? `canned-${items[Math.min(active, items.length - 1)].id}` : undefined}
        onInput={(e) => {
          const v = (e.target as HTMLTextAreaElement).value;
          change(v, at(e));
          setActive(0);
          // Esc closes the list for that /word only: once it is gone, the next one opens it again.
          if (trigger(v, at(e))?.start !== dismissed) setDismissed(-1);
          // An internal note is not for the visitor: they do not see it being written either.
          if (!internal && Date.now() - typingAt.current > 2000) { p.onTyping(true); typingAt.current = Date.now(); }
        }}
        onKeyUp={(e) => {
          const listKey = open && items.length > 0 && (e.key === 'ArrowUp' || e.key === 'ArrowDown');
          if (!listKey && (e.key.startsWith('Arrow') || e.key === 'Home' || e.key === 'End')) setCaret(at(e));
        }}
        onClick={(e) => setCaret(at(e))}
        onKeyDown={onKeyDown} />
      <AttachButton conv={p.conv} internal={internal} csrf={p.csrf} t={t} />
      <button class="primary">{p.whisper ? t.lv_send : internal ? t.saveNote : t.send}</button>
    </form>
  );
}

// Hand the chat to a colleague (online or away; offline ones are listed but cannot be chosen)
// or to a team of its tenant.
// A message's http(s) addresses as links that open outside the console (a product page the
// visitor asks about); nothing else in the text becomes markup.
const Linked = ({ text }: { text: string }) => (
  <>{splitLinks(text).map((x, i) => (i % 2 ? <a key={i} href={x} target="_blank" rel="noreferrer noopener">{x}</a> : x))}</>
);

function Transfer(p: { t: UiStrings; colleagues: AgentPresence[]; teams: (Team & { online: number })[]; onCancel: () => void;
  onTransfer: (to: number, note: string) => void }) {
  const { t } = p;
  const [target, setTarget] = useState(0);
  const [note, setNote] = useState('');
  const reachable = p.colleagues.filter((a) => a.status !== 'offline');
  const people = [...p.colleagues].sort(byPresence);
  const selectRef = useRef<HTMLSelectElement>(null);
  useEffect(() => selectRef.current?.focus(), []);
  return (
    <form class="transfer" onSubmit={(e) => { e.preventDefault(); if (target) p.onTransfer(target, note.trim()); }}>
      <strong>{t.transferTo}</strong>
      {reachable.length === 0 && <p class="hint" role="status">{p.teams.length ? t.transferNobody : t.transferNobodyNoTeam}</p>}
      <select ref={selectRef} aria-label={t.pickAgent} value={target} onChange={(e) => setTarget(Number((e.target as HTMLSelectElement).value))}>
        <option value={0}>{t.pickAgent}</option>
        {people.length > 0 && (
          <optgroup label={t.agents}>
            {people.map((a) => (
              <option key={a.agent} value={a.agent} disabled={a.status === 'offline'}>
                {a.name} · {a.status === 'offline' ? t.offlineSuffix : `${presenceText(a.status, t)} · ${a.active}/${a.capacity}`}
              </option>
            ))}
          </optgroup>
        )}
        {p.teams.length > 0 && (
          <optgroup label={t.teams}>
            {p.teams.map((x) => <option key={'t' + x.id} value={-x.id}>{t.team}: {x.name} · {x.online} {t.onlineNow}</option>)}
          </optgroup>
        )}
      </select>
      <textarea aria-label={t.noteFor} placeholder={t.noteFor} rows={2} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      <div class="row-actions"><button type="button" class="ghost" onClick={p.onCancel}>{t.cancel}</button><button class="primary" disabled={!target}>{t.transfer}</button></div>
    </form>
  );
}
