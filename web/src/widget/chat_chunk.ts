// The chat (chat.ts) as its own file (widget-chat.HASH.js), fetched by chat_lazy.ts when first
// needed: most page views never open the chat, and widget.js stays small.
import { chat } from './chat';

declare global {
  interface Window {
    __tiskiChat?: typeof chat;
  }
}
window.__tiskiChat = chat;
