// The satisfaction survey as its own file (widget-survey.HASH.js), loaded by survey_lazy.ts only
// when a closed chat is to be asked about: most visitors never need it, and widget.js keeps
// within its size budget.
import { survey } from './survey';

declare global {
  interface Window {
    __tiskiSurvey?: typeof survey;
  }
}
window.__tiskiSurvey = survey;
