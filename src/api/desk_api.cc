// The agent's desk over REST (docs/desk.md): each tenant's policy card and colour, and its
// canned answers (plus the workspace-wide ones, read-only here: the CLI manages those). Any
// agent of the tenant reads them; supervisors and admins change them. Another tenant's ids,
// and ids that do not parse, answer 404.

#include "api/api.h"
#include "chat/desk/canned.h"
#include "chat/desk/cards.h"
#include "chat/desk/policy.h"
#include "util/limits.h"

namespace tiski::api {
namespace {

Result<Id> after_of(const Call& c) {
  auto v = c.req.query_param("after");
  if (!v) return Id{0};
  auto id = positive_number(*v);
  if (!id) return Error::bad_request("after must be a positive number");
  return *id;
}

// GET /api/desk?after=TENANT: the desk of each of my tenants, by id, a page at a time.
void my_desks(Services& s, const Call& c) {
  auto after = after_of(c);
  if (!after) return c.fail(after.error());
  std::vector<Id> mine;
  for (const auto& m : c.who->memberships) {
    if (m.tenant_id > *after) mine.push_back(m.tenant_id);
  }
  std::sort(mine.begin(), mine.end());
  bool more = mine.size() > limits::kDeskPage;
  if (more) mine.resize(limits::kDeskPage);
  store_job<std::vector<Tenant>>(
      s.store,
      [mine](Store& st) -> Result<std::vector<Tenant>> {
        std::vector<Tenant> out;
        out.reserve(mine.size());
        for (Id id : mine) out.push_back(TRY(st.tenant_by_id(id)));
        return out;
      },
      [&s, c, more](Result<std::vector<Tenant>> r) {
        if (!r) return c.fail(r.error());
        boost::json::array list;
        for (const auto& t : *r) list.push_back(desk::desk_json(t, s.chat.now()));
        boost::json::value next = nullptr;
        if (more && !r->empty()) next = r->back().id;
        c.ok({{"tenants", std::move(list)}, {"next", next}});
      });
}

// GET|PUT /api/tenants/{id}/desk: {"color": "#rrggbb"|"", "policy": "...", "cards": [...]}.
void tenant_desk(Services& s, const Call& c, bool put) {
  auto tenant = path_tenant(c);
  if (!tenant) return c.fail(Error::not_found("no such tenant"));
  std::optional<std::string> color, policy, cards;
  if (put) {
    auto body = json_object(c.req.body, R"({"color": "#2f6f4e", "policy": "..."})");
    if (!body) return c.fail(body.error());
    for (const auto& [k, v] : *body) {
      if (k == "cards") {  // channel cards (docs/channels.md)
        auto r = desk::parse_cards(v);
        if (!r) return c.fail(r.error());
        cards = desk::cards_text(*r);
        continue;
      }
      if (!v.is_string()) return c.fail(Error::bad_request("color and policy are strings"));
      if (k == "color") {
        auto r = desk::parse_color(v.as_string());
        if (!r) return c.fail(r.error());
        color = std::move(*r);
      } else if (k == "policy") {
        auto r = desk::parse_policy(v.as_string());
        if (!r) return c.fail(r.error());
        policy = std::move(*r);
      } else {
        return c.fail(
            Error::bad_request("unknown field '" + std::string(k).substr(0, 40) + "': color, policy or cards"));
      }
    }
  }
  auto line = audit_line(c, *tenant, "desk.update", "tenant " + std::to_string(*tenant), nullptr, nullptr);
  store_job<Tenant>(
      s.store,
      [tenant = *tenant, color, policy, cards, line](Store& st) mutable -> Result<Tenant> {
        auto t = TRY(st.tenant_by_id(tenant));
        if (color || policy || cards) {
          auto json = [](const Tenant& x) {
            return boost::json::object{{"color", x.color},
                                       {"policy", x.policy},
                                       {"cards", desk::cards_json(desk::stored_cards(x.channel_cards))}};
          };
          auto before = json(t);
          t.color = color.value_or(t.color);
          t.policy = policy.value_or(t.policy);
          t.channel_cards = cards.value_or(t.channel_cards);
          TRY_OK(st.set_tenant_desk(t.id, t.color, t.policy));
          if (cards) TRY_OK(st.set_tenant_cards(t.id, t.channel_cards));
          line.detail = change_json(before, json(t));
          TRY_OK(st.add_audit(line));
        }
        return t;
      },
      [&s, c](Result<Tenant> t) {
        if (!t) return c.fail(t.error());
        c.ok(desk::desk_json(*t, s.chat.now()));
      });
}

void list_canned(Services& s, const Call& c) {
  auto tenant = path_tenant(c);
  if (!tenant) return c.fail(Error::not_found("no such tenant"));
  auto after = after_of(c);
  if (!after) return c.fail(after.error());
  store_job<std::vector<CannedAnswer>>(
      s.store,
      [tenant = *tenant, after = *after](Store& st) {
        return st.canned_answers(tenant, after, limits::kCannedPage + 1);
      },
      [c](Result<std::vector<CannedAnswer>> r) {
        if (!r) return c.fail(r.error());
        bool more = r->size() > limits::kCannedPage;
        if (more) r->resize(limits::kCannedPage);
        boost::json::array list;
        for (const auto& a : *r) list.push_back(desk::canned_json(a));
        boost::json::value next = nullptr;
        if (more) next = r->back().id;
        c.ok({{"answers", std::move(list)}, {"next", next}});
      });
}

// POST (id = 0), PUT or DELETE (remove) one of the tenant's answers.
void change_canned(Services& s, const Call& c, bool remove) {
  auto tenant = path_tenant(c);
  if (!tenant) return c.fail(Error::not_found("no such tenant"));
  Id id = 0;
  if (!c.req.param("canned").empty()) {
    auto parsed = positive_number(c.req.param("canned"));
    if (!parsed) return c.fail(Error::not_found("no such canned answer"));
    id = *parsed;
  }
  CannedAnswer a;
  if (!remove) {
    auto body = json_object(c.req.body, R"({"shortcut": "...", "title": "...", "texts": {"fi": "..."}})");
    if (!body) return c.fail(body.error());
    auto parsed = desk::parse_canned(*body, *tenant, s.chat.now());
    if (!parsed) return c.fail(parsed.error());
    a = std::move(*parsed);
    a.id = id;
  }
  auto line = audit_line(c, *tenant,
                         remove ? "canned.remove"
                         : id   ? "canned.update"
                                : "canned.add",
                         "", nullptr, nullptr);
  store_job<CannedAnswer>(
      s.store,
      [tenant = *tenant, id, remove, a, line](Store& st) mutable -> Result<CannedAnswer> {
        boost::json::value before = nullptr;
        if (id != 0) {
          auto old = TRY(st.canned_answer(id));
          // Every tenant sees the workspace-wide answers; the workspace's owner changes them.
          if (!old.tenant_id) return Error::forbidden("workspace-wide answers are managed with the CLI (tiski canned)");
          if (*old.tenant_id != tenant) return Error::not_found("no such canned answer");
          before = desk::canned_json(old);
          if (remove) {
            TRY_OK(st.delete_canned_answer(id));
            line.target = "canned " + std::to_string(id);
            line.detail = change_json(before, nullptr);
            TRY_OK(st.add_audit(line));
            return old;
          }
        } else if (TRY(st.count_canned_answers(tenant)) >= limits::kMaxCannedAnswers) {
          return Error::conflict("a tenant has at most " + std::to_string(limits::kMaxCannedAnswers) +
                                 " canned answers");
        }
        auto saved = TRY(st.save_canned_answer(a));
        line.target = "canned " + std::to_string(saved.id);
        line.detail = change_json(before, desk::canned_json(saved));
        TRY_OK(st.add_audit(line));
        return saved;
      },
      [c, created = id == 0, remove](Result<CannedAnswer> r) {
        if (!r) return c.fail(r.error());
        if (remove) return c.reply(Response::empty(204));
        c.reply(Response::json(created ? 201 : 200, desk::canned_json(*r)));
      });
}

// POST /api/tenants/{id}/canned/import: an export file ({"canned": [...]}); shortcuts the
// tenant has are replaced, the others added, all or nothing.
void import_canned(Services& s, const Call& c) {
  auto tenant = path_tenant(c);
  if (!tenant) return c.fail(Error::not_found("no such tenant"));
  auto answers = desk::parse_canned_file(c.req.body, *tenant, s.chat.now());
  if (!answers) return c.fail(answers.error());
  store_job<desk::Imported>(
      s.store,
      [tenant = *tenant, answers = std::move(*answers)](Store& st) { return desk::import_canned(st, tenant, answers); },
      [c](Result<desk::Imported> r) {
        if (!r) return c.fail(r.error());
        c.ok({{"added", r->added}, {"changed", r->changed}});
      });
}

}  // namespace

void add_desk_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/desk", [&s](const Call& c) { my_desks(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/desk", [&s](const Call& c) { tenant_desk(s, c, false); });
  routes.add(Method::kPut, "/api/tenants/{id}/desk", [&s](const Call& c) { tenant_desk(s, c, true); });
  routes.add(Method::kGet, "/api/tenants/{id}/canned", [&s](const Call& c) { list_canned(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/canned", [&s](const Call& c) { change_canned(s, c, false); });
  routes.add(Method::kPost, "/api/tenants/{id}/canned/import", [&s](const Call& c) { import_canned(s, c); });
  routes.add(Method::kPut, "/api/tenants/{id}/canned/{canned}", [&s](const Call& c) { change_canned(s, c, false); });
  routes.add(Method::kDelete, "/api/tenants/{id}/canned/{canned}", [&s](const Call& c) { change_canned(s, c, true); });
}

}  // namespace tiski::api
