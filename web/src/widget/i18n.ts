import type { Lang } from './logic';

// Every string the widget shows, in its three languages.
const S = {
  fi: {
    launch: 'Kysy meiltä', min: 'Pienennä', input: 'Kirjoita viesti…', send: 'Lähetä',
    waiting: 'Asiakaspalvelija vastaa pian', joined: ' auttaa sinua', ended: 'Keskustelu päättyi. Voit aloittaa uuden kirjoittamalla.',
    typing: ' kirjoittaa…', agent: 'Asiakaspalvelija', sending: 'Lähetetään…', offline: 'Yhteys katkesi – yhdistetään uudelleen…',
    rate_limited: 'Hetkinen – lähetät viestejä liian nopeasti.', too_large: 'Viesti on liian pitkä.', error: 'Viestiä ei voitu lähettää.',
    online: 'Paikalla', you: 'Sinä', queue: 'Olet jonossa sijalla ', eta: ' · arvioitu odotus noin ', mins: ' min',
    // leave a message (live chat closed)
    leave: 'Jätä viesti', away: 'Emme ole nyt paikalla', intro: 'Emme ole juuri nyt paikalla. Jätä viesti, niin vastaamme sinulle sähköpostitse.',
    name: 'Nimi (vapaaehtoinen)', email: 'Sähköposti', message: 'Viesti', sendMsg: 'Lähetä viesti', save: 'Tallenna',
    consent: 'Annan luvan käyttää nimeäni ja sähköpostiosoitettani tähän viestiin vastaamiseen.',
    consent2: 'Annan luvan käyttää sähköpostiosoitettani tähän keskusteluun vastaamiseen.',
    badEmail: 'Tarkista sähköpostiosoite, esimerkiksi nimi@esimerkki.fi.', needMsg: 'Kirjoita viesti.', needOk: 'Tarvitsemme luvan, jotta voimme vastata sinulle.',
    thanks: 'Kiitos viestistäsi!', answerTo: 'Vastaamme osoitteeseen ', byMailTo: 'Vastaamme sähköpostitse osoitteeseen ', byMail: 'Vastaamme sähköpostitse',
    close: 'Sulje', more: 'Näytä aiemmat viestit', opens: 'Chat avautuu taas ', today: 'tänään',
    nobody: 'Kukaan ei ehdi juuri nyt vastata. Jätä sähköpostiosoitteesi, niin vastaamme sinne.',
  },
  sv: {
    launch: 'Fråga oss', min: 'Minimera', input: 'Skriv ett meddelande…', send: 'Skicka',
    waiting: 'En kundtjänstmedarbetare svarar snart', joined: ' hjälper dig', ended: 'Chatten avslutades. Skriv för att börja en ny.',
    typing: ' skriver…', agent: 'Kundtjänst', sending: 'Skickar…', offline: 'Anslutningen bröts – ansluter igen…',
    rate_limited: 'Ett ögonblick – du skickar för snabbt.', too_large: 'Meddelandet är för långt.', error: 'Meddelandet kunde inte skickas.',
    online: 'Online', you: 'Du', queue: 'Du är nummer ', eta: ' i kön · väntetid cirka ', mins: ' min',
    // leave a message (live chat closed)
    leave: 'Lämna ett meddelande', away: 'Inte online just nu', intro: 'Vi är inte online just nu. Lämna ett meddelande så svarar vi dig per e-post.',
    name: 'Namn (frivilligt)', email: 'E-post', message: 'Meddelande', sendMsg: 'Skicka meddelandet', save: 'Spara',
    consent: 'Jag samtycker till att mitt namn och min e-postadress används för att besvara det här meddelandet.',
    consent2: 'Jag samtycker till att min e-postadress används för att besvara den här chatten.',
    badEmail: 'Kontrollera e-postadressen, till exempel namn@exempel.se.', needMsg: 'Skriv ett meddelande.', needOk: 'Vi behöver ditt samtycke för att kunna svara dig.',
    thanks: 'Tack för ditt meddelande!', answerTo: 'Vi svarar till ', byMailTo: 'Vi svarar per e-post till ', byMail: 'Vi svarar per e-post',
    close: 'Stäng', more: 'Visa tidigare meddelanden', opens: 'Chatten öppnar igen ', today: 'i dag',
    nobody: 'Ingen är tillgänglig just nu. Lämna din e-postadress så svarar vi dig där.',
  },
  en: {
    launch: 'Chat with us', min: 'Minimise', input: 'Write a message…', send: 'Send',
    waiting: 'An agent will answer shortly', joined: ' is helping you', ended: 'The chat has ended. Write to start a new one.',
    typing: ' is typing…', agent: 'Customer service', sending: 'Sending…', offline: 'Connection lost – reconnecting…',
    rate_limited: 'One moment – you are sending too fast.', too_large: 'The message is too long.', error: 'The message could not be sent.',
    online: 'Online', you: 'You', queue: 'You are number ', eta: ' in the queue · about ', mins: ' min wait',
    // leave a message (live chat closed)
    leave: 'Leave a message', away: 'Not online right now', intro: 'We’re not online right now. Leave a message and we’ll answer you by email.',
    name: 'Name (optional)', email: 'Email', message: 'Message', sendMsg: 'Send message', save: 'Save',
    consent: 'I agree that my name and email address are used to answer this message.',
    consent2: 'I agree that my email address is used to answer this chat.',
    badEmail: 'Please check the email address, e.g. name@example.com.', needMsg: 'Please write a message.', needOk: 'We need your consent to be able to answer you.',
    thanks: 'Thank you for your message!', answerTo: 'We will answer to ', byMailTo: 'We will answer by email to ', byMail: 'We will answer by email',
    close: 'Close', more: 'Show earlier messages', opens: 'Chat opens again ', today: 'today',
    nobody: 'Nobody is available right now. Leave your email and we’ll answer there.',
  },
};

export type Strings = typeof S.fi;
export const strings = (l: Lang): Strings => S[l];
