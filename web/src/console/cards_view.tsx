// Channel cards (docs/channels.md, "Steering to the right channel"): in a chat, the agent sends
// one of the company's cards ("this needs strong identification: continue in Oma tili") — the
// visitor gets it with a button, the outcome becomes redirected to the card's channel; a card in
// a message is drawn the same way in the console; and on the desk page supervisors keep the
// company's cards.
import { useEffect, useState } from 'preact/hooks';
import type { Card } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { call, desk, errorText } from './desk';
import type { Desk } from './canned';

export type ChannelCard = { id: string; title: string; text: string; url: string; label: string; channel: string };

export function CardView({ card }: { card: Card }) {
  return (
    <div class="channel-card">
      <strong><bdi>{card.title}</bdi></strong>
      {card.text && <p dir="auto">{card.text}</p>}
      <a class="button" href={/^https?:\/\//.test(card.url) ? card.url : '#'} target="_blank" rel="noopener noreferrer">{card.label}</a>
    </div>
  );
}

// In a chat: the company's cards, each with what it says and a send button.
export function CardPicker(p: { t: UiStrings; conv: number; cards: ChannelCard[]; csrf: string; onDone: (text: string) => void; onCancel: () => void }) {
  const { t } = p;
  const [error, setError] = useState('');
  const [busy, setBusy] = useState('');
  const send = async (c: ChannelCard) => {
    setBusy(c.id);
    const r = await call('POST', `/api/conversations/${p.conv}/card`, { card: c.id }, p.csrf);
    setBusy('');
    if (!r.ok) return setError(errorText(r, t.ad_failed));
    p.onDone(t.cc_sent.replace('{channel}', c.channel));
  };
  return (
    <div class="block-form card-picker" role="group" aria-label={t.cc_title}>
      <p class="hint">{t.cc_hint}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <ul>
        {p.cards.map((c) => (
          <li key={c.id}>
            <div><strong><bdi>{c.title}</bdi></strong> <span class="tag">{c.channel}</span>
              {c.text && <p>{c.text}</p>}<small>{c.label} → {c.url}</small></div>
            <button class="primary small" disabled={!!busy} onClick={() => void send(c)}>{t.cc_send}</button>
          </li>
        ))}
      </ul>
      <div class="row"><button class="ghost" type="button" onClick={p.onCancel}>{t.cancel}</button></div>
    </div>
  );
}

const blank: ChannelCard = { id: '', title: '', text: '', url: 'https://', label: '', channel: '' };

// On the desk page: the company's cards, edited as a list and saved together. `cards` is the
// company's stored list, undefined until its desk has loaded: the editor shows it when it arrives
// (or changes) unless the supervisor has started editing.
export function CardsEditor(p: { t: UiStrings; tenant: number; cards: ChannelCard[] | undefined; csrf: string; may: boolean }) {
  const { t } = p;
  const [list, setList] = useState<ChannelCard[]>(p.cards ?? []);
  const [dirty, setDirty] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => { setList(p.cards ?? []); setDirty(false); setNote(null); }, [p.tenant]);
  useEffect(() => { if (!dirty) setList(p.cards ?? []); }, [p.cards]);
  const change = (f: (l: ChannelCard[]) => ChannelCard[]) => { setList(f); setDirty(true); setNote(null); };
  const edit = (i: number, k: keyof ChannelCard, v: string) => change((l) => l.map((c, j) => (j === i ? { ...c, [k]: v } : c)));
  const save = async (e: Event) => {
    e.preventDefault();
    const r = await call('PUT', `/api/tenants/${p.tenant}/desk`, { cards: list }, p.csrf);
    setNote(r.ok ? { ok: true, text: t.dk_saved } : { ok: false, text: errorText(r, t.dk_failed) });
    if (r.ok) { setList(r.body.cards); setDirty(false); desk.put(r.body as Desk); }
  };
  const field = (i: number, k: keyof ChannelCard, label: string, extra: Record<string, unknown> = {}) => (
    <label class={k === 'text' ? 'wide' : ''}>{label}
      {k === 'text'
        ? <textarea rows={2} maxLength={600} value={list[i][k]} onInput={(e) => edit(i, k, (e.target as HTMLTextAreaElement).value)} />
        : <input value={list[i][k]} required onInput={(e) => edit(i, k, (e.target as HTMLInputElement).value)} {...extra} />}
    </label>
  );
  return (
    <form class="cards-editor" onSubmit={save}>
      <h3>{t.cc_cards}</h3>
      <p class="hint">{t.cc_editHint}</p>
      <fieldset disabled={!p.may}>
        {list.map((c, i) => (
          <div class="card-row" key={i} data-card={c.id}>
            {field(i, 'id', t.cc_id, { maxLength: 32, pattern: '[a-z0-9_\\-]{1,32}', placeholder: 'oma-tili' })}
            {field(i, 'title', t.cc_cardTitle, { maxLength: 100 })}
            {field(i, 'text', t.cc_text)}
            {field(i, 'url', t.cc_url, { type: 'url', maxLength: 500 })}
            {field(i, 'label', t.cc_label, { maxLength: 40 })}
            {field(i, 'channel', t.cc_channel, { maxLength: 40 })}
            <button type="button" class="link danger" onClick={() => change((l) => l.filter((_, j) => j !== i))}>{t.dk_delete}</button>
          </div>
        ))}
        {!p.may && list.length === 0 && <p class="empty">{t.cc_none}</p>}
        {p.may && <div class="row-actions">
          {list.length < 10 && <button type="button" class="ghost" onClick={() => change((l) => [...l, { ...blank }])}>{t.cc_add}</button>}
          {note && <span role={note.ok ? 'status' : 'alert'} class={note.ok ? 'saved-note' : 'error'}>{note.text}</span>}
          <button class="primary">{t.dk_save}</button>
        </div>}
      </fieldset>
    </form>
  );
}
