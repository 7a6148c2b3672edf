// The survey (survey.ts) fetched when first needed: when a conversation the visitor has not been
// asked about yet closes (surveyNext() says so). Until it is there, what it would be told
// waits; if it cannot load (blocked), there is no survey and the chat goes on.
import type { VisitorConv, VisitorServerError } from '../protocol.gen';
import type { Survey } from './survey';
import { askAgain, skipKey, surveyNext, type SurveyMemo } from './logic';
import { readJson, store } from './storage';
import { fetchChunk } from './chunk';

// The chunk's file name, next to widget.js (set by web/build.mjs; the name changes with it).
declare const __SURVEY_CHUNK__: string;

export const lazySurvey = (base: string, ...args: Parameters<NonNullable<Window['__tiskiSurvey']>>): Survey => {
  const [, , , k] = args;
  let real: Survey | null = null;
  let loading = false;
  const waiting: ((s: Survey) => void)[] = [];
  const later = (f: (s: Survey) => void) => (real ? f(real) : loading && waiting.push(f));
  const fetch = fetchChunk(__SURVEY_CHUNK__, base, () => {
    real = window.__tiskiSurvey!(...args);
    for (const f of waiting.splice(0)) f(real);
  });
  const load = () => {
    loading = true;
    fetch();
  };
  // Before it is needed, what the survey would remember of the news (the memo); and whether the
  // news puts a card up: then it is fetched, and told.
  const learn = (x: VisitorConv | null | undefined, ended = false) => {
    if (real || loading) return;
    const r = surveyNext(readJson<SurveyMemo>(localStorage, k.survey) || { a: [] }, x || null);
    store(localStorage, k.survey, JSON.stringify(r.m));
    if (r.ask || (ended && askAgain(x, readJson<number[]>(localStorage, skipKey(k.survey)) || []))) load();
  };
  return {
    conv: (x) => {
      learn(x);
      later((s) => s.conv(x));
    },
    welcome: (x, ended) => {
      learn(x, ended);
      later((s) => s.welcome(x, ended));
    },
    error: (f: VisitorServerError) => !!real && real.error(f),
    fresh: () => real?.fresh(),
  };
};
