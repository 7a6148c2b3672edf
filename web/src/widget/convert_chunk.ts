// The conversions (convert.ts) as their own file (widget-convert.HASH.js), fetched by
// convert_lazy.ts when the page reports one or one is waiting: most page views have none.
import { conversions } from './convert';

declare global {
  interface Window {
    __tiskiConvert?: typeof conversions;
  }
}
window.__tiskiConvert = conversions;
