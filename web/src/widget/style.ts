// The chat's styles, inside the widget's shadow root, beside the launcher's (launcher_style.ts,
// in widget.js itself). `--c` is the brand colour, `--i` the text on it,
// `--d` the brand colour for icons on white (darker when the brand colour is light). color-mix()
// without a fallback: every browser since 2023 has it; an older one shows those tints plain.
export const css = `
/* Focus: a dark ring around a white one (the launcher's own is in launcher_style.ts) */
:host :focus-visible{outline:2px solid #111;outline-offset:2px;box-shadow:0 0 0 2px #fff}
:host .m:focus-visible{outline-offset:-4px;box-shadow:inset 0 0 0 2px #fff}
.p{position:fixed;right:20px;bottom:calc(20px + var(--b));z-index:2147483000;width:370px;height:min(580px,calc(100vh - 40px - var(--b)));display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;box-shadow:0 12px 48px rgba(0,0,0,.28);color:#1d2327;font-size:14px}
.h{background:var(--c);color:var(--i);padding:14px 16px;display:flex;align-items:center;gap:12px}
.av{width:38px;height:38px;border-radius:50%;background:color-mix(in srgb,var(--i) 18%,transparent);display:grid;place-items:center;font-weight:700;font-size:16px;flex:none}
.t{flex:1;min-width:0}.t b{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;font-size:15px;line-height:1.25}
.t span{display:block;font-size:12px;opacity:.9}
.x{flex:none;background:none;border:0;color:inherit;cursor:pointer;width:32px;height:32px;border-radius:8px;font-size:22px;line-height:1}
.x:hover{background:color-mix(in srgb,var(--i) 15%,transparent)}
.m{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:8px;background:#f5f6f4;list-style:none;margin:0}
.m li{max-width:82%;padding:9px 13px;border-radius:16px;line-height:1.4;white-space:pre-wrap;overflow-wrap:anywhere}
.m a{color:#0b57a4;text-decoration:underline}
.m time{display:block;margin-top:2px;font-size:11px;line-height:1.3;color:#66707a;text-align:right;white-space:nowrap}
.m .mo{align-self:center;padding:0 0 4px}
.mo button{border:1px solid #d5dbd3;border-radius:999px;background:#fff;color:#3b444b;padding:6px 14px;font-size:12.5px;font-weight:600;cursor:pointer}
.mo button:hover{background:#eef1ed}
.a,.s{align-self:flex-start;background:#fff;border:1px solid #e3e6e1;border-bottom-left-radius:4px}
.a i{display:block;font-style:normal;font-size:11px;color:#66707a;margin-bottom:2px}
.v{align-self:flex-end;background:var(--c);color:var(--i);border-bottom-right-radius:4px}
.v a,.v time{color:inherit}.v time{opacity:.8}
.v.q{opacity:.6}
.n{align-self:center!important;background:none!important;border:0!important;color:#66707a;font-size:12px;text-align:center}
.ty{overflow-wrap:anywhere;padding:0 16px 6px;background:#f5f6f4;color:#66707a;font-size:12px;min-height:20px}
.e{overflow-wrap:anywhere;padding:6px 16px;background:#fff4e5;color:#8a4b00;font-size:12px}
.f{display:flex;gap:8px;padding:10px;border-top:1px solid #e3e6e1;background:#fff}
textarea{flex:1;resize:none;border:1px solid #cfd5cc;border-radius:12px;padding:10px 12px;font-size:14px;max-height:120px;min-height:42px;color:inherit}
.at{flex:none;width:42px;border:0;border-radius:12px;background:none;color:#66707a;cursor:pointer}.at:hover{color:var(--d)}.at svg{width:20px;height:20px}
.fi{display:block;max-width:100%;height:auto;margin-top:4px;border-radius:8px;background:#eef0ec}
.fb{display:block;margin-top:4px;border:0;background:none;color:inherit;text-decoration:underline;cursor:pointer;padding:0;font:inherit;text-align:left;overflow-wrap:anywhere}
.cd b{display:block;margin-bottom:4px}.cd p{margin:0 0 10px;line-height:1.4}.cd p:empty{display:none}
.m .cd a.sb{display:inline-block;padding:9px 14px;text-decoration:none;color:var(--i)}
.fb svg{width:14px;height:14px;vertical-align:-2px}
.fx{display:block;font-size:12px;opacity:.75}
.sb{border:0;border-radius:12px;background:var(--c);color:var(--i);padding:0 16px;font-weight:600;cursor:pointer;font-size:14px}
input{width:100%;height:42px;border:1px solid #cfd5cc;border-radius:10px;padding:0 12px;font-size:14px;color:inherit;background:#fff}
[aria-invalid=true]{border-color:#c4320a}
input[type=checkbox]{width:18px;height:18px;margin:1px 0 0;padding:0;flex:none;accent-color:var(--c);cursor:pointer}
.lf{flex:1;overflow-y:auto;padding:16px;background:#f5f6f4;display:flex;flex-direction:column;gap:14px}
.in b{display:block;margin-top:6px;font-weight:600}.in b:empty{display:none}
.in{display:flex;gap:12px;align-items:center;margin:0;padding:12px 14px;background:#fff;border:1px solid #e3e6e1;border-radius:12px;line-height:1.45}
.ib{flex:none;width:38px;height:38px;border-radius:50%;display:grid;place-items:center;background:color-mix(in srgb,var(--c) 12%,#fff);color:var(--d)}
.ib svg,.mb svg{width:20px;height:20px}
.fd label{display:flex;flex-direction:column;gap:6px;font-size:13px;font-weight:600;color:#3b444b}
.fd textarea{flex:none;width:100%;min-height:104px;max-height:none;resize:vertical;line-height:1.4}
.fd .cb{flex-direction:row;align-items:flex-start;gap:10px;font-weight:400;font-size:12.5px;line-height:1.45;cursor:pointer}
.fe{margin:5px 0 0;color:#b42318;font-size:12px}
.lb{flex:none;height:46px;border:0;border-radius:12px;background:var(--c);color:var(--i);font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 2px 6px rgba(0,0,0,.12)}
[aria-disabled=true]{opacity:.65;cursor:progress}
.bn{display:flex;flex-direction:column;gap:8px;padding:12px 14px;background:#fff8eb;border-top:1px solid #f1deb3;color:#5c3d00;font-size:13px}
.bn p{margin:0;line-height:1.4}.bn .cb{color:#5c3d00}
.br{display:flex;gap:8px;align-items:flex-start}.br .fd{flex:1}.bn .sb{height:42px}
.mb{display:flex;gap:8px;align-items:center;padding:10px 14px 0;background:#fff;border-top:1px solid #e3e6e1;color:#3b444b;font-size:12.5px;line-height:1.35}
.mb svg{flex:none;color:var(--d)}.mb span{min-width:0;overflow-wrap:anywhere}
.mb+.f{border-top:0}
.m .k{align-self:stretch;max-width:none;background:#fff;border:1px solid #e3e6e1;border-radius:12px;padding:14px 16px;text-align:center;color:#3b444b;font-size:13px;overflow-wrap:anywhere}
.k svg{display:block;width:28px;height:28px;margin:0 auto 6px;color:var(--d)}
.k i{display:block;font-style:normal;font-weight:700;font-size:15px;color:#1d2327;margin-bottom:2px}
.m .sv{align-self:stretch;max-width:none;background:#fff;border:1px solid #e3e6e1;border-radius:12px;padding:16px 14px 8px;text-align:center}
.sv form{display:flex;flex-direction:column;gap:10px}
.sv b{font-size:15px}
.st{display:flex;justify-content:center}
.st button{border:0;background:none;padding:4px;border-radius:8px;cursor:pointer;line-height:0;-webkit-tap-highlight-color:transparent}
.st svg{width:34px;height:34px;fill:none;stroke:#9aa39a;stroke-width:1.5;stroke-linejoin:round;transition:transform .1s}
.st .on svg,.st:hover svg{fill:var(--d);stroke:var(--d)}
.st button:hover~button svg{fill:none;stroke:#9aa39a}
.st button:hover svg{transform:scale(1.12)}
.sm{display:flex;flex-direction:column;gap:10px;text-align:left}
.sv textarea{min-height:76px}
.sk{align-self:center;border:0;background:none;color:#66707a;font-size:12.5px;text-decoration:underline;cursor:pointer;padding:6px 10px}
.tz{position:fixed;right:20px;bottom:calc(84px + var(--b));z-index:2147483000;max-width:min(290px,calc(100vw - 40px));display:flex;align-items:flex-start;gap:4px;background:#fff;color:#1d2327;border-radius:14px 14px 4px 14px;box-shadow:0 8px 28px rgba(0,0,0,.2);padding:4px}
.tt{flex:1;min-width:0;overflow-wrap:anywhere;border:0;background:none;text-align:left;font-size:14px;line-height:1.4;padding:10px 4px 10px 12px;cursor:pointer;color:inherit}
.tx{flex:none;border:0;background:none;width:28px;height:28px;border-radius:8px;font-size:18px;color:#66707a;cursor:pointer}
.tx:hover{background:#f0f2ef}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
/* The bottom-left corner (the site's position: left) */
:host(.lt) .p,:host(.lt) .tz{right:auto;left:20px}
:host(.lt) .tz{border-radius:14px 14px 14px 4px}
@media (max-width:480px){.p{inset:0;width:100%;height:100%;border-radius:0}.tz{right:12px;bottom:calc(76px + var(--b));max-width:calc(100vw - 24px)}textarea,input{font-size:16px}:host(.lt) .tz{left:12px}:host(.lt) .p{left:0;right:0}}
@media (prefers-reduced-motion:reduce){.st svg{transition:none}}
`;
