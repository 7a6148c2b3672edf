// What the widget shows and whether the panel is open: the parts the state calls for (layout()
// in logic.ts: the thread and composer, or the leave-a-message form; the waiting banner; the
// by-mail note), the header's status, the launcher's name, the error line; opening and
// minimising; and on a phone, where the open panel covers the page, keeping the focus inside it.
import type { Strings } from './i18n';
import { layout, opensWhen, statusText, type Lang } from './logic';
import { mailTo, markSeen, type State } from './state';
import { store, type Keys } from './storage';
import type { View } from './view';
import type { LeaveParts } from './leave';

export interface PanelDeps {
  v: View;
  lp: LeaveParts;
  st: State;
  T: Strings;
  lang: Lang;
  k: Keys;
  down: () => boolean;  // the socket dropped after a welcome
  dismiss: () => void;  // declines the invitation on screen
  moved: (open: boolean) => void;  // the panel opened or closed (the page's listeners)
}

// Puts the parts that show after prev, in this order, and takes out the others; a part already
// in place stays (and keeps the focus).
const place = (prev: Element, parts: [Element, boolean][]) => {
  for (const [n, on] of parts) {
    if (!on) n.remove();
    else {
      if (prev.nextSibling !== n) prev.after(n);
      prev = n;
    }
  }
};

// Escape minimises. On a phone Tab and Shift+Tab go round inside the open panel, and focus that
// lands on the page behind it comes back.
const keyboard = ({ host, root, panel }: View, phone: MediaQueryList, setOpen: (open: boolean) => void, focusMain: () => void) => {
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') setOpen(false);
    if (e.key !== 'Tab' || !phone.matches) return;
    const f = [...panel.querySelectorAll<HTMLElement>('a[href],button,input,textarea')].filter((x) => x.getClientRects().length);
    const a = root.activeElement as HTMLElement;
    const i = f.indexOf(a);
    if (i < 0 ? !panel.contains(a) : i === (e.shiftKey ? 0 : f.length - 1)) {
      e.preventDefault();
      f[e.shiftKey ? f.length - 1 : 0]?.focus();
    }
  });
  document.addEventListener('focusin', (e) => !panel.hidden && phone.matches && e.target !== host && focusMain());
};

export const panelControl = ({ v, lp, st, T, lang, k, down, dismiss, moved }: PanelDeps) => {
  const { root, panel, list, typing, err, form, input } = v;
  const phone = matchMedia('(max-width:480px)');  // the panel is full screen there
  let formShown = false;

  const showStatus = () => {
    v.name.textContent = st.info?.name || '';
    v.avatar.textContent = (st.conv?.agent || st.info?.name || 'T').charAt(0).toUpperCase();
    v.status.textContent = statusText(T, { down: down(), conv: st.conv, mailTo: mailTo(st), live: st.live, queue: st.queueText });
  };

  const showError = (text: string) => {
    err.textContent = text;
    err.hidden = !text;
  };

  const focusMain = () => (formShown ? lp.fName : input).focus();

  // Shows the parts the state calls for.
  const update = () => {
    const to = mailTo(st);
    const c = st.conv;
    const s = layout(st.live, c, !!st.lv?.body, to, !!c && st.thread.all().some((m) => m.conv === c.id && m.author === 'agent'));
    const had = root.activeElement;
    if (s.form !== formShown) {
      // A half-written message moves between the chat input and the form.
      const [a, b] = s.form ? [input, lp.fMsg] : [lp.fMsg, input];
      if (a.value.trim() && !b.value) {
        b.value = a.value;
        a.value = '';
      }
      formShown = s.form;
    }
    list.hidden = typing.hidden = s.form;
    lp.mbText.textContent = T.byMailTo + to + '.';
    const opens = st.opensAt ? T.opens + opensWhen(st.opensAt, Date.now(), lang, T.today) + '.' : '';
    lp.opensLine.textContent = opens;
    lp.bText.textContent = T.nobody + (opens && ' ' + opens);
    place(err, [[lp.bn, s.banner], [lp.mb, s.mail], [form, !s.form], [lp.lf, s.form]]);
    // Focus stays where it was, or moves to the matching field (the draft went with it).
    if (had && !had.isConnected && !panel.hidden) (had === input ? lp.fMsg : had === lp.fMsg ? input : formShown ? lp.fName : input).focus();
    lp.fBtn.textContent = st.lv?.body ? T.sending : T.sendMsg;
    lp.bBtn.textContent = st.lv && !st.lv.body ? T.sending : T.save;
    lp.fBtn.setAttribute('aria-disabled', String(!!st.lv));
    lp.bBtn.setAttribute('aria-disabled', String(!!st.lv));
    store(sessionStorage, k.live, st.live ? null : '0');
    const name = v.label(st.live);  // the site's launcher text, in this language
    panel.setAttribute('aria-label', name);
    s.form ? panel.setAttribute('aria-describedby', lp.intro.id) : panel.removeAttribute('aria-describedby');
    showStatus();
  };

  // focus: move the focus into the panel, or back to the launcher.
  const setOpen = (open: boolean, focus = true) => {
    if (!open && st.invite && !st.conv) dismiss();  // closed without answering
    if (open === panel.hidden) moved(open);
    v.tz.hidden = true;
    panel.hidden = !open;
    panel.setAttribute('aria-modal', String(phone.matches));
    v.launch.hidden = open;
    store(sessionStorage, k.open, open ? '1' : null);
    if (open) {
      st.unread = 0;
      markSeen(st);
      v.badge.hidden = true;
      list.scrollTop = list.scrollHeight;
      if (focus) focusMain();
    } else if (focus) v.launch.focus();
  };

  // A phone's keyboard (any resize) shrinks the list: read to the end, it stays at the end.
  let atEnd = true;
  list.addEventListener('scroll', () => { atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40; }, { passive: true });
  if (typeof ResizeObserver != 'undefined') new ResizeObserver(() => { if (atEnd) list.scrollTop = list.scrollHeight; }).observe(list);

  v.launch.addEventListener('click', () => setOpen(true));
  v.min.addEventListener('click', () => setOpen(false));
  keyboard(v, phone, setOpen, focusMain);
  addEventListener('storage', (e) => e.key === k.mail && update());  // another tab left an address

  return { update, showStatus, showError, setOpen };
};
export type PanelControl = ReturnType<typeof panelControl>;
