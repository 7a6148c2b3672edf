// Small pieces shared by the console's panels.
import { Component, type ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import { ui, UI_LANGS, type UiLang, type UiStrings } from './i18n';
import { clock, weekdayTime, when } from './format';

// Whether what an answer was asked for (a company, a site) is still what is on screen: an answer
// arriving after the admin switched to another one is dropped, never shown or saved there.
export function useShown<T>(value: T): (asked: T) => boolean {
  const current = useRef(value);
  current.current = value;
  return (asked) => current.current === asked;
}

// An envelope; with a label it is announced and shows it as a tooltip.
export const Env = ({ label }: { label?: string }) => (
  <svg class="env" viewBox="0 0 24 24" role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : 'true'}>
    {label && <title>{label}</title>}
    <path d="M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm-1 2 9 6 9-6" />
  </svg>
);

// One panel's failure stays in that panel: it shows a note, logs the error, and the rest of the
// console goes on (a visitor-controlled value once stopped the whole console).
export class Boundary extends Component<{ t: UiStrings; name: string; children: ComponentChildren }, { failed: boolean }> {
  state = { failed: false };
  componentDidCatch(error: unknown) {
    console.error(`tiski console: the ${this.props.name} panel failed`, error);
    this.setState({ failed: true });
  }
  render() {
    if (this.state.failed) {
      return (
        <div class="panel-error" role="alert" data-panel={this.props.name}>
          <p>{this.props.t.panelError}</p>
          <button class="ghost small" onClick={() => this.setState({ failed: false })}>↻</button>
        </div>
      );
    }
    return this.props.children;
  }
}

// An automatically assigned or transferred chat that is not answered yet goes to the next agent
// at `by`: the agent sees the seconds left.
export function Countdown({ by, now, t }: { by?: number; now: number; t: UiStrings }) {
  if (!by) return null;
  const left = by - now;
  return (
    <span class={'countdown' + (left < 15000 ? ' urgent' : '')} role="timer" aria-live="off">
      {left >= 1000 ? t.answerWithin.replace('{t}', clock(left)) : t.answerNow}
    </span>
  );
}

// When the answer to an email, form or API message is due (the tenant's expected response time
// for the channel): "Vastaa viimeistään ti 15.12. 17.00", red and "Myöhässä" once overdue.
export function Due({ at, now, t }: { at?: number; now: number; t: UiStrings }) {
  if (!at) return null;
  const late = at <= now;
  const due = weekdayTime(at);
  return (
    <span class={'due' + (late ? ' overdue' : at - now < 3600_000 ? ' soon' : '')} title={`${t.dueTitle} ${when(at)}`}>
      {late ? `${t.overdue} · ${due}` : t.dueBy.replace('{t}', due)}
    </span>
  );
}

// A bell, crossed out when the console's sounds are muted.
export const Bell = ({ off }: { off: boolean }) => (
  <svg class="bell" viewBox="0 0 24 24" aria-hidden="true">
    <path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0" />
    {off && <path d="M4 4l16 16" />}
  </svg>
);

// The language switch of the login screen and the console's footer: the other languages, each
// named in itself. The choice is kept in this browser (App, main.tsx).
export const Langs = ({ lang, setLang }: { lang: UiLang; setLang: (l: UiLang) => void }) => (
  <span class="langs">
    {UI_LANGS.filter((l) => l !== lang).map((l) => (
      <button key={l} type="button" class="link" lang={l} onClick={() => setLang(l)}>{ui(l).langName}</button>
    ))}
  </span>
);
