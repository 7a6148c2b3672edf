// The SQL records of contacts (migration 25): contacts, their keys (one contact's each, per
// tenant) and visitors.contact_id. Every statement names the tenant, so another tenant's
// contact is simply not found.
#include <algorithm>

#include "store/sql/sql_internal.h"

namespace tiski {
namespace {

int kind_rank(const std::string& kind) { return kind == "identity" ? 0 : kind == "email" ? 1 : 2; }

}  // namespace

Result<Contact> SqlStore::create_contact(Id tenant_id, std::string_view name, Millis now) {
  PREPARE(q,
          "INSERT INTO contacts(tenant_id, name, created_at) SELECT id, ?, ? FROM tenants WHERE id = ? RETURNING id");
  int rc = q.bind(name, now, tenant_id).step();
  if (rc == kDone) return Error::not_found("no such tenant");
  if (rc != kRow) return q.error("creating a contact");
  return Contact{q.i64(0), tenant_id, std::string(name), now, {}, 0};
}

Result<Contact> SqlStore::contact(Id tenant_id, Id contact_id) {
  PREPARE(q,
          "SELECT id, tenant_id, name, created_at, (SELECT COUNT(*) FROM visitors v WHERE v.contact_id = c.id) "
          "FROM contacts c WHERE id = ? AND tenant_id = ?");
  int rc = q.bind(contact_id, tenant_id).step();
  if (rc == kDone) return Error::not_found("no such contact");
  if (rc != kRow) return q.error("reading a contact");
  Contact c{q.i64(0), q.i64(1), q.text(2), q.i64(3), {}, q.i64(4)};
  PREPARE(k, "SELECT kind, value FROM contact_keys WHERE contact_id = ?");
  k.bind(contact_id);
  while ((rc = k.step()) == kRow) c.keys.push_back({k.text(0), k.text(1)});
  if (rc != kDone) return k.error("reading a contact's keys");
  std::ranges::stable_sort(c.keys, {}, [](const ContactKey& key) { return kind_rank(key.kind); });
  return c;
}

Result<std::vector<Id>> SqlStore::contacts_with_keys(Id tenant_id, const std::vector<ContactKey>& keys) {
  std::vector<Id> out;
  for (const auto& key : keys) {
    PREPARE(q, "SELECT contact_id FROM contact_keys WHERE tenant_id = ? AND kind = ? AND value = ?");
    int rc = q.bind(tenant_id, key.kind, key.value).step();
    if (rc == kRow) {
      if (std::ranges::find(out, q.i64(0)) == out.end()) out.push_back(q.i64(0));
    } else if (rc != kDone) {
      return q.error("finding a contact by key");
    }
  }
  return out;
}

Result<std::vector<ContactKey>> SqlStore::add_contact_keys(Id tenant_id, Id contact_id,
                                                           const std::vector<ContactKey>& keys) {
  TRY(contact(tenant_id, contact_id));
  std::vector<ContactKey> added;
  for (const auto& key : keys) {
    PREPARE(q,
            "INSERT INTO contact_keys(tenant_id, kind, value, contact_id) VALUES(?, ?, ?, ?) ON CONFLICT DO NOTHING");
    if (q.bind(tenant_id, key.kind, key.value, contact_id).step() != kDone) return q.error("adding a contact key");
    if (changes() == 1) added.push_back(key);
  }
  return added;
}

Status SqlStore::set_contact_name(Id tenant_id, Id contact_id, std::string_view name) {
  PREPARE(q, "UPDATE contacts SET name = ? WHERE id = ? AND tenant_id = ?");
  if (q.bind(name, contact_id, tenant_id).step() != kDone) return q.error("naming a contact");
  if (changes() == 0) return Error::not_found("no such contact");
  return {};
}

Status SqlStore::set_visitor_contact(Id tenant_id, Id visitor_id, Id contact_id) {
  PREPARE(q,
          "UPDATE visitors SET contact_id = ? WHERE id = ? AND tenant_id = ? "
          "AND EXISTS (SELECT 1 FROM contacts WHERE id = ? AND tenant_id = ?)");
  if (q.bind(contact_id, visitor_id, tenant_id, contact_id, tenant_id).step() != kDone)
    return q.error("joining a visitor to a contact");
  if (changes() == 0) return Error::not_found("no such visitor or contact");
  return {};
}

Result<std::vector<Conversation>> SqlStore::contact_conversations(Id tenant_id, Id contact_id, Id before,
                                                                  std::size_t limit) {
  // Through the contact's few visitors (visitors_contact, then conversations_visitor), never a
  // scan of the tenant's conversations.
  PREPARE(q, CONV_SELECT
          "WHERE c.visitor_id IN (SELECT id FROM visitors WHERE contact_id = ? AND tenant_id = ?) "
          "AND (? = 0 OR c.id < ?) ORDER BY c.id DESC LIMIT ?");
  q.bind(contact_id, tenant_id, before, before, static_cast<std::int64_t>(limit));
  std::vector<Conversation> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_conv(q));
  if (rc != kDone) return q.error("listing a contact's conversations");
  return out;
}

Result<std::vector<Visitor>> SqlStore::contact_visitors(Id tenant_id, Id contact_id, std::size_t limit) {
  PREPARE(q, "SELECT id FROM visitors WHERE contact_id = ? AND tenant_id = ? ORDER BY id DESC LIMIT ?");
  q.bind(contact_id, tenant_id, static_cast<std::int64_t>(limit));
  std::vector<Id> ids;
  int rc = 0;
  while ((rc = q.step()) == kRow) ids.push_back(q.i64(0));
  if (rc != kDone) return q.error("listing a contact's visitors");
  std::vector<Visitor> out;
  out.reserve(ids.size());
  for (Id id : ids) out.push_back(TRY(visitor_by_id(id)));
  return out;
}

Result<std::vector<Contact>> SqlStore::find_contacts(Id tenant_id, std::string_view query, Id before,
                                                     std::size_t limit) {
  PREPARE(q,
          "SELECT id FROM contacts c WHERE tenant_id = ? AND (? = 0 OR id < ?) AND (? = '' OR instr(lower(name), "
          "lower(?)) > 0 "
          "OR EXISTS (SELECT 1 FROM contact_keys k WHERE k.contact_id = c.id AND instr(lower(k.value), lower(?)) > 0)) "
          "ORDER BY id DESC LIMIT ?");
  q.bind(tenant_id, before, before, query, query, query, static_cast<std::int64_t>(limit));
  std::vector<Id> ids;
  int rc = 0;
  while ((rc = q.step()) == kRow) ids.push_back(q.i64(0));
  if (rc != kDone) return q.error("finding contacts");
  std::vector<Contact> out;
  out.reserve(ids.size());
  for (Id id : ids) out.push_back(TRY(contact(tenant_id, id)));
  return out;
}

Result<Contact> SqlStore::merge_contacts(Id tenant_id, Id into, Id from) {
  if (into == from) return Error::bad_request("a contact cannot be merged into itself");
  auto target = TRY(contact(tenant_id, into));
  auto source = TRY(contact(tenant_id, from));
  PREPARE(k, "UPDATE contact_keys SET contact_id = ? WHERE contact_id = ? AND tenant_id = ?");
  if (k.bind(into, from, tenant_id).step() != kDone) return k.error("moving a contact's keys");
  PREPARE(v, "UPDATE visitors SET contact_id = ? WHERE contact_id = ? AND tenant_id = ?");
  if (v.bind(into, from, tenant_id).step() != kDone) return v.error("moving a contact's visitors");
  if (target.name.empty() && !source.name.empty()) TRY_OK(set_contact_name(tenant_id, into, source.name));
  PREPARE(d, "DELETE FROM contacts WHERE id = ? AND tenant_id = ?");
  if (d.bind(from, tenant_id).step() != kDone) return d.error("removing a merged contact");
  return contact(tenant_id, into);
}

Result<Contact> SqlStore::split_contact(Id tenant_id, Id from, const std::vector<Id>& visitor_ids,
                                        const std::vector<ContactKey>& keys, Millis now) {
  auto source = TRY(contact(tenant_id, from));
  if (visitor_ids.empty() && keys.empty()) return Error::bad_request("name the visitors or keys to split off");
  for (const auto& key : keys) {
    if (std::ranges::find(source.keys, key) == source.keys.end())
      return Error::bad_request("the key " + key.kind + " " + key.value + " is not this contact's");
  }
  auto fresh = TRY(create_contact(tenant_id, "", now));
  for (Id id : visitor_ids) {
    PREPARE(v, "UPDATE visitors SET contact_id = ? WHERE id = ? AND contact_id = ? AND tenant_id = ?");
    if (v.bind(fresh.id, id, from, tenant_id).step() != kDone) return v.error("moving a visitor");
    if (changes() == 0) return Error::bad_request("visitor " + std::to_string(id) + " is not this contact's");
  }
  for (const auto& key : keys) {
    PREPARE(k, "UPDATE contact_keys SET contact_id = ? WHERE tenant_id = ? AND kind = ? AND value = ?");
    if (k.bind(fresh.id, tenant_id, key.kind, key.value).step() != kDone) return k.error("moving a key");
  }
  return contact(tenant_id, fresh.id);
}

}  // namespace tiski
