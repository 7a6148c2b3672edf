// The messages list: bubbles (the text, its http(s) URLs as links, never HTML from the text; the
// time), the site's greeting before a conversation exists, the thank-you note under a message
// left by email, and whole re-renders.
import type { Card, Message } from '../protocol.gen';
import type { Strings } from './i18n';
import { clock, splitLinks, type Lang } from './logic';
import { el, mailIcon } from './dom';
import { left, type State } from './state';
import type { View } from './view';
import { fileNodes, type FileApi } from './files';

export const messageList = ({ root, list, moLi, moBtn }: View, st: State, T: Strings, lang: Lang, api: FileApi) => {
  // The site's greeting on screen before a conversation exists; the stored copy (seq 1) replaces it.
  let greeting: HTMLLIElement | null = null;

  // A message's time (0: not acknowledged yet: "Sending…").
  const stamp = (li: HTMLElement, at: number) => {
    (li.querySelector('time') || li.appendChild(el('time'))).textContent = at ? clock(at, lang) : T.sending;
  };

  // Adds a bubble at the end. cls: v visitor (q: not acknowledged), a agent, s system, n notice,
  // k the thank-you note; who: the name above it.
  const bubble = (cls: string, text: string, who?: string, at?: number) => {
    const li = el('li', cls);
    if (who) {
      const i = el('i');
      i.textContent = who;
      li.append(i);
    }
    splitLinks(text).forEach((s, i) => {
      if (i % 2) {
        const a = el('a', '', { href: s, target: '_blank', rel: 'noopener noreferrer' });
        a.textContent = s;
        li.append(a);
      } else if (s) li.append(s);
    });
    if (at != null) stamp(li, at);
    list.append(li);
    list.scrollTop = list.scrollHeight;
    return li;
  };

  // A channel card (where the matter continues): its title, text and a button to the page.
  const card = (c: Card) => {
    const d = el('div', 'cd');
    const b = el('b');
    b.textContent = c.title;
    const p = el('p');
    p.textContent = c.text || '';
    const a = el('a', 'sb', { href: /^https?:\/\//.test(c.url) ? c.url : '#', target: '_blank', rel: 'noopener noreferrer' });
    a.textContent = c.label;
    d.append(b, p, a);
    return d;
  };

  const show = (m: Message) => {
    const li = bubble(m.author === 'visitor' ? 'v' : m.author === 'agent' ? 'a' : 's', m.card ? '' : m.body, m.author === 'agent' ? m.name || T.agent : '', m.at);
    const nodes = m.card ? [card(m.card)] : m.files ? fileNodes(m.files, T, api) : [];
    for (const n of nodes) li.insertBefore(n, li.querySelector('time'));
    return li;
  };

  // The note under the visitor's message sent with the leave-a-message form.
  const thanks = (email: string) => bubble('k', T.answerTo + email + '.', T.thanks).insertAdjacentHTML('afterbegin', mailIcon);

  // Whole re-render (welcome, earlier messages): greeting if no conversation yet, then every
  // message, then pending, then the survey. keep: the messages on screen stay where they are
  // (earlier ones above).
  const render = (keep?: boolean) => {
    const below = list.scrollHeight - list.scrollTop;
    const wasOn = root.activeElement === moBtn;
    const { conv, thread, pending } = st;
    list.textContent = '';
    if (st.earlier && conv) list.append(moLi);
    greeting = null;
    const msgs = thread.all();
    const hello = st.invite?.text || st.info?.greeting;  // an invitation's text greets instead of the site's
    // A conversation that ended ends with its note; no greeting before it (a new chat's is stored).
    const endAt = st.ended ? thread.lastSeq(st.ended) : 0;
    if (!endAt && !msgs.some((m) => conv && m.conv === conv.id) && hello) greeting = bubble('s', hello);
    const l = left(st);
    for (const m of msgs) {
      show(m);
      if (l?.s && l.c === m.conv && l.s === m.seq) thanks(l.e);
      if (m.conv === st.ended && m.seq === endAt) bubble('n', T.ended);
    }
    for (const [cid, p] of pending) if (!msgs.some((m) => m.cid === cid)) list.append(p.li);
    if (st.svCard) list.append(st.svCard);
    list.scrollTop = keep ? list.scrollHeight - below : list.scrollHeight;
    if (wasOn) (moLi.isConnected ? moBtn : list).focus();  // all loaded: focus stays in the list
  };

  // The message left with the form replaces the greeting.
  const dropGreeting = () => {
    greeting?.remove();
    greeting = null;
  };

  // The stored greeting (seq 1) arrived: if the site's is on screen, it takes its time and place.
  const keepGreeting = (at: number) => {
    if (!greeting) return false;
    stamp(greeting, at);
    greeting = null;
    return true;
  };

  return { stamp, bubble, show, thanks, render, dropGreeting, keepGreeting };
};
export type MessageList = ReturnType<typeof messageList>;
