// A proactive invitation (docs/proactive.md): the server's invite frame opens the panel with its
// text as the greeting (on a phone, where the panel fills the screen, a teaser instead), or shows
// the text as a teaser above the launcher. Closing either without
// answering dismisses it; answering makes it the conversation's (frames.ts, the conv frame).
import type { VisitorServerInvite } from '../protocol.gen';
import type { Send } from './connection';
import type { State } from './state';
import type { View } from './view';

export const invitation = (v: View, st: State, send: Send, render: () => void, setOpen: (open: boolean, focus?: boolean) => void) => {
  const show = (f: VisitorServerInvite) => {
    if (st.conv || !v.panel.hidden || !st.live) return;  // only to someone not chatting, while chat is open
    st.invite = { rule: f.rule, text: f.text };
    render();
    // On a phone the panel covers the whole page: an invitation asks there, it does not take over.
    if (f.mode === 'open' && !matchMedia('(max-width:480px)').matches) setOpen(true, false);
    else {
      v.tzText.textContent = f.text;
      v.tz.hidden = false;
    }
  };

  const dismiss = () => {
    send({ t: 'dismiss', rule: st.invite!.rule });
    st.invite = null;
    v.tz.hidden = true;
    render();
  };

  v.tzText.addEventListener('click', () => setOpen(true));
  v.tzX.addEventListener('click', () => {
    dismiss();
    v.launch.focus();
  });
  return { show, dismiss };
};
