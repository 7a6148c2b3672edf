// The styles widget.js carries itself: the host and the launcher in the corner, drawn before the
// chat's own file (chat_chunk.ts, with style.ts) is fetched. Same variables as style.ts (--b: the
// site's lift above the corner, set by dress()).
export const launcherCss = `
:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,sans-serif}
[hidden]{display:none!important}
.l{position:fixed;right:20px;bottom:20px;margin:0 0 var(--b);z-index:2147483000;display:flex;align-items:center;gap:8px;border:0;border-radius:999px;padding:12px 20px 12px 16px;background:var(--c);color:var(--i);font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.22)}
.l:hover{filter:brightness(1.1)}
/* Focus: a dark ring around a white one, visible on white, on the brand colour and on the page */
:host .l:focus-visible{outline:2px solid #111;outline-offset:2px;box-shadow:0 0 0 2px #fff,0 6px 20px rgba(0,0,0,.22)}
.l svg{width:22px;height:22px;fill:currentColor}
.ic{display:flex}
.b{min-width:20px;height:20px;border-radius:10px;background:#e5483b;font-size:12px;line-height:20px;text-align:center;padding:0 6px}
:host(.lt) .l{right:auto;left:20px}
@media (max-width:480px){.l{right:12px;bottom:12px}:host(.lt) .l{left:12px}}
`;
