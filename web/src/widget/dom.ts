// Small DOM helpers: elements, the two icons, and form fields with an error line each.
export const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', attrs: Record<string, string> = {}) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  return e;
};

const icon = (d: string, line?: 1) =>
  `<svg viewBox="0 0 24 24" aria-hidden="true"><path ${line ? 'fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" ' : ''}d="${d}"/></svg>`;
export const chatIcon = /* @__PURE__ */ icon('M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z');
export const clipIcon = /* @__PURE__ */ icon('M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l9.2-9.2a3.3 3.3 0 0 1 4.7 4.7l-9.2 9.2a1.7 1.7 0 0 1-2.4-2.4l8.5-8.5', 1);
export const mailIcon = /* @__PURE__ */ icon('M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm-1 2 9 6 9-6', 1);

export const inp = (type: string, ac?: string) => el('input', '', ac ? { type, autocomplete: ac } : { type });

// A field: its label (kind 0: above; 1: after a checkbox; 2: only aria-label and placeholder),
// the control and an error line that describes it.
let uid = 0;
export const field = (c: HTMLInputElement | HTMLTextAreaElement, text: string, kind = 0) => {
  const w = el('div', 'fd');
  const e = el('p', 'fe', { id: 'tk' + ++uid });
  e.hidden = true;
  c.setAttribute('aria-describedby', e.id);
  if (kind === 2) {
    c.setAttribute('aria-label', text);
    c.placeholder = text;
    w.append(c);
  } else {
    const l = el('label', kind ? 'cb' : '');
    const s = el('span');
    s.textContent = text;
    kind ? l.append(c, s) : l.append(s, c);
    w.append(l);
  }
  w.append(e);
  return w;
};

// Shows the error of a field's control ('' clears it).
export const setBad = (c: HTMLElement, text = '') => {
  const e = c.closest('.fd')?.lastElementChild as HTMLElement | null;
  if (!e) return;
  e.textContent = text;
  e.hidden = !text;
  text ? c.setAttribute('aria-invalid', 'true') : c.removeAttribute('aria-invalid');
};

// Marks each control whose check failed (non-empty text) and focuses the first; true if none.
export const valid = (checks: [HTMLElement, string][]) => {
  checks.forEach(([c, t]) => setBad(c, t));
  const bad = checks.find((x) => x[1]);
  bad?.[0].focus();
  return !bad;
};
