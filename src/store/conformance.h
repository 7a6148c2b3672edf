// The store conformance suites: every back end must pass them, repository by repository
// (directory_, visitor_, conversation_ and outbox_conformance_test.cc). Add a back end by adding
// a factory to kBackends. PostgreSQL's run against a server the test process starts
// (store/testing/pg_server.h), a new database for each test.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "store/sqlite/sqlite_engine.h"
#include "store/store.h"
#include "store/testing/pg_server.h"
#include "util/limits.h"

namespace tiski::conformance {

struct Backend {
  const char* name;
  std::function<std::unique_ptr<Database>()> make;
};

inline const Backend kBackends[] = {
    {"sqlite",
     [] {
       auto s = SqliteStore::open(":memory:");
       if (!s) throw std::runtime_error(s.error().message);
       return std::unique_ptr<Database>(std::move(s).value());
     }},
    {"postgres", [] { return std::unique_ptr<Database>(testing::PgServer::get().fresh()); }},
};

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (std::string(GetParam().name) == "postgres" && !testing::PgServer::installed())
      GTEST_SKIP() << "PostgreSQL 15 is not installed (scripts/install-deps.sh)";
    store = GetParam().make();
    auto t = store->create_tenant("eramaa", "Erämaa Outdoor", 1000);
    ASSERT_TRUE(t.ok()) << t.error().message;
    tenant = *t;
    Site s;
    s.tenant_id = tenant.id;
    s.key = "site-key-1";
    s.secret = "secret";
    s.name = "eramaa.fi";
    s.greeting = "Tervetuloa!";
    s.langs = {"fi", "sv", "en"};
    s.created_at = 1000;
    auto site_r = store->create_site(s);
    ASSERT_TRUE(site_r.ok()) << site_r.error().message;
    site = *site_r;
    auto v = store->create_visitor(site.id, "fi", 2000);
    ASSERT_TRUE(v.ok()) << v.error().message;
    visitor = *v;
  }

  Message visitor_msg(Id conv, std::string body, std::string cid) {
    Message m;
    m.conv_id = conv;
    m.author = "visitor";
    m.author_id = visitor.id;
    m.body = std::move(body);
    m.cid = std::move(cid);
    m.at = 5000;
    return m;
  }

  std::unique_ptr<Database> store;
  Tenant tenant;
  Site site;
  Visitor visitor;
};

// Another client company with a site of its own.
inline std::pair<Result<Tenant>, Result<Site>> second_tenant(Store& st) {
  auto t2 = st.create_tenant("toinen", "Toinen Oy", 1000);
  Site s2;
  s2.tenant_id = t2->id;
  s2.key = "site-key-2";
  s2.secret = "x";
  s2.name = "toinen.fi";
  s2.langs = {"fi"};
  return {t2, st.create_site(s2)};
}

// Every suite runs against every back end.
#define TISKI_CONFORMANCE(Suite)                                                                  \
  class Suite : public ::tiski::conformance::StoreConformance {};                                 \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::ValuesIn(::tiski::conformance::kBackends), \
                           [](const auto& info) { return std::string(info.param.name); })

}  // namespace tiski::conformance
