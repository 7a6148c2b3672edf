// The rights table (chat/rights.h, docs/roles.md) against a running server: every REST route
// in the table and every agent frame, as an agent, a supervisor, an admin and the workspace
// owner, on an object of the agent's own tenant and on another tenant's. The expected answer
// is computed from the same table: allowed, 403 for a role too low, 404 for another tenant's
// object. Writes carry a malformed body, so an allowed write answers 400 and changes nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>

#include "chat/admin.h"
#include "chat/rights.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using rights::Level;
using rights::Verdict;

struct Account {
  std::string email;
  std::optional<Role> own;  // role in tenant 1 (eramaa)
  bool owner = false;
};

// Objects of the two tenants the paths name.
struct World {
  std::map<int, std::string> tenant, site, conv, visitor;  // by tenant 1, 2
  std::map<std::pair<int, int>, std::int64_t> own_conv;    // (tenant, account) -> a waiting chat
  std::string busy_conv;                                   // tenant 1, served by Aino
  std::string stranger;                                    // an agent of tenant 2 only
};

World seed(Database& st) {
  World w;
  EXPECT_TRUE(admin::create_agent(st, {"a1@eramaa.demo", "Anni Agentti", "demo1234", "eramaa", "agent"}, true).ok());
  EXPECT_TRUE(admin::create_agent(st, {"adm@eramaa.demo", "Aatu Admin", "demo1234", "eramaa", "admin"}, true).ok());
  Millis t = now_ms() - 60'000;
  for (int n : {1, 2}) {
    auto site = st.site_by_key(**st.setting(n == 1 ? "demo_site_key" : "demo_site_key_2"));
    auto v = st.create_visitor(site->id, "fi", t);
    auto c = st.create_conversation(v->id, origin::kReactive, t);
    w.tenant[n] = std::to_string(site->tenant_id);
    w.site[n] = site->key;
    w.conv[n] = std::to_string(c->id);
    w.visitor[n] = std::to_string(v->id);
    for (int a = 0; a < 4; ++a) {
      auto va = st.create_visitor(site->id, "fi", t);
      w.own_conv[{n, a}] = st.create_conversation(va->id, origin::kReactive, t)->id;
    }
  }
  auto site = st.site_by_key(**st.setting("demo_site_key"));
  auto v = st.create_visitor(site->id, "fi", t);
  auto busy = st.create_conversation(v->id, origin::kReactive, t);
  auto aino = st.agent_by_email(admin::kDemoAgentEmail);
  EXPECT_TRUE(st.assign(busy->id, aino->id, t).ok());
  w.busy_conv = std::to_string(busy->id);
  w.stranger = std::to_string(st.agent_by_email("agentti@pyorapaja.demo")->id);
  return w;
}

const std::vector<Account> kAccounts{
    {"a1@eramaa.demo", Role::kAgent},
    {admin::kDemoAgentEmail, Role::kSupervisor},
    {"adm@eramaa.demo", Role::kAdmin},
    {admin::kDemoOwnerEmail, std::nullopt, true},
};

std::string fill(std::string pattern, const World& w, int n) {
  auto put = [&](const std::string& name, const std::string& value) {
    if (auto at = pattern.find(name); at != std::string::npos) pattern.replace(at, name.size(), value);
  };
  bool conversation = pattern.starts_with("/api/conversations/");
  put("{id}", conversation ? w.conv.at(n) : w.tenant.at(n));
  put("{key}", w.site.at(n));
  put("{canned}", "999999");
  put("{agent}", w.stranger);
  put("{session}", "0000000000000000");
  put("{block}", "999999");
  put("{token}", "999999");
  put("{hook}", "999999");
  put("{mailbox}", "999999");
  put("{team}", "999999");
  put("{contact}", "999999");
  put("{delivery}", "999999");
  put("{file}", "999999");
  return pattern;
}

// What the table says this account gets on tenant n's object.
Verdict expected(const rights::RouteRule& r, const Account& a, int n) {
  bool scoped = r.pattern.starts_with("/api/tenants/{id}") || r.pattern.starts_with("/api/sites/{key}") ||
                r.pattern.starts_with("/api/conversations/{id}");
  std::optional<Role> role = a.owner ? std::optional<Role>(Role::kAdmin) : a.own;
  if (scoped && n == 2 && !a.owner) role = std::nullopt;
  if (!scoped && r.level >= Level::kAgent && !role) return Verdict::kForbidden;
  return rights::judge(r.level, role, a.owner);
}

bool guard_not_found(const HttpReply& r) {
  if (r.status != 404) return false;
  for (const char* m : {"no such tenant", "no such site", "no such conversation", "no such API endpoint"}) {
    if (r.body.find(m) != std::string::npos) return true;
  }
  return false;
}

TEST(Roles, EveryRouteAsEveryRoleInItsOwnTenantAndAnother) {
  World w;
  Server srv(0, {}, [&](Database& st) { w = seed(st); });
  for (const auto& a : kAccounts) {
    Rest rest(srv, a.email);
    for (const auto& r : rights::routes()) {
      for (int n : {1, 2}) {
        std::string path = fill(std::string(r.pattern), w, n);
        std::string method(r.method);
        if (path == "/api/logout") {  // ends the session it is sent with: a session of its own
          Rest once(srv, a.email);
          EXPECT_EQ(once.call("POST", path).status, 204) << a.email;
          continue;
        }
        auto got = rest.call(method, path, method == "GET" || method == "DELETE" ? "" : "{");
        auto want = expected(r, a, n);
        if (r.pattern == "/api/conversations/{id}/review" && method == "GET" && want == Verdict::kAllow &&
            !rights::allows("review.others", a.owner ? Role::kAdmin : a.own, a.owner))
          want = Verdict::kForbidden;  // a chat nobody served: not the agent's own
        std::string what = a.email + " " + method + " " + path + " -> " + std::to_string(got.status) + " " + got.body;
        if (r.level == Level::kPublic) {
          EXPECT_FALSE(guard_not_found(got)) << what;
        } else if (want == Verdict::kAllow) {
          EXPECT_TRUE(got.status != 401 && got.status != 403 && !guard_not_found(got)) << what;
        } else if (want == Verdict::kForbidden) {
          EXPECT_EQ(got.status, 403) << what;
        } else {
          EXPECT_TRUE(guard_not_found(got)) << what;
          EXPECT_EQ(got.body.find("Pyöräpaja"), std::string::npos) << what;  // says nothing of the tenant
        }
      }
    }
  }
}

// The frame, filled for tenant n's conversation (or visitor).
object frame_of(std::string_view type, const World& w, int n, int account) {
  std::int64_t conv = w.own_conv.at({n, account});
  if (type == "watch") return {{"t", "watch"}, {"conv", conv}, {"after", 0}};
  if (type == "unwatch") return {{"t", "unwatch"}, {"conv", conv}};
  if (type == "older") return {{"t", "older"}, {"conv", conv}, {"before", 1}};
  if (type == "typing") return {{"t", "typing"}, {"conv", conv}, {"on", true}};
  if (type == "send")
    return {{"t", "send"}, {"conv", conv}, {"cid", "n1"}, {"body", "muistiinpano"}, {"internal", true}};
  if (type == "transfer") return {{"t", "transfer"}, {"conv", conv}, {"to", 999999}};  // conflict: not theirs
  if (type == "outcome") return {{"t", "outcome"}, {"conv", conv}, {"outcome", "resolved"}};
  if (type == "start")
    return {{"t", "start"}, {"visitor", std::stoll(w.visitor.at(n))}, {"cid", "s1"}, {"body", "Hei!"}};
  if (type == "take") return {{"t", "take"}, {"conv", conv}};
  if (type == "close") return {{"t", "close"}, {"conv", conv}};
  if (type == "status") return {{"t", "status"}, {"status", "away"}};
  if (type == "list") return {{"t", "list"}, {"which", "waiting"}};
  if (type == "visitors") return {{"t", "visitors"}, {"on", false}};
  return {{"t", "ping"}};
}

// The refusal the frame got ("" if none): its answer comes before that of a history read of
// tenant 1's conversation sent after it (the store runs jobs in order).
std::string refusal(WsClient& ws, const object& frame, std::int64_t marker) {
  ws.send(frame);
  ws.send({{"t", "older"}, {"conv", marker}, {"before", 1}});
  std::string code;
  while (auto f = ws.recv(std::chrono::seconds(5))) {
    auto t = f->at("t").as_string();
    if (t == "older" && f->at("conv").as_int64() == marker) return code;
    if (t == "error") {
      std::string c(f->at("code").as_string());
      if (c == "forbidden" || c == "not_found") code = c;
    }
  }
  ADD_FAILURE() << "no answer to " << boost::json::serialize(frame);
  return "?";
}

TEST(Roles, EveryAgentFrameAsEveryRoleInItsOwnTenantAndAnother) {
  World w;
  Server srv(0, {}, [&](Database& st) { w = seed(st); });
  std::int64_t marker = std::stoll(w.busy_conv);
  // Visitors on each site, there for `start`.
  auto v1 = visitor(srv, w.site.at(1)), v2 = visitor(srv, w.site.at(2));
  w.visitor[1] = std::to_string(v1->id);
  w.visitor[2] = std::to_string(v2->id);
  // Take and close last: they change the conversations the others are sent about.
  std::vector<std::string> order;
  for (const auto& f : rights::frames()) {
    if (f.frame.find('.') == std::string_view::npos && f.frame != "take" && f.frame != "close")
      order.emplace_back(f.frame);
  }
  order.insert(order.end(), {"take", "close"});
  for (int n : {2, 1}) {
    for (int i = 0; i < static_cast<int>(kAccounts.size()); ++i) {
      const auto& a = kAccounts[i];
      auto ws = agent(srv, a.email);
      for (const auto& type : order) {
        const auto* rule = rights::frame_rule(type);
        ASSERT_TRUE(rule) << type;
        bool about_object = rule->level >= Level::kAgent;
        std::optional<Role> role = a.owner ? std::optional<Role>(Role::kAdmin) : a.own;
        if (about_object && n == 2 && !a.owner) role = std::nullopt;
        auto want = rights::judge(rule->level, role, a.owner);
        auto got = refusal(*ws, frame_of(type, w, n, i), marker);
        std::string what = a.email + " " + type + " on tenant " + std::to_string(n);
        EXPECT_EQ(got, want == Verdict::kAllow ? "" : want == Verdict::kForbidden ? "forbidden" : "not_found") << what;
      }
    }
  }
  // The variants: a chat Aino serves, taken over or given an outcome by someone else.
  for (const auto& a : kAccounts) {
    if (a.email == admin::kDemoAgentEmail) continue;
    auto ws = agent(srv, a.email);
    std::int64_t busy = std::stoll(w.busy_conv);
    auto want_outcome = rights::allows("outcome.others", a.owner ? Role::kAdmin : *a.own, a.owner);
    EXPECT_EQ(refusal(*ws, {{"t", "outcome"}, {"conv", busy}, {"outcome", "lead"}}, marker),
              want_outcome ? "" : "forbidden")
        << a.email;
  }
  auto a1 = agent(srv, "a1@eramaa.demo");
  EXPECT_EQ(refusal(*a1, {{"t", "take"}, {"conv", marker}, {"over", true}}, marker), "forbidden");
  auto adm = agent(srv, "adm@eramaa.demo");
  EXPECT_EQ(refusal(*adm, {{"t", "take"}, {"conv", marker}, {"over", true}}, marker), "");
}

}  // namespace
}  // namespace tiski::testing
