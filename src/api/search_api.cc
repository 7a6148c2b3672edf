// GET /api/search: transcript search over the messages of the agent's tenants (docs/desk.md),
// on the read-only reports connection so that a search never delays a message. Filters narrow
// it; an id of a tenant the agent does not serve answers 404 like any other tenant's object.
#include <charconv>

#include "api/api.h"
#include "chat/desk/search.h"
#include "chat/protocol.h"
#include "util/limits.h"

namespace tiski::api {
namespace {

Result<std::optional<std::int64_t>> number(const Call& c, std::string_view name) {
  auto v = c.req.query_param(name);
  if (!v || v->empty()) return std::optional<std::int64_t>();
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size() || n < 0) {
    return Error::bad_request(std::string(name) + " must be a non-negative number");
  }
  return std::optional<std::int64_t>(n);
}

Result<std::string> word(const Call& c, std::string_view name) {
  auto v = TRY(c.req.query_text(name));
  if (!v) return std::string();
  if (v->size() > limits::kMaxTagBytes) return Error::bad_request(std::string(name) + " is too long");
  return *v;
}

// "onko \x02teltta\x03 varastossa" -> ["onko ", "teltta", " varastossa"]: odd places are hits.
boost::json::array snippet_parts(std::string_view s) {
  boost::json::array out;
  std::string cur;
  for (char ch : s) {
    if (ch == '\x02' || ch == '\x03') {
      if (ch == '\x02' && out.size() % 2 == 1) out.emplace_back("");  // keep hits at odd places
      out.emplace_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty() || out.empty()) out.emplace_back(cur);
  return out;
}

Result<std::pair<SearchQuery, desk::SearchTerms>> query_of(const Call& c) {
  auto q = TRY(c.req.query_text("q"));
  if (!q) return Error::bad_request("q: what to search for is missing");
  auto terms = TRY(desk::parse_search(*q));
  SearchQuery sq;
  sq.match = desk::match_expression(terms);
  auto tenant = TRY(number(c, "tenant"));
  for (const auto& m : c.who->memberships) {
    if (!tenant || m.tenant_id == *tenant) sq.tenants.push_back(m.tenant_id);
  }
  if (sq.tenants.empty()) return Error::not_found("no such tenant");
  sq.site = TRY(number(c, "site"));
  sq.agent = TRY(number(c, "agent"));
  sq.origin = TRY(word(c, "origin"));
  sq.outcome = TRY(word(c, "outcome"));
  if (!sq.outcome.empty() && !outcome::valid(sq.outcome)) return Error::bad_request("no such outcome");
  sq.tag = TRY(word(c, "tag"));
  sq.from = TRY(number(c, "from")).value_or(0);
  sq.to = TRY(number(c, "to")).value_or(0);
  sq.before = TRY(number(c, "before")).value_or(0);
  return std::pair{std::move(sq), std::move(terms)};
}

void search(Services& s, const Call& c) {
  auto asked = query_of(c);
  if (!asked) return c.fail(asked.error());
  store_job<SearchPage>(
      s.reports, [sq = std::move(asked->first)](Store& st) { return st.search_messages(sq); },
      [c, terms = std::move(asked->second)](Result<SearchPage> r) {
        if (!r) return c.fail(r.error());
        boost::json::array hits;
        for (const auto& h : r->hits) {
          hits.push_back(boost::json::object{{"id", h.id},
                                             {"conv", proto::conversation_json(h.conv)},
                                             {"seq", h.seq},
                                             {"at", h.at},
                                             {"author", h.author},
                                             {"author_name", h.author_name},
                                             {"snippet", snippet_parts(desk::snippet(h.body, terms))}});
        }
        boost::json::value next = nullptr;
        if (r->next) next = r->next;
        c.ok({{"hits", std::move(hits)}, {"next", next}});
      });
}

}  // namespace

void add_search_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/search", [&s](const Call& c) { search(s, c); });
}

}  // namespace tiski::api
