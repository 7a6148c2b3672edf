// The widget's styles, inside its shadow root. `--c` is the brand colour.
export const css = `
:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.l{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;border:0;border-radius:999px;padding:12px 20px 12px 16px;background:var(--c);color:#fff;font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.22);transition:transform .15s}
.l:hover{transform:translateY(-2px)}
.l:focus-visible,button:focus-visible,textarea:focus-visible{outline:3px solid #f5b700;outline-offset:2px}
.l svg{width:22px;height:22px;fill:#fff}
.b{min-width:20px;height:20px;border-radius:10px;background:#e5483b;font-size:12px;line-height:20px;text-align:center;padding:0 6px}
.p{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:370px;height:min(580px,calc(100vh - 40px));display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;box-shadow:0 12px 48px rgba(0,0,0,.28);color:#1d2327;font-size:14px}
.h{background:var(--c);color:#fff;padding:14px 16px;display:flex;align-items:center;gap:12px}
.av{width:38px;height:38px;border-radius:50%;background:rgba(255,255,255,.2);display:grid;place-items:center;font-weight:700;font-size:16px;flex:none}
.t{flex:1;min-width:0}.t b{display:block;font-size:15px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.t span{font-size:12px;opacity:.9}
.x{background:none;border:0;color:#fff;cursor:pointer;width:32px;height:32px;border-radius:8px;font-size:22px;line-height:1}
.x:hover{background:rgba(255,255,255,.15)}
.m{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:8px;background:#f5f6f4;list-style:none;margin:0}
.m li{max-width:82%;padding:9px 13px;border-radius:16px;line-height:1.4;white-space:pre-wrap;word-wrap:break-word}
.a,.s{align-self:flex-start;background:#fff;border:1px solid #e3e6e1;border-bottom-left-radius:4px}
.a i{display:block;font-style:normal;font-size:11px;color:#66707a;margin-bottom:2px}
.v{align-self:flex-end;background:var(--c);color:#fff;border-bottom-right-radius:4px}
.v.q{opacity:.6}
.n{align-self:center!important;background:none!important;border:0!important;color:#66707a;font-size:12px;text-align:center}
.ty{padding:0 16px 6px;background:#f5f6f4;color:#66707a;font-size:12px;min-height:20px}
.e{padding:6px 16px;background:#fff4e5;color:#8a4b00;font-size:12px}
.f{display:flex;gap:8px;padding:10px;border-top:1px solid #e3e6e1;background:#fff}
textarea{flex:1;resize:none;border:1px solid #cfd5cc;border-radius:12px;padding:10px 12px;font-size:14px;max-height:120px;min-height:42px;color:inherit}
.sb{border:0;border-radius:12px;background:var(--c);color:#fff;padding:0 16px;font-weight:600;cursor:pointer;font-size:14px}
[hidden]{display:none!important}
@media (max-width:480px){.p{inset:0;width:100%;height:100%;border-radius:0}.l{right:12px;bottom:12px}}
@media (prefers-reduced-motion:reduce){.l{transition:none}}
`;
