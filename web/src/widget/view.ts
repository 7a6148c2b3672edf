// The widget's DOM, built once: a host element with a shadow root (the shop's CSS cannot reach
// in, ours cannot leak out) holding the launcher button, the chat panel and the invitation teaser.
// It only builds; panel.ts decides what shows, messages.ts fills the list.
import type { Strings } from './i18n';
import { DEFAULT_COLOR, brandColor, inkOn, rgbOf } from './logic';
import type { Look } from './state';
import { css } from './style';
import { clipIcon, el } from './dom';

// The button in the corner: an icon, its name (its visible text) and the unread badge.
const launcher = () => {
  const launch = el('button', 'l', { type: 'button' });
  const launchIcon = el('span', 'ic');
  const launchText = el('span');
  const badge = el('span', 'b');
  badge.hidden = true;
  launch.append(launchIcon, launchText, badge);
  return { launch, launchIcon, launchText, badge };
};

// The panel: the header (avatar, site name, status, minimise), the messages list with "show
// earlier messages" (moLi, at its top while there are earlier ones), the typing line, the error
// line, the composer and a status line for screen readers. leave.ts adds its parts after err.
const chatPanel = (T: Strings) => {
  const panel = el('section', 'p', { role: 'dialog', 'aria-label': T.launch });
  panel.hidden = true;
  const head = el('header', 'h');
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

export const view = (T: Strings) => {
  const host = el('div', '', { id: 'tiski-widget' });
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${css}</style>`;
  const v = { host, root, ...launcher(), ...chatPanel(T), ...teaser(T) };
  root.append(v.tz, v.launch, v.panel);
  return v;
};
export type View = ReturnType<typeof view>;

// The brand colour (data-color, if it is one) and the text colour that reads on it. Needs the
// host on the page, to read the colour as the browser computes it.
export const paint = ({ host, root }: View, color: string | undefined) => {
  const c = brandColor(color, (v) => CSS.supports('color', v));
  const p = el('i');
  p.style.color = c;
  root.append(p);
  const rgb = rgbOf(getComputedStyle(p).color);
  p.remove();
  const clear = !!rgb && rgb[3] < 1;  // see-through: the header and bubbles would vanish
  const dark = !!rgb && !clear && inkOn(rgb) !== '#fff';  // a light colour: dark text on it
  const set = (k: string, v: string) => host.style.setProperty(k, v);
  set('--c', clear ? DEFAULT_COLOR : c);
  set('--i', dark ? '#111' : '#fff');
  set('--d', dark ? `color-mix(in srgb,${c} 45%,#000)` : 'var(--c)');
};

// The site's look: the snippet's data-color over the site's colour, and the corner.
export const dress = (v: View, look: Look | null, dataColor: string | undefined) => {
  paint(v, dataColor || look?.color || undefined);
  v.host.classList.toggle('lt', look?.position === 'left');
};
