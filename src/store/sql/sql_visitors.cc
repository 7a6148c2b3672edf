// The SQL SessionRepo and VisitorRepo: agent sessions, visitors, page views.

#include <algorithm>

#include "store/sql/sql_internal.h"
#include "util/limits.h"

namespace tiski {

Status SqlStore::create_session(const Session& s) {
  // Logins are rare: a good moment to forget sessions that expired a day or more ago.
  PREPARE(gc, "DELETE FROM sessions WHERE expires_at < ?");
  if (gc.bind(static_cast<std::int64_t>(s.expires_at - 15 * 86'400'000LL)).step() != kDone)
    return gc.error("expiring sessions");
  PREPARE(q,
          "INSERT INTO sessions(token_hash, agent_id, csrf, expires_at, created_at, ip, user_agent) "
          "VALUES(?, ?, ?, ?, ?, ?, ?)");
  if (q.bind(s.token_hash, s.agent_id, s.csrf, s.expires_at, s.created_at, s.ip, s.user_agent).step() != kDone)
    return q.error("creating session");
  return {};
}

Result<Session> SqlStore::session_by_hash(std::string_view token_hash, Millis now) {
  PREPARE(q, "SELECT " SESSION_COLUMNS " FROM sessions WHERE token_hash = ? AND expires_at > ?");
  int rc = q.bind(token_hash, now).step();
  if (rc == kDone) return Error::unauthorized("no session");
  if (rc != kRow) return q.error("reading session");
  return read_session(q);
}

Status SqlStore::delete_session(std::string_view token_hash) {
  PREPARE(q, "DELETE FROM sessions WHERE token_hash = ?");
  if (q.bind(token_hash).step() != kDone) return q.error("deleting session");
  return {};
}

namespace {
Visitor read_visitor(auto& q) {
  Visitor v{q.i64(0),
            q.i64(1),
            q.i64(2),
            q.text(3),
            q.text(4),
            q.text(5),
            q.i64(6),
            q.i64(7),
            std::nullopt,
            q.i64(11),
            VisitorIdentity{q.text(12), q.text(13), q.text(14), q.i64(15) != 0},
            q.i64(16)};
  if (auto cents = q.opt(8)) v.cart = Cart{*cents, Interned(q.text(9)), static_cast<int>(q.i64(10))};
  return v;
}
#define VISITOR_COLUMNS                                                                                       \
  "id, site_id, tenant_id, lang, page_url, page_title, created_at, last_seen_at, cart_cents, cart_currency, " \
  "cart_items, number, COALESCE(external_id, ''), identity_name, identity_email, verified, COALESCE(contact_id, 0)"

}  // namespace

// The next number of the site's tenant's visitors. SQLite: the tenant's counter (one writer).
// PostgreSQL: the tenant's sequence (migration 0003), which holds no lock until the commit.
Result<std::int64_t> SqlStore::next_visitor_number(Id site_id) {
  PREPARE(n, pg() ? "SELECT nextval(format('visitor_number_%s', tenant_id)::regclass) FROM sites WHERE id = ?"
                  : "UPDATE tenants SET visitor_count = visitor_count + 1 "
                    "WHERE id = (SELECT tenant_id FROM sites WHERE id = ?) RETURNING visitor_count");
  int nrc = n.bind(site_id).step();
  if (nrc == kDone) return Error::not_found("no such site");
  if (nrc != kRow) return n.error("numbering visitor");
  std::int64_t number = n.i64(0);
  if (n.step() != kDone) return n.error("numbering visitor");
  return number;
}

Result<Visitor> SqlStore::create_visitor(Id site_id, std::string_view lang, Millis now) {
  std::int64_t number = TRY(next_visitor_number(site_id));
  PREPARE(q,
          "INSERT INTO visitors(site_id, tenant_id, lang, created_at, last_seen_at, number) "
          "SELECT id, tenant_id, ?, ?, ?, ? FROM sites WHERE id = ? "
          "RETURNING " VISITOR_COLUMNS);
  int rc = q.bind(lang, now, now, number, site_id).step();
  if (rc == kDone) return Error::not_found("no such site");
  if (rc != kRow) return q.error("creating visitor");
  return read_visitor(q);
}

Result<Visitor> SqlStore::visitor_by_id(Id id) {
  PREPARE(q, "SELECT " VISITOR_COLUMNS " FROM visitors WHERE id = ?");
  int rc = q.bind(id).step();
  if (rc == kDone) return Error::not_found("no such visitor");
  if (rc != kRow) return q.error("reading visitor");
  return read_visitor(q);
}

Result<std::optional<Visitor>> SqlStore::verified_visitor(Id site_id, std::string_view external_id) {
  PREPARE(q, "SELECT " VISITOR_COLUMNS
             " FROM visitors WHERE site_id = ? AND external_id = ? AND verified = 1 ORDER BY id LIMIT 1");
  int rc = q.bind(site_id, external_id).step();
  if (rc == kDone) return std::optional<Visitor>();
  if (rc != kRow) return q.error("finding an identified visitor");
  return std::optional<Visitor>(read_visitor(q));
}

Status SqlStore::set_visitor_identity(Id id, const VisitorIdentity& who) {
  PREPARE(q,
          "UPDATE visitors SET external_id = NULLIF(?, ''), identity_name = ?, identity_email = ?, verified = ? "
          "WHERE id = ?");
  int rc = q.bind(who.external_id, who.name, who.email, who.verified ? 1 : 0, id).step();
  if (rc != kDone) return q.error("setting a visitor's identity");
  if (changes() == 0) return Error::not_found("no such visitor");
  return {};
}

Status SqlStore::update_visitor_page(Id id, std::string_view url, std::string_view title, Millis now) {
  PREPARE(q, "UPDATE visitors SET page_url = ?, page_title = ?, last_seen_at = ? WHERE id = ?");
  if (q.bind(url, title, now, id).step() != kDone) return q.error("updating visitor");
  if (changes() == 0) return Error::not_found("no such visitor");
  return {};
}

Status SqlStore::set_visitor_cart(Id id, const std::optional<Cart>& cart) {
  PREPARE(q, "UPDATE visitors SET cart_cents = ?, cart_currency = ?, cart_items = ? WHERE id = ?");
  std::optional<std::int64_t> cents = cart ? std::optional<std::int64_t>(cart->cents) : std::nullopt;
  if (q.bind(cents, cart ? cart->currency.view() : std::string_view(""), cart ? cart->items : 0, id).step() != kDone) {
    return q.error("setting cart");
  }
  if (changes() == 0) return Error::not_found("no such visitor");
  return {};
}

Status SqlStore::record_page_view(const PageView& v) {
  PREPARE(q, "INSERT INTO page_views(visitor_id, visit, url, title, category, at) VALUES(?, ?, ?, ?, ?, ?)");
  if (q.bind(v.visitor_id, v.visit, v.url, v.title, v.category, v.at).step() != kDone) {
    return q.error("recording page view");
  }
  return {};
}

Result<std::vector<PageView>> SqlStore::page_path(Id visitor_id, std::size_t limit) {
  PREPARE(q, "SELECT " PAGE_VIEW_COLUMNS
             " FROM page_views WHERE visitor_id = ?1 AND visit = "
             "(SELECT visit FROM page_views WHERE visitor_id = ?1 ORDER BY id DESC LIMIT 1) ORDER BY id DESC LIMIT ?2");
  q.bind(visitor_id, static_cast<std::int64_t>(limit));
  std::vector<PageView> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_page_view(q));
  if (rc != kDone) return q.error("reading page path");
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace tiski
