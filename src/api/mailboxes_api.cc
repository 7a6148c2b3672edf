// The email channel's IMAP mailboxes of a tenant (docs/channels.md), for its admins:
//
//   GET|POST /api/tenants/{id}/mailboxes, PUT|DELETE /api/tenants/{id}/mailboxes/{mailbox}
//
// A mailbox's password is written, never read back (has_password). Each answer tells where
// reading got to: when it was last checked, its last error, how many emails it brought. Every
// change is in the audit log (without the password) and makes the mailboxes read soon.
#include "api/api.h"
#include "mail/address.h"
#include "mail/imap.h"

namespace tiski::api {
namespace {

constexpr std::size_t kMaxUsername = 200;
constexpr std::size_t kMaxPassword = 500;

boost::json::object mailbox_json(const Mailbox& m) {
  return {{"id", m.id},
          {"url", m.url},
          {"username", m.username},
          {"has_password", !m.password.empty()},
          {"site", m.site_key},
          {"address", m.address},
          {"active", m.active},
          {"checked_at", m.checked_at ? boost::json::value(m.checked_at) : nullptr},
          {"last_error", m.last_error},
          {"received", m.received},
          {"last_uid", m.last_uid},
          {"created_at", m.created_at}};
}

// The fields of a POST or PUT body onto `m`; `creating` requires url, username and password.
Status read_mailbox(const boost::json::object& o, Mailbox& m, bool creating, bool allow_private) {
  TRY_OK(only_fields(o, {"url", "username", "password", "site", "active", "address"}));
  if (creating) {
    for (auto k : {"url", "username", "password"})
      if (!o.contains(k)) return Error::bad_request("url, username and password are required");
  }
  if (o.contains("url")) {
    m.url = TRY(text_field(o, "url", 500, true));
    TRY(mail::parse_mailbox_url(m.url, allow_private));
  }
  if (o.contains("username")) m.username = TRY(text_field(o, "username", kMaxUsername, true));
  if (o.contains("password")) m.password = TRY(text_field(o, "password", kMaxPassword, true));
  if (o.contains("site")) m.site_key = TRY(text_field(o, "site", 64, false));
  if (o.contains("address")) {
    m.address = TRY(text_field(o, "address", 254, false));
    if (!m.address.empty()) TRY_OK(mail::check_address(m.address));
  }
  if (const auto* a = o.if_contains("active")) {
    if (!a->is_bool()) return Error::bad_request("'active' must be true or false");
    m.active = a->as_bool();
  }
  return {};
}

Status check_site(Store& st, Id tenant, const std::string& key) {
  if (key.empty()) return {};
  auto site = st.site_by_key(key);
  if (!site || site->tenant_id != tenant) return Error::bad_request("'site' is not a site of this tenant");
  return {};
}

Result<Mailbox> find_mailbox(Store& st, Id tenant, Id id) {
  for (auto& m : TRY(st.mailboxes(tenant)))
    if (m.id == id) return m;
  return Error::not_found("no such mailbox");
}

void list(Services& s, const Call& c) {
  store_job<std::vector<Mailbox>>(
      s.store, [tenant = c.tenant](Store& st) { return st.mailboxes(tenant); },
      [c](Result<std::vector<Mailbox>> r) {
        if (!r) return c.fail(r.error());
        boost::json::array out;
        for (const auto& m : *r) out.push_back(mailbox_json(m));
        c.ok({{"tenant", c.tenant}, {"mailboxes", std::move(out)}});
      });
}

void create(Services& s, const Call& c) {
  auto o = json_object(c.req.body, R"({"url": "imaps://imap.example.fi/INBOX", "username": "…", "password": "…"})");
  if (!o) return c.fail(o.error());
  Mailbox m;
  m.tenant_id = c.tenant;
  m.created_at = s.chat.now();
  if (auto st = read_mailbox(*o, m, true, s.imap_private); !st) return c.fail(st.error());
  auto line = audit_line(c, c.tenant, "mailbox.create", "", nullptr, nullptr);
  store_job<Mailbox>(
      s.store,
      [m, line](Store& st) mutable -> Result<Mailbox> {
        if (TRY(st.mailboxes(m.tenant_id)).size() >= kMaxMailboxes)
          return Error::conflict("the tenant has " + std::to_string(kMaxMailboxes) + " mailboxes; remove one first");
        TRY_OK(check_site(st, m.tenant_id, m.site_key));
        auto saved = TRY(st.add_mailbox(m));
        line.target = "mailbox " + std::to_string(saved.id);
        line.detail = change_json(nullptr, mailbox_json(saved));
        TRY_OK(st.add_audit(line));
        return saved;
      },
      [&s, c](Result<Mailbox> r) {
        if (!r) return c.fail(r.error());
        s.chat.kick_mailboxes();
        c.reply(Response::json(201, mailbox_json(*r)));
      });
}

void update(Services& s, const Call& c) {
  auto id = positive_number(c.req.param("mailbox"));
  if (!id) return c.fail(Error::not_found("no such mailbox"));
  auto o = json_object(c.req.body, R"({"active": false})");
  if (!o) return c.fail(o.error());
  Mailbox change;
  if (auto st = read_mailbox(*o, change, false, s.imap_private); !st) return c.fail(st.error());
  auto line = audit_line(c, c.tenant, "mailbox.update", "mailbox " + std::to_string(*id), nullptr, nullptr);
  store_job<Mailbox>(
      s.store,
      [tenant = c.tenant, id = *id, o = *o, change, line](Store& st) mutable -> Result<Mailbox> {
        auto m = TRY(find_mailbox(st, tenant, id));
        auto before = mailbox_json(m);
        if (o.contains("url")) m.url = change.url;
        if (o.contains("username")) m.username = change.username;
        if (o.contains("password")) m.password = change.password;
        if (o.contains("site")) m.site_key = change.site_key;
        if (o.contains("active")) m.active = change.active;
        if (o.contains("address")) m.address = change.address;
        TRY_OK(check_site(st, tenant, m.site_key));
        auto saved = TRY(st.update_mailbox(m));
        auto after = mailbox_json(saved);
        if (o.contains("password")) after["password"] = "(changed)";
        line.detail = change_json(before, after);
        TRY_OK(st.add_audit(line));
        return saved;
      },
      [&s, c](Result<Mailbox> r) {
        if (!r) return c.fail(r.error());
        s.chat.kick_mailboxes();
        c.ok(mailbox_json(*r));
      });
}

void remove(Services& s, const Call& c) {
  auto id = positive_number(c.req.param("mailbox"));
  if (!id) return c.fail(Error::not_found("no such mailbox"));
  auto line = audit_line(c, c.tenant, "mailbox.delete", "mailbox " + std::to_string(*id), nullptr, nullptr);
  store_job<bool>(
      s.store,
      [tenant = c.tenant, id = *id, line](Store& st) mutable -> Result<bool> {
        auto m = TRY(find_mailbox(st, tenant, id));
        TRY_OK(st.delete_mailbox(tenant, id));
        line.detail = change_json(mailbox_json(m), nullptr);
        TRY_OK(st.add_audit(line));
        return true;
      },
      [c](const Result<bool>& r) {
        if (!r) return c.fail(r.error());
        c.reply(Response::empty(204));
      });
}

}  // namespace

void add_mailbox_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/tenants/{id}/mailboxes", [&s](const Call& c) { list(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/mailboxes", [&s](const Call& c) { create(s, c); });
  routes.add(Method::kPut, "/api/tenants/{id}/mailboxes/{mailbox}", [&s](const Call& c) { update(s, c); });
  routes.add(Method::kDelete, "/api/tenants/{id}/mailboxes/{mailbox}", [&s](const Call& c) { remove(s, c); });
}

}  // namespace tiski::api
