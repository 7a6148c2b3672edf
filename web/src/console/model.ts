// The console's model: everything the agent's screen shows, kept from the frames of /ws/agent
// (docs/protocol.md). Pure — no DOM, no socket — so it is unit-tested in Node
// (web/test/console.test.mjs). apply() returns what the screen must do about a frame: watch
// or stop watching a conversation, or raise an alarm.
import type {
  AgentInfo, AgentPresence, AgentServerFrame, Conversation, ListName, LiveVisitor, MailStatus, Message, Team, TenantCounts,
  TenantRole, VisitorContext,
} from '../protocol.gen';

// The lists of the sidebar: every list of the protocol but closed (which has a view of its own).
export type SideList = Exclude<ListName, 'closed'>;
export type Alarm = 'new' | 'inbox' | 'assigned' | 'message';
export type Effect =
  | { kind: 'watch'; conv: number; after: number }
  | { kind: 'unwatch'; conv: number }
  | { kind: 'alarm'; alarm: Alarm; conv: number };

// A message as the list shows it: its text, cut at 140 bytes as the server cuts it
// (limits::kPreviewBytes; here by characters, near enough for a line of the list), or its
// first file.
export function messagePreview(m: Message): string {
  const text = !m.body && m.files?.length ? '📎 ' + m.files[0].name : m.body;
  return text.length > 140 ? text.slice(0, 140) + '…' : text;
}

// Waits in the inbox, answered when an agent can: the leave-a-message form, an email, the API channel.
export const isInbox = (c: Conversation) => c.origin === 'offline' || c.origin === 'email' || c.origin === 'api';

// What survives a reload (kept per agent in localStorage by persist.ts).
export interface Saved {
  selected: number | null;
  drafts: Record<string, string>;
  unread: Record<string, number>;
  fresh: number[];
  // The chat on screen when it is closed: no list brings it back after a reload, so it is kept.
  shown?: Conversation;
}

export class ConsoleModel {
  me: AgentInfo | null = null;
  tenants: TenantRole[] = [];
  convs = new Map<number, Conversation>();
  counts = new Map<number, TenantCounts>();
  next = new Map<SideList, string>();  // cursor of each list's next page
  closed: Conversation[] = [];
  closedNext: string | undefined;
  closedLoaded = false;
  msgs = new Map<number, Map<number, Message>>();
  more = new Map<number, boolean>();  // earlier messages exist
  unread = new Map<number, number>();
  fresh = new Set<number>();  // chats that arrived and have not been opened
  typing = new Map<number, number>();
  mail = new Map<string, MailStatus>();  // by "conv:seq"
  ctx = new Map<number, VisitorContext>();
  visitors = new Map<number, LiveVisitor>();
  liveCount = new Map<number, number>();
  presence = new Map<number, AgentPresence>();
  teams: Team[] = [];
  watched = new Set<number>();
  selected: number | null = null;
  drafts = new Map<number, string>();
  // Chats I asked for myself (take, a reply to a waiting chat, start): they raise no alarm.
  claimed = new Set<number>();
  email = true;  // the server can send email (the snapshot says)
  private listed = new Set<string>();  // the lists whose first page came after the snapshot
  private visitorsContinue = false;

  constructor(saved?: Saved) {
    if (!saved) return;
    this.selected = saved.selected;
    for (const [k, v] of Object.entries(saved.drafts ?? {})) this.drafts.set(Number(k), v);
    for (const [k, v] of Object.entries(saved.unread ?? {})) this.unread.set(Number(k), v);
    for (const id of saved.fresh ?? []) this.fresh.add(id);
    if (saved.shown && saved.shown.id === saved.selected && saved.shown.status === 'closed') this.closed = [saved.shown];
  }

  save(): Saved {
    const drafts: Record<string, string> = {};
    for (const [k, v] of [...this.drafts].slice(-50)) if (v) drafts[k] = v.slice(0, 4000);
    // What was unread in chats that closed meanwhile (ended elsewhere, by the lifecycle) is not
    // kept: once the lists are here, only open chats' counts are.
    const keep = (id: number) => this.listed.size < 4 || this.isOpen(id);
    const unread: Record<string, number> = {};
    for (const [k, v] of this.unread) if (keep(k)) unread[k] = v;
    const on = this.selected == null ? undefined : this.convs.get(this.selected) ?? this.closed.find((c) => c.id === this.selected);
    return { selected: this.selected, drafts, unread, fresh: [...this.fresh].filter(keep).slice(-200), ...(on?.status === 'closed' ? { shown: on } : {}) };
  }

  // Every list's first page and the closed ones came since the snapshot: a chat in none is not mine to see.
  allListed(): boolean {
    return this.listed.size >= 4 && this.closedLoaded;
  }

  lastSeq(conv: number): number {
    let max = 0;
    for (const s of this.msgs.get(conv)?.keys() ?? []) if (s > max) max = s;
    return max;
  }

  firstSeq(conv: number): number {
    let min = Infinity;
    for (const s of this.msgs.get(conv)?.keys() ?? []) if (s < min) min = s;
    return min === Infinity ? 0 : min;
  }

  isMine(c: Conversation): boolean {
    return c.assignee === this.me?.id && c.status !== 'closed';
  }

  tenant(id: number): TenantRole | undefined {
    return this.tenants.find((x) => x.id === id);
  }

  // Who may say what came of a chat (the outcome frame): its agent, anyone while it has none, and
  // the tenant's supervisors and admins.
  canSetOutcome(c: Conversation): boolean {
    if (!c.assignee || c.assignee === this.me?.id) return true;
    const role = this.tenant(c.tenant)?.role;
    return role === 'supervisor' || role === 'admin';
  }

  // Opening a chat: it is read, and watched while it is on screen.
  select(conv: number | null): Effect[] {
    const out: Effect[] = [];
    const before = this.selected;
    this.selected = conv;
    if (conv != null) {
      this.unread.delete(conv);
      this.fresh.delete(conv);
      if (!this.watched.has(conv)) out.push(this.watch(conv));
    }
    if (before != null && before !== conv) out.push(...this.maybeUnwatch(before));
    return out;
  }

  // The title's count: unread lines and new chats among the open chats this console knows (a
  // count restored for a chat closed while the console was away is not work).
  unreadTotal(): number {
    let n = 0;
    for (const id of this.fresh) if (this.isOpen(id)) n++;
    for (const [id, v] of this.unread) if (this.isOpen(id)) n += v;
    return n;
  }

  private isOpen(id: number): boolean {
    const c = this.convs.get(id);
    return !!c && c.status !== 'closed';
  }

  // The lists of the sidebar, in the order the server pages them.
  list(name: SideList): Conversation[] {
    const me = this.me?.id;
    const all = [...this.convs.values()];
    const pick = {
      waiting: (c: Conversation) => c.status === 'waiting' && !isInbox(c),
      inbox: (c: Conversation) => c.status === 'waiting' && isInbox(c),
      mine: (c: Conversation) => c.status !== 'waiting' && c.assignee === me && (c.status !== 'closed' || c.id === this.selected),
      others: (c: Conversation) => c.status === 'active' && c.assignee !== me,
    }[name];
    // The inbox: soonest due first (as the server pages it), those without a due time last.
    const key = (c: Conversation) => (name === 'inbox' ? c.due_at ?? 4e15 + c.created_at / 2 : c.created_at);
    return all.filter(pick).sort((a, b) => key(a) - key(b) || a.id - b.id);
  }

  count(name: SideList): number {
    let n = 0;
    for (const c of this.counts.values()) n += name === 'waiting' ? c.waiting : name === 'inbox' ? c.inbox : 0;
    if (name === 'waiting' || name === 'inbox') return Math.max(n, this.list(name).length);
    // A chat I just ended stays listed while it is on screen (for its outcome), uncounted.
    return this.list(name).filter((c) => c.status !== 'closed').length;
  }

  apply(f: AgentServerFrame, o: { hidden: boolean; initial?: boolean } = { hidden: false }): Effect[] {
    const out: Effect[] = [];
    switch (f.t) {
      case 'snapshot':
        this.me = f.agent;
        this.email = f.email;
        this.tenants = f.tenants;
        this.convs.clear();
        this.next.clear();
        this.counts = new Map(f.counts.map((c) => [c.tenant, c]));
        this.presence = new Map(f.presence.map((p) => [p.agent, { ...p, tenants: p.tenants ?? [] }]));  // an older node sends none
        this.teams = f.teams ?? [];
        this.listed.clear();
        this.watched.clear();
        this.visitors.clear();
        if (this.selected != null) out.push(this.watch(this.selected));
        break;
      case 'list':
        if (f.which === 'closed') {
          this.closed = f.after ? [...this.closed, ...f.convs] : f.convs;
          this.closedNext = f.next;
          this.closedLoaded = true;
          break;
        }
        this.listed.add(f.which);
        for (const c of f.convs) {
          this.convs.set(c.id, c);
          if (this.isMine(c) && !this.watched.has(c.id)) out.push(this.watch(c.id));
        }
        if (f.next) this.next.set(f.which, f.next);
        else this.next.delete(f.which);
        break;
      case 'conv':
        out.push(...this.upsert(f.conv));
        break;
      case 'previews':
        for (const p of f.list) {
          const c = this.convs.get(p.conv);
          if (c && p.last_seq > c.last_seq) this.convs.set(p.conv, { ...c, last_seq: p.last_seq, last_at: p.last_at, preview: p.preview });
        }
        break;
      case 'counts':
        this.counts.set(f.tenant, { tenant: f.tenant, waiting: f.waiting, inbox: f.inbox, active: f.active });
        break;
      case 'history':  // a chat opened by its address may be in none of my lists: known from here
        if (!this.convs.has(f.conv) && f.conversation) this.convs.set(f.conv, f.conversation);
        this.add(f.msgs, false, o.hidden, out);
        this.more.set(f.conv, f.more);
        for (const m of f.mail ?? []) this.mail.set(m.conv + ':' + m.seq, m);
        if (f.context) this.ctx.set(f.conv, f.context);
        break;
      case 'older':
        this.add(f.msgs, false, o.hidden, out);
        this.more.set(f.conv, f.more);
        for (const m of f.mail ?? []) this.mail.set(m.conv + ':' + m.seq, m);
        break;
      case 'msg':
        this.add([f.m], true, o.hidden, out);
        // The draft here was sent (from another tab of mine, which shares the drafts): gone here
        // too, so it is not sent twice.
        if (f.m.author === 'agent' && f.m.name === this.me?.name && f.m.body && this.drafts.get(f.m.conv)?.trim() === f.m.body.trim()) this.drafts.delete(f.m.conv);
        break;
      case 'mail':
        this.mail.set(f.mail.conv + ':' + f.mail.seq, f.mail);
        break;
      case 'presence': {  // a frame names the tenant it came for: the colleague's tenants gather
        const had = this.presence.get(f.presence.agent)?.tenants ?? [];
        const tenants = [...new Set([...had, ...(f.presence.tenants ?? [])])];
        this.presence.set(f.presence.agent, { ...f.presence, tenants });
        break;
      }
      case 'typing':
        if (f.on) this.typing.set(f.conv, Date.now());
        else this.typing.delete(f.conv);
        break;
      case 'visitors':
        if (!this.visitorsContinue) this.visitors.clear();
        for (const v of f.list) this.visitors.set(v.id, v);
        this.visitorsContinue = f.more;
        break;
      case 'visitor':
        this.visitors.set(f.v.id, f.v);
        break;
      case 'visitor_gone':
        this.visitors.delete(f.id);
        break;
      case 'live_count':
        this.liveCount.set(f.tenant, f.n);
        break;
      case 'tags':
        this.tenants = this.tenants.map((x) => (x.id === f.tenant ? { ...x, tags: f.tags } : x));
        break;
    }
    return out;
  }

  // A message (or internal note) the agent sent was stored.
  acked(conv: number, seq: number, at: number, cid: string, body: string, internal = false) {
    this.add([{ conv, seq, author: internal ? 'note' : 'agent', name: this.me?.name, body, at, cid }], false, false, [], true);
  }

  private watch(conv: number): Effect {
    this.watched.add(conv);
    return { kind: 'watch', conv, after: this.lastSeq(conv) };
  }

  // Only my chats and the one on screen are watched: a console never follows a whole tenant.
  private maybeUnwatch(conv: number): Effect[] {
    const c = this.convs.get(conv);
    if (conv === this.selected || (c && this.isMine(c)) || !this.watched.has(conv)) return [];
    this.watched.delete(conv);
    return [{ kind: 'unwatch', conv }];
  }

  private upsert(c: Conversation): Effect[] {
    const out: Effect[] = [];
    const prev = this.convs.get(c.id);
    const me = this.me?.id;
    this.convs.set(c.id, c);
    if (c.status === 'closed') {
      this.fresh.delete(c.id);
      this.unread.delete(c.id);
      this.claimed.delete(c.id);
      // A closed chat still changes: its outcome, the visitor's satisfaction answer.
      if (this.closed.some((x) => x.id === c.id)) this.closed = this.closed.map((x) => (x.id === c.id ? c : x));
      else if (this.closedLoaded) this.closed = [c, ...this.closed];
      if (c.id !== this.selected) this.convs.delete(c.id);
      out.push(...this.maybeUnwatch(c.id));
      return out;
    }
    if (!prev && c.status === 'waiting') {
      this.fresh.add(c.id);
      out.push({ kind: 'alarm', alarm: isInbox(c) ? 'inbox' : 'new', conv: c.id });
    }
    const nowMine = c.assignee === me && c.status === 'active';
    const wasMine = prev?.assignee === me && prev?.status === 'active';
    if (nowMine && !wasMine) {
      if (!this.watched.has(c.id)) out.push(this.watch(c.id));
      if (!this.claimed.has(c.id) && c.id !== this.selected) {
        // Routing or a colleague's transfer gave it to me: it rings and is marked new.
        this.fresh.add(c.id);
        out.push({ kind: 'alarm', alarm: 'assigned', conv: c.id });
      }
      this.claimed.delete(c.id);
    }
    if (wasMine && !nowMine) {
      this.fresh.delete(c.id);
      this.unread.delete(c.id);
      out.push(...this.maybeUnwatch(c.id));
    }
    if (c.status === 'active' && c.assignee !== me) this.fresh.delete(c.id);  // a colleague has it
    return out;
  }

  // The list's row follows the newest message (its preview and time, as the server's previews
  // do), and a fresh agent's reply ends the countdown to the next agent (the server sends no
  // `conv` for it: the router has stopped counting). Only a fresh one: a transferred chat's
  // history holds the colleague's earlier replies, and the router counts again for its new agent.
  private touch(m: Message, fresh: boolean) {
    const c = this.convs.get(m.conv);
    if (!c || m.seq <= c.last_seq) return;
    const answered = fresh && m.author === 'agent' && c.answer_by;
    this.convs.set(m.conv, { ...c, last_seq: m.seq, last_at: m.at, preview: messagePreview(m), ...(answered ? { answer_by: undefined } : {}) });
  }

  // fresh: sent just now (a live message, or my own acknowledged), not history.
  private add(list: Message[], live: boolean, hidden: boolean, out: Effect[], fresh = live) {
    for (const m of list) {
      let map = this.msgs.get(m.conv);
      if (!map) this.msgs.set(m.conv, (map = new Map()));
      if (map.has(m.seq)) continue;
      map.set(m.seq, m);
      this.touch(m, fresh);
      if (live && m.author === 'visitor') {
        this.typing.delete(m.conv);
        if (m.conv !== this.selected || hidden) {
          this.unread.set(m.conv, (this.unread.get(m.conv) ?? 0) + 1);
          out.push({ kind: 'alarm', alarm: 'message', conv: m.conv });
        }
      }
    }
  }
}
