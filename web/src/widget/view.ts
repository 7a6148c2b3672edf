// The chat's DOM, added to the widget's shadow root beside the launcher (shell.ts): the chat
// panel and the invitation teaser, with their styles. It only builds; panel.ts decides what
// shows, messages.ts fills the list.
import type { Strings } from './i18n';
import type { Shell } from './shell';
import { css } from './style';
import { clipIcon, el } from './dom';

// The panel: the header (avatar, site name, status, minimise), the messages list with "show
// earlier messages" (moLi, at its top while there are earlier ones), the typing line, the error
// line, the composer and a status line for screen readers. leave.ts adds its parts after err.
const chatPanel = (T: Strings) => {
  const panel = el('section', 'p', { role: 'dialog', 'aria-label': T.launch });
  panel.hidden = true;
  const head = el('div', 'h');
  const avatar = el('div', 'av', { 'aria-hidden': 'true' });
  const title = el('div', 't');
  const name = el('b');
  const status = el('span');
  title.append(name, status);
  const min = el('button', 'x', { type: 'button', 'aria-label': T.min });
  min.textContent = '–';
  head.append(avatar, title, min);
  const list = el('ol', 'm', { 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: '-1' });
  const moLi = el('li', 'mo');
  const moBtn = el('button', '', { type: 'button' });
  moBtn.textContent = T.more;
  moLi.append(moBtn);
  const typing = el('div', 'ty', { 'aria-live': 'polite' });
  const err = el('div', 'e', { role: 'alert' });
  err.hidden = true;
  const form = el('form', 'f');
  const input = el('textarea', '', { rows: '1', 'aria-label': T.input, placeholder: T.input, maxlength: '4000' });
  const send = el('button', 'sb', { type: 'submit' });
  send.textContent = T.send;
  const attach = el('button', 'at', { type: 'button', 'aria-label': T.attach, title: T.attach });
  attach.innerHTML = clipIcon;
  const file = el('input', '', { type: 'file', hidden: '', tabindex: '-1' });
  form.append(attach, file, input, send);
  const sr = el('div', 'sr', { role: 'status' });
  panel.append(head, list, typing, err, form, sr);
  return { panel, avatar, name, status, min, list, moLi, moBtn, typing, err, form, input, attach, file, sr };
};

// The teaser: a proactive invitation as a small bubble above the launcher, with a close button.
const teaser = (T: Strings) => {
  const tz = el('div', 'tz');
  tz.hidden = true;
  const tzText = el('button', 'tt', { type: 'button' });
  const tzX = el('button', 'tx', { type: 'button', 'aria-label': T.close });
  tzX.textContent = '×';
  tz.append(tzText, tzX);
  return { tz, tzText, tzX };
};

export const view = (T: Strings, sh: Shell) => {
  const style = el('style');
  style.textContent = css;
  const v = { ...sh, ...chatPanel(T), ...teaser(T) };
  sh.root.insertBefore(style, sh.launch);
  v.launch.before(v.tz);
  v.launch.after(v.panel);
  return v;
};
export type View = ReturnType<typeof view>;
