// What widget.js draws itself on every page view: the host element with its shadow root (the
// shop's CSS cannot reach in, ours cannot leak out) and the launcher button in the corner, in the
// site's colour and corner. The chat's parts (chat_chunk.ts) are added into the same shadow root
// when they are first needed.
import { launch as launchName, leave as leaveName } from './strings.json';
import { DEFAULT_COLOR, brandColor, inkOn, rgbOf, type Lang } from './logic';
import type { SiteInfo } from '../protocol.gen';
import { launcherCss } from './launcher_style';
import { chatIcon, el, mailIcon } from './dom';

// The site's look: colour, corner, lift and launcher text (welcome; kept for the next page load).
export type Look = Pick<SiteInfo, 'color' | 'position' | 'launcher' | 'lift'>;

// The host and the launcher: an icon, its name (its visible text) and the unread badge.
// label() names it for live chat (the site's launcher text, else "Chat with us") or, while live
// chat is closed, "Leave a message", and returns the name.
export const shell = (lang: Lang, look: () => Look | null) => {
  const host = el('div', '', { id: 'tiski-widget' });
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${launcherCss}</style>`;
  const launch = el('button', 'l', { type: 'button' });
  const launchIcon = el('span', 'ic');
  const launchText = el('span');
  const badge = el('span', 'b');
  badge.hidden = true;
  launch.append(launchIcon, launchText, badge);
  root.append(launch);
  const label = (live: boolean) => {
    const name = live ? look()?.launcher || launchName[lang] : leaveName[lang];
    launchText.textContent = name;
    launchIcon.innerHTML = live ? chatIcon : mailIcon;
    return name;
  };
  return { host, root, launch, launchIcon, launchText, badge, label };
};
export type Shell = ReturnType<typeof shell>;

// The brand colour (data-color, if it is one), the text colour that reads on it, and the lift. Needs the
// host on the page, to read the colour as the browser computes it.
const paint = ({ host, root }: Shell, color: string | undefined, lift = 0) => {
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
  set('--b', lift + 'px');  // the site's lift above the corner
};

// The site's look: the snippet's data-color over the site's colour, the corner and the lift.
export const dress = (sh: Shell, look: Look | null, dataColor: string | undefined) => {
  paint(sh, dataColor || look?.color || undefined, look?.lift);
  sh.host.classList.toggle('lt', look?.position === 'left');
};
