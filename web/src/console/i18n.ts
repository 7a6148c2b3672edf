export type UiLang = 'fi' | 'en';

const S = {
  fi: {
    login: 'Kirjaudu sisään', email: 'Sähköposti', password: 'Salasana', badLogin: 'Väärä sähköposti tai salasana.',
    waiting: 'Jonossa', mine: 'Omat keskustelut', others: 'Muiden keskustelut', none: 'Ei keskusteluja',
    take: 'Ota keskustelu', close: 'Lopeta keskustelu', send: 'Lähetä', reply: 'Kirjoita vastaus… (Enter lähettää, Shift+Enter rivinvaihto)',
    visitor: 'Vierailija', typing: 'kirjoittaa…', pick: 'Valitse keskustelu vasemmalta.', pickSub: 'Uudet keskustelut ilmestyvät jonoon heti.',
    context: 'Vierailija', page: 'Nykyinen sivu', tenant: 'Asiakasyritys', site: 'Sivusto', status: 'Tila', started: 'Aloitettu', origin: 'Alkuperä', agent: 'Käsittelijä',
    st_waiting: 'Odottaa', st_active: 'Käynnissä', st_closed: 'Päättynyt', logout: 'Kirjaudu ulos', connected: 'Yhdistetty', reconnecting: 'Yhdistetään…',
    waited: 'odottanut', you: 'Sinä', closedNote: 'Keskustelu on päättynyt.', takenBy: 'Keskustelua hoitaa',
    online: 'Paikalla', away: 'Tauolla', offline: 'Poissa', agents: 'Asiakaspalvelijat', chats: 'keskustelua',
    setAway: 'Siirry tauolle', setOnline: 'Palaa paikalle',
    transfer: 'Siirrä', transferTo: 'Siirrä keskustelu', noteFor: 'Muistiinpano vastaanottajalle (ei näy asiakkaalle)',
    cancel: 'Peruuta', internal: 'Sisäinen muistiinpano', note: 'Muistiinpano', pickAgent: 'Valitse asiakaspalvelija',
    inbox: 'Saapuneet viestit', inboxNone: 'Ei jätettyjä viestejä', offlineMsg: 'Jätetty viesti', byEmail: 'Vastaukset menevät myös sähköpostiin',
    repliesByEmail: 'Vastaukset lähetetään sähköpostilla osoitteeseen', name: 'Nimi', justNow: 'juuri nyt', days: 'pv', waitedSince: 'Jätetty',
    mailQueued: 'Odottaa lähetystä', mailRetry: 'Yritetään uudelleen (yritys {n}): ', mailSent: 'Lähetetty osoitteeseen ', mailFailed: 'Lähetys epäonnistui: ',
    origin_reactive: 'Vierailija aloitti', origin_proactive: 'Chat-kutsu', origin_agent: 'Asiakaspalvelija aloitti', origin_offline: 'Jätetty viesti',
    origin_email: 'Sähköposti', origin_api: 'Rajapinta',
  },
  en: {
    login: 'Sign in', email: 'Email', password: 'Password', badLogin: 'Wrong email or password.',
    waiting: 'Waiting', mine: 'My chats', others: 'Colleagues’ chats', none: 'No conversations',
    take: 'Take chat', close: 'Close chat', send: 'Send', reply: 'Write a reply… (Enter sends, Shift+Enter new line)',
    visitor: 'Visitor', typing: 'is typing…', pick: 'Pick a conversation on the left.', pickSub: 'New chats appear in the queue instantly.',
    context: 'Visitor', page: 'Current page', tenant: 'Client company', site: 'Site', status: 'Status', started: 'Started', origin: 'Origin', agent: 'Handled by',
    st_waiting: 'Waiting', st_active: 'Active', st_closed: 'Closed', logout: 'Sign out', connected: 'Connected', reconnecting: 'Reconnecting…',
    waited: 'waited', you: 'You', closedNote: 'This conversation has ended.', takenBy: 'Handled by',
    online: 'Online', away: 'Away', offline: 'Offline', agents: 'Agents', chats: 'chats',
    setAway: 'Take a break', setOnline: 'Back online',
    transfer: 'Transfer', transferTo: 'Transfer the chat', noteFor: 'Note for the colleague (the visitor does not see it)',
    cancel: 'Cancel', internal: 'Internal note', note: 'Note', pickAgent: 'Choose an agent',
    inbox: 'Inbox', inboxNone: 'No offline messages', offlineMsg: 'Offline message', byEmail: 'Replies also go out by email',
    repliesByEmail: 'Replies are sent by email to', name: 'Name', justNow: 'just now', days: 'd', waitedSince: 'Left',
    mailQueued: 'Queued', mailRetry: 'Retrying (attempt {n}): ', mailSent: 'Sent to ', mailFailed: 'Failed: ',
    origin_reactive: 'Started by the visitor', origin_proactive: 'Chat invitation', origin_agent: 'Started by an agent', origin_offline: 'Offline message',
    origin_email: 'Email', origin_api: 'API',
  },
};
export type UiStrings = typeof S.fi;
export const ui = (l: UiLang): UiStrings => S[l];
