// The store written once in SQL for every engine (DESIGN in sql_store.cc): the repositories of
// store/repositories.h as statements run through an sql::Engine — SQLite for one node
// (store/sqlite/sqlite_engine.h), PostgreSQL for several (store/pg/pg_engine.h). One file per
// repository (sql_directory.cc, sql_visitors.cc, sql_conversations.cc, ...).
// Not thread-safe (see store.h).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "store/sql/engine.h"
#include "store/store.h"

namespace tiski {

class SqlStore final : public Database {
 public:
  explicit SqlStore(std::unique_ptr<sql::Engine> engine) : engine_(std::move(engine)) {}
  sql::Dialect dialect() const { return engine_->dialect(); }
  // The engine underneath (its own commands: backups, checkpoints).
  sql::Engine& engine() { return *engine_; }

  Status begin() override;
  Status commit() override;
  Status rollback() override;
  Status savepoint() override;
  Status release() override;
  Status rollback_to() override;

  Result<std::optional<std::string>> setting(std::string_view key) override;
  Status set_setting(std::string_view key, std::string_view value) override;
  Result<Tenant> create_tenant(std::string_view slug, std::string_view name, Millis now) override;
  Result<Tenant> tenant_by_slug(std::string_view slug) override;
  Result<std::vector<Tenant>> tenants() override;
  Status set_tenant_hours(Id tenant_id, std::string_view hours) override;
  Status set_tenant_default_max_chats(Id tenant_id, int max_chats) override;
  Status set_tenant_name(Id tenant_id, std::string_view name) override;
  Status set_tenant_lifecycle(Id tenant_id, int missed_after_seconds, int idle_close_seconds) override;
  Result<Tenant> tenant_by_id(Id tenant_id) override;
  Status set_tenant_analytics(Id tenant_id, bool outcome_required, int attribution_days) override;
  Status set_tenant_targets(Id tenant_id, std::string_view targets) override;
  Status set_tenant_attachments(Id tenant_id, std::string_view policy) override;
  Status set_tenant_cards(Id tenant_id, std::string_view cards) override;
  Status set_tenant_desk(Id tenant_id, std::string_view color, std::string_view policy) override;
  Result<Site> create_site(const Site& site) override;
  Result<Site> site_by_key(std::string_view key) override;
  Result<Site> site_by_id(Id id) override;
  Result<std::vector<Site>> sites() override;
  Result<std::vector<Site>> sites_of(Id tenant_id) override;
  Status set_site_rules(Id site_id, std::string_view rules) override;
  Status update_site(const Site& site) override;
  Status set_site_holdout(Id site_id, int percent) override;
  Result<Agent> create_agent(std::string_view email, std::string_view name, std::string_view password_hash,
                             Millis now) override;
  Result<Agent> agent_by_email(std::string_view email) override;
  Result<Agent> agent_by_id(Id id) override;
  Result<std::vector<Agent>> agents() override;
  Status update_agent(Id agent_id, std::string_view email, std::string_view name,
                      std::string_view password_hash) override;
  Status set_max_chats(Id agent_id, int max_chats) override;
  Status set_owner(Id agent_id, bool owner) override;
  Status set_deactivated(Id agent_id, Millis at) override;
  Status set_membership(Id agent_id, Id tenant_id, Role role) override;
  Result<std::vector<Membership>> memberships_of(Id agent_id) override;
  Result<std::vector<Member>> members_of(Id tenant_id) override;
  Status remove_membership(Id agent_id, Id tenant_id) override;
  Result<Team> create_team(Id tenant_id, std::string_view name) override;
  Status add_team_member(Id team_id, Id agent_id) override;
  Status remove_team_member(Id team_id, Id agent_id) override;
  Result<std::vector<Team>> teams_of_tenants(const std::vector<Id>& tenant_ids) override;
  Result<std::vector<Id>> team_ids_of(Id agent_id) override;
  Status set_site_team(Id site_id, std::optional<Id> team_id) override;
  Result<Conversation> transfer_to_team(Id conv_id, Id from, Id team_id, Millis now) override;
  Status create_session(const Session& s) override;
  Result<Session> session_by_hash(std::string_view token_hash, Millis now) override;
  Result<std::vector<Session>> sessions_of(Id agent_id, Millis now) override;
  Status delete_sessions_of(Id agent_id, std::string_view except_hash) override;
  Result<Totp> totp_of(Id agent_id) override;
  Status save_totp(Id agent_id, const Totp& t) override;
  Status set_require_totp(Id tenant_id, bool required) override;
  Status add_password_token(const PasswordToken& t) override;
  Result<PasswordToken> use_password_token(std::string_view token_hash, Millis now) override;
  Result<PasswordToken> password_token(std::string_view token_hash, Millis now) override;
  Result<int> recent_password_tokens(Id agent_id, Millis since) override;
  Status add_audit(const AuditEntry& e) override;
  Result<Block> add_block(const Block& b) override;
  Result<Block> lift_block(Id tenant_id, Id block_id, Id by, Millis now) override;
  Result<std::vector<Block>> active_blocks(Id tenant_id, Millis now, std::size_t limit) override;
  Result<std::vector<AuditEntry>> audit(const AuditQuery& q) override;
  Result<std::vector<Id>> subject_visitors(Id tenant_id, std::int64_t visitor_number, std::string_view email) override;
  Result<Erased> erase_visitors(Id tenant_id, const std::vector<Id>& visitor_ids, Millis now) override;
  Result<Erased> erase_closed_before(Id tenant_id, Millis before, std::size_t limit, bool page_views,
                                     Millis now) override;
  Result<std::vector<PageView>> page_views_of(Id visitor_id, std::size_t limit) override;
  Status purge_erased() override;
  Status set_retention_days(Id tenant_id, int days) override;
  Result<ApiToken> add_api_token(const ApiToken& t, std::string_view hash) override;
  Result<std::vector<ApiToken>> api_tokens(Id tenant_id) override;
  Result<ApiToken> api_token_by_hash(std::string_view hash) override;
  Result<ApiToken> revoke_api_token(Id tenant_id, Id token_id, Millis now) override;
  Status touch_api_token(Id token_id, Millis now) override;
  Result<bool> any_webhooks() override;
  Status pause_if_failing(const WebhookDelivery& d, std::string_view error, Millis now);
  Result<Webhook> add_webhook(const Webhook& w) override;
  Result<std::vector<Webhook>> webhooks(Id tenant_id) override;
  Result<Webhook> update_webhook(const Webhook& w) override;
  Status delete_webhook(Id tenant_id, Id webhook_id) override;
  Result<Id> conversation_tenant(Id conv_id) override;
  Result<int> queue_webhook_event(Id tenant_id, Id conv_id, std::string_view type, std::string_view event_id,
                                  std::string_view body, Millis now) override;
  Result<std::vector<WebhookDelivery>> due_deliveries(Millis now, std::size_t limit) override;
  Result<WebhookDelivery> record_delivery_attempt(Id id, bool delivered, int code, std::string_view error,
                                                  std::optional<Millis> retry_at, Millis now) override;
  Result<std::vector<WebhookDelivery>> deliveries(Id tenant_id, Id webhook_id, Id before, std::size_t limit) override;
  Result<Mailbox> add_mailbox(const Mailbox& m) override;
  Result<std::vector<Mailbox>> mailboxes(Id tenant_id) override;
  Result<Mailbox> update_mailbox(const Mailbox& m) override;
  Status delete_mailbox(Id tenant_id, Id mailbox_id) override;
  Result<std::vector<Mailbox>> active_mailboxes(std::size_t limit) override;
  Result<bool> save_mailbox_position(const Mailbox& m, std::int64_t taken) override;
  Result<WebhookDelivery> redeliver(Id tenant_id, Id webhook_id, Id delivery_id, Millis now) override;
  Result<std::int64_t> prune_deliveries(Millis before, std::size_t limit) override;
  Result<std::int64_t> prune_revoked_tokens(Millis before, std::size_t limit) override;
  Status delete_session(std::string_view token_hash) override;
  Result<Visitor> create_visitor(Id site_id, std::string_view lang, Millis now) override;
  Result<Visitor> visitor_by_id(Id id) override;
  Result<std::optional<Visitor>> verified_visitor(Id site_id, std::string_view external_id) override;
  Status set_visitor_identity(Id id, const VisitorIdentity& who) override;

  // ContactRepo (sql_contacts.cc)
  Result<Contact> create_contact(Id tenant_id, std::string_view name, Millis now) override;
  Result<Contact> contact(Id tenant_id, Id contact_id) override;
  Result<std::vector<Id>> contacts_with_keys(Id tenant_id, const std::vector<ContactKey>& keys) override;
  Result<std::vector<ContactKey>> add_contact_keys(Id tenant_id, Id contact_id,
                                                   const std::vector<ContactKey>& keys) override;
  Status set_contact_name(Id tenant_id, Id contact_id, std::string_view name) override;
  Status set_visitor_contact(Id tenant_id, Id visitor_id, Id contact_id) override;
  Result<std::vector<Conversation>> contact_conversations(Id tenant_id, Id contact_id, Id before,
                                                          std::size_t limit) override;
  Result<std::vector<Visitor>> contact_visitors(Id tenant_id, Id contact_id, std::size_t limit) override;
  Result<std::vector<Contact>> find_contacts(Id tenant_id, std::string_view query, Id before,
                                             std::size_t limit) override;
  Result<Contact> merge_contacts(Id tenant_id, Id into, Id from) override;
  Result<Contact> split_contact(Id tenant_id, Id from, const std::vector<Id>& visitor_ids,
                                const std::vector<ContactKey>& keys, Millis now) override;
  Status update_visitor_page(Id id, std::string_view url, std::string_view title, Millis now) override;
  Status set_visitor_cart(Id id, const std::optional<Cart>& cart) override;
  Status record_page_view(const PageView& v) override;
  Result<std::vector<PageView>> page_path(Id visitor_id, std::size_t limit) override;
  Result<std::vector<Conversation>> conversations_of_visitor(Id visitor_id, std::size_t limit) override;
  Result<std::pair<Conversation, bool>> add_signals(Id conv_id, const std::vector<std::string>& signals) override;
  Result<Conversation> create_conversation(Id visitor_id, std::string_view origin, Millis now,
                                           std::optional<std::int64_t> rule_id = std::nullopt) override;
  Result<Conversation> conversation(Id id) override;
  Result<std::optional<Conversation>> open_conversation_of(Id visitor_id) override;
  Result<std::vector<Conversation>> open_conversations(const std::vector<Id>& tenant_ids) override;
  Result<std::vector<Conversation>> closed_conversations(const std::vector<Id>& tenant_ids, Millis since,
                                                         std::optional<ClosedCursor> before,
                                                         std::size_t limit) override;
  Result<Conversation> assign(Id conv_id, Id agent_id, Millis now) override;
  Result<Conversation> transfer(Id conv_id, Id from, Id to, Millis now) override;
  Result<Conversation> release_assignment(Id conv_id, Id agent_id) override;
  Result<Conversation> close(Id conv_id, Millis now) override;
  Result<Conversation> set_contact(Id conv_id, std::string_view name, std::string_view email) override;
  Result<Conversation> set_due(Id conv_id, std::optional<Millis> due, int on_time, int late) override;
  Result<std::vector<TargetCount>> target_counts(Id tenant_id, Millis from, Millis to, Millis now) override;
  Result<std::optional<Millis>> first_conversation_at(Id tenant_id) override;
  Result<Conversation> set_outcome(Id conv_id, std::string_view outcome, std::string_view channel,
                                   const std::vector<std::string>& tags) override;
  Result<std::vector<std::string>> tenant_tags(Id tenant_id, std::size_t limit) override;
  Result<std::vector<std::string>> add_tags(Id tenant_id, const std::vector<std::string>& tags, Millis now,
                                            std::vector<std::string>& created) override;
  Result<bool> csat_shown(Id conv_id, Millis now) override;
  Result<Conversation> answer_csat(Id conv_id, int score, std::string_view comment, Millis now) override;
  Result<Conversation> set_visitor_left(Id conv_id, std::optional<Millis> at) override;
  Result<Recorded> record_conversion(const Conversion& c) override;
  Result<std::vector<Conversion>> conversions_of(Id conv_id) override;
  Result<std::vector<Conversion>> conversions_of_visitor(Id visitor_id, std::size_t limit) override;
  Result<Appended> append_message(const Message& m) override;
  Result<Attachment> add_attachment(const Attachment& a) override;
  Result<Attachment> attachment(Id id) override;
  Result<bool> is_email_body(Id conv_id, Id file_id) override;
  Status remove_attachments(const std::vector<Id>& ids, Millis now) override;
  Status sweep_later(const FileKey& file, Millis now) override;
  Result<std::vector<FileKey>> files_to_sweep(Millis before, std::size_t limit) override;
  Result<std::vector<Attachment>> conversation_attachments(Id conv_id, std::size_t limit) override;
  Result<bool> file_referenced(Id tenant_id, std::string_view sha256) override;
  Result<std::vector<Message>> messages_after(Id conv_id, std::int64_t after, std::size_t limit) override;
  Result<std::vector<Message>> messages_page(Id conv_id, std::int64_t after, std::int64_t before, std::size_t limit,
                                             bool with_notes) override;
  Result<OutMail> enqueue_mail(const OutMail& m) override;
  Result<std::vector<OutMail>> due_mail(Millis now, std::size_t limit) override;
  Result<OutMail> record_mail_attempt(Id id, bool sent, std::string_view error, std::optional<Millis> retry_at,
                                      Millis now) override;
  Result<std::vector<OutMail>> mail_of_conversation(Id conv_id, std::int64_t from_seq, std::int64_t to_seq) override;
  Result<std::vector<std::pair<Id, std::int64_t>>> replies_without_mail(Millis since, std::size_t limit) override;
  Result<Invitation> record_invitation(const Invitation& inv) override;
  Result<Invitation> dismiss_invitation(Id visitor_id, std::int64_t rule_id, Millis now) override;
  Result<Invitation> accept_invitation(Id visitor_id, std::int64_t rule_id, Id conv_id) override;
  Result<std::vector<Invitation>> invitations_of(Id visitor_id, Millis since) override;
  Status append_event(const Event& e) override;
  Result<std::vector<Event>> events_of_conversation(Id conv_id) override;
  Result<std::vector<ReportConversation>> report_conversations(const ReportQuery& q) override;
  Result<std::vector<ReportChange>> report_changes(Id tenant_id, std::int64_t after_mark, std::size_t limit) override;
  Result<ReportDayFacts> report_day_facts(Id tenant_id, Millis from, Millis to, Millis window_ms) override;
  Result<std::vector<Event>> tenant_events(Id tenant_id, std::string_view kind, Millis from, Millis to,
                                           std::size_t limit) override;
  Result<std::vector<CannedAnswer>> canned_answers(Id tenant_id, Id after_id, std::size_t limit) override;
  Result<CannedAnswer> canned_answer(Id id) override;
  Result<std::int64_t> count_canned_answers(std::optional<Id> tenant_id) override;
  Result<CannedAnswer> save_canned_answer(const CannedAnswer& a) override;
  Status delete_canned_answer(Id id) override;
  Result<SearchPage> search_messages(const SearchQuery& q) override;
  Result<std::size_t> index_search(std::size_t limit) override;
  Result<std::vector<Event>> quality_events(std::size_t limit) override;
  Status save_quality_flags(const std::vector<QualityFlags>& flags, Id mark) override;
  Result<std::optional<QualityFlags>> quality_flags(Id conv_id) override;
  Result<std::vector<ReviewItem>> review_queue(const std::vector<Id>& tenants, std::string_view flag, Millis before_at,
                                               Id before_id, std::size_t limit) override;
  Result<std::size_t> review_queue_size(const std::vector<Id>& tenants, std::string_view flag,
                                        std::size_t cap) override;
  Status save_review(const Review& r) override;
  Result<std::optional<Review>> review(Id conv_id) override;
  Result<std::vector<Review>> reviews(Id tenant_id, std::optional<Id> agent_id, Millis before_at, Id before_id,
                                      std::size_t limit) override;
  Result<std::vector<ReviewWeek>> review_weeks(Id tenant_id, Id agent_id, Millis from, Millis to) override;
  Result<std::vector<PastLine>> similar_questions(Id tenant_id, std::string_view match, Id except_conv,
                                                  std::size_t scan) override;
  Result<std::optional<std::string>> reply_after(Id conv_id, std::int64_t seq) override;
  Status count_suggestions(Id tenant_id, Millis day, std::int64_t offered, std::int64_t used) override;
  Result<bool> first_suggestion(Id conv_id, std::int64_t seq, bool used) override;
  Result<SuggestionStats> suggestion_stats(Id tenant_id, Millis from, Millis to) override;
  Status begin_read() override;
  // Refuses every write on this connection from now on.
  Status make_query_only() { return engine_->make_query_only(); }

 private:
  class Stmt;
  bool pg() const { return engine_->dialect() == sql::Dialect::kPostgres; }
  Status exec(const char* sql) { return engine_->exec(sql); }
  Result<sql::Cursor*> prepare(const char* sql) { return engine_->prepare(sql); }
  std::int64_t changes() const { return engine_->changes(); }
  Error error_here(std::string_view what) const { return engine_->error(what); }
  Result<std::int64_t> first_line_at(Millis at);
  Result<Erased> erase_conversations(const std::string& ids_json, Millis now);  // sql_privacy.cc
  Result<Appended> append_message_pg(const Message& m);                         // sql_conversations.cc
  Result<std::int64_t> next_visitor_number(Id site_id);                         // sql_visitors.cc
  Error why_not_appended(Id conv_id);

  std::unique_ptr<sql::Engine> engine_;
  // Whether any webhook is active (any_webhooks), known until a webhook changes or a rollback.
  std::optional<bool> any_hooks_;
};

}  // namespace tiski
