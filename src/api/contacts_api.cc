// A tenant's contacts: one person across channels and sites (docs/contacts.md). Every agent of
// the tenant may read, name, add keys, merge and split; merges and splits are audited.
//   GET  /api/tenants/{id}/contacts?q=&before=              newest first, 50 a page
//   POST /api/tenants/{id}/contacts {name?, keys: [{kind, value}]}
//   GET  /api/tenants/{id}/contacts/{contact}               with its visitors (newest 50)
//   PUT  /api/tenants/{id}/contacts/{contact} {name}
//   POST /api/tenants/{id}/contacts/{contact}/keys {kind, value}      409 if another contact's
//   GET  /api/tenants/{id}/contacts/{contact}/conversations?before=   newest first, 20 a page,
//        each as the console's Conversation (protocol.json), so the console opens them
//   POST /api/tenants/{id}/contacts/{contact}/merge {from}            `from` joins this one
//   POST /api/tenants/{id}/contacts/{contact}/split {visitors, keys}  a new contact of them
#include <boost/json/array.hpp>

#include "api/api.h"
#include "chat/contacts/contacts.h"
#include "chat/protocol.h"

namespace tiski::api {
namespace {

constexpr std::size_t kContactPage = 50;
constexpr std::size_t kHistoryPage = 20;
constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxKeysInBody = 20;

boost::json::array keys_json(const std::vector<ContactKey>& keys) {
  boost::json::array out;
  for (const auto& k : keys) out.push_back({{"kind", k.kind}, {"value", k.value}});
  return out;
}

boost::json::object contact_json(const Contact& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"created_at", c.created_at},
          {"keys", keys_json(c.keys)},
          {"visitors", c.visitors}};
}

Result<std::string> name_of(const boost::json::object& o) { return text_field(o, "name", kMaxNameBytes, false); }

std::optional<Id> contact_param(const Call& c) { return positive_number(c.req.param("contact")); }

Result<Id> before_of(const Call& c) {
  auto b = c.req.query_param("before");
  if (!b) return Id{0};
  auto n = positive_number(*b);
  if (!n) return Error::bad_request("before must be an id from the previous page");
  return *n;
}

void reply_contact(const Call& c, const Result<Contact>& r, int status = 200) {
  if (!r) return c.fail(r.error());
  c.reply(Response::json(status, contact_json(*r)));
}

void list_contacts(Services& s, const Call& c) {
  auto q = c.req.query_text("q");
  if (!q) return c.fail(q.error());
  auto before = before_of(c);
  if (!before) return c.fail(before.error());
  std::string query = q->value_or("");
  if (query.size() > kMaxNameBytes) return c.fail(Error::bad_request("the search is at most 200 bytes"));
  store_job<std::vector<Contact>>(
      s.store,
      [tenant = c.tenant, query, before = *before](Store& st) {
        return st.find_contacts(tenant, query, before, kContactPage);
      },
      [c](const Result<std::vector<Contact>>& r) {
        if (!r) return c.fail(r.error());
        boost::json::array out;
        for (const auto& x : *r) out.push_back(contact_json(x));
        boost::json::value next = r->size() == kContactPage ? boost::json::value(r->back().id) : nullptr;
        c.ok({{"contacts", std::move(out)}, {"next_before", next}});
      });
}

void create_contact(Services& s, const Call& c) {
  auto o = json_object(c.req.body, R"({"name": "Aino", "keys": [{"kind": "email", "value": "aino@example.fi"}]})");
  if (!o) return c.fail(o.error());
  if (auto known = only_fields(*o, {"name", "keys"}); !known) return c.fail(known.error());
  auto name = name_of(*o);
  if (!name) return c.fail(name.error());
  auto keys = contacts::keys_from_json(*o, kMaxKeysInBody, true);
  if (!keys) return c.fail(keys.error());
  store_job<Contact>(
      s.store,
      [c, name = *name, keys = *keys, now = s.chat.now()](Store& st) -> Result<Contact> {
        auto owners = TRY(st.contacts_with_keys(c.tenant, keys));
        if (!owners.empty())
          return Error::conflict("contact " + std::to_string(owners.front()) + " already has one of these keys");
        auto made = TRY(st.create_contact(c.tenant, name, now));
        TRY(st.add_contact_keys(c.tenant, made.id, keys));
        return st.contact(c.tenant, made.id);
      },
      [c](const Result<Contact>& r) { reply_contact(c, r, 201); });
}

void get_contact(Services& s, const Call& c) {
  auto id = contact_param(c);
  if (!id) return c.fail(Error::not_found("no such contact"));
  using Out = std::pair<Contact, std::vector<Visitor>>;
  store_job<Out>(
      s.store,
      [tenant = c.tenant, id = *id](Store& st) -> Result<Out> {
        auto contact = TRY(st.contact(tenant, id));
        return Out{std::move(contact), TRY(st.contact_visitors(tenant, id, kContactPage))};
      },
      [c](const Result<Out>& r) {
        if (!r) return c.fail(r.error());
        auto o = contact_json(r->first);
        boost::json::array visitors;
        for (const auto& v : r->second) {
          boost::json::object one{
              {"id", v.id}, {"number", v.number}, {"created_at", v.created_at}, {"last_seen_at", v.last_seen_at}};
          if (!v.identity.external_id.empty())
            one["identity"] = {{"id", v.identity.external_id}, {"verified", v.identity.verified}};
          visitors.push_back(std::move(one));
        }
        o["visitor_list"] = std::move(visitors);
        c.ok(std::move(o));
      });
}

void rename_contact(Services& s, const Call& c) {
  auto id = contact_param(c);
  if (!id) return c.fail(Error::not_found("no such contact"));
  auto o = json_object(c.req.body, R"({"name": "Aino Virtanen"})");
  if (!o) return c.fail(o.error());
  if (!o->contains("name") || o->size() != 1) return c.fail(Error::bad_request(R"(body must be {"name": "..."})"));
  auto name = name_of(*o);
  if (!name) return c.fail(name.error());
  store_job<Contact>(
      s.store,
      [tenant = c.tenant, id = *id, name = *name](Store& st) -> Result<Contact> {
        TRY_OK(st.set_contact_name(tenant, id, name));
        return st.contact(tenant, id);
      },
      [c](const Result<Contact>& r) { reply_contact(c, r); });
}

void add_key(Services& s, const Call& c) {
  auto id = contact_param(c);
  if (!id) return c.fail(Error::not_found("no such contact"));
  auto o = json_object(c.req.body, R"({"kind": "phone", "value": "+358 40 123 4567"})");
  if (!o) return c.fail(o.error());
  auto key = contacts::key_from_json(*o);
  if (!key) return c.fail(key.error());
  store_job<Contact>(
      s.store,
      [tenant = c.tenant, id = *id, key = *key](Store& st) -> Result<Contact> {
        auto owners = TRY(st.contacts_with_keys(tenant, {key}));
        if (!owners.empty() && owners.front() != id)
          return Error::conflict("contact " + std::to_string(owners.front()) + " has this key: merge the two");
        TRY(st.add_contact_keys(tenant, id, {key}));
        return st.contact(tenant, id);
      },
      [c](const Result<Contact>& r) { reply_contact(c, r); });
}

void contact_history(Services& s, const Call& c) {
  auto id = contact_param(c);
  if (!id) return c.fail(Error::not_found("no such contact"));
  auto before = before_of(c);
  if (!before) return c.fail(before.error());
  store_job<std::vector<Conversation>>(
      s.store,
      [tenant = c.tenant, id = *id, before = *before](Store& st) -> Result<std::vector<Conversation>> {
        TRY(st.contact(tenant, id));
        return st.contact_conversations(tenant, id, before, kHistoryPage);
      },
      [c](const Result<std::vector<Conversation>>& r) {
        if (!r) return c.fail(r.error());
        boost::json::array out;
        for (const auto& x : *r) out.push_back(proto::conversation_json(x));
        boost::json::value next = r->size() == kHistoryPage ? boost::json::value(r->back().id) : nullptr;
        c.ok({{"conversations", std::move(out)}, {"next_before", next}});
      });
}

void merge(Services& s, const Call& c) {
  auto id = contact_param(c);
  if (!id) return c.fail(Error::not_found("no such contact"));
  auto o = json_object(c.req.body, R"({"from": 12})");
  if (!o) return c.fail(o.error());
  const auto* from = o->if_contains("from");
  if (!from || !from->is_int64() || from->as_int64() <= 0 || o->size() != 1)
    return c.fail(Error::bad_request(R"(body must be {"from": contact id})"));
  store_job<Contact>(
      s.store,
      [c, id = *id, from = from->as_int64()](Store& st) -> Result<Contact> {
        auto a = TRY(st.contact(c.tenant, id));
        auto b = TRY(st.contact(c.tenant, from));
        auto merged = TRY(st.merge_contacts(c.tenant, id, from));
        boost::json::object before{{"into", contact_json(a)}, {"from", contact_json(b)}};
        TRY_OK(st.add_audit(
            audit_line(c, c.tenant, "contact.merge", "contact " + std::to_string(id), before, contact_json(merged))));
        return merged;
      },
      [c](const Result<Contact>& r) { reply_contact(c, r); });
}

Result<std::vector<Id>> visitor_ids(const boost::json::object& o) {
  const auto* v = o.if_contains("visitors");
  if (!v) return std::vector<Id>{};
  if (!v->is_array() || v->as_array().size() > kContactPage)
    return Error::bad_request("'visitors' must be a list of at most 50 visitor ids");
  std::vector<Id> out;
  out.reserve(v->as_array().size());
  for (const auto& x : v->as_array()) {
    if (!x.is_int64() || x.as_int64() <= 0) return Error::bad_request("'visitors' must be visitor ids");
    out.push_back(x.as_int64());
  }
  return out;
}

void split(Services& s, const Call& c) {
  auto id = contact_param(c);
  if (!id) return c.fail(Error::not_found("no such contact"));
  auto o = json_object(c.req.body, R"({"visitors": [7], "keys": [{"kind": "email", "value": "..."}]})");
  if (!o) return c.fail(o.error());
  if (auto known = only_fields(*o, {"visitors", "keys"}); !known) return c.fail(known.error());
  auto visitors = visitor_ids(*o);
  if (!visitors) return c.fail(visitors.error());
  auto keys = contacts::keys_from_json(*o, kMaxKeysInBody, false);
  if (!keys) return c.fail(keys.error());
  store_job<Contact>(
      s.store,
      [c, id = *id, visitors = *visitors, keys = *keys, now = s.chat.now()](Store& st) -> Result<Contact> {
        auto before = TRY(st.contact(c.tenant, id));
        auto fresh = TRY(st.split_contact(c.tenant, id, visitors, keys, now));
        boost::json::object after{{"left", contact_json(TRY(st.contact(c.tenant, id)))}, {"new", contact_json(fresh)}};
        TRY_OK(st.add_audit(
            audit_line(c, c.tenant, "contact.split", "contact " + std::to_string(id), contact_json(before), after)));
        return fresh;
      },
      [c](const Result<Contact>& r) { reply_contact(c, r, 201); });
}

}  // namespace

void add_contact_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/tenants/{id}/contacts", [&s](const Call& c) { list_contacts(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/contacts", [&s](const Call& c) { create_contact(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/contacts/{contact}", [&s](const Call& c) { get_contact(s, c); });
  routes.add(Method::kPut, "/api/tenants/{id}/contacts/{contact}", [&s](const Call& c) { rename_contact(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/contacts/{contact}/keys", [&s](const Call& c) { add_key(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/contacts/{contact}/conversations",
             [&s](const Call& c) { contact_history(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/contacts/{contact}/merge", [&s](const Call& c) { merge(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/contacts/{contact}/split", [&s](const Call& c) { split(s, c); });
}

}  // namespace tiski::api
