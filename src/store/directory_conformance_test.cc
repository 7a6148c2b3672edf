// Conformance of every back end: DirectoryRepo: settings, tenants, sites, agents, memberships.
#include "store/conformance.h"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "store/sqlite/migrations.h"

namespace tiski {
namespace {

TISKI_CONFORMANCE(DirectoryConformance);

TEST_P(DirectoryConformance, TenantSlugIsUniqueAndFound) {
  auto dup = store->create_tenant("eramaa", "Other", 1);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::kConflict);
  EXPECT_EQ(dup.error().message, "a tenant with slug 'eramaa' exists");
  ASSERT_TRUE(store->create_team(tenant.id, "Kengät").ok());
  EXPECT_EQ(store->create_team(tenant.id, "Kengät").error().message, "the tenant already has a team 'Kengät'");
  auto t = store->tenant_by_slug("eramaa");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name, "Erämaa Outdoor");
  EXPECT_EQ(store->tenant_by_slug("nope").error().code, Errc::kNotFound);
}

// The size of a workspace is bounded (limits.h): the console's snapshot and the admin's lists
// hold all of it. Each limit refuses one more with a conflict that names it, and what is
// already there keeps working.
TEST_P(DirectoryConformance, AWorkspaceKeepsToItsLimits) {
  for (auto n = static_cast<std::int64_t>(store->tenants()->size()); n < limits::kMaxTenants; ++n) {
    ASSERT_TRUE(store->create_tenant("t-" + std::to_string(n), "Yritys " + std::to_string(n), 1).ok()) << n;
  }
  auto over = store->create_tenant("one-more", "Yksi liikaa", 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, Errc::kConflict);
  EXPECT_EQ(over.error().message, "the workspace has at most 1000 client companies");
  EXPECT_EQ(store->create_tenant("eramaa", "Taken", 1).error().message,
            "the workspace has at most 1000 client companies");

  for (auto n = static_cast<std::int64_t>(store->sites_of(tenant.id)->size()); n < limits::kMaxSitesPerTenant; ++n) {
    Site more = site;
    more.key = "more-site-" + std::to_string(n);
    ASSERT_TRUE(store->create_site(more).ok()) << n;
  }
  Site extra = site;
  extra.key = "one-site-too-many";
  EXPECT_EQ(store->create_site(extra).error().message, "a client company has at most 100 sites");
  EXPECT_EQ(store->site_by_key("one-site-too-many").error().code, Errc::kNotFound);

  for (std::int64_t n = 0; n < limits::kMaxTeamsPerTenant; ++n) {
    ASSERT_TRUE(store->create_team(tenant.id, "Tiimi " + std::to_string(n)).ok()) << n;
  }
  EXPECT_EQ(store->create_team(tenant.id, "Vielä yksi").error().message, "a client company has at most 100 teams");

  auto others = store->tenant_by_slug("t-1");
  ASSERT_TRUE(others.ok());
  std::vector<Id> agents;
  for (std::int64_t n = 0; n <= limits::kMaxAgentsPerTenant; ++n) {
    auto a = store->create_agent("a" + std::to_string(n) + "@raja.test", "Agentti " + std::to_string(n), "h", 1);
    ASSERT_TRUE(a.ok()) << n;
    agents.push_back(a->id);
  }
  auto members = static_cast<std::int64_t>(store->members_of(tenant.id)->size());
  for (std::int64_t n = 0; members + n < limits::kMaxAgentsPerTenant; ++n) {
    ASSERT_TRUE(store->set_membership(agents[n], tenant.id, Role::kAgent).ok()) << n;
  }
  auto full = store->set_membership(agents.back(), tenant.id, Role::kAgent);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().message, "a client company has at most 1000 agents");
  EXPECT_EQ(store->members_of(tenant.id)->size(), static_cast<std::size_t>(limits::kMaxAgentsPerTenant));
  EXPECT_TRUE(store->set_membership(agents.front(), tenant.id, Role::kSupervisor).ok());  // a new role
  EXPECT_TRUE(store->set_membership(agents.back(), others->id, Role::kAgent).ok());       // another company
}

TEST_P(DirectoryConformance, TenantHours) {
  EXPECT_EQ(tenant.hours, "");
  ASSERT_TRUE(store->set_tenant_hours(tenant.id, "tz=UTC; mon 09:00-17:00").ok());
  EXPECT_EQ(store->tenant_by_slug("eramaa")->hours, "tz=UTC; mon 09:00-17:00");
  ASSERT_TRUE(store->set_tenant_hours(tenant.id, "").ok());
  EXPECT_EQ(store->tenants()->at(0).hours, "");
  EXPECT_EQ(store->set_tenant_hours(999, "x").error().code, Errc::kNotFound);
}

TEST_P(DirectoryConformance, SiteRoundTrip) {
  auto s = store->site_by_key("site-key-1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->tenant_id, tenant.id);
  EXPECT_EQ(s->langs, (std::vector<std::string>{"fi", "sv", "en"}));
  EXPECT_EQ(s->greeting, "Tervetuloa!");
  EXPECT_EQ(store->site_by_key("x").error().code, Errc::kNotFound);
}

TEST_P(DirectoryConformance, AgentEmailUniqueCaseInsensitiveAndMemberships) {
  auto a = store->create_agent("Aino@Example.fi", "Aino", "hash", 1);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(store->create_agent("aino@example.fi", "X", "h", 1).error().code, Errc::kConflict);
  auto by = store->agent_by_email("aino@example.fi");
  ASSERT_TRUE(by.ok());
  EXPECT_EQ(by->id, a->id);
  ASSERT_TRUE(store->set_membership(a->id, tenant.id, Role::kAgent).ok());
  ASSERT_TRUE(store->set_membership(a->id, tenant.id, Role::kSupervisor).ok());  // upsert
  auto ms = store->memberships_of(a->id);
  ASSERT_TRUE(ms.ok());
  ASSERT_EQ(ms->size(), 1u);
  EXPECT_EQ((*ms)[0].role, Role::kSupervisor);
  EXPECT_EQ((*ms)[0].tenant_name, "Erämaa Outdoor");
}

TEST_P(DirectoryConformance, Settings) {
  EXPECT_FALSE(store->setting("k")->has_value());
  ASSERT_TRUE(store->set_setting("k", "v1").ok());
  ASSERT_TRUE(store->set_setting("k", "v2").ok());
  EXPECT_EQ(**store->setting("k"), "v2");
}

// SQLite-specific: data survives closing and reopening the file, and migrations are idempotent.
TEST(SqliteStore, ReopenKeepsDataAndSchema) {
  auto dir = std::filesystem::temp_directory_path() / ("tiski-store-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "t.db").string();
  {
    auto s = SqliteStore::open(path);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->create_tenant("a", "A", 1).ok());
  }
  {
    auto s = SqliteStore::open(path);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_TRUE((*s)->tenant_by_slug("a").ok());
  }
  std::filesystem::remove_all(dir);
}

TEST_P(DirectoryConformance, TenantsSitesAndAgentsCanBeChanged) {
  ASSERT_TRUE(store->set_tenant_name(tenant.id, "Erämaa Oy").ok());
  ASSERT_TRUE(store->set_tenant_lifecycle(tenant.id, 5, 0).ok());
  EXPECT_EQ(store->set_tenant_lifecycle(tenant.id, -1, 5).error().code, Errc::kBadRequest);
  EXPECT_EQ(store->set_tenant_lifecycle(tenant.id, 5, limits::kMaxLifecycleSeconds + 1).error().code,
            Errc::kBadRequest);
  auto t = store->tenant_by_slug("eramaa");
  EXPECT_EQ(t->name, "Erämaa Oy");
  EXPECT_EQ(t->missed_after_seconds, 5);
  EXPECT_EQ(t->idle_close_seconds, 0);
  Site changed = site;
  changed.name = "eramaa.fi (uusi)";
  changed.greetings = {{"sv", "Hej!"}, {"en", "Hi!"}};
  changed.langs = {"fi", "sv"};
  ASSERT_TRUE(store->update_site(changed).ok());
  auto back = store->site_by_key(site.key);
  EXPECT_EQ(back->name, "eramaa.fi (uusi)");
  EXPECT_EQ(back->greeting_for("sv"), "Hej!");
  EXPECT_EQ(back->greeting_for("fi"), "Tervetuloa!");  // the default
  EXPECT_EQ(back->langs.size(), 2u);
  changed.color = "#aa3311";
  changed.position = "left";
  changed.launchers = {{"fi", "Kysy"}};
  changed.identity_required = true;
  ASSERT_TRUE(store->update_site(changed).ok());
  auto look = store->site_by_key(site.key);
  EXPECT_EQ(look->color, "#aa3311");
  EXPECT_EQ(look->position, "left");
  EXPECT_EQ(look->launcher_for("fi"), "Kysy");
  EXPECT_EQ(look->launcher_for("sv"), "");
  EXPECT_TRUE(look->identity_required);
  ASSERT_EQ(store->sites_of(tenant.id)->size(), 1u);
  EXPECT_EQ(store->sites_of(tenant.id)->at(0).key, site.key);
  EXPECT_TRUE(store->sites_of(tenant.id + 100)->empty());
  auto a = store->create_agent("a@b.fi", "Aino", "hash1", 1);
  auto b = store->create_agent("b@b.fi", "Bertta", "hash2", 1);
  ASSERT_TRUE(store->update_agent(a->id, "aino@b.fi", "Aino V.", "").ok());
  auto a2 = store->agent_by_id(a->id);
  EXPECT_EQ(a2->email, "aino@b.fi");
  EXPECT_EQ(a2->password_hash, "hash1");  // unchanged without a new one
  EXPECT_EQ(store->update_agent(a->id, "B@b.fi", "Aino", "").error().code, Errc::kConflict);
  EXPECT_EQ(store->agents()->size(), 2u);
  (void)b;
}

// Migration 9 on a database that already holds two open conversations of one visitor (two
// tabs racing before the unique index existed): the older is closed, the newer stays open.
// The database is built at version 8 by the shipped migrations themselves.
TEST(SqliteStore, MigrationNineKeepsTheNewestOpenConversation) {
  auto dir = std::filesystem::temp_directory_path() / ("tiski-mig-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "t.db").string();
  const Id older = 1, newer = 2;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    auto all = sqlite::migrations();
    for (std::size_t v = 0; v < 8; ++v) ASSERT_EQ(sqlite3_exec(db, all[v], nullptr, nullptr, nullptr), SQLITE_OK) << v;
    for (const char* sql :
         {"INSERT INTO tenants(id, slug, name, created_at) VALUES(1, 'a', 'A', 1)",
          "INSERT INTO sites(id, tenant_id, key, secret, name, greeting, langs, created_at) "
          "VALUES(1, 1, 'k', '', 'n', '', 'fi', 1)",
          "INSERT INTO visitors(id, site_id, tenant_id, lang, created_at, last_seen_at) VALUES(1, 1, 1, 'fi', 1, 1)",
          "INSERT INTO conversations(id, tenant_id, site_id, visitor_id, status, origin, created_at, last_at) "
          "VALUES(1, 1, 1, 1, 'waiting', 'reactive', 2, 2), (2, 1, 1, 1, 'waiting', 'reactive', 4, 4)",
          "PRAGMA user_version = 8"}) {
      ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sql << ": " << sqlite3_errmsg(db);
    }
    sqlite3_close(db);
  }
  auto s = SqliteStore::open(path);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)->conversation(older)->status, conv_status::kClosed);
  EXPECT_EQ((*s)->conversation(newer)->status, conv_status::kWaiting);
  EXPECT_EQ((*s)->create_conversation((*s)->conversation(newer)->visitor_id, origin::kReactive, 5).error().code,
            Errc::kConflict);
  s->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tiski
