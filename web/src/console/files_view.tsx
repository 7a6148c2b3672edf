// Files in the console (docs/attachments.md): a message's files — pictures that decoded shown
// (a click opens the full size), anything else a download, an email's file that was not kept
// named with why — and the composer's paperclip, which sends one file as my reply or, in note
// mode, as an internal note (POST /api/conversations/{id}/files; the message comes back on
// the socket like any other).
import { useRef, useState } from 'preact/hooks';
import type { FileRef } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { serverText } from './server_text';

export const MAX_FILE = 20e6;  // anyone's largest; the tenant's policy may be lower (the server says)

// A paperclip (an emoji would depend on the agent's fonts).
export const Clip = () => (
  <svg class="clip" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
    <path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"
      d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l9.2-9.2a3.3 3.3 0 0 1 4.7 4.7l-9.2 9.2a1.7 1.7 0 0 1-2.4-2.4l8.5-8.5" />
  </svg>
);

// A list's preview: the store writes a message of files alone as "📎 name"; the clip is drawn.
export const Preview = ({ text }: { text: string }) =>
  text.startsWith('📎 ') ? <div class="preview"><Clip /> <bdi>{text.slice(3)}</bdi></div> : <div class="preview"><bdi>{text}</bdi></div>;

export const fileSize = (n: number) => (n < 1e3 ? `${n} B` : n < 1e6 ? `${Math.round(n / 1e3)} kB` : `${(n / 1e6).toFixed(1)} MB`);

// An email's HTML as its sender wrote it, on request: sanitised by the server and shown in a
// sandboxed frame (no script, nothing fetched); pictures from the web only when asked for, since
// loading them tells the sender the email was read.
export function HtmlBody({ conv, file, t }: { conv: number; file: FileRef; t: UiStrings }) {
  const [open, setOpen] = useState(false);
  const [images, setImages] = useState(false);
  const url = `/api/conversations/${conv}/files/${file.id}/view${images ? '?images=1' : ''}`;
  return (
    <div class="html-body">
      <button type="button" class="ghost small" aria-expanded={open} onClick={() => setOpen(!open)}>{open ? t.hb_hide : t.hb_show}</button>
      {open && <>
        <iframe src={url} title={t.hb_title} sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" />
        {!images && <p class="hint">{t.hb_imagesHint} <button type="button" class="link" onClick={() => setImages(true)}>{t.hb_images}</button></p>}
      </>}
    </div>
  );
}

export function Files({ conv, files, t }: { conv: number; files: FileRef[]; t: UiStrings }) {
  const body = files.find((f) => f.body && f.id);
  const list = files.filter((f) => !f.body);
  return (
    <>
    {body && <HtmlBody conv={conv} file={body} t={t} />}
    {list.length > 0 && <ul class="files">
      {list.map((f, i) => {
        if (!f.id) return <li key={i} class="file refused" title={f.refused}><Clip /> <bdi>{f.name}</bdi> — {t.fl_notKept}{f.refused ? `: ${serverText(f.refused)}` : ''}</li>;
        const url = `/api/conversations/${conv}/files/${f.id}`;
        if (f.image) {
          return <li key={i} class="file picture"><a href={url} target="_blank" rel="noopener" title={`${f.name} · ${fileSize(f.size)}`}>
            <img src={url} alt={f.name} loading="lazy" width={Math.min(f.w || 240, 240)} height={f.w && f.h ? Math.round(Math.min(f.w, 240) * f.h / f.w) : undefined} />
          </a></li>;
        }
        return <li key={i} class="file"><a href={url} download={f.name}><Clip /> <bdi>{f.name}</bdi></a> <small>{fileSize(f.size)}</small></li>;
      })}
    </ul>}
    </>
  );
}

// The paperclip: picks a file and sends it at once; while it goes, its name shows; a refusal
// (too large, a type the tenant does not take, a picture that does not open) says why.
export function AttachButton({ conv, internal, csrf, t }: { conv: number; internal: boolean; csrf: string; t: UiStrings }) {
  const input = useRef<HTMLInputElement>(null);
  const [sending, setSending] = useState('');
  const [error, setError] = useState('');
  const send = async (f: File) => {
    setError('');
    if (f.size > MAX_FILE) return setError(t.fl_tooLarge);
    setSending(f.name);
    const q = new URLSearchParams({ cid: 'f' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8), name: f.name });
    if (internal) q.set('internal', '1');
    try {
      const r = await fetch(`/api/conversations/${conv}/files?${q}`, { method: 'POST', body: f, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf } });
      if (!r.ok) {
        const j = await r.json().catch(() => null);
        setError(`${t.fl_failed}: ${j?.error?.message ? serverText(j.error.message) : r.status}`);
      }
    } catch {
      setError(t.fl_failed);
    }
    setSending('');
  };
  return (
    <>
      <button type="button" class="ghost attach" title={t.fl_attach} aria-label={t.fl_attach} disabled={!!sending}
        onClick={() => input.current?.click()}><Clip /></button>
      <input ref={input} type="file" hidden onChange={(e) => {
        const el = e.target as HTMLInputElement;
        const f = el.files?.[0];
        el.value = '';
        if (f) void send(f);
      }} />
      {(sending || error) && <p class={'attach-note' + (error ? ' error' : '')} role={error ? 'alert' : 'status'}>
        {error || `${t.fl_sending} ${sending}…`}</p>}
    </>
  );
}
