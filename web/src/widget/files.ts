// Files in the chat (docs/attachments.md). The paperclip sends one file at a time over HTTP —
// POST /api/visitor/files with the visitor's token, any origin may (CORS) — shown at once as
// "Sending…" and replaced by the stored message (which the socket brings to the other tabs).
// Files in messages are fetched with the token: a picture that decoded is shown, anything else
// is downloaded on click; an email's file that was not kept says so.
import type { FileRef, Message } from '../protocol.gen';
import type { ErrorCode } from '../protocol.gen';
import { errorText, type Strings } from './i18n';
import { clipIcon, el } from './dom';
import { newCid } from './logic';
import type { MessageList } from './messages';
import type { State } from './state';
import type { View } from './view';

export const MAX_FILE = 20e6;  // the server's limit for anyone; the site's may be lower

export const fileApi = (base: string, token: () => string | null) => {
  const auth = () => ({ Authorization: 'Bearer ' + token() });
  const get = async (id: number) => {
    const r = await fetch(new URL('/api/visitor/files/' + id, base), { headers: auth() });
    if (!r.ok) throw r.status;
    return r.blob();
  };
  const put = async (cid: string, f: File): Promise<Message> => {
    const u = new URL('/api/visitor/files', base);
    u.search = new URLSearchParams({ cid, name: f.name }).toString();
    const r = await fetch(u, { method: 'POST', headers: auth(), body: f });
    const j = await r.json().catch(() => ({}));
    if (!r.ok) throw (j.error?.code || 'unavailable') as ErrorCode;
    return j.m;
  };
  return { get, put };
};
export type FileApi = ReturnType<typeof fileApi>;

const size = (n: number) => (n < 1e6 ? Math.max(1, Math.round(n / 1e3)) + ' kB' : (n / 1e6).toFixed(1) + ' MB');

// A message's files as nodes for its bubble.
export const fileNodes = (files: FileRef[], T: Strings, api: FileApi) =>
  files.map((f) => {
    if (!f.id) {
      const s = el('span', 'fx');
      s.textContent = `${f.name} – ${T.notKept}`;
      return s;
    }
    if (f.image) {
      const img = el('img', 'fi', { alt: f.name, width: String(Math.min(f.w || 220, 220)) });
      api.get(f.id).then((b) => (img.src = URL.createObjectURL(b)), () => (img.alt = f.name + ' – ' + T.notKept));
      return img;
    }
    const b = el('button', 'fb', { type: 'button' });
    b.innerHTML = clipIcon;
    b.append(` ${f.name} · ${size(f.size)}`);
    b.onclick = () =>
      api.get(f.id).then((blob) => {
        const a = el('a', '', { href: URL.createObjectURL(blob), download: f.name });
        a.click();
      }, () => b.classList.add('fx'));
    return b;
  });

// The paperclip: a chosen file is sent as a message of its own.
export const fileSender = (v: View, st: State, T: Strings, api: FileApi, msgs: MessageList, showError: (t: string) => void, fresh: () => void) => {
  v.attach.onclick = () => v.file.click();
  v.file.onchange = async () => {
    const f = v.file.files?.[0];
    v.file.value = '';
    if (!f) return;
    if (f.size > MAX_FILE) return showError(T.fileLarge);
    if (!st.conv) fresh();
    showError('');
    const li = msgs.bubble('v q', f.name, '', 0);
    try {
      const m = await api.put(newCid(), f);
      li.remove();
      if (st.thread.merge([m]).length) msgs.show(m);  // else the socket brought it first
    } catch (code) {
      li.remove();
      showError(code === 'too_large' ? T.fileLarge : code === 'bad_request' ? T.fileType : errorText(code as ErrorCode, T));
    }
  };
};
