// The SQLite schema as numbered migrations; index+1 is the schema version each leads to.
#include "store/sqlite/migrations.h"

namespace tiski::sqlite {
namespace {

// Numbered migrations; index+1 is the schema version they lead to. Never edit a shipped one.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tenants (
  id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE sites (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  key TEXT NOT NULL UNIQUE, secret TEXT NOT NULL, name TEXT NOT NULL, greeting TEXT NOT NULL,
  langs TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE agents (
  id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, name TEXT NOT NULL,
  password_hash TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE memberships (
  agent_id INTEGER NOT NULL REFERENCES agents(id), tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  role TEXT NOT NULL, PRIMARY KEY (agent_id, tenant_id));
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY, agent_id INTEGER NOT NULL REFERENCES agents(id), csrf TEXT NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE TABLE visitors (
  id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL REFERENCES sites(id), tenant_id INTEGER NOT NULL,
  lang TEXT NOT NULL, page_url TEXT NOT NULL DEFAULT '', page_title TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL);
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  site_id INTEGER NOT NULL REFERENCES sites(id), visitor_id INTEGER NOT NULL REFERENCES visitors(id),
  status TEXT NOT NULL, origin TEXT NOT NULL, assignee_id INTEGER REFERENCES agents(id),
  created_at INTEGER NOT NULL, assigned_at INTEGER, closed_at INTEGER,
  last_seq INTEGER NOT NULL DEFAULT 0, last_at INTEGER NOT NULL, preview TEXT NOT NULL DEFAULT '');
CREATE INDEX conversations_open ON conversations(tenant_id, status) WHERE status != 'closed';
CREATE INDEX conversations_visitor ON conversations(visitor_id, id);
CREATE TABLE messages (
  conversation_id INTEGER NOT NULL REFERENCES conversations(id), seq INTEGER NOT NULL,
  author TEXT NOT NULL, author_id INTEGER, author_name TEXT NOT NULL, body TEXT NOT NULL,
  cid TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_cid ON messages(conversation_id, cid) WHERE cid IS NOT NULL;
CREATE TABLE events (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL, conversation_id INTEGER, kind TEXT NOT NULL,
  data TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX events_conversation ON events(conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX events_tenant_time ON events(tenant_id, at);
)sql",
    // 2: routing capacity per agent.
    R"sql(
ALTER TABLE agents ADD COLUMN max_chats INTEGER NOT NULL DEFAULT 3;
)sql",
    // 3: business hours per tenant (text form of chat/hours.h; NULL = always open).
    R"sql(
ALTER TABLE tenants ADD COLUMN hours TEXT;
)sql",
    // 4: the offline inbox (contact on conversations, the email outbox) and a per-tenant
    // default capacity (agents.max_chats 0 = the tenants' default; 3 was the old default).
    R"sql(
ALTER TABLE tenants ADD COLUMN default_max_chats INTEGER NOT NULL DEFAULT 3;
UPDATE agents SET max_chats = 0 WHERE max_chats = 3;
ALTER TABLE conversations ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  conversation_id INTEGER NOT NULL REFERENCES conversations(id), seq INTEGER NOT NULL,
  to_addr TEXT NOT NULL, message_id TEXT NOT NULL UNIQUE, mime TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL, sent_at INTEGER, UNIQUE (conversation_id, seq));
CREATE INDEX outbox_due ON outbox(next_at) WHERE status = 'queued';
)sql",
    // 5: teams, sites routed to a team, conversations handed to a team.
    R"sql(
CREATE TABLE teams (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id), name TEXT NOT NULL,
  UNIQUE (tenant_id, name));
CREATE TABLE team_members (
  team_id INTEGER NOT NULL REFERENCES teams(id), agent_id INTEGER NOT NULL REFERENCES agents(id),
  PRIMARY KEY (team_id, agent_id));
ALTER TABLE sites ADD COLUMN team_id INTEGER REFERENCES teams(id);
ALTER TABLE conversations ADD COLUMN team_id INTEGER REFERENCES teams(id);
)sql",
    // 6: proactive invitations: rules per site, invitations shown, the rule a chat answered.
    R"sql(
ALTER TABLE sites ADD COLUMN rules TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversations ADD COLUMN rule_id INTEGER;
CREATE TABLE invitations (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id), site_id INTEGER NOT NULL,
  visitor_id INTEGER NOT NULL REFERENCES visitors(id), rule_id INTEGER NOT NULL, visit TEXT NOT NULL,
  shown_at INTEGER NOT NULL, dismissed_at INTEGER, conversation_id INTEGER REFERENCES conversations(id));
CREATE INDEX invitations_visitor ON invitations(visitor_id, shown_at);
CREATE INDEX invitations_tenant_time ON invitations(tenant_id, shown_at);
)sql",
    // 7: visitor context: page views, the last cart, buying signals of a conversation.
    R"sql(
CREATE TABLE page_views (
  id INTEGER PRIMARY KEY, visitor_id INTEGER NOT NULL REFERENCES visitors(id), visit TEXT NOT NULL,
  url TEXT NOT NULL, title TEXT NOT NULL, category TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX page_views_visitor ON page_views(visitor_id, id);
ALTER TABLE visitors ADD COLUMN cart_cents INTEGER;
ALTER TABLE visitors ADD COLUMN cart_currency TEXT NOT NULL DEFAULT '';
ALTER TABLE visitors ADD COLUMN cart_items INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN signals TEXT NOT NULL DEFAULT '';
)sql",
    // 8: greetings per language, visitors numbered per tenant, the chat lifecycle per tenant,
    // and the index behind the console's list of recently closed conversations.
    R"sql(
ALTER TABLE sites ADD COLUMN greetings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE tenants ADD COLUMN visitor_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN missed_after_seconds INTEGER NOT NULL DEFAULT 600;
ALTER TABLE tenants ADD COLUMN idle_close_seconds INTEGER NOT NULL DEFAULT 1800;
ALTER TABLE visitors ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
UPDATE visitors SET number = r.n FROM
  (SELECT id, row_number() OVER (PARTITION BY tenant_id ORDER BY id) AS n FROM visitors) AS r WHERE r.id = visitors.id;
UPDATE tenants SET visitor_count = (SELECT COUNT(*) FROM visitors WHERE tenant_id = tenants.id);
CREATE INDEX conversations_closed ON conversations(tenant_id, closed_at, id) WHERE status = 'closed';
)sql",
    // 9: at most one open conversation per visitor, enforced by the database (several nodes,
    // or two tabs racing, cannot open a second). Older duplicates are closed first.
    R"sql(
UPDATE conversations SET status = 'closed', closed_at = COALESCE(closed_at, last_at)
  WHERE status != 'closed'
    AND id NOT IN (SELECT MAX(id) FROM conversations WHERE status != 'closed' GROUP BY visitor_id);
CREATE UNIQUE INDEX conversations_one_open ON conversations(visitor_id) WHERE status != 'closed';
)sql",
    // 10: reports read a tenant's conversations by the time they were created, and its events
    // of one kind by time (agents' status changes for staffing).
    R"sql(
CREATE INDEX IF NOT EXISTS conversations_created ON conversations(tenant_id, created_at);
CREATE INDEX IF NOT EXISTS events_tenant_kind_time ON events(tenant_id, kind, at);
)sql",
    // 11: what a chat earns: the agent's outcome and tags, the satisfaction survey, orders and
    // leads the shops report (credited to a chat), the holdout share of proactive invitations,
    // and the index a report finds the visitors seen in a period by.
    R"sql(
ALTER TABLE conversations ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN outcome_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN csat INTEGER;
ALTER TABLE conversations ADD COLUMN csat_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN csat_shown_at INTEGER;
ALTER TABLE conversations ADD COLUMN csat_at INTEGER;
CREATE TABLE tags (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id), name TEXT NOT NULL COLLATE NOCASE,
  created_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, name)) WITHOUT ROWID;
ALTER TABLE tenants ADD COLUMN outcome_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN attribution_days INTEGER NOT NULL DEFAULT 7;
ALTER TABLE sites ADD COLUMN holdout_percent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN held_out INTEGER NOT NULL DEFAULT 0;
CREATE TABLE conversions (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  site_id INTEGER NOT NULL REFERENCES sites(id), visitor_id INTEGER REFERENCES visitors(id),
  kind TEXT NOT NULL, ref TEXT NOT NULL, value_cents INTEGER NOT NULL, currency TEXT NOT NULL,
  at INTEGER NOT NULL, source TEXT NOT NULL, conversation_id INTEGER REFERENCES conversations(id),
  agent_id INTEGER REFERENCES agents(id), UNIQUE (tenant_id, kind, ref));
CREATE INDEX conversions_tenant_time ON conversions(tenant_id, at);
CREATE INDEX conversions_conversation ON conversions(conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX visitors_tenant_seen ON visitors(tenant_id, last_seen_at);
)sql",
    // 12: report rollups. Every write a report depends on marks the tenant's UTC hour it
    // touched in report_changes with a fresh sequence number (triggers: the same transaction as
    // the write, so no change is ever missed); the report worker rolls the days of hours marked
    // since it last looked (src/reports/). Existing data is marked once. A line in an open
    // conversation marks only when it is the first agent line (it makes a chat day): the rollups
    // hold closed conversations, and the close marks them; this keeps the message path cheap.
    R"sql(
CREATE TABLE report_seq (n INTEGER NOT NULL);
INSERT INTO report_seq VALUES (1);
CREATE TABLE report_changes (
  tenant_id INTEGER NOT NULL, hour INTEGER NOT NULL, mark INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, hour)) WITHOUT ROWID;
CREATE INDEX report_changes_mark ON report_changes(tenant_id, mark);
CREATE INDEX page_views_time ON page_views(at);
CREATE INDEX conversions_visitor ON conversions(visitor_id, at) WHERE visitor_id IS NOT NULL;
CREATE INDEX invitations_conversation ON invitations(conversation_id) WHERE conversation_id IS NOT NULL;
CREATE TRIGGER report_conv_insert AFTER INSERT ON conversations BEGIN
  UPDATE report_seq SET n = n + 1;
  INSERT INTO report_changes VALUES (NEW.tenant_id, NEW.created_at / 3600000, (SELECT n FROM report_seq))
    ON CONFLICT DO UPDATE SET mark = excluded.mark;
END;
CREATE TRIGGER report_conv_update AFTER UPDATE OF status, closed_at, assignee_id, origin, site_id, team_id, outcome,
  tags, csat, csat_shown_at, created_at ON conversations BEGIN
  UPDATE report_seq SET n = n + 1;
  INSERT INTO report_changes VALUES (NEW.tenant_id, NEW.created_at / 3600000, (SELECT n FROM report_seq))
    ON CONFLICT DO UPDATE SET mark = excluded.mark;
  INSERT INTO report_changes SELECT OLD.tenant_id, OLD.created_at / 3600000, (SELECT n FROM report_seq)
    WHERE OLD.created_at / 3600000 != NEW.created_at / 3600000 ON CONFLICT DO UPDATE SET mark = excluded.mark;
END;
CREATE TRIGGER report_conv_delete AFTER DELETE ON conversations BEGIN
  UPDATE report_seq SET n = n + 1;
  INSERT INTO report_changes VALUES (OLD.tenant_id, OLD.created_at / 3600000, (SELECT n FROM report_seq))
    ON CONFLICT DO UPDATE SET mark = excluded.mark;
END;
CREATE TRIGGER report_message_insert AFTER INSERT ON messages WHEN (NEW.author = 'agent' AND NOT EXISTS (
  SELECT 1 FROM messages m WHERE m.conversation_id = NEW.conversation_id AND m.author = 'agent' AND m.seq < NEW.seq))
  OR (SELECT status FROM conversations WHERE id = NEW.conversation_id) = 'closed' BEGIN
  UPDATE report_seq SET n = n + 1;
  INSERT INTO report_changes SELECT c.tenant_id, c.created_at / 3600000, (SELECT n FROM report_seq)
    FROM conversations c WHERE c.id = NEW.conversation_id ON CONFLICT DO UPDATE SET mark = excluded.mark;
END;
CREATE TRIGGER report_message_delete AFTER DELETE ON messages BEGIN
  UPDATE report_seq SET n = n + 1;
  INSERT INTO report_changes SELECT c.tenant_id, c.created_at / 3600000, (SELECT n FROM report_seq)
    FROM conversations c WHERE c.id = OLD.conversation_id ON CONFLICT DO UPDATE SET mark = excluded.mark;
END;
CREATE TRIGGER report_event_insert AFTER INSERT ON events WHEN NEW.conversation_id IS NOT NULL
  AND NEW.kind IN ('visitor.left', 'visitor.returned', 'conversation.transferred', 'conversation.closed') BEGIN
  UPDATE report_seq SET n = n + 1;
  INSERT INTO report_changes SELECT c.tenant_id, c.created_at / 3600000, (SELECT n FROM report_seq)
    FROM conversations c WHERE c.id = NEW.conversation_id ON CONFLICT DO UPDATE SET mark = excluded.mark;
END;
CREATE TRIGGER report_page_view AFTER INSERT ON page_views BEGIN
  UPDATE report_seq SET n = n + 1;
  INSERT INTO report_changes SELECT v.tenant_id, NEW.at / 3600000, (SELECT n FROM report_seq)
    FROM visitors v WHERE v.id = NEW.visitor_id ON CONFLICT DO UPDATE SET mark = excluded.mark;
END;
CREATE TRIGGER report_invitation_insert AFTER INSERT ON invitations BEGIN
  UPDATE report_seq SET n = n + 1;
  INSERT INTO report_changes VALUES (NEW.tenant_id, NEW.shown_at / 3600000, (SELECT n FROM report_seq))
    ON CONFLICT DO UPDATE SET mark = excluded.mark;
END;
CREATE TRIGGER report_invitation_update AFTER UPDATE ON invitations BEGIN
  UPDATE report_seq SET n = n + 1;
  INSERT INTO report_changes VALUES (NEW.tenant_id, NEW.shown_at / 3600000, (SELECT n FROM report_seq))
    ON CONFLICT DO UPDATE SET mark = excluded.mark;
END;
CREATE TRIGGER report_conversion_insert AFTER INSERT ON conversions BEGIN
  UPDATE report_seq SET n = n + 1;
  INSERT INTO report_changes VALUES (NEW.tenant_id, NEW.at / 3600000, (SELECT n FROM report_seq))
    ON CONFLICT DO UPDATE SET mark = excluded.mark;
  INSERT INTO report_changes SELECT c.tenant_id, c.created_at / 3600000, (SELECT n FROM report_seq)
    FROM conversations c WHERE c.id = NEW.conversation_id ON CONFLICT DO UPDATE SET mark = excluded.mark;
  INSERT INTO report_changes SELECT DISTINCT i.tenant_id, i.shown_at / 3600000, (SELECT n FROM report_seq)
    FROM invitations i WHERE i.visitor_id = NEW.visitor_id AND i.shown_at >= NEW.at - 2592000000
    AND i.shown_at <= NEW.at ON CONFLICT DO UPDATE SET mark = excluded.mark;
  INSERT INTO report_changes SELECT DISTINCT i.tenant_id, i.shown_at / 3600000, (SELECT n FROM report_seq)
    FROM invitations i WHERE i.conversation_id = NEW.conversation_id ON CONFLICT DO UPDATE SET mark = excluded.mark;
END;
INSERT OR IGNORE INTO report_changes SELECT tenant_id, created_at / 3600000, 1 FROM conversations;
INSERT OR IGNORE INTO report_changes SELECT tenant_id, at / 3600000, 1 FROM conversions;
INSERT OR IGNORE INTO report_changes SELECT tenant_id, shown_at / 3600000, 1 FROM invitations;
INSERT OR IGNORE INTO report_changes SELECT v.tenant_id, p.at / 3600000, 1 FROM page_views p
  JOIN visitors v ON v.id = p.visitor_id;
)sql",
    // 13: the agent's desk: the tenant's colour and policy card, canned answers (a NULL tenant
    // is workspace-wide; one shortcut per tenant and one per workspace).
    R"sql(
ALTER TABLE tenants ADD COLUMN color TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN policy TEXT NOT NULL DEFAULT '';
CREATE TABLE canned_answers (
  id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id), shortcut TEXT NOT NULL,
  title TEXT NOT NULL, text_fi TEXT NOT NULL, text_sv TEXT NOT NULL, text_en TEXT NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE UNIQUE INDEX canned_shortcut ON canned_answers(IFNULL(tenant_id, 0), shortcut);
CREATE INDEX canned_tenant ON canned_answers(tenant_id, id);
)sql",
    // 14: transcript search (docs/desk.md). message_index gives every searchable line (visitor,
    // agent, note) an integer id in the order written, in the line's own transaction: that is
    // the queue of lines to index. message_fts indexes their words as written (unicode61,
    // diacritics folded, prefix indexes) with the tenant as a token ("t12") of its own column;
    // the text stays in messages (external content, through the message_text view). Indexing
    // runs in batches (index_search, every second) rather than per line: FTS5 costs ~60 µs a
    // line in small transactions and a few µs in batches of thousands. search_state.mark is the
    // last id indexed.
    R"sql(
CREATE TABLE message_index (
  id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL, seq INTEGER NOT NULL,
  tenant_id INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE UNIQUE INDEX message_index_line ON message_index(conversation_id, seq);
CREATE TABLE search_state (mark INTEGER NOT NULL);
INSERT INTO search_state VALUES (0);
CREATE VIEW message_text AS SELECT mi.id AS id, m.body AS body, 't' || mi.tenant_id AS scope
  FROM message_index mi JOIN messages m ON m.conversation_id = mi.conversation_id AND m.seq = mi.seq;
CREATE VIRTUAL TABLE message_fts USING fts5(body, scope, content='message_text', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', prefix='3 4 5');
CREATE TRIGGER message_index_insert AFTER INSERT ON messages WHEN NEW.author IN ('visitor', 'agent', 'note') BEGIN
  INSERT INTO message_index(conversation_id, seq, tenant_id, created_at)
    SELECT NEW.conversation_id, NEW.seq, c.tenant_id, NEW.created_at FROM conversations c WHERE c.id = NEW.conversation_id;
END;
CREATE TRIGGER message_index_delete AFTER DELETE ON messages BEGIN
  INSERT INTO message_fts(message_fts, rowid, body, scope)
    SELECT 'delete', mi.id, OLD.body, 't' || mi.tenant_id FROM message_index mi
    WHERE mi.conversation_id = OLD.conversation_id AND mi.seq = OLD.seq AND mi.id <= (SELECT mark FROM search_state);
  DELETE FROM message_index WHERE conversation_id = OLD.conversation_id AND seq = OLD.seq;
END;
INSERT INTO message_index(conversation_id, seq, tenant_id, created_at)
  SELECT m.conversation_id, m.seq, c.tenant_id, m.created_at FROM messages m
  JOIN conversations c ON c.id = m.conversation_id WHERE m.author IN ('visitor', 'agent', 'note')
  ORDER BY m.created_at, m.conversation_id, m.seq;
)sql",
    // 15: quality review and suggested replies (docs/desk.md). quality_flags holds the
    // automatic flags of each closed conversation, judged by the flagger from the events after
    // quality_state.mark (closes and outcome changes), with a partial index per flag (the queue
    // filtered by a rare flag would otherwise read every flagged row: 375 ms over a year of a
    // million chats; 1 ms with them); reviews the supervisors' scores, one per
    // conversation; suggestion_stats how many suggested replies were offered and taken per day, and
    // suggestion_seen the last visitor line of each conversation counted (each offer and each
    // use counts once per visitor line, however often the console asks).
    R"sql(
CREATE TABLE quality_flags (
  conversation_id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL, flags TEXT NOT NULL,
  detail TEXT NOT NULL, closed_at INTEGER NOT NULL);
CREATE INDEX quality_flags_queue ON quality_flags(tenant_id, closed_at) WHERE flags != '';
CREATE INDEX quality_flags_slow_reply ON quality_flags(tenant_id, closed_at) WHERE ',' || flags || ',' LIKE '%,slow_reply,%';
CREATE INDEX quality_flags_left_waiting ON quality_flags(tenant_id, closed_at) WHERE ',' || flags || ',' LIKE '%,left_waiting,%';
CREATE INDEX quality_flags_signal_not_acted ON quality_flags(tenant_id, closed_at) WHERE ',' || flags || ',' LIKE '%,signal_not_acted,%';
CREATE INDEX quality_flags_no_question ON quality_flags(tenant_id, closed_at) WHERE ',' || flags || ',' LIKE '%,no_question,%';
CREATE INDEX quality_flags_rude_word ON quality_flags(tenant_id, closed_at) WHERE ',' || flags || ',' LIKE '%,rude_word,%';
CREATE TABLE quality_state (mark INTEGER NOT NULL);
INSERT INTO quality_state VALUES (0);
CREATE TABLE reviews (
  conversation_id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL, agent_id INTEGER,
  reviewer_id INTEGER NOT NULL, reachability INTEGER NOT NULL, efficiency INTEGER NOT NULL,
  atmosphere INTEGER NOT NULL, sales INTEGER NOT NULL, comment TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX reviews_tenant ON reviews(tenant_id, created_at);
CREATE INDEX reviews_agent ON reviews(tenant_id, agent_id, created_at);
CREATE TABLE suggestion_stats (
  tenant_id INTEGER NOT NULL, day INTEGER NOT NULL, offered INTEGER NOT NULL, used INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, day));
CREATE TABLE suggestion_seen (
  conversation_id INTEGER PRIMARY KEY, offered_seq INTEGER NOT NULL, used_seq INTEGER NOT NULL);
)sql",
    // 16: administration (docs/roles.md): the workspace owner, where and from what browser a
    // login session came (the agent's list of their sessions), and the audit log, read per
    // tenant newest first.
    R"sql(
ALTER TABLE agents ADD COLUMN owner INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_agent ON sessions(agent_id);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, tenant_id INTEGER NOT NULL, actor_id INTEGER NOT NULL,
  actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL, ip TEXT NOT NULL);
CREATE INDEX audit_tenant ON audit_log(tenant_id, id);
)sql",
    // 17: blocked visitors (docs/admin.md), by visitor and optionally by address, until they
    // expire (0 = until lifted) or a supervisor lifts them; deactivated agent accounts.
    R"sql(
CREATE TABLE blocks (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id), visitor_id INTEGER NOT NULL,
  ip TEXT NOT NULL, conversation_id INTEGER NOT NULL, visitor_number INTEGER NOT NULL, reason TEXT NOT NULL,
  created_by INTEGER NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  lifted_at INTEGER NOT NULL DEFAULT 0, lifted_by INTEGER NOT NULL DEFAULT 0);
CREATE INDEX blocks_active ON blocks(tenant_id, lifted_at, created_at);
ALTER TABLE agents ADD COLUMN deactivated_at INTEGER NOT NULL DEFAULT 0;
)sql",
    // 18: API tokens (stored as their SHA-256) and webhooks with their durable outbox of
    // deliveries (docs/integrations.md).
    R"sql(
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id), name TEXT NOT NULL,
  scopes TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL, last_used_at INTEGER NOT NULL DEFAULT 0, revoked_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX api_tokens_tenant ON api_tokens(tenant_id);
CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id), url TEXT NOT NULL,
  secret TEXT NOT NULL, events TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL);
CREATE INDEX webhooks_tenant ON webhooks(tenant_id);
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY, webhook_id INTEGER NOT NULL REFERENCES webhooks(id), tenant_id INTEGER NOT NULL,
  conversation_id INTEGER NOT NULL, delivery TEXT NOT NULL UNIQUE, type TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_code INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, done_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX webhook_due ON webhook_deliveries(next_at) WHERE status = 'queued';
CREATE INDEX webhook_log ON webhook_deliveries(webhook_id, id);
CREATE INDEX webhook_done ON webhook_deliveries(done_at) WHERE status != 'queued';
CREATE INDEX webhook_conversation ON webhook_deliveries(conversation_id) WHERE conversation_id != 0;
)sql",
    // 19: privacy (docs/privacy.md): a retention period per tenant, and when a conversation's
    // personal data was erased (it stays as anonymous facts for the reports).
    R"sql(
ALTER TABLE tenants ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN erased_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX conversations_retention ON conversations(tenant_id, closed_at) WHERE erased_at = 0 AND closed_at IS NOT NULL;
CREATE INDEX conversations_contact ON conversations(tenant_id, contact_email COLLATE NOCASE) WHERE contact_email != '';
)sql",
    // 20: two-factor login (RFC 6238, docs/admin.md): an agent's key (hex; '' = off), a key being
    // set up, the last time step used; a tenant's requirement.
    R"sql(
ALTER TABLE agents ADD COLUMN totp_key TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN totp_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN require_totp INTEGER NOT NULL DEFAULT 0;
)sql",
    // 21: the widget's look per site (docs/admin.md): brand colour, corner, launcher texts.
    R"sql(
ALTER TABLE sites ADD COLUMN color TEXT NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN position TEXT NOT NULL DEFAULT 'right';
ALTER TABLE sites ADD COLUMN launchers TEXT NOT NULL DEFAULT '{}';
)sql",
    // 22: password links by email (docs/admin.md): their tokens as SHA-256; the outbox also
    // carries an account's own mail, which has no conversation (the table is rebuilt to let
    // conversation_id, seq and tenant_id be NULL; nothing references it).
    R"sql(
CREATE TABLE password_tokens (
  token_hash TEXT PRIMARY KEY, agent_id INTEGER NOT NULL REFERENCES agents(id), kind TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER);
CREATE INDEX password_tokens_agent ON password_tokens(agent_id, created_at);
CREATE TABLE outbox_new (
  id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id),
  conversation_id INTEGER REFERENCES conversations(id), seq INTEGER,
  to_addr TEXT NOT NULL, message_id TEXT NOT NULL UNIQUE, mime TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL, sent_at INTEGER, UNIQUE (conversation_id, seq));
INSERT INTO outbox_new SELECT id, tenant_id, conversation_id, seq, to_addr, message_id, mime, status, attempts,
  next_at, error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(next_at) WHERE status = 'queued';
)sql",
    // 23: identified visitors (docs/integrations.md): the shop's customer id, name and email, and
    // whether the site's secret vouched for the id (the oldest visitor of an id and site is the
    // customer's, whose history every device joins); sites that accept only verified identities.
    R"sql(
ALTER TABLE visitors ADD COLUMN external_id TEXT;
ALTER TABLE visitors ADD COLUMN identity_name TEXT NOT NULL DEFAULT '';
ALTER TABLE visitors ADD COLUMN identity_email TEXT NOT NULL DEFAULT '';
ALTER TABLE visitors ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
CREATE INDEX visitors_verified ON visitors(site_id, external_id, id) WHERE verified = 1;
ALTER TABLE sites ADD COLUMN identity_required INTEGER NOT NULL DEFAULT 0;
)sql",
    // 24: webhooks paused by Tiski after failing deliveries in a row, and why.
    R"sql(
ALTER TABLE webhooks ADD COLUMN paused_reason TEXT NOT NULL DEFAULT '';
)sql",
    // 25: contacts (docs/contacts.md): a person across channels and sites of a tenant, told apart
    // by keys (a site's verified customer id, an email address, a phone number), each key one
    // contact's; every visitor (browser, email sender, API caller) joins at most one contact.
    R"sql(
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id), name TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL);
CREATE INDEX contacts_tenant ON contacts(tenant_id, id);
CREATE TABLE contact_keys (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id), kind TEXT NOT NULL, value TEXT NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts(id), PRIMARY KEY (tenant_id, kind, value)) WITHOUT ROWID;
CREATE INDEX contact_keys_contact ON contact_keys(contact_id);
ALTER TABLE visitors ADD COLUMN contact_id INTEGER REFERENCES contacts(id);
CREATE INDEX visitors_contact ON visitors(contact_id) WHERE contact_id IS NOT NULL;
)sql",
    // 26: IMAP mailboxes of the email channel (docs/channels.md), with where reading got to.
    R"sql(
CREATE TABLE mailboxes (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id), url TEXT NOT NULL,
  username TEXT NOT NULL, password TEXT NOT NULL, site_key TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1, uidvalidity INTEGER NOT NULL DEFAULT 0, last_uid INTEGER NOT NULL DEFAULT 0,
  checked_at INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', received INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE INDEX mailboxes_tenant ON mailboxes(tenant_id, id);
)sql",
    // 27: expected response times per channel (docs/channels.md): the tenant's targets, and per
    // conversation when the answer to the customer's waiting message is due and how many answers
    // came on time and late.
    R"sql(
ALTER TABLE tenants ADD COLUMN response_targets TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN due_at INTEGER;
ALTER TABLE conversations ADD COLUMN answers_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN answers_late INTEGER NOT NULL DEFAULT 0;
)sql",
    // 28: an email's quoted history and signature, kept beside its new text (folded in the
    // console: docs/channels.md); a mailbox's address, which the tenant's emails name as Reply-To.
    R"sql(
ALTER TABLE messages ADD COLUMN quoted TEXT NOT NULL DEFAULT '';
ALTER TABLE mailboxes ADD COLUMN address TEXT NOT NULL DEFAULT '';
)sql",
    // 29: attachments (docs/attachments.md): the files a message names (a JSON array beside
    // it), each kept file's owner and content hash, and each tenant's policy.
    R"sql(
ALTER TABLE messages ADD COLUMN files TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN attachments TEXT NOT NULL DEFAULT '';
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  conversation_id INTEGER NOT NULL REFERENCES conversations(id), internal INTEGER NOT NULL DEFAULT 0,
  sha256 TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL,
  image INTEGER NOT NULL DEFAULT 0, width INTEGER NOT NULL DEFAULT 0, height INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE INDEX attachments_conversation ON attachments(conversation_id, id);
CREATE INDEX attachments_content ON attachments(tenant_id, sha256);
CREATE TABLE file_sweeps (tenant_id INTEGER NOT NULL, sha256 TEXT NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, sha256)) WITHOUT ROWID;
)sql",
    // 30: channel cards (docs/channels.md): each tenant's, and the card an agent's message is.
    R"sql(
ALTER TABLE tenants ADD COLUMN channel_cards TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN card TEXT NOT NULL DEFAULT '';
)sql",
    // 31: when the visitor of an open conversation left (their last tab gone for the grace
    // period), for the console to show; cleared when they come back.
    R"sql(
ALTER TABLE conversations ADD COLUMN visitor_left_at INTEGER;
)sql",
    // 32: the pages a site's widget may run on (their origins, comma-separated; '' any page).
    R"sql(
ALTER TABLE sites ADD COLUMN origins TEXT NOT NULL DEFAULT '';
)sql",
    // 33: how far above its corner's usual place the widget sits (px), clear of the shop's buttons.
    R"sql(
ALTER TABLE sites ADD COLUMN lift INTEGER NOT NULL DEFAULT 0;
)sql",
};

}  // namespace

std::span<const char* const> migrations() { return kMigrations; }

}  // namespace tiski::sqlite
