// The SQL side of privacy (migration 19, docs/privacy.md): finding a person's visitors,
// erasing their personal data in place, retention, and making erased text unrecoverable
// (secure_delete is on for the writer; the search index is rewritten; the WAL is emptied).
#include "store/sql/sql_internal.h"

namespace tiski {
namespace {

// The statements that erase conversations, each taking (ids JSON) and, where noted, `now`; a
// second text where PostgreSQL differs. Conversations stay as anonymous facts: times, agents,
// outcomes, scores.
struct EraseStep {
  const char* sql;
  const char* pg = nullptr;  // PostgreSQL's text, when not the same
};
constexpr EraseStep kEraseConversation[] = {
    // Lines already in the search index leave it (SQLite: FTS5's external content needs their
    // text once; PostgreSQL: the index is a table of rows).
    {"INSERT INTO message_fts(message_fts, rowid, body, scope) SELECT 'delete', mi.id, m.body, 't' || mi.tenant_id "
     "FROM message_index mi JOIN messages m ON m.conversation_id = mi.conversation_id AND m.seq = mi.seq "
     "WHERE mi.conversation_id IN (SELECT value FROM json_each(?1)) AND mi.id <= (SELECT mark FROM search_state)",
     "DELETE FROM message_fts WHERE id IN (SELECT id FROM message_index "
     "WHERE conversation_id IN (SELECT value FROM json_each(?1)))"},
    {"DELETE FROM message_index WHERE conversation_id IN (SELECT value FROM json_each(?1))"},
    // A survey comment (csat.answered), a transfer's note (conversation.transferred).
    {"UPDATE events SET data = json_remove(data, '$.comment', '$.note') "
     "WHERE conversation_id IN (SELECT value FROM json_each(?1)) AND (data LIKE '%\"comment\"%' OR data LIKE "
     "'%\"note\"%')",
     "UPDATE events SET data = ((data::jsonb - 'comment') - 'note')::text "
     "WHERE conversation_id IN (SELECT value FROM json_each(?1)) AND (data LIKE '%\"comment\"%' OR data LIKE "
     "'%\"note\"%')"},
    {"DELETE FROM outbox WHERE conversation_id IN (SELECT value FROM json_each(?1))"},
    {"DELETE FROM webhook_deliveries WHERE conversation_id IN (SELECT value FROM json_each(?1)) AND conversation_id != "
     "0"},
    {"UPDATE reviews SET comment = '' WHERE conversation_id IN (SELECT value FROM json_each(?1))"},
    {"UPDATE quality_flags SET detail = '{}' WHERE conversation_id IN (SELECT value FROM json_each(?1))"},
};

}  // namespace

Result<std::vector<Id>> SqlStore::subject_visitors(Id tenant_id, std::int64_t visitor_number, std::string_view email) {
  PREPARE(
      q,
      "SELECT id FROM visitors WHERE tenant_id = ?1 AND ?2 > 0 AND number = ?2 "
      "UNION SELECT id FROM visitors WHERE tenant_id = ?1 AND ?3 != '' AND lower(identity_email) = lower(?3) "
      "UNION SELECT DISTINCT visitor_id FROM conversations "
      "WHERE tenant_id = ?1 AND ?3 != '' AND contact_email != '' AND lower(contact_email) = lower(?3) "
      // and every visitor of the contacts those are, or that have the address (docs/contacts.md)
      "UNION SELECT v.id FROM visitors v WHERE v.tenant_id = ?1 AND v.contact_id IN ("
      "SELECT contact_id FROM contact_keys WHERE tenant_id = ?1 AND kind = 'email' AND ?3 != '' AND value = lower(?3) "
      "UNION SELECT contact_id FROM visitors WHERE tenant_id = ?1 AND contact_id IS NOT NULL AND ("
      "(?2 > 0 AND number = ?2) OR (?3 != '' AND lower(identity_email) = lower(?3))))"
      " LIMIT 1000");
  q.bind(tenant_id, visitor_number, email);
  std::vector<Id> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(q.i64(0));
  if (rc != kDone) return q.error("finding a person's visitors");
  return out;
}

// Erases the text of the conversations in `ids` (a JSON array of the tenant's conversation ids).
Result<Erased> SqlStore::erase_conversations(const std::string& ids, Millis now) {
  Erased e;
  for (const auto& step : kEraseConversation) {
    const char* sql = pg() && step.pg ? step.pg : step.sql;
    PREPARE(q, sql);
    if (q.bind(ids).step() != kDone) return q.error("erasing conversations");
  }
  {
    // Their files: the rows go, and the bytes of those no other row of the tenant refers to.
    PREPARE(q, "SELECT id FROM attachments WHERE conversation_id IN (SELECT value FROM json_each(?))");
    q.bind(ids);
    std::vector<Id> files;
    int rc = 0;
    while ((rc = q.step()) == kRow) files.push_back(q.i64(0));
    if (rc != kDone) return q.error("finding attachments");
    e.files = static_cast<std::int64_t>(files.size());
    TRY_OK(remove_attachments(files, now));
  }
  {
    PREPARE(q,
            "UPDATE messages SET body = '', quoted = '', files = '', card = '', author_name = CASE WHEN author = "
            "'visitor' THEN "
            "'' ELSE author_name END "
            "WHERE conversation_id IN (SELECT value FROM json_each(?)) AND (body != '' OR files != '')");
    if (q.bind(ids).step() != kDone) return q.error("erasing messages");
    e.messages = changes();
  }
  PREPARE(q,
          "UPDATE conversations SET preview = '', contact_name = '', contact_email = '', csat_comment = '', "
          "erased_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND (erased_at = 0 OR preview != '' OR "
          "contact_name != '' OR contact_email != '' OR csat_comment != '')");
  if (q.bind(now, ids).step() != kDone) return q.error("erasing conversations");
  e.conversations = changes();
  return e;
}

Result<Erased> SqlStore::erase_visitors(Id tenant_id, const std::vector<Id>& visitor_ids, Millis now) {
  std::string visitors = ids_json(visitor_ids);
  std::vector<Id> convs;
  {
    PREPARE(q, "SELECT id FROM conversations WHERE tenant_id = ? AND visitor_id IN (SELECT value FROM json_each(?))");
    q.bind(tenant_id, visitors);
    int rc = 0;
    while ((rc = q.step()) == kRow) convs.push_back(q.i64(0));
    if (rc != kDone) return q.error("finding a person's conversations");
  }
  auto e = TRY(erase_conversations(ids_json(convs), now));
  {
    PREPARE(q,
            "DELETE FROM page_views WHERE visitor_id IN "
            "(SELECT id FROM visitors WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?)))");
    if (q.bind(tenant_id, visitors).step() != kDone) return q.error("erasing page views");
    e.page_views = changes();
  }
  {
    PREPARE(q,
            "UPDATE blocks SET ip = '', reason = '' WHERE tenant_id = ? AND visitor_id IN (SELECT value FROM "
            "json_each(?))");
    if (q.bind(tenant_id, visitors).step() != kDone) return q.error("erasing blocks' addresses");
  }
  {
    // Their contacts go: names and keys (emails, phones, customer ids) are personal.
#define THEIR_CONTACTS                                                                                             \
  "(SELECT contact_id FROM visitors WHERE tenant_id = ?1 AND contact_id IS NOT NULL AND id IN (SELECT value FROM " \
  "json_each(?2)))"
    for (const char* sql : {"DELETE FROM contact_keys WHERE tenant_id = ?1 AND contact_id IN " THEIR_CONTACTS,
                            "UPDATE contacts SET name = '' WHERE tenant_id = ?1 AND id IN " THEIR_CONTACTS}) {
#undef THEIR_CONTACTS
      PREPARE(q, sql);
      if (q.bind(tenant_id, visitors).step() != kDone) return q.error("erasing contacts");
    }
  }
  PREPARE(q,
          "UPDATE visitors SET page_url = '', page_title = '', cart_cents = NULL, cart_currency = '', cart_items = 0, "
          "external_id = NULL, identity_name = '', identity_email = '', verified = 0, contact_id = NULL "
          "WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?))");
  if (q.bind(tenant_id, visitors).step() != kDone) return q.error("erasing visitors");
  e.visitors = changes();
  return e;
}

Result<Erased> SqlStore::erase_closed_before(Id tenant_id, Millis before, std::size_t limit, bool page_views,
                                             Millis now) {
  std::vector<Id> convs;
  {
    PREPARE(q,
            "SELECT id FROM conversations WHERE tenant_id = ? AND erased_at = 0 AND closed_at IS NOT NULL "
            "AND closed_at < ? ORDER BY closed_at LIMIT ?");
    q.bind(tenant_id, before, static_cast<std::int64_t>(limit));
    int rc = 0;
    while ((rc = q.step()) == kRow) convs.push_back(q.i64(0));
    if (rc != kDone) return q.error("finding conversations past retention");
  }
  Erased e;
  if (!convs.empty()) e = TRY(erase_conversations(ids_json(convs), now));
  if (!page_views) return e;
  PREPARE(q,
          "DELETE FROM page_views WHERE id IN (SELECT p.id FROM page_views p JOIN visitors v ON v.id = p.visitor_id "
          "WHERE p.at < ? AND v.tenant_id = ? LIMIT ?)");
  if (q.bind(before, tenant_id, static_cast<std::int64_t>(limit) * 10).step() != kDone)
    return q.error("deleting old page views");
  e.page_views = changes();
  return e;
}

Result<std::vector<PageView>> SqlStore::page_views_of(Id visitor_id, std::size_t limit) {
  PREPARE(q, "SELECT " PAGE_VIEW_COLUMNS
             " FROM page_views WHERE visitor_id = ? "
             "ORDER BY id DESC LIMIT ?");
  q.bind(visitor_id, static_cast<std::int64_t>(limit));
  std::vector<PageView> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_page_view(q));
  if (rc != kDone) return q.error("reading page views");
  return out;
}

Status SqlStore::purge_erased() {
  // FTS5 keeps a deleted line's words in old segments until they are merged: rewrite the index.
  // PostgreSQL: the erased rows' old versions are removed by autovacuum (docs/privacy.md).
  if (!pg()) TRY_OK(exec("INSERT INTO message_fts(message_fts) VALUES('optimize')"));
  engine_->after_erasure();
  return {};
}

Status SqlStore::set_retention_days(Id tenant_id, int days) {
  PREPARE(q, "UPDATE tenants SET retention_days = ? WHERE id = ?");
  if (q.bind(days, tenant_id).step() != kDone) return q.error("setting the retention period");
  if (changes() == 0) return Error::not_found("no such tenant");
  return {};
}

}  // namespace tiski
