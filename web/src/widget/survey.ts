// The satisfaction survey: after a conversation an agent took part in closes (a conv frame, or a
// welcome without the conversation the widget knew: it closed meanwhile), a card at the end of
// the list asks "How did we do?" with five stars, an optional comment, "Send feedback" (not the
// composer's "Send" below it) and Skip. Asked once per conversation (surveyNext() in logic.ts;
// the memo in localStorage): when the visitor first sees it, survey tells the server (the
// response rate's base). A star answers at once (csat with the score: it counts even if the page
// is left then); Send adds the comment to it (the server lets an answer be replaced for a while)
// and the thank-you shows; the server's conv frame with csat confirms, an error frame hides the
// card. A new chat removes the card.
import type { VisitorClientCsat, VisitorConv, VisitorServerError } from '../protocol.gen';
import type { Strings } from './i18n';
import { askAgain, asked, bytes, skipKey, surveyNext, type SurveyMemo } from './logic';
import { el, field, setBad } from './dom';
import { readJson, store, type Keys } from './storage';
import type { Connection } from './connection';
import type { State } from './state';
import type { View } from './view';

const star = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2.8l2.8 5.8 6.4.9-4.6 4.5 1.1 6.3L12 17.3l-5.7 3 1.1-6.3-4.6-4.5 6.4-.9z"/></svg>';
const check = '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" d="M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zm-4-9 3 3 5-6"/></svg>';

export const survey = (v: View, st: State, T: Strings, k: Keys, conn: Connection) => {
  let conv = 0;  // the conversation the card asks about (0: no card)
  let seen = false;  // survey was sent for it
  let answer: VisitorClientCsat | null = null;  // sent, not confirmed by a conv frame yet
  const reply = (a: VisitorClientCsat) => {
    answer = a;
    conn.send(a);
    keep(asked(memo(), a.conv));
  };
  const memo = () => readJson<SurveyMemo>(localStorage, k.survey) || { a: [] };
  const keep = (m: SurveyMemo) => store(localStorage, k.survey, JSON.stringify(m));
  // The conversations whose survey the visitor skipped (the last 20): never shown again. One seen
  // and neither answered nor skipped comes back with its ended chat on the next page.
  const skipped = () => readJson<number[]>(localStorage, skipKey(k.survey)) || [];

  // Seen: the card is in the open panel's list, and the server can be told.
  const look = () => {
    if (!conv || seen || v.panel.hidden || v.list.hidden || !conn.ready()) return;
    seen = true;
    keep(asked(memo(), conv));
    conn.send({ t: 'survey', conv });
  };

  // Takes the card away; its conversation is never asked about again.
  const hide = () => {
    if (conv) keep(asked(memo(), conv));
    st.svCard?.remove();
    st.svCard = null;
    conv = 0;
  };

  const thanks = () => {
    const c = st.svCard!;
    const had = c.contains(v.root.activeElement);
    c.className = 'k';
    c.tabIndex = -1;
    c.innerHTML = check;
    c.append(el('i'));
    c.lastChild!.textContent = T.csatThanks;
    v.sr.textContent = T.csatThanks;
    if (had) c.focus();
  };

  const show = (id: number) => {
    hide();
    conv = id;
    seen = memo().a.includes(id);  // shown again: the server knows already
    let score = 0;
    const c = (st.svCard = el('li', 'sv'));
    const f = el('form', '', { novalidate: '' });
    const q = el('b', '', { id: 'tkq' });
    q.textContent = T.csat;
    const stars = el('div', 'st', { role: 'group', 'aria-labelledby': 'tkq' });
    const more = el('div', 'sm');
    more.hidden = true;
    const text = el('textarea', '', { rows: '3', maxlength: '1000' });
    const send = el('button', 'lb', { type: 'submit' });
    send.textContent = T.csatSend;  // not the composer's "Send" just below it
    more.append(field(text, T.csatMore, 2), send);
    const skip = el('button', 'sk', { type: 'button' });
    skip.textContent = T.skip;
    for (let i = 1; i <= 5; i++) {
      const b = el('button', '', { type: 'button', 'aria-label': i + '/5', 'aria-pressed': 'false' });
      b.innerHTML = star;
      b.onclick = () => {
        score = i;
        stars.querySelectorAll('button').forEach((x, j) => {
          x.classList.toggle('on', j < i);
          x.setAttribute('aria-pressed', String(j === i - 1));
        });
        more.hidden = false;
        c.className = 'sv r';  // rated here: a conv frame with csat is this answer, not another tab's
        reply({ t: 'csat', conv, score });
        v.list.scrollTop = v.list.scrollHeight;
      };
      stars.append(b);
    }
    f.append(q, stars, more, skip);
    c.append(f);
    f.onsubmit = (e) => {
      e.preventDefault();
      const comment = text.value.trim();
      if (!score || bytes(comment) > 1000) return setBad(text, score ? T.too_large : '');
      if (comment) reply({ t: 'csat', conv, score, comment });
      thanks();
    };
    text.oninput = () => setBad(text);
    skip.onclick = () => {
      store(localStorage, skipKey(k.survey), JSON.stringify([...skipped().filter((x) => x !== conv), conv].slice(-20)));
      hide();
      v.list.focus();
    };
    v.list.append(c);
    v.list.scrollTop = v.list.scrollHeight;
    look();
  };

  // What a conv frame or a welcome (null: no open or ended conversation) says about the survey.
  // ended: the welcome's conversation that closed a moment ago, shown again on this page.
  const learn = (x: VisitorConv | null, ended = false) => {
    if (x?.csat && answer?.conv === x.id && answer.score === x.csat) answer = null;
    if (x && x.id !== conv && x.status !== 'closed') hide();  // a new chat
    else if (x?.csat && x.id === conv && st.svCard?.className === 'sv') thanks();  // answered in another tab
    const r = surveyNext(memo(), x);
    keep(r.m);
    const ask = r.ask || (ended && askAgain(x, skipped()) ? x!.id : 0);
    if (ask && ask !== conv) show(ask);
    look();
  };

  v.launch.addEventListener('click', look);
  v.tzText.addEventListener('click', look);

  return {
    conv: learn,
    welcome: (x: VisitorConv | undefined, ended = false) => {
      if (answer) conn.send(answer);
      learn(x || null, ended);
    },
    // An error frame naming a conversation is the answer to csat: the card goes.
    error: (f: VisitorServerError) => {
      const id = (f as { conv?: number }).conv;
      if (!id || (id !== conv && id !== answer?.conv)) return false;
      if (id === answer?.conv) answer = null;
      if (id === conv) hide();
      return true;
    },
    fresh: hide,  // the visitor starts a new chat
  };
};
export type Survey = ReturnType<typeof survey>;
