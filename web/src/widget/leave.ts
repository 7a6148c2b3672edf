// Leaving an address instead of chatting, while live chat is closed: the leave-a-message form
// (instead of the thread), the banner of a waiting chat ("nobody is available: leave your
// email"), and the note "We will answer by email to …" of a conversation with an address. Their
// checks make the leave frame; frames.ts handles its answer. panel.ts decides which one shows.
import type { ErrorCode, VisitorClientLeave } from '../protocol.gen';
import type { Strings } from './i18n';
import { isEmail, leaveErrors, newCid } from './logic';
import { el, field, inp, mailIcon, setBad, valid } from './dom';

// The form: an intro (with when chat opens again), name, address, message, consent.
const offlineForm = (T: Strings) => {
  const lf = el('form', 'lf', { novalidate: '' });
  const intro = el('p', 'in', { id: 'tk0' });
  intro.innerHTML = `<span class="ib">${mailIcon}</span>`;
  const introText = el('span');
  const opensLine = el('b');  // "Chat opens again Mon 9:00 AM."
  introText.append(T.intro, opensLine);
  intro.append(introText);
  const fName = inp('text', 'name');
  fName.maxLength = 50;
  const fMail = inp('email', 'email');
  const fMsg = el('textarea', '', { rows: '4', maxlength: '4000' });
  const fOk = inp('checkbox');
  const fBtn = el('button', 'lb', { type: 'submit' });
  fMail.required = fMsg.required = fOk.required = true;
  lf.append(intro, field(fName, T.name), field(fMail, T.email), field(fMsg, T.message), field(fOk, T.consent, 1), fBtn);
  return { lf, intro, opensLine, fName, fMail, fMsg, fOk, fBtn };
};

// The banner above the input of a waiting chat: an address and consent.
const banner = (T: Strings) => {
  const bn = el('form', 'bn', { novalidate: '', 'aria-labelledby': 'tkb' });
  const bText = el('p', '', { id: 'tkb' });
  bText.textContent = T.nobody;
  const bMail = inp('email', 'email');
  const bOk = inp('checkbox');
  const bBtn = el('button', 'sb', { type: 'submit' });
  bMail.required = bOk.required = true;
  const bRow = el('div', 'br');
  bRow.append(field(bMail, T.email, 2), bBtn);
  bn.append(bText, bRow, field(bOk, T.consent2, 1));
  return { bn, bText, bMail, bOk, bBtn };
};

// busy: a leave frame is on its way (nothing more until it is answered); leave: sends one.
export const leaveParts = (T: Strings, busy: () => boolean, leave: (f: VisitorClientLeave) => void) => {
  const p = { ...offlineForm(T), ...banner(T) };
  const { lf, fName, fMail, fMsg, fOk, bn, bMail, bOk } = p;
  // "We will answer by email to …" above the input of a conversation with an address.
  const mb = el('div', 'mb');
  mb.innerHTML = mailIcon;
  const mbText = el('span');
  mb.append(mbText);

  lf.addEventListener('submit', (e) => {
    e.preventDefault();
    const email = fMail.value.trim();
    const body = fMsg.value.trim();
    const name = fName.value.trim();
    const [m, b, o] = leaveErrors(T, email, body, fOk.checked);
    if (busy() || !valid([[fMail, m], [fMsg, b], [fOk, o]])) return;
    const f: VisitorClientLeave = { t: 'leave', cid: newCid(), email, body, consent: true };
    if (name) f.name = name;
    leave(f);
  });
  bn.addEventListener('submit', (e) => {
    e.preventDefault();
    const email = bMail.value.trim();
    if (busy() || !valid([[bMail, isEmail(email) ? '' : T.badEmail], [bOk, bOk.checked ? '' : T.needOk]])) return;
    leave({ t: 'leave', cid: newCid(), email, consent: true });
  });
  for (const f of [lf, bn]) f.addEventListener('input', (e) => setBad(e.target as HTMLElement));

  // The server refused a leave frame (body: the form's, else the banner's): marks the field to
  // fix (the server checks the address too) and focuses it if asked; false if no field is at fault.
  const turnedDown = (code: ErrorCode, body: boolean, focus: boolean) => {
    const c = code === 'bad_request' ? (body ? fMail : bMail) : code === 'too_large' && body ? fMsg : null;
    if (!c) return false;
    setBad(c, code === 'too_large' ? T.too_large : T.badEmail);
    if (focus) c.focus();
    return true;
  };
  return { ...p, mb, mbText, turnedDown };
};
export type LeaveParts = ReturnType<typeof leaveParts>;
