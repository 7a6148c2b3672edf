// What came of a conversation, on screen: the outcome bar of a chat (the outcome, where a
// redirected visitor was sent, the tags), the small badges of the conversation lists, and the
// visitor's satisfaction answer. The rules are in outcome.ts.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Ref } from 'preact';
import type { Conversation, Outcome } from '../protocol.gen';
import { OUTCOME_VALUES } from '../protocol.gen';
import type { UiStrings } from './i18n';
import { outcomeText } from './format';
import { MAX_TAGS, addTags, cleanChannel, removeTag, splitTags, stars, suggestTags, withOutcome, type OutcomeState } from './outcome';

// Chrome fills an input from its datalist with this input type: a pick, not typing.
const picked = (e: Event) => {
  const type = (e as InputEvent).inputType;
  return type === 'insertReplacementText' || type === undefined;
};

export type OutcomeBarProps = {
  conv: number; t: UiStrings; state: OutcomeState; tenantTags?: string[]; editable: boolean;
  error: string; onError: (text: string) => void; onChange: (s: OutcomeState) => void;
  selectRef: Ref<HTMLSelectElement>;
};

export function OutcomeBar(p: OutcomeBarProps) {
  const { t, state, conv } = p;
  const [channel, setChannel] = useState(state.channel);
  const [tagText, setTagText] = useState('');
  useEffect(() => setChannel(state.channel), [state.channel]);
  const tagInput = useRef<HTMLInputElement>(null);
  const channels = [t.ch_phone, t.ch_email, t.ch_store, t.ch_webform];

  const commitChannel = (raw: string) => {
    const v = cleanChannel(raw);
    setChannel(v);
    if (v !== state.channel) p.onChange({ ...state, channel: v });
  };
  const add = (list: string[], rest: string) => {
    setTagText(rest);
    if (!list.some((x) => x.trim())) return;
    const r = addTags(state.tags, list);
    p.onChange({ ...state, tags: r.tags });  // the same tags again send nothing
    if (r.full) p.onError(t.oc_tagsFull.replace('{n}', String(MAX_TAGS)));
  };
  const full = state.tags.length >= MAX_TAGS;
  const listId = `oc-tags-${conv}`;
  const chanId = `oc-chan-${conv}`;
  const chanInputId = `oc-chan-in-${conv}`;
  const selId = `oc-sel-${conv}`;
  return (
    <div class={'outcome' + (p.error ? ' has-error' : '')} data-outcome={state.outcome || 'unset'}>
      <div class="oc-row">
        <div class="oc-field">
          <label class="oc-label" for={selId}>{t.outcome}</label>
          <select id={selId} ref={p.selectRef} class={'oc-select ' + (state.outcome || 'unset')} value={state.outcome} disabled={!p.editable}
            aria-invalid={p.error ? true : undefined}
            onChange={(e) => p.onChange(withOutcome(state, (e.target as HTMLSelectElement).value as Outcome | ''))}>
            <option value="">{t.oc_unset}</option>
            {OUTCOME_VALUES.map((o) => <option key={o} value={o}>{outcomeText(o, t)}</option>)}
          </select>
        </div>
        {state.outcome === 'redirected' && (
          <div class="oc-field oc-channel">
            <label class="oc-label" for={chanInputId}>{t.oc_channel}</label>
            <input id={chanInputId} type="text" list={chanId} value={channel} placeholder={t.oc_channelHint} disabled={!p.editable} maxLength={40}
              onInput={(e) => {
                const v = (e.target as HTMLInputElement).value;
                setChannel(v);
                if (picked(e) && channels.includes(v)) commitChannel(v);
              }}
              onBlur={(e) => commitChannel((e.target as HTMLInputElement).value)}
              onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); commitChannel((e.target as HTMLInputElement).value); } }} />
            <datalist id={chanId}>{channels.map((x) => <option key={x} value={x} />)}</datalist>
          </div>
        )}
        <div class="oc-tags" role="group" aria-label={t.oc_tags}>
          <span class="oc-label" aria-hidden="true">{t.oc_tags}</span>
          <ul class="chips" onClick={() => tagInput.current?.focus()}>
            {state.tags.map((x) => (
              <li key={x} class="chip"><bdi>{x}</bdi>
                {p.editable && <button type="button" aria-label={t.oc_tagRemove.replace('{t}', x)}
                  onClick={(e) => { e.stopPropagation(); p.onChange({ ...state, tags: removeTag(state.tags, x) }); }}>×</button>}
              </li>
            ))}
            {p.editable && !full && (
              <li class="chip-input">
                <input ref={tagInput} type="text" list={listId} value={tagText} aria-label={t.oc_tagAdd} placeholder={'+ ' + t.oc_tagAdd}
                  enterKeyHint="enter"
                  onInput={(e) => {
                    const v = (e.target as HTMLInputElement).value;
                    if (v.includes(',')) { const s = splitTags(v); add(s.done, s.rest); }
                    else if (picked(e) && (p.tenantTags ?? []).includes(v)) add([v], '');
                    else setTagText(v);
                  }}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && !e.isComposing) { e.preventDefault(); add([tagText], ''); }
                  }}
                  onBlur={() => { if (tagText.trim()) add([tagText], ''); }} />
                <datalist id={listId}>{suggestTags(p.tenantTags, state.tags).map((x) => <option key={x} value={x} />)}</datalist>
              </li>
            )}
            {!p.editable && state.tags.length === 0 && <li class="chip-none">–</li>}
          </ul>
        </div>
      </div>
      {p.error && <p class="oc-error" role="alert">{p.error}</p>}
    </div>
  );
}

// The visitor's answer to the satisfaction survey: five stars (n filled), the score and the comment.
export function Csat({ c, t }: { c: Conversation; t: UiStrings }) {
  if (!c.csat) return null;
  const s = stars(c.csat);
  return (
    <p class="csatline">
      <span class="csat-label">{t.csat}</span>
      <span class="stars" role="img" aria-label={`${s.n}/5`}><span class="on">{s.filled}</span><span class="off">{s.empty}</span></span>
      <strong class="csat-score" aria-hidden="true">{s.n}/5</strong>
      {c.csat_comment && <q class="csat-comment" title={c.csat_comment}><bdi>{c.csat_comment}</bdi></q>}
    </p>
  );
}

// The badges of a list row: the outcome (with its channel) and the satisfaction score.
export function OutcomeBadges({ c, t }: { c: Conversation; t: UiStrings }) {
  if (!c.outcome && !c.csat) return null;
  const name = c.outcome ? outcomeText(c.outcome, t) : '';
  const where = c.outcome === 'redirected' && c.outcome_channel ? c.outcome_channel : '';
  return (
    <>
      {c.outcome && <span class={'tag oc ' + c.outcome} title={`${t.outcome}: ${name}${where ? ' → ' + where : ''}`}>{name}{where && <> → <bdi>{where}</bdi></>}</span>}
      {c.csat ? <span class="tag csat" role="img" title={`${t.csat} ${stars(c.csat).n}/5`} aria-label={`${t.csat} ${stars(c.csat).n}/5`}>★{stars(c.csat).n}</span> : null}
    </>
  );
}
