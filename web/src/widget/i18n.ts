import type { Lang } from './logic';

// Every string the widget shows, in its three languages.
const S = {
  fi: {
    launch: 'Kysy meiltä', open: 'Avaa chat', min: 'Pienennä', input: 'Kirjoita viesti…', send: 'Lähetä',
    waiting: 'Asiakaspalvelija vastaa pian', joined: ' auttaa sinua', ended: 'Keskustelu päättyi. Voit aloittaa uuden kirjoittamalla.',
    typing: ' kirjoittaa…', agent: 'Asiakaspalvelija', sending: 'Lähetetään…', offline: 'Yhteys katkesi – yhdistetään uudelleen…',
    rate_limited: 'Hetkinen – lähetät viestejä liian nopeasti.', too_large: 'Viesti on liian pitkä.', error: 'Viestiä ei voitu lähettää.',
    online: 'Paikalla', you: 'Sinä', queue: 'Olet jonossa sijalla ', eta: ' · arvioitu odotus noin ', mins: ' min',
  },
  sv: {
    launch: 'Fråga oss', open: 'Öppna chatten', min: 'Minimera', input: 'Skriv ett meddelande…', send: 'Skicka',
    waiting: 'En kundtjänstmedarbetare svarar snart', joined: ' hjälper dig', ended: 'Chatten avslutades. Skriv för att börja en ny.',
    typing: ' skriver…', agent: 'Kundtjänst', sending: 'Skickar…', offline: 'Anslutningen bröts – ansluter igen…',
    rate_limited: 'Ett ögonblick – du skickar för snabbt.', too_large: 'Meddelandet är för långt.', error: 'Meddelandet kunde inte skickas.',
    online: 'Online', you: 'Du', queue: 'Du är nummer ', eta: ' i kön · väntetid cirka ', mins: ' min',
  },
  en: {
    launch: 'Chat with us', open: 'Open chat', min: 'Minimise', input: 'Write a message…', send: 'Send',
    waiting: 'An agent will answer shortly', joined: ' is helping you', ended: 'The chat has ended. Write to start a new one.',
    typing: ' is typing…', agent: 'Customer service', sending: 'Sending…', offline: 'Connection lost – reconnecting…',
    rate_limited: 'One moment – you are sending too fast.', too_large: 'The message is too long.', error: 'The message could not be sent.',
    online: 'Online', you: 'You', queue: 'You are number ', eta: ' in the queue · about ', mins: ' min wait',
  },
};

export type Strings = typeof S.fi;
export const strings = (l: Lang): Strings => S[l];
