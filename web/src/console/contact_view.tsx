// The person beside a chat (docs/contacts.md): the contact's name and keys, its whole history
// over every channel and site of the tenant (a page at a time; a row opens that conversation),
// merging another contact in and splitting this visitor off. Shown in the context panel when
// the visitor is a known contact.
import { useEffect, useState } from 'preact/hooks';
import type { ContactInfo, Conversation } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';
import { day, originText } from './format';

type Found = ContactInfo & { created_at: number };

// A key as the agent reads it: its kind, and the value without the site key; an API channel's
// thread ("<site>:api:<thread>") is the source's id, not the shop's customer number.
function keyText(kind: string, value: string, t: UiStrings): [string, string] {
  if (kind === 'email') return [t.ct_email, value];
  if (kind === 'phone') return [t.ct_phone, value];
  const id = value.slice(value.indexOf(':') + 1);
  return id.startsWith('api:') ? [t.ct_thread, id.slice(4)] : [t.ct_identity, id];
}

// Mounted afresh for each chat and contact (its key in panels.tsx): nothing of one person's
// panel — the contact, its history, a search, an error — can stay beside another's chat, and
// a merge or split acts on the contact of the chat on screen.
export function ContactPanel(p: { t: UiStrings; c: Conversation; visitor: number; contact: ContactInfo; csrf: string; onOpen: (c: Conversation) => void }) {
  const { t, c } = p;
  const [contact, setContact] = useState<ContactInfo>(p.contact);
  const [history, setHistory] = useState<Conversation[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found[] | null>(null);
  const [error, setError] = useState('');
  const base = `/api/tenants/${c.tenant}/contacts`;
  const page = async (id: number, before: number | null) => {
    const r = await call('GET', `${base}/${id}/conversations${before ? `?before=${before}` : ''}`);
    if (!r.ok) return setError(errorText(r, t.ad_failed));
    const rows = (r.body.conversations as Conversation[]).filter((x) => x.id !== c.id);
    setHistory((h) => (before ? [...h, ...rows] : rows));
    setNext(r.body.next_before);
    setLoaded(true);
  };
  // The person as they are now (the context came when the chat was first opened; another
  // channel or device may have joined since), and the first page of their history.
  const refresh = async (id: number) => {
    const r = await call('GET', `${base}/${id}`);
    if (r.ok) setContact({ id: r.body.id, name: r.body.name, keys: r.body.keys, visitors: r.body.visitors });
  };
  useEffect(() => { void refresh(contact.id); void page(contact.id, null); }, []);

  const search = async (e: Event) => {
    e.preventDefault();
    const r = await call('GET', `${base}?q=${encodeURIComponent(query.trim())}`);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    setFound(r.ok ? (r.body.contacts as Found[]).filter((x) => x.id !== contact.id) : null);
  };
  const merge = async (other: Found) => {
    const name = (x: ContactInfo) => x.name || x.keys[0]?.value || `#${x.id}`;
    if (!confirm(t.ct_confirmMerge.replace(/{c}/g, () => name(contact)).replace('{t}', () => name(other)))) return;
    const r = await call('POST', `${base}/${contact.id}/merge`, { from: other.id }, p.csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    if (r.ok) { setContact(r.body); setFound(null); setQuery(''); void page(contact.id, null); }
  };
  const split = async () => {
    if (!confirm(t.ct_confirmSplit)) return;
    const r = await call('POST', `${base}/${contact.id}/split`, { visitors: [p.visitor] }, p.csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    if (r.ok) { setContact(r.body); void page(r.body.id, null); }
  };

  return (
    <section class="person" data-contact={contact.id}>
      <h3>{t.ct_title}</h3>
      <p class="ct-name"><bdi>{contact.name || t.ct_unnamed}</bdi> <small>{t.ct_visitors.replace('{n}', String(contact.visitors))}</small></p>
      {contact.keys.length > 0 && <ul class="ct-keys">{contact.keys.map((k) => (
        <li key={k.kind + k.value}><span class="tag">{keyText(k.kind, k.value, t)[0]}</span> <bdi>{keyText(k.kind, k.value, t)[1]}</bdi></li>))}</ul>}
      {error && <p class="error" role="alert">{error}</p>}
      <h3>{t.ct_history}</h3>
      {!loaded ? <p class="empty">…</p> : history.length === 0 ? <p class="empty">{t.earlierNone}</p> : (
        <ul class="ct-history">{history.map((h) => (
          <li key={h.id}><button class="item" data-conv={h.id} onClick={() => p.onOpen(h)}>
            <span class="when">{day(h.created_at)}</span> <span class="tag">{originText(h.origin, t)}</span> <bdi class="site">{h.site_name}</bdi>
            {h.preview && <q><bdi>{h.preview}</bdi></q>}
          </button></li>))}</ul>
      )}
      {next != null && <button class="ghost small" onClick={() => void page(contact.id, next)}>{t.loadMore}</button>}
      <details class="ct-merge">
        <summary>{t.ct_merge}</summary>
        <form onSubmit={search}>
          <input aria-label={t.ct_find} placeholder={t.ct_find} maxLength={200} value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
          <button class="small" type="submit">{t.ct_search}</button>
        </form>
        {found && (found.length === 0 ? <p class="empty">{t.ct_noMatch}</p> : (
          <ul class="ct-found">{found.map((x) => (
            <li key={x.id}><bdi>{x.name || t.ct_unnamed}</bdi> <small><bdi>{x.keys.map((k) => k.value).join(', ')}</bdi></small>
              <button class="small" data-merge={x.id} onClick={() => void merge(x)}>{t.ct_mergeThis}</button></li>))}</ul>))}
      </details>
      {contact.visitors > 1 && <button class="ghost small ct-split" onClick={() => void split()}>{t.ct_split}</button>}
    </section>
  );
}
