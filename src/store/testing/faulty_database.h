// A Database that forwards to another and fails on command: tests use it to prove that a
// failed commit acknowledges nothing, publishes nothing and leaks nothing (store_worker_test.cc,
// chat_test.cc). The forwarding below is mechanical: one line per repository method.
#pragma once

#include <atomic>
#include <memory>

#include "store/store.h"

namespace tiski::testing {

class FaultyDatabase final : public Database {
 public:
  explicit FaultyDatabase(std::unique_ptr<Database> inner) : inner_(std::move(inner)) {}

  // The next `n` commits fail (the batch is rolled back, as after a full disk).
  void fail_commits(int n) { failing_commits_ = n; }
  int commits_failed() const { return commits_failed_; }

  Status begin() override { return inner_->begin(); }
  Status commit() override {
    if (failing_commits_ > 0) {
      --failing_commits_;
      ++commits_failed_;
      return Error::internal("injected: the commit failed (disk full)");
    }
    return inner_->commit();
  }
  Status rollback() override { return inner_->rollback(); }
  Status savepoint() override { return inner_->savepoint(); }
  Status release() override { return inner_->release(); }
  Status rollback_to() override { return inner_->rollback_to(); }
  Result<std::optional<std::string>> setting(std::string_view key) override { return inner_->setting(key); }
  Status set_setting(std::string_view key, std::string_view value) override { return inner_->set_setting(key, value); }
  Result<Tenant> create_tenant(std::string_view slug, std::string_view name, Millis now) override {
    return inner_->create_tenant(slug, name, now);
  }
  Result<Tenant> tenant_by_slug(std::string_view slug) override { return inner_->tenant_by_slug(slug); }
  Result<std::vector<Tenant>> tenants() override { return inner_->tenants(); }
  Status set_tenant_hours(Id tenant_id, std::string_view hours) override {
    return inner_->set_tenant_hours(tenant_id, hours);
  }
  Status set_tenant_default_max_chats(Id tenant_id, int max_chats) override {
    return inner_->set_tenant_default_max_chats(tenant_id, max_chats);
  }
  Status set_tenant_name(Id tenant_id, std::string_view name) override {
    return inner_->set_tenant_name(tenant_id, name);
  }
  Status set_tenant_lifecycle(Id tenant_id, int missed_after_seconds, int idle_close_seconds) override {
    return inner_->set_tenant_lifecycle(tenant_id, missed_after_seconds, idle_close_seconds);
  }
  Result<Site> create_site(const Site& site) override { return inner_->create_site(site); }
  Result<Site> site_by_key(std::string_view key) override { return inner_->site_by_key(key); }
  Result<Site> site_by_id(Id id) override { return inner_->site_by_id(id); }
  Result<std::vector<Site>> sites() override { return inner_->sites(); }
  Result<std::vector<Site>> sites_of(Id tenant_id) override { return inner_->sites_of(tenant_id); }
  Status set_site_rules(Id site_id, std::string_view rules) override { return inner_->set_site_rules(site_id, rules); }
  Status update_site(const Site& site) override { return inner_->update_site(site); }
  Status set_site_holdout(Id site_id, int percent) override { return inner_->set_site_holdout(site_id, percent); }
  Result<Tenant> tenant_by_id(Id tenant_id) override { return inner_->tenant_by_id(tenant_id); }
  Status set_tenant_cards(Id tenant_id, std::string_view cards) override {
    return inner_->set_tenant_cards(tenant_id, cards);
  }
  Status set_tenant_attachments(Id tenant_id, std::string_view policy) override {
    return inner_->set_tenant_attachments(tenant_id, policy);
  }
  Status set_tenant_targets(Id tenant_id, std::string_view targets) override {
    return inner_->set_tenant_targets(tenant_id, targets);
  }
  Status set_tenant_analytics(Id tenant_id, bool outcome_required, int attribution_days) override {
    return inner_->set_tenant_analytics(tenant_id, outcome_required, attribution_days);
  }
  Status set_tenant_desk(Id tenant_id, std::string_view color, std::string_view policy) override {
    return inner_->set_tenant_desk(tenant_id, color, policy);
  }
  Result<Agent> create_agent(std::string_view email, std::string_view name, std::string_view password_hash,
                             Millis now) override {
    return inner_->create_agent(email, name, password_hash, now);
  }
  Result<Agent> agent_by_email(std::string_view email) override { return inner_->agent_by_email(email); }
  Result<Agent> agent_by_id(Id id) override { return inner_->agent_by_id(id); }
  Result<std::vector<Agent>> agents() override { return inner_->agents(); }
  Status update_agent(Id agent_id, std::string_view email, std::string_view name,
                      std::string_view password_hash) override {
    return inner_->update_agent(agent_id, email, name, password_hash);
  }
  Status set_max_chats(Id agent_id, int max_chats) override { return inner_->set_max_chats(agent_id, max_chats); }
  Status set_owner(Id agent_id, bool owner) override { return inner_->set_owner(agent_id, owner); }
  Status set_deactivated(Id agent_id, Millis at) override { return inner_->set_deactivated(agent_id, at); }
  Status set_membership(Id agent_id, Id tenant_id, Role role) override {
    return inner_->set_membership(agent_id, tenant_id, role);
  }
  Result<std::vector<Membership>> memberships_of(Id agent_id) override { return inner_->memberships_of(agent_id); }
  Result<std::vector<Member>> members_of(Id tenant_id) override { return inner_->members_of(tenant_id); }
  Status remove_membership(Id agent_id, Id tenant_id) override {
    return inner_->remove_membership(agent_id, tenant_id);
  }
  Result<Team> create_team(Id tenant_id, std::string_view name) override {
    return inner_->create_team(tenant_id, name);
  }
  Status add_team_member(Id team_id, Id agent_id) override { return inner_->add_team_member(team_id, agent_id); }
  Status remove_team_member(Id team_id, Id agent_id) override { return inner_->remove_team_member(team_id, agent_id); }
  Result<std::vector<Team>> teams_of_tenants(const std::vector<Id>& tenant_ids) override {
    return inner_->teams_of_tenants(tenant_ids);
  }
  Result<std::vector<Id>> team_ids_of(Id agent_id) override { return inner_->team_ids_of(agent_id); }
  Status set_site_team(Id site_id, std::optional<Id> team_id) override {
    return inner_->set_site_team(site_id, team_id);
  }
  Status create_session(const Session& s) override { return inner_->create_session(s); }
  Result<Session> session_by_hash(std::string_view token_hash, Millis now) override {
    return inner_->session_by_hash(token_hash, now);
  }
  Status delete_session(std::string_view token_hash) override { return inner_->delete_session(token_hash); }
  Result<std::vector<Session>> sessions_of(Id agent_id, Millis now) override {
    return inner_->sessions_of(agent_id, now);
  }
  Status delete_sessions_of(Id agent_id, std::string_view except_hash) override {
    return inner_->delete_sessions_of(agent_id, except_hash);
  }
  Status add_password_token(const PasswordToken& t) override { return inner_->add_password_token(t); }
  Result<PasswordToken> use_password_token(std::string_view token_hash, Millis now) override {
    return inner_->use_password_token(token_hash, now);
  }
  Result<PasswordToken> password_token(std::string_view token_hash, Millis now) override {
    return inner_->password_token(token_hash, now);
  }
  Result<int> recent_password_tokens(Id agent_id, Millis since) override {
    return inner_->recent_password_tokens(agent_id, since);
  }
  Status add_audit(const AuditEntry& e) override { return inner_->add_audit(e); }
  Result<Block> add_block(const Block& b) override { return inner_->add_block(b); }
  Result<Block> lift_block(Id tenant_id, Id block_id, Id by, Millis now) override {
    return inner_->lift_block(tenant_id, block_id, by, now);
  }
  Result<std::vector<Block>> active_blocks(Id tenant_id, Millis now, std::size_t limit) override {
    return inner_->active_blocks(tenant_id, now, limit);
  }
  Result<std::vector<AuditEntry>> audit(const AuditQuery& q) override { return inner_->audit(q); }
  Result<std::vector<Id>> subject_visitors(Id tenant_id, std::int64_t visitor_number, std::string_view email) override {
    return inner_->subject_visitors(tenant_id, visitor_number, email);
  }
  Result<Erased> erase_visitors(Id tenant_id, const std::vector<Id>& visitor_ids, Millis now) override {
    return inner_->erase_visitors(tenant_id, visitor_ids, now);
  }
  Result<Erased> erase_closed_before(Id tenant_id, Millis before, std::size_t limit, bool page_views,
                                     Millis now) override {
    return inner_->erase_closed_before(tenant_id, before, limit, page_views, now);
  }
  Result<std::vector<PageView>> page_views_of(Id visitor_id, std::size_t limit) override {
    return inner_->page_views_of(visitor_id, limit);
  }
  Status purge_erased() override { return inner_->purge_erased(); }
  Status set_retention_days(Id tenant_id, int days) override { return inner_->set_retention_days(tenant_id, days); }
  Result<Totp> totp_of(Id agent_id) override { return inner_->totp_of(agent_id); }
  Status save_totp(Id agent_id, const Totp& t) override { return inner_->save_totp(agent_id, t); }
  Status set_require_totp(Id tenant_id, bool required) override {
    return inner_->set_require_totp(tenant_id, required);
  }
  Result<ApiToken> add_api_token(const ApiToken& t, std::string_view hash) override {
    return inner_->add_api_token(t, hash);
  }
  Result<std::vector<ApiToken>> api_tokens(Id tenant_id) override { return inner_->api_tokens(tenant_id); }
  Result<ApiToken> api_token_by_hash(std::string_view hash) override { return inner_->api_token_by_hash(hash); }
  Result<ApiToken> revoke_api_token(Id tenant_id, Id token_id, Millis now) override {
    return inner_->revoke_api_token(tenant_id, token_id, now);
  }
  Status touch_api_token(Id token_id, Millis now) override { return inner_->touch_api_token(token_id, now); }
  Result<std::int64_t> prune_revoked_tokens(Millis before, std::size_t limit) override {
    return inner_->prune_revoked_tokens(before, limit);
  }
  Result<bool> any_webhooks() override { return inner_->any_webhooks(); }
  Result<Webhook> add_webhook(const Webhook& w) override { return inner_->add_webhook(w); }
  Result<std::vector<Webhook>> webhooks(Id tenant_id) override { return inner_->webhooks(tenant_id); }
  Result<Webhook> update_webhook(const Webhook& w) override { return inner_->update_webhook(w); }
  Status delete_webhook(Id tenant_id, Id webhook_id) override { return inner_->delete_webhook(tenant_id, webhook_id); }
  Result<Id> conversation_tenant(Id conv_id) override { return inner_->conversation_tenant(conv_id); }
  Result<int> queue_webhook_event(Id tenant_id, Id conv_id, std::string_view type, std::string_view event_id,
                                  std::string_view body, Millis now) override {
    return inner_->queue_webhook_event(tenant_id, conv_id, type, event_id, body, now);
  }
  Result<std::vector<WebhookDelivery>> due_deliveries(Millis now, std::size_t limit) override {
    return inner_->due_deliveries(now, limit);
  }
  Result<WebhookDelivery> record_delivery_attempt(Id id, bool delivered, int code, std::string_view error,
                                                  std::optional<Millis> retry_at, Millis now) override {
    return inner_->record_delivery_attempt(id, delivered, code, error, retry_at, now);
  }
  Result<std::vector<WebhookDelivery>> deliveries(Id tenant_id, Id webhook_id, Id before, std::size_t limit) override {
    return inner_->deliveries(tenant_id, webhook_id, before, limit);
  }
  Result<WebhookDelivery> redeliver(Id tenant_id, Id webhook_id, Id delivery_id, Millis now) override {
    return inner_->redeliver(tenant_id, webhook_id, delivery_id, now);
  }
  Result<std::int64_t> prune_deliveries(Millis before, std::size_t limit) override {
    return inner_->prune_deliveries(before, limit);
  }
  Result<Mailbox> add_mailbox(const Mailbox& m) override { return inner_->add_mailbox(m); }
  Result<std::vector<Mailbox>> mailboxes(Id tenant_id) override { return inner_->mailboxes(tenant_id); }
  Result<Mailbox> update_mailbox(const Mailbox& m) override { return inner_->update_mailbox(m); }
  Status delete_mailbox(Id tenant_id, Id mailbox_id) override { return inner_->delete_mailbox(tenant_id, mailbox_id); }
  Result<std::vector<Mailbox>> active_mailboxes(std::size_t limit) override { return inner_->active_mailboxes(limit); }
  Result<bool> save_mailbox_position(const Mailbox& m, std::int64_t taken) override {
    return inner_->save_mailbox_position(m, taken);
  }
  Result<Visitor> create_visitor(Id site_id, std::string_view lang, Millis now) override {
    return inner_->create_visitor(site_id, lang, now);
  }
  Result<Visitor> visitor_by_id(Id id) override { return inner_->visitor_by_id(id); }
  Result<std::optional<Visitor>> verified_visitor(Id site_id, std::string_view external_id) override {
    return inner_->verified_visitor(site_id, external_id);
  }
  Status set_visitor_identity(Id id, const VisitorIdentity& who) override {
    return inner_->set_visitor_identity(id, who);
  }
  Result<Contact> create_contact(Id tenant_id, std::string_view name, Millis now) override {
    return inner_->create_contact(tenant_id, name, now);
  }
  Result<Contact> contact(Id tenant_id, Id contact_id) override { return inner_->contact(tenant_id, contact_id); }
  Result<std::vector<Id>> contacts_with_keys(Id tenant_id, const std::vector<ContactKey>& keys) override {
    return inner_->contacts_with_keys(tenant_id, keys);
  }
  Result<std::vector<ContactKey>> add_contact_keys(Id tenant_id, Id contact_id,
                                                   const std::vector<ContactKey>& keys) override {
    return inner_->add_contact_keys(tenant_id, contact_id, keys);
  }
  Status set_contact_name(Id tenant_id, Id contact_id, std::string_view name) override {
    return inner_->set_contact_name(tenant_id, contact_id, name);
  }
  Status set_visitor_contact(Id tenant_id, Id visitor_id, Id contact_id) override {
    return inner_->set_visitor_contact(tenant_id, visitor_id, contact_id);
  }
  Result<std::vector<Conversation>> contact_conversations(Id tenant_id, Id contact_id, Id before,
                                                          std::size_t limit) override {
    return inner_->contact_conversations(tenant_id, contact_id, before, limit);
  }
  Result<std::vector<Visitor>> contact_visitors(Id tenant_id, Id contact_id, std::size_t limit) override {
    return inner_->contact_visitors(tenant_id, contact_id, limit);
  }
  Result<std::vector<Contact>> find_contacts(Id tenant_id, std::string_view query, Id before,
                                             std::size_t limit) override {
    return inner_->find_contacts(tenant_id, query, before, limit);
  }
  Result<Contact> merge_contacts(Id tenant_id, Id into, Id from) override {
    return inner_->merge_contacts(tenant_id, into, from);
  }
  Result<Contact> split_contact(Id tenant_id, Id from, const std::vector<Id>& visitor_ids,
                                const std::vector<ContactKey>& keys, Millis now) override {
    return inner_->split_contact(tenant_id, from, visitor_ids, keys, now);
  }
  Status update_visitor_page(Id id, std::string_view url, std::string_view title, Millis now) override {
    return inner_->update_visitor_page(id, url, title, now);
  }
  Status set_visitor_cart(Id id, const std::optional<Cart>& cart) override {
    return inner_->set_visitor_cart(id, cart);
  }
  Status record_page_view(const PageView& v) override { return inner_->record_page_view(v); }
  Result<std::vector<PageView>> page_path(Id visitor_id, std::size_t limit) override {
    return inner_->page_path(visitor_id, limit);
  }
  Result<Conversation> create_conversation(Id visitor_id, std::string_view origin, Millis now,
                                           std::optional<std::int64_t> rule_id) override {
    return inner_->create_conversation(visitor_id, origin, now, rule_id);
  }
  Result<Conversation> conversation(Id id) override { return inner_->conversation(id); }
  Result<std::optional<Conversation>> open_conversation_of(Id visitor_id) override {
    return inner_->open_conversation_of(visitor_id);
  }
  Result<std::vector<Conversation>> conversations_of_visitor(Id visitor_id, std::size_t limit) override {
    return inner_->conversations_of_visitor(visitor_id, limit);
  }
  Result<std::pair<Conversation, bool>> add_signals(Id conv_id, const std::vector<std::string>& signals) override {
    return inner_->add_signals(conv_id, signals);
  }
  Result<std::vector<Conversation>> open_conversations(const std::vector<Id>& tenant_ids) override {
    return inner_->open_conversations(tenant_ids);
  }
  Result<std::vector<Conversation>> closed_conversations(const std::vector<Id>& tenant_ids, Millis since,
                                                         std::optional<ClosedCursor> before,
                                                         std::size_t limit) override {
    return inner_->closed_conversations(tenant_ids, since, before, limit);
  }
  Result<Conversation> assign(Id conv_id, Id agent_id, Millis now) override {
    return inner_->assign(conv_id, agent_id, now);
  }
  Result<Conversation> transfer(Id conv_id, Id from, Id to, Millis now) override {
    return inner_->transfer(conv_id, from, to, now);
  }
  Result<Conversation> transfer_to_team(Id conv_id, Id from, Id team_id, Millis now) override {
    return inner_->transfer_to_team(conv_id, from, team_id, now);
  }
  Result<Conversation> release_assignment(Id conv_id, Id agent_id) override {
    return inner_->release_assignment(conv_id, agent_id);
  }
  Result<Conversation> close(Id conv_id, Millis now) override { return inner_->close(conv_id, now); }
  Result<Conversation> set_due(Id conv_id, std::optional<Millis> due, int on_time, int late) override {
    return inner_->set_due(conv_id, due, on_time, late);
  }
  Result<std::vector<TargetCount>> target_counts(Id tenant_id, Millis from, Millis to, Millis now) override {
    return inner_->target_counts(tenant_id, from, to, now);
  }
  Result<std::optional<Millis>> first_conversation_at(Id tenant_id) override {
    return inner_->first_conversation_at(tenant_id);
  }
  Result<Conversation> set_contact(Id conv_id, std::string_view name, std::string_view email) override {
    return inner_->set_contact(conv_id, name, email);
  }
  Result<Conversation> set_outcome(Id conv_id, std::string_view outcome, std::string_view channel,
                                   const std::vector<std::string>& tags) override {
    return inner_->set_outcome(conv_id, outcome, channel, tags);
  }
  Result<std::vector<std::string>> tenant_tags(Id tenant_id, std::size_t limit) override {
    return inner_->tenant_tags(tenant_id, limit);
  }
  Result<std::vector<std::string>> add_tags(Id tenant_id, const std::vector<std::string>& tags, Millis now,
                                            std::vector<std::string>& created) override {
    return inner_->add_tags(tenant_id, tags, now, created);
  }
  Result<bool> csat_shown(Id conv_id, Millis now) override { return inner_->csat_shown(conv_id, now); }
  Result<Conversation> set_visitor_left(Id conv_id, std::optional<Millis> at) override {
    return inner_->set_visitor_left(conv_id, at);
  }
  Result<Conversation> answer_csat(Id conv_id, int score, std::string_view comment, Millis now) override {
    return inner_->answer_csat(conv_id, score, comment, now);
  }
  Result<Recorded> record_conversion(const Conversion& c) override { return inner_->record_conversion(c); }
  Result<std::vector<Conversion>> conversions_of(Id conv_id) override { return inner_->conversions_of(conv_id); }
  Result<std::vector<Conversion>> conversions_of_visitor(Id visitor_id, std::size_t limit) override {
    return inner_->conversions_of_visitor(visitor_id, limit);
  }
  Result<Appended> append_message(const Message& m) override { return inner_->append_message(m); }
  Result<Attachment> add_attachment(const Attachment& a) override { return inner_->add_attachment(a); }
  Result<Attachment> attachment(Id id) override { return inner_->attachment(id); }
  Result<bool> is_email_body(Id conv_id, Id file_id) override { return inner_->is_email_body(conv_id, file_id); }
  Status remove_attachments(const std::vector<Id>& ids, Millis now) override {
    return inner_->remove_attachments(ids, now);
  }
  Status sweep_later(const FileKey& file, Millis now) override { return inner_->sweep_later(file, now); }
  Result<std::vector<FileKey>> files_to_sweep(Millis before, std::size_t limit) override {
    return inner_->files_to_sweep(before, limit);
  }
  Result<std::vector<Attachment>> conversation_attachments(Id conv_id, std::size_t limit) override {
    return inner_->conversation_attachments(conv_id, limit);
  }
  Result<bool> file_referenced(Id tenant_id, std::string_view sha256) override {
    return inner_->file_referenced(tenant_id, sha256);
  }
  Result<std::vector<Message>> messages_after(Id conv_id, std::int64_t after, std::size_t limit) override {
    return inner_->messages_after(conv_id, after, limit);
  }
  Result<std::vector<Message>> messages_page(Id conv_id, std::int64_t after, std::int64_t before, std::size_t limit,
                                             bool with_notes) override {
    return inner_->messages_page(conv_id, after, before, limit, with_notes);
  }
  Result<OutMail> enqueue_mail(const OutMail& m) override { return inner_->enqueue_mail(m); }
  Result<std::vector<OutMail>> due_mail(Millis now, std::size_t limit) override { return inner_->due_mail(now, limit); }
  Result<OutMail> record_mail_attempt(Id id, bool sent, std::string_view error, std::optional<Millis> retry_at,
                                      Millis now) override {
    return inner_->record_mail_attempt(id, sent, error, retry_at, now);
  }
  Result<std::vector<std::pair<Id, std::int64_t>>> replies_without_mail(Millis since, std::size_t limit) override {
    return inner_->replies_without_mail(since, limit);
  }
  Result<std::vector<OutMail>> mail_of_conversation(Id conv_id, std::int64_t from_seq, std::int64_t to_seq) override {
    return inner_->mail_of_conversation(conv_id, from_seq, to_seq);
  }
  Result<Invitation> record_invitation(const Invitation& inv) override { return inner_->record_invitation(inv); }
  Result<Invitation> dismiss_invitation(Id visitor_id, std::int64_t rule_id, Millis now) override {
    return inner_->dismiss_invitation(visitor_id, rule_id, now);
  }
  Result<Invitation> accept_invitation(Id visitor_id, std::int64_t rule_id, Id conv_id) override {
    return inner_->accept_invitation(visitor_id, rule_id, conv_id);
  }
  Result<std::vector<Invitation>> invitations_of(Id visitor_id, Millis since) override {
    return inner_->invitations_of(visitor_id, since);
  }
  Status append_event(const Event& e) override { return inner_->append_event(e); }
  Result<std::vector<Event>> events_of_conversation(Id conv_id) override {
    return inner_->events_of_conversation(conv_id);
  }
  Result<std::vector<ReportConversation>> report_conversations(const ReportQuery& q) override {
    return inner_->report_conversations(q);
  }
  Result<std::vector<ReportChange>> report_changes(Id tenant_id, std::int64_t after_mark, std::size_t limit) override {
    return inner_->report_changes(tenant_id, after_mark, limit);
  }
  Result<ReportDayFacts> report_day_facts(Id tenant_id, Millis from, Millis to, Millis window_ms) override {
    return inner_->report_day_facts(tenant_id, from, to, window_ms);
  }
  Result<std::vector<Event>> tenant_events(Id tenant_id, std::string_view kind, Millis from, Millis to,
                                           std::size_t limit) override {
    return inner_->tenant_events(tenant_id, kind, from, to, limit);
  }
  Result<std::vector<CannedAnswer>> canned_answers(Id tenant_id, Id after_id, std::size_t limit) override {
    return inner_->canned_answers(tenant_id, after_id, limit);
  }
  Result<CannedAnswer> canned_answer(Id id) override { return inner_->canned_answer(id); }
  Result<std::int64_t> count_canned_answers(std::optional<Id> tenant_id) override {
    return inner_->count_canned_answers(tenant_id);
  }
  Result<CannedAnswer> save_canned_answer(const CannedAnswer& a) override { return inner_->save_canned_answer(a); }
  Status delete_canned_answer(Id id) override { return inner_->delete_canned_answer(id); }
  Result<SearchPage> search_messages(const SearchQuery& q) override { return inner_->search_messages(q); }
  Result<std::size_t> index_search(std::size_t limit) override { return inner_->index_search(limit); }
  Result<std::vector<Event>> quality_events(std::size_t limit) override { return inner_->quality_events(limit); }
  Status save_quality_flags(const std::vector<QualityFlags>& flags, Id mark) override {
    return inner_->save_quality_flags(flags, mark);
  }
  Result<std::optional<QualityFlags>> quality_flags(Id conv_id) override { return inner_->quality_flags(conv_id); }
  Result<std::vector<ReviewItem>> review_queue(const std::vector<Id>& tenants, std::string_view flag, Millis before_at,
                                               Id before_id, std::size_t limit) override {
    return inner_->review_queue(tenants, flag, before_at, before_id, limit);
  }
  Result<std::size_t> review_queue_size(const std::vector<Id>& tenants, std::string_view flag,
                                        std::size_t cap) override {
    return inner_->review_queue_size(tenants, flag, cap);
  }
  Status save_review(const Review& r) override { return inner_->save_review(r); }
  Result<std::optional<Review>> review(Id conv_id) override { return inner_->review(conv_id); }
  Result<std::vector<Review>> reviews(Id tenant_id, std::optional<Id> agent_id, Millis before_at, Id before_id,
                                      std::size_t limit) override {
    return inner_->reviews(tenant_id, agent_id, before_at, before_id, limit);
  }
  Result<std::vector<ReviewWeek>> review_weeks(Id tenant_id, Id agent_id, Millis from, Millis to) override {
    return inner_->review_weeks(tenant_id, agent_id, from, to);
  }
  Result<std::vector<PastLine>> similar_questions(Id tenant_id, std::string_view match, Id except_conv,
                                                  std::size_t scan) override {
    return inner_->similar_questions(tenant_id, match, except_conv, scan);
  }
  Result<std::optional<std::string>> reply_after(Id conv_id, std::int64_t seq) override {
    return inner_->reply_after(conv_id, seq);
  }
  Status count_suggestions(Id tenant_id, Millis day, std::int64_t offered, std::int64_t used) override {
    return inner_->count_suggestions(tenant_id, day, offered, used);
  }
  Result<bool> first_suggestion(Id conv_id, std::int64_t seq, bool used) override {
    return inner_->first_suggestion(conv_id, seq, used);
  }
  Result<SuggestionStats> suggestion_stats(Id tenant_id, Millis from, Millis to) override {
    return inner_->suggestion_stats(tenant_id, from, to);
  }

 private:
  std::unique_ptr<Database> inner_;
  std::atomic<int> failing_commits_ = 0;
  std::atomic<int> commits_failed_ = 0;
};

}  // namespace tiski::testing
