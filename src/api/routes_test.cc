#include "api/routes.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "store/sqlite/sqlite_engine.h"

namespace tiski::api {
namespace {

struct Fixture {
  Metrics metrics;
  StoreWorker store{std::move(SqliteStore::open(":memory:")).value(), [](std::function<void()> f) { f(); }, metrics};
  AuthService auth{store, [](std::function<void()> f) { f(); }, [](std::function<void()> f) { f(); }};
  Routes routes{auth, store, OriginPolicy("https://chat.example.fi")};
};

Request request(Method m, std::string path, std::string query = {}) {
  Request r;
  r.method = m;
  r.path = std::move(path);
  r.query = std::move(query);
  return r;
}

TEST(Routes, PathParametersAndQueries) {
  Fixture f;
  std::string seen;
  f.routes.add(Method::kGet, "/api/tenants/{id}/queue", rights::Level::kPublic, [&](Call c) {
    seen = std::string(c.req.param("id")) + "|" + std::string(c.req.query_param("offset").value_or("-"));
    c.ok({});
  });
  Response got;
  EXPECT_TRUE(
      f.routes.dispatch(request(Method::kGet, "/api/tenants/7/queue", "a=1&offset=50"), [&](Response r) { got = r; }));
  EXPECT_EQ(seen, "7|50");
  EXPECT_EQ(got.status, 200);
  EXPECT_FALSE(f.routes.dispatch(request(Method::kGet, "/api/tenants//queue"), [](Response) {}));
  EXPECT_FALSE(f.routes.dispatch(request(Method::kGet, "/api/tenants/7/queue/x"), [](Response) {}));
  EXPECT_FALSE(f.routes.dispatch(request(Method::kGet, "/api/tenants/7"), [](Response) {}));
}

TEST(Routes, AWrongMethodIs405WithAllow) {
  Fixture f;
  f.routes.add(Method::kGet, "/api/sites/{key}", rights::Level::kPublic, [](Call c) { c.ok({}); });
  f.routes.add(Method::kPut, "/api/sites/{key}", rights::Level::kPublic, [](Call c) { c.ok({}); });
  Response got;
  EXPECT_TRUE(f.routes.dispatch(request(Method::kDelete, "/api/sites/abc"), [&](Response r) { got = r; }));
  EXPECT_EQ(got.status, 405);
  EXPECT_NE(got.body.find(R"("code":"method_not_allowed")"), std::string::npos) << got.body;
  ASSERT_EQ(got.headers.back().first, "Allow");
  EXPECT_EQ(got.headers.back().second, "GET, HEAD, PUT");
  // HEAD is a public GET's only: another GET may be audited (a secret read), and a HEAD would
  // do that and show nothing.
  bool ran = false;
  f.routes.add(Method::kGet, "/api/secret", rights::Level::kAdmin, [&](Call c) {
    ran = true;
    c.ok({});
  });
  EXPECT_TRUE(f.routes.dispatch(request(Method::kHead, "/api/secret"), [&](Response r) { got = r; }));
  EXPECT_EQ(got.status, 405);
  EXPECT_EQ(got.headers.back().second, "GET");
  EXPECT_FALSE(ran);
}

TEST(Routes, WithoutASessionNothingButPublicRoutesRun) {
  Fixture f;
  bool ran = false;
  f.routes.add(Method::kGet, "/api/me", rights::Level::kSignedIn, [&](Call c) {
    ran = true;
    c.ok({});
  });
  Response got;
  EXPECT_TRUE(f.routes.dispatch(request(Method::kGet, "/api/me"), [&](Response r) { got = r; }));
  f.store.stop();  // runs the authentication job
  EXPECT_FALSE(ran);
  EXPECT_EQ(got.status, 401);
}

TEST(Origins, OnlyThisSiteMayWrite) {
  OriginPolicy given("https://Chat.Example.fi:443/console");
  EXPECT_EQ(given.problem(std::string("https://chat.example.fi"), "", false), "");
  EXPECT_NE(given.problem(std::string("https://evil.example"), "chat.example.fi", false), "");
  EXPECT_NE(given.problem(std::string("null"), "", false), "");
  EXPECT_EQ(given.problem(std::nullopt, "", false), "");  // not a browser's cross-site request
  EXPECT_EQ(given.problem(std::nullopt, "", true), "the Origin header is required");
  OriginPolicy by_host;
  EXPECT_EQ(by_host.problem(std::string("http://127.0.0.1:8080"), "127.0.0.1:8080", true), "");
  EXPECT_NE(by_host.problem(std::string("http://127.0.0.1:9999"), "127.0.0.1:8080", true), "");
  EXPECT_NE(by_host.problem(std::string("http://a\nb"), "127.0.0.1:8080", true).find("'http://a?b'"),
            std::string::npos);
}

TEST(Roles, SupervisorsAndAdminsOnlyAndOtherTenantsAreNotFound) {
  AgentIdentity who;
  who.memberships.push_back(Membership{0, 1, "T1", Role::kAgent});
  who.memberships.push_back(Membership{0, 2, "T2", Role::kSupervisor});
  EXPECT_EQ(require_role(who, 1, Role::kSupervisor)->code, Errc::kForbidden);
  EXPECT_FALSE(require_role(who, 2, Role::kSupervisor));
  EXPECT_EQ(require_role(who, 2, Role::kAdmin)->code, Errc::kForbidden);
  EXPECT_EQ(require_role(who, 3, Role::kAgent)->code, Errc::kNotFound);
}

}  // namespace
}  // namespace tiski::api

namespace tiski::api {
namespace {

TEST(Rights, TheLeastRoleInTheObjectsTenant) {
  using rights::judge;
  using rights::Level;
  using rights::Verdict;
  EXPECT_EQ(judge(Level::kSupervisor, Role::kAgent, false), Verdict::kForbidden);
  EXPECT_EQ(judge(Level::kSupervisor, Role::kSupervisor, false), Verdict::kAllow);
  EXPECT_EQ(judge(Level::kSupervisor, Role::kAdmin, false), Verdict::kAllow);
  EXPECT_EQ(judge(Level::kAdmin, Role::kSupervisor, false), Verdict::kForbidden);
  EXPECT_EQ(judge(Level::kAgent, std::nullopt, false), Verdict::kNotFound);  // another tenant's
  EXPECT_EQ(judge(Level::kOwner, Role::kAdmin, false), Verdict::kForbidden);
  EXPECT_EQ(judge(Level::kOwner, std::nullopt, true), Verdict::kAllow);
  EXPECT_EQ(judge(Level::kSignedIn, std::nullopt, false), Verdict::kAllow);
  EXPECT_TRUE(rights::allows("take", Role::kAgent, false));
  EXPECT_FALSE(rights::allows("take.over", Role::kAgent, false));
  EXPECT_TRUE(rights::allows("take.over", Role::kSupervisor, false));
  EXPECT_FALSE(rights::allows("no such frame", Role::kAdmin, true));
}

TEST(Rights, ARouteOutsideTheTableIsRefused) {
  Fixture f;
  EXPECT_THROW(f.routes.add(Method::kGet, "/api/not/in/the/table", [](Call c) { c.ok({}); }), std::logic_error);
  EXPECT_NO_THROW(f.routes.add(Method::kGet, "/api/me", [](Call c) { c.ok({}); }));
}

// docs/roles.md is the table's own text: regenerate it with `tiski roles > docs/roles.md`.
TEST(Rights, DocsAreGeneratedFromTheTable) {
  std::ifstream in(std::string(TISKI_SOURCE_DIR) + "/docs/roles.md");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), rights::markdown()) << "run: build/tiski roles > docs/roles.md";
}

}  // namespace
}  // namespace tiski::api

namespace tiski::api {
namespace {

// Every route of the rights table is documented in docs/openapi.yaml with its method.
TEST(Rights, EveryRouteIsInTheOpenApiDocument) {
  std::ifstream in(std::string(TISKI_SOURCE_DIR) + "/docs/openapi.yaml");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  for (const auto& r : rights::routes()) {
    std::string method(r.method);
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    bool found = false;
    for (std::size_t i = 0; i < lines.size() && !found; ++i) {
      if (lines[i] != "  " + std::string(r.pattern) + ":") continue;
      for (std::size_t j = i + 1; j < lines.size() && !lines[j].starts_with("  /"); ++j) {
        if (lines[j] == "    " + method + ":" || lines[j].starts_with("    " + method + ": {")) found = true;
      }
    }
    EXPECT_TRUE(found) << r.method << " " << r.pattern << " is not in docs/openapi.yaml";
  }
}

// And the other way: every operation the document describes is a route of the rights table,
// so the roles test (tests/roles_e2e_test.cc), which calls every route of the table as every
// role, calls every documented route.
TEST(Rights, EveryDocumentedOperationIsARoute) {
  std::ifstream in(std::string(TISKI_SOURCE_DIR) + "/docs/openapi.yaml");
  bool in_paths = false;
  std::string path;
  int operations = 0;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l[0] != ' ') in_paths = l == "paths:";
    if (!in_paths) continue;
    if (l.starts_with("  /") && l.ends_with(":") && !l.starts_with("   ")) path = l.substr(2, l.size() - 3);
    for (const char* m : {"get", "put", "post", "delete", "patch"}) {
      std::string key = std::string("    ") + m + ":";
      if (l != key && !l.starts_with(key + " ")) continue;
      std::string method(m);
      for (auto& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      EXPECT_NE(rights::route_rule(method, path), nullptr) << method << " " << path << " is documented but not served";
      ++operations;
    }
  }
  EXPECT_GE(operations, static_cast<int>(rights::routes().size()));
}

}  // namespace
}  // namespace tiski::api
