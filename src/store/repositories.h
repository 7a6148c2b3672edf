// The repositories: one interface per aggregate, so that a back end (SQLite today,
// PostgreSQL for several nodes) implements and tests them one at a time, and code that needs
// one of them can say so. Every method runs inside the transaction its caller opened (a store
// job: store_worker.h); none of them begins or commits. Validation of input belongs above the
// store (admin.h, the chat modules); the store enforces integrity (unique keys, foreign keys,
// one open conversation per visitor) and answers with the error vocabulary of util/error.h.
#pragma once

#include "store/admin_records.h"
#include "store/records.h"

namespace tiski {

// The workspace: settings, tenants, sites, agents and their memberships, teams.
class DirectoryRepo {
 public:
  virtual ~DirectoryRepo() = default;

  // Workspace settings (key/value), e.g. the visitor-token secret and the demo site key.
  virtual Result<std::optional<std::string>> setting(std::string_view key) = 0;
  virtual Status set_setting(std::string_view key, std::string_view value) = 0;

  // Tenants. Slugs are unique (conflict).
  virtual Result<Tenant> create_tenant(std::string_view slug, std::string_view name, Millis now) = 0;
  virtual Result<Tenant> tenant_by_slug(std::string_view slug) = 0;
  virtual Result<std::vector<Tenant>> tenants() = 0;
  // Stores the tenant's business hours text (already validated by the caller; "" = always open).
  virtual Status set_tenant_hours(Id tenant_id, std::string_view hours) = 0;
  // The capacity of the tenant's agents who have none of their own (1..50).
  virtual Status set_tenant_default_max_chats(Id tenant_id, int max_chats) = 0;
  virtual Status set_tenant_name(Id tenant_id, std::string_view name) = 0;
  // The chat lifecycle in seconds (0..limits::kMaxLifecycleSeconds; 0 = never).
  virtual Status set_tenant_lifecycle(Id tenant_id, int missed_after_seconds, int idle_close_seconds) = 0;
  virtual Result<Tenant> tenant_by_id(Id tenant_id) = 0;
  // Analytics settings (validated by the caller): outcome required on close, attribution days.
  virtual Status set_tenant_analytics(Id tenant_id, bool outcome_required, int attribution_days) = 0;
  // The text form of chat/presence/response_targets.h, checked by the caller.
  virtual Status set_tenant_targets(Id tenant_id, std::string_view targets) = 0;
  // The text form of chat/attachments/policy.h, checked by the caller.
  virtual Status set_tenant_attachments(Id tenant_id, std::string_view policy) = 0;
  // Channel cards as JSON (chat/desk/cards.h), checked by the caller.
  virtual Status set_tenant_cards(Id tenant_id, std::string_view cards) = 0;
  // The tenant's colour and policy card (checked by chat/desk/policy.h).
  virtual Status set_tenant_desk(Id tenant_id, std::string_view color, std::string_view policy) = 0;

  // Sites. `site.id` and `created_at` are assigned; keys are unique (conflict).
  virtual Result<Site> create_site(const Site& site) = 0;
  virtual Result<Site> site_by_key(std::string_view key) = 0;
  virtual Result<Site> site_by_id(Id id) = 0;
  virtual Result<std::vector<Site>> sites() = 0;
  virtual Result<std::vector<Site>> sites_of(Id tenant_id) = 0;  // by id
  // Stores a site's rules JSON (validated by the caller).
  virtual Status set_site_rules(Id site_id, std::string_view rules) = 0;
  // Stores a site's name, greetings, languages and look (validated by the caller).
  virtual Status update_site(const Site& site) = 0;
  // The share of proactive invitations held out (0..50, validated by the caller).
  virtual Status set_site_holdout(Id site_id, int percent) = 0;

  // Agents (emails unique, compared case-insensitively) and their tenant memberships.
  virtual Result<Agent> create_agent(std::string_view email, std::string_view name, std::string_view password_hash,
                                     Millis now) = 0;
  virtual Result<Agent> agent_by_email(std::string_view email) = 0;
  virtual Result<Agent> agent_by_id(Id id) = 0;
  virtual Result<std::vector<Agent>> agents() = 0;
  // Changes name, email (conflict if taken) and, when not empty, the password hash.
  virtual Status update_agent(Id agent_id, std::string_view email, std::string_view name,
                              std::string_view password_hash) = 0;
  // Sets how many chats may be assigned to the agent at once (1..50; 0 = the tenants' default).
  virtual Status set_max_chats(Id agent_id, int max_chats) = 0;
  // Makes the agent a workspace owner, or no longer one.
  virtual Status set_owner(Id agent_id, bool owner) = 0;
  // Deactivates the account at `at`, or (0) makes it active again.
  virtual Status set_deactivated(Id agent_id, Millis at) = 0;
  // Adds or changes the agent's role in the tenant.
  virtual Status set_membership(Id agent_id, Id tenant_id, Role role) = 0;
  virtual Result<std::vector<Membership>> memberships_of(Id agent_id) = 0;
  // The tenant's agents with their roles, by name. not_found from remove_membership when the
  // agent does not serve the tenant.
  virtual Result<std::vector<Member>> members_of(Id tenant_id) = 0;
  virtual Status remove_membership(Id agent_id, Id tenant_id) = 0;

  // Teams. Names are unique within a tenant (conflict). Members must serve the tenant
  // (bad_request otherwise); adding twice is fine. A site's team must be of its tenant.
  virtual Result<Team> create_team(Id tenant_id, std::string_view name) = 0;
  virtual Status add_team_member(Id team_id, Id agent_id) = 0;
  virtual Status remove_team_member(Id team_id, Id agent_id) = 0;
  virtual Result<std::vector<Team>> teams_of_tenants(const std::vector<Id>& tenant_ids) = 0;
  virtual Result<std::vector<Id>> team_ids_of(Id agent_id) = 0;
  virtual Status set_site_team(Id site_id, std::optional<Id> team_id) = 0;
};

// Agent login sessions (hashes of the cookie tokens).
class SessionRepo {
 public:
  virtual ~SessionRepo() = default;

  // Agent sessions. session_by_hash returns not_found for unknown or expired sessions.
  virtual Status create_session(const Session& s) = 0;
  virtual Result<Session> session_by_hash(std::string_view token_hash, Millis now) = 0;
  virtual Status delete_session(std::string_view token_hash) = 0;
  // The agent's unexpired sessions, newest first.
  virtual Result<std::vector<Session>> sessions_of(Id agent_id, Millis now) = 0;
  // Ends every session of the agent but `except_hash` (a deactivation, a new password).
  virtual Status delete_sessions_of(Id agent_id, std::string_view except_hash) = 0;
  // Two-factor login (util/totp.h): the agent's state, saved whole; a tenant's requirement.
  virtual Result<Totp> totp_of(Id agent_id) = 0;
  virtual Status save_totp(Id agent_id, const Totp& t) = 0;
  virtual Status set_require_totp(Id tenant_id, bool required) = 0;
  // Password links (docs/admin.md). use_password_token spends an unused, unexpired token and
  // returns it (not_found otherwise: unknown, used or expired alike); password_token finds such a
  // token without spending it; recent_password_tokens
  // counts an agent's tokens made since `since` (to limit reset mail).
  virtual Status add_password_token(const PasswordToken& t) = 0;
  virtual Result<PasswordToken> use_password_token(std::string_view token_hash, Millis now) = 0;
  virtual Result<PasswordToken> password_token(std::string_view token_hash, Millis now) = 0;
  virtual Result<int> recent_password_tokens(Id agent_id, Millis since) = 0;
};

// Blocked visitors: added by agents, lifted by supervisors, active until they expire.
class BlockRepo {
 public:
  virtual ~BlockRepo() = default;
  virtual Result<Block> add_block(const Block& b) = 0;  // b.id ignored
  // not_found unless the block is the tenant's and still active.
  virtual Result<Block> lift_block(Id tenant_id, Id block_id, Id by, Millis now) = 0;
  // Active blocks (not lifted, not expired at `now`) of one tenant (0: of every tenant),
  // newest first.
  virtual Result<std::vector<Block>> active_blocks(Id tenant_id, Millis now, std::size_t limit) = 0;
};

// The audit log: append-only lines, read newest first by id.
class AuditRepo {
 public:
  virtual ~AuditRepo() = default;
  virtual Status add_audit(const AuditEntry& e) = 0;
  virtual Result<std::vector<AuditEntry>> audit(const AuditQuery& q) = 0;
};

// API tokens and webhooks (docs/integrations.md).
class IntegrationRepo {
 public:
  virtual ~IntegrationRepo() = default;
  virtual Result<ApiToken> add_api_token(const ApiToken& t, std::string_view hash) = 0;  // t.id ignored
  virtual Result<std::vector<ApiToken>> api_tokens(Id tenant_id) = 0;
  // The token with this hash unless revoked (not_found otherwise).
  virtual Result<ApiToken> api_token_by_hash(std::string_view hash) = 0;
  virtual Result<ApiToken> revoke_api_token(Id tenant_id, Id token_id, Millis now) = 0;
  virtual Status touch_api_token(Id token_id, Millis now) = 0;
  // Deletes up to `limit` tokens revoked before `before`; the number deleted.
  virtual Result<std::int64_t> prune_revoked_tokens(Millis before, std::size_t limit) = 0;

  // Whether any tenant has an active webhook: the Recorder skips building events' bodies
  // when none has (the message path stays as cheap as before webhooks).
  virtual Result<bool> any_webhooks() = 0;
  virtual Result<Webhook> add_webhook(const Webhook& w) = 0;  // w.id ignored
  virtual Result<std::vector<Webhook>> webhooks(Id tenant_id) = 0;
  virtual Result<Webhook> update_webhook(const Webhook& w) = 0;    // url, events, active
  virtual Status delete_webhook(Id tenant_id, Id webhook_id) = 0;  // and its deliveries
  // The tenant of a conversation (for a message's webhook event).
  virtual Result<Id> conversation_tenant(Id conv_id) = 0;
  // Queues `body` for every active webhook of the tenant that takes `type`; the count queued.
  // `conv_id`: the conversation it is about (0: none), so an erasure finds its deliveries.
  virtual Result<int> queue_webhook_event(Id tenant_id, Id conv_id, std::string_view type, std::string_view event_id,
                                          std::string_view body, Millis now) = 0;
  // Queued deliveries due at `now`, oldest first, with their webhook's url and secret.
  virtual Result<std::vector<WebhookDelivery>> due_deliveries(Millis now, std::size_t limit) = 0;
  // One attempt: delivered, or retried at `retry_at`, or given up (no retry_at).
  virtual Result<WebhookDelivery> record_delivery_attempt(Id id, bool delivered, int code, std::string_view error,
                                                          std::optional<Millis> retry_at, Millis now) = 0;
  // A webhook's deliveries, newest first, below id `before` (0 = from the newest).
  virtual Result<std::vector<WebhookDelivery>> deliveries(Id tenant_id, Id webhook_id, Id before,
                                                          std::size_t limit) = 0;
  // Queues a delivery again now, with the same delivery id and a fresh retry schedule
  // (not_found unless the tenant's).
  virtual Result<WebhookDelivery> redeliver(Id tenant_id, Id webhook_id, Id delivery_id, Millis now) = 0;
  // Deletes finished deliveries older than `before`; the number deleted.
  virtual Result<std::int64_t> prune_deliveries(Millis before, std::size_t limit) = 0;

  // IMAP mailboxes of the email channel (docs/channels.md).
  virtual Result<Mailbox> add_mailbox(const Mailbox& m) = 0;  // m.id ignored
  virtual Result<std::vector<Mailbox>> mailboxes(Id tenant_id) = 0;
  // url, username, password, site_key, active; a new url or username starts it afresh.
  virtual Result<Mailbox> update_mailbox(const Mailbox& m) = 0;
  virtual Status delete_mailbox(Id tenant_id, Id mailbox_id) = 0;
  // Active mailboxes of every tenant, least recently checked first.
  virtual Result<std::vector<Mailbox>> active_mailboxes(std::size_t limit) = 0;
  // Where a check got to: m's uidvalidity, last_uid, checked_at, last_error, received (added
  // to the count). Ignored (false) when the mailbox is gone or its url or username changed.
  virtual Result<bool> save_mailbox_position(const Mailbox& m, std::int64_t taken) = 0;
};

// Privacy (docs/privacy.md): finding a person's data, erasing it, retention.
class PrivacyRepo {
 public:
  virtual ~PrivacyRepo() = default;
  // The tenant's visitors who are the person: the one with `visitor_number` (> 0), or those
  // whose conversations carry the contact `email` (case-insensitive).
  virtual Result<std::vector<Id>> subject_visitors(Id tenant_id, std::int64_t visitor_number,
                                                   std::string_view email) = 0;
  // Erases the visitors' personal data: message text, contact details, pages, cart, CSAT
  // comments, emails and webhook bodies about them, blocks' addresses. Conversations stay as
  // anonymous facts (times, agents, outcomes) so reports keep their numbers.
  virtual Result<Erased> erase_visitors(Id tenant_id, const std::vector<Id>& visitor_ids, Millis now) = 0;
  // Retention: erases up to `limit` conversations of the tenant closed before `before` (and
  // page views older than it).
  virtual Result<Erased> erase_closed_before(Id tenant_id, Millis before, std::size_t limit, bool page_views,
                                             Millis now) = 0;
  // The visitor's page views over all visits, newest first (for an export).
  virtual Result<std::vector<PageView>> page_views_of(Id visitor_id, std::size_t limit) = 0;
  // Makes what was erased unrecoverable from the files (the search index rewritten, freed
  // pages zeroed, the write-ahead log emptied soon after).
  virtual Status purge_erased() = 0;
  virtual Status set_retention_days(Id tenant_id, int days) = 0;
};

// Visitors of the sites and what they do there (tracking).
class VisitorRepo {
 public:
  virtual ~VisitorRepo() = default;

  // Visitors. create_visitor numbers them 1, 2, 3... per tenant.
  virtual Result<Visitor> create_visitor(Id site_id, std::string_view lang, Millis now) = 0;
  virtual Result<Visitor> visitor_by_id(Id id) = 0;
  // The site's oldest visitor with this verified identity, if any: the customer's own, whose
  // history their other devices join.
  virtual Result<std::optional<Visitor>> verified_visitor(Id site_id, std::string_view external_id) = 0;
  // Sets the visitor's identity.
  virtual Status set_visitor_identity(Id id, const VisitorIdentity& who) = 0;
  virtual Status update_visitor_page(Id id, std::string_view url, std::string_view title, Millis now) = 0;
  virtual Status set_visitor_cart(Id id, const std::optional<Cart>& cart) = 0;
  // Page views: recorded as they happen; page_path returns the latest visit's last `limit`
  // views, oldest first.
  virtual Status record_page_view(const PageView& v) = 0;
  virtual Result<std::vector<PageView>> page_path(Id visitor_id, std::size_t limit) = 0;
};

// Contacts: one person across channels and sites of a tenant (docs/contacts.md). Every call
// names the tenant; another tenant's contact is not_found.
class ContactRepo {
 public:
  virtual ~ContactRepo() = default;
  virtual Result<Contact> create_contact(Id tenant_id, std::string_view name, Millis now) = 0;
  virtual Result<Contact> contact(Id tenant_id, Id contact_id) = 0;
  // The contacts owning any of `keys`, with no repeats, in the order of the keys.
  virtual Result<std::vector<Id>> contacts_with_keys(Id tenant_id, const std::vector<ContactKey>& keys) = 0;
  // Adds the keys to the contact; a key another contact has is left where it is. The keys added.
  virtual Result<std::vector<ContactKey>> add_contact_keys(Id tenant_id, Id contact_id,
                                                           const std::vector<ContactKey>& keys) = 0;
  virtual Status set_contact_name(Id tenant_id, Id contact_id, std::string_view name) = 0;
  // Joins the visitor (of the tenant) to the contact.
  virtual Status set_visitor_contact(Id tenant_id, Id visitor_id, Id contact_id) = 0;
  // The conversations of all the contact's visitors, newest first, ids below `before` (0: from
  // the newest), at most `limit`.
  virtual Result<std::vector<Conversation>> contact_conversations(Id tenant_id, Id contact_id, Id before,
                                                                  std::size_t limit) = 0;
  // The contact's visitors, newest first (at most `limit`).
  virtual Result<std::vector<Visitor>> contact_visitors(Id tenant_id, Id contact_id, std::size_t limit) = 0;
  // Contacts whose name or a key contains `query` (all when empty), newest first, ids below
  // `before`, at most `limit`.
  virtual Result<std::vector<Contact>> find_contacts(Id tenant_id, std::string_view query, Id before,
                                                     std::size_t limit) = 0;
  // Moves every key and visitor of `from` to `into` and deletes `from` (the name kept unless
  // `into` has none).
  virtual Result<Contact> merge_contacts(Id tenant_id, Id into, Id from) = 0;
  // A new contact of the visitors and keys given, taken from `from` (they must be its own).
  virtual Result<Contact> split_contact(Id tenant_id, Id from, const std::vector<Id>& visitor_ids,
                                        const std::vector<ContactKey>& keys, Millis now) = 0;
};

// Conversations and their messages.
class ConversationRepo {
 public:
  virtual ~ConversationRepo() = default;

  // Conversations. create_conversation stores status waiting (and the rule it answers, if any);
  // conflict if the visitor already has one that is not closed (a unique index says so).
  virtual Result<Conversation> create_conversation(Id visitor_id, std::string_view origin, Millis now,
                                                   std::optional<std::int64_t> rule_id = std::nullopt) = 0;
  virtual Result<Conversation> conversation(Id id) = 0;
  // The visitor's newest conversation that is not closed, if any.
  virtual Result<std::optional<Conversation>> open_conversation_of(Id visitor_id) = 0;
  // The visitor's conversations, newest first, at most `limit`.
  virtual Result<std::vector<Conversation>> conversations_of_visitor(Id visitor_id, std::size_t limit) = 0;
  // Adds buying signals not yet recorded; returns the conversation and whether any was new.
  virtual Result<std::pair<Conversation, bool>> add_signals(Id conv_id, const std::vector<std::string>& signals) = 0;
  // Conversations not closed in any of these tenants, oldest first.
  virtual Result<std::vector<Conversation>> open_conversations(const std::vector<Id>& tenant_ids) = 0;
  // Conversations of these tenants closed at or after `since`, newest first, strictly before
  // the cursor (closed_at, id) when one is given, at most `limit`.
  struct ClosedCursor {
    Millis closed_at = 0;
    Id id = 0;
  };
  virtual Result<std::vector<Conversation>> closed_conversations(const std::vector<Id>& tenant_ids, Millis since,
                                                                 std::optional<ClosedCursor> before,
                                                                 std::size_t limit) = 0;
  // Assigns to the agent (status active). conflict if closed or assigned to another agent.
  virtual Result<Conversation> assign(Id conv_id, Id agent_id, Millis now) = 0;
  // Moves an active conversation from one agent to another. conflict if it is not active or
  // not assigned to `from`.
  virtual Result<Conversation> transfer(Id conv_id, Id from, Id to, Millis now) = 0;
  // Hands an active conversation from its agent to a team: status waiting, no assignee, routed
  // among the team. conflict if it is not active with `from`; bad_request for another tenant's team.
  virtual Result<Conversation> transfer_to_team(Id conv_id, Id from, Id team_id, Millis now) = 0;
  // Takes the conversation back from `agent_id` (status waiting, no assignee) so routing can
  // offer it to someone else. conflict if it is closed or not assigned to that agent.
  virtual Result<Conversation> release_assignment(Id conv_id, Id agent_id) = 0;
  // conflict if already closed.
  virtual Result<Conversation> close(Id conv_id, Millis now) = 0;
  // Records who to answer by email (already validated). conflict if closed.
  virtual Result<Conversation> set_contact(Id conv_id, std::string_view name, std::string_view email) = 0;
  // When the answer to the customer's waiting message is due (nullopt: none is waiting), and
  // an answer counted as on time or late (0 or 1 each).
  virtual Result<Conversation> set_due(Id conv_id, std::optional<Millis> due, int on_time, int late) = 0;
  // Per inbox origin (email, offline, api), of the tenant's conversations created in
  // [from, to): answers on time and late, open ones overdue at `now` and still within target,
  // and closed ones whose last message was never answered.
  virtual Result<std::vector<TargetCount>> target_counts(Id tenant_id, Millis from, Millis to, Millis now) = 0;
  // When the tenant's first conversation began (nullopt: none yet): the staffing planner's
  // averages cover the time since, not weeks before the tenant had any chat.
  virtual Result<std::optional<Millis>> first_conversation_at(Id tenant_id) = 0;

  // What the agent says came of it (validated by the caller; tags must be the tenant's,
  // add_tags first). Allowed in any status: an outcome is often set after the close.
  virtual Result<Conversation> set_outcome(Id conv_id, std::string_view outcome, std::string_view channel,
                                           const std::vector<std::string>& tags) = 0;
  // The tenant's tag list, by name (case-insensitive), at most `limit`.
  virtual Result<std::vector<std::string>> tenant_tags(Id tenant_id, std::size_t limit) = 0;
  // Adds the tags the tenant does not have yet (compared case-insensitively) and returns the
  // names as stored (the first spelling wins); too_large beyond limits::kMaxTagsPerTenant.
  // `created` gets the ones that were new.
  virtual Result<std::vector<std::string>> add_tags(Id tenant_id, const std::vector<std::string>& tags, Millis now,
                                                    std::vector<std::string>& created) = 0;
  // The satisfaction survey: shown (first time only; true if this was the first), answered
  // (a closed conversation only; the answer may be replaced until limits::kCsatReviseMs after
  // the first one, conflict later).
  virtual Result<bool> csat_shown(Id conv_id, Millis now) = 0;
  // The visitor left at `at`, or (nullopt) is back: the conversation as it is now.
  virtual Result<Conversation> set_visitor_left(Id conv_id, std::optional<Millis> at) = 0;
  virtual Result<Conversation> answer_csat(Id conv_id, int score, std::string_view comment, Millis now) = 0;

  // Appends with the next seq. If m.cid is non-empty and already stored in that conversation,
  // returns the stored message with duplicate=true and changes nothing. conflict if the
  // conversation is closed, not_found if it does not exist, too_large if it already holds
  // limits::kMaxMessagesPerConversation messages.
  virtual Result<Appended> append_message(const Message& m) = 0;
  // Messages with seq > after, ascending, at most `limit`.
  virtual Result<std::vector<Message>> messages_after(Id conv_id, std::int64_t after, std::size_t limit) = 0;
  // The newest `limit` messages with after < seq < before, ascending; internal notes only
  // with `with_notes`. History pages are read with this (limit + 1 tells whether more exist).
  virtual Result<std::vector<Message>> messages_page(Id conv_id, std::int64_t after, std::int64_t before,
                                                     std::size_t limit, bool with_notes) = 0;
};

// Files sent with messages (docs/attachments.md): who may see each; the bytes are on disk by
// content hash (chat/attachments/files.h).
class AttachmentRepo {
 public:
  virtual ~AttachmentRepo() = default;
  virtual Result<Attachment> add_attachment(const Attachment& a) = 0;  // a.id ignored
  virtual Result<Attachment> attachment(Id id) = 0;                    // not_found
  // Whether the file is an email's HTML body in the conversation (a message's file marked
  // `body`): the one kind of HTML the console shows as a page, never a visitor's upload.
  virtual Result<bool> is_email_body(Id conv_id, Id file_id) = 0;
  // Deletes these rows (a message that turned out to be stored already); their files are
  // swept later unless referred to again.
  virtual Status remove_attachments(const std::vector<Id>& ids, Millis now) = 0;
  // Bytes kept that may no longer be needed (a message that was not stored after all): swept
  // later unless a row refers to them by then.
  virtual Status sweep_later(const FileKey& file, Millis now) = 0;
  // The files marked before `before` (so in a batch already committed) that no row refers to,
  // at most `limit`; their marks are taken away (the bytes are the caller's to remove).
  virtual Result<std::vector<FileKey>> files_to_sweep(Millis before, std::size_t limit) = 0;
  // The conversation's files, oldest first, at most `limit` (an export).
  virtual Result<std::vector<Attachment>> conversation_attachments(Id conv_id, std::size_t limit) = 0;
  // Whether any row of the tenant refers to this content.
  virtual Result<bool> file_referenced(Id tenant_id, std::string_view sha256) = 0;
};

// Email copies of agent replies waiting for, or after, delivery.
class OutboxRepo {
 public:
  virtual ~OutboxRepo() = default;

  // The email outbox. enqueue_mail assigns id (status queued, attempts 0; m.error may say why
  // it cannot go yet, e.g. no relay configured); due_mail lists
  // queued mail with next_at <= now, oldest first; record_mail_attempt counts an attempt:
  // sent, or failed with `error` and either a retry time (stays queued) or none (failed).
  virtual Result<OutMail> enqueue_mail(const OutMail& m) = 0;
  virtual Result<std::vector<OutMail>> due_mail(Millis now, std::size_t limit) = 0;
  virtual Result<OutMail> record_mail_attempt(Id id, bool sent, std::string_view error, std::optional<Millis> retry_at,
                                              Millis now) = 0;
  // Agent replies since `since` in conversations with a contact email that have no outbox row
  // (their email was never queued: the server stopped between the reply and its email), as
  // (conversation, seq), oldest first, at most `limit`.
  virtual Result<std::vector<std::pair<Id, std::int64_t>>> replies_without_mail(Millis since, std::size_t limit) = 0;
  // The conversation's mail for replies with from_seq <= seq <= to_seq, by seq.
  virtual Result<std::vector<OutMail>> mail_of_conversation(Id conv_id, std::int64_t from_seq, std::int64_t to_seq) = 0;
};

// Proactive invitations shown to visitors.
class InvitationRepo {
 public:
  virtual ~InvitationRepo() = default;

  // Invitations. record assigns id. dismiss marks the visitor's latest undecided invitation of
  // the rule; accept links it to the conversation it started (not_found if there is none).
  // history: the visitor's invitations shown since `since`, oldest first.
  virtual Result<Invitation> record_invitation(const Invitation& inv) = 0;
  virtual Result<Invitation> dismiss_invitation(Id visitor_id, std::int64_t rule_id, Millis now) = 0;
  virtual Result<Invitation> accept_invitation(Id visitor_id, std::int64_t rule_id, Id conv_id) = 0;
  virtual Result<std::vector<Invitation>> invitations_of(Id visitor_id, Millis since) = 0;
};

// Orders and leads the shops report.
class ConversionRepo {
 public:
  virtual ~ConversionRepo() = default;

  // Stores a conversion (c.id, conv_id and agent_id are ignored) and credits it, last touch,
  // to the visitor's newest answered conversation (one with an agent line) of the tenant that
  // was created before c.at and whose last line or close is at most the tenant's attribution
  // window before c.at. The same (tenant, kind, ref) again changes nothing: the stored one
  // comes back with duplicate = true.
  virtual Result<Recorded> record_conversion(const Conversion& c) = 0;
  // The conversions credited to a conversation, oldest first.
  virtual Result<std::vector<Conversion>> conversions_of(Id conv_id) = 0;
  // The visitor's conversions (orders and leads the shop tied to them), newest first, at most
  // `limit` (a person's data export).
  virtual Result<std::vector<Conversion>> conversions_of_visitor(Id visitor_id, std::size_t limit) = 0;
};

// The append-only event log that analytics read.
class EventRepo {
 public:
  virtual ~EventRepo() = default;

  // The append-only event log that analytics read.
  virtual Status append_event(const Event& e) = 0;
  virtual Result<std::vector<Event>> events_of_conversation(Id conv_id) = 0;
  // The conversations a report covers, oldest first, with their lines and metric events; at
  // most q.limit + 1 (one more than the limit tells the caller the range is too large).
  virtual Result<std::vector<ReportConversation>> report_conversations(const ReportQuery& q) = 0;
  // A tenant's events of one kind with at in [from, to), oldest first, at most `limit`.
  virtual Result<std::vector<Event>> tenant_events(Id tenant_id, std::string_view kind, Millis from, Millis to,
                                                   std::size_t limit) = 0;
  // The hours of a tenant that writes touched after `after_mark`, by mark, at most `limit`.
  virtual Result<std::vector<ReportChange>> report_changes(Id tenant_id, std::int64_t after_mark,
                                                           std::size_t limit) = 0;
  // Everything one [from, to) of a tenant's days rolls up from; `window_ms` the attribution
  // window (how far after the day the invited visits' orders are read).
  virtual Result<ReportDayFacts> report_day_facts(Id tenant_id, Millis from, Millis to, Millis window_ms) = 0;
};

// The agent's desk: canned answers (chat/desk/canned.h checks them before they get here).
class DeskRepo {
 public:
  virtual ~DeskRepo() = default;

  // The tenant's canned answers and the workspace-wide ones (tenant 0: the workspace-wide
  // ones only), by id after `after_id`, at most `limit`.
  virtual Result<std::vector<CannedAnswer>> canned_answers(Id tenant_id, Id after_id, std::size_t limit) = 0;
  virtual Result<CannedAnswer> canned_answer(Id id) = 0;
  // How many answers the tenant (nullopt: the workspace) has.
  virtual Result<std::int64_t> count_canned_answers(std::optional<Id> tenant_id) = 0;
  // Creates (a.id == 0) or replaces one; a shortcut the same tenant (or the workspace) already
  // uses is a conflict naming it.
  virtual Result<CannedAnswer> save_canned_answer(const CannedAnswer& a) = 0;
  virtual Status delete_canned_answer(Id id) = 0;
  // Transcript search over the full-text index of visitor, agent and note lines.
  virtual Result<SearchPage> search_messages(const SearchQuery& q) = 0;
  // Adds up to `limit` lines written since the last call to the search index, oldest first;
  // how many it added (fewer than `limit`: the index has caught up).
  virtual Result<std::size_t> index_search(std::size_t limit) = 0;

  // Quality review. Closes and outcome changes (events) after the flagger's mark, oldest first.
  virtual Result<std::vector<Event>> quality_events(std::size_t limit) = 0;
  // Stores a conversation's flags (replacing earlier ones) and moves the mark to `mark`.
  virtual Status save_quality_flags(const std::vector<QualityFlags>& flags, Id mark) = 0;
  virtual Result<std::optional<QualityFlags>> quality_flags(Id conv_id) = 0;
  // Flagged, unscored conversations of `tenants`, newest close first, below the cursor
  // (closed_at, conv id; 0: from the newest); `flag` narrows to one flag name.
  virtual Result<std::vector<ReviewItem>> review_queue(const std::vector<Id>& tenants, std::string_view flag,
                                                       Millis before_at, Id before_id, std::size_t limit) = 0;
  // How many such conversations there are, counted up to `cap` (a backlog of thousands reads as
  // "at least cap": the count stays bounded).
  virtual Result<std::size_t> review_queue_size(const std::vector<Id>& tenants, std::string_view flag,
                                                std::size_t cap) = 0;
  // Creates or replaces the review of a conversation.
  virtual Status save_review(const Review& r) = 0;
  virtual Result<std::optional<Review>> review(Id conv_id) = 0;
  // A tenant's reviews (of one agent, if given), newest first, below the cursor.
  virtual Result<std::vector<Review>> reviews(Id tenant_id, std::optional<Id> agent_id, Millis before_at, Id before_id,
                                              std::size_t limit) = 0;
  // Weekly averages of one agent's scores in a tenant, weeks starting at `from` + k·7 days.
  virtual Result<std::vector<ReviewWeek>> review_weeks(Id tenant_id, Id agent_id, Millis from, Millis to) = 0;

  // Suggested replies: the visitor lines among the newest `scan` lines of the tenant that match
  // `match` (an FTS5 expression), outside `except_conv`, newest first; and the agent line that
  // followed a line (none: nullopt).
  virtual Result<std::vector<PastLine>> similar_questions(Id tenant_id, std::string_view match, Id except_conv,
                                                          std::size_t scan) = 0;
  virtual Result<std::optional<std::string>> reply_after(Id conv_id, std::int64_t seq) = 0;
  virtual Status count_suggestions(Id tenant_id, Millis day, std::int64_t offered, std::int64_t used) = 0;
  // Whether suggestions for the visitor line `seq` of the conversation are offered (or, `used`,
  // taken) for the first time; remembers that they were.
  virtual Result<bool> first_suggestion(Id conv_id, std::int64_t seq, bool used) = 0;
  virtual Result<SuggestionStats> suggestion_stats(Id tenant_id, Millis from, Millis to) = 0;
};

}  // namespace tiski
