// The chat input: Enter (or the send button) sends, Shift+Enter is a new line. A sent message
// shows at once as "Sending…" and waits in pending until acknowledged (frames.ts). Typing tells
// the agent: on at most every 2 s while there is a conversation, off after 3 s without a key.
// fresh: a message without an open conversation starts a new chat (the survey card goes). What is
// typed and not sent yet outlives the page (sessionStorage): the shop's next page has it in the box.
import type { Strings } from './i18n';
import { newCid } from './logic';
import type { Send } from './connection';
import type { MessageList } from './messages';
import { keepPending, type State } from './state';
import { store } from './storage';
import type { View } from './view';

export const composer = ({ form, input }: View, st: State, T: Strings, send: Send, msgs: MessageList, showError: (text: string) => void, fresh: () => void) => {
  const draftKey = st.mailKey + ':draft';
  input.value = store(sessionStorage, draftKey) || '';
  let typingSent = 0;  // when typing on was last sent (0: off)
  let typingOff: number | undefined;
  const stopTyping = () => {
    if (typingSent) send({ t: 'typing', on: false });
    typingSent = 0;
  };

  const submit = () => {
    const body = input.value.trim();
    if (!body) return;
    if (body.length > 4000) return showError(T.too_large);
    const cid = newCid();
    if (!st.conv) fresh();
    const li = msgs.bubble('v q', body, '', 0);
    st.pending.set(cid, { body, li, tok: st.tok });
    keepPending(st);
    input.value = '';
    store(sessionStorage, draftKey, null);
    showError('');
    clearTimeout(typingOff);
    stopTyping();
    send({ t: 'send', cid, body });
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    store(sessionStorage, draftKey, input.value.slice(0, 4000) || null);
    const now = Date.now();
    if (st.conv && now - typingSent > 2000) {
      send({ t: 'typing', on: true });
      typingSent = now;
    }
    clearTimeout(typingOff);
    typingOff = window.setTimeout(stopTyping, 3000);
  });
};
