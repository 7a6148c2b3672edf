// copy-to-postgres: a SQLite database with awkward text copied into PostgreSQL, read back
// through the PostgreSQL store, searched, and added to without an id taken twice.
#include "store/pg/copy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/conformance.h"
#include "store/pg/pg_engine.h"
#include "store/sqlite/sqlite_engine.h"
#include "store/testing/pg_server.h"

namespace tiski {
namespace {

namespace fs = std::filesystem;

class CopyToPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PgServer::installed()) GTEST_SKIP() << "PostgreSQL 15 is not installed (scripts/install-deps.sh)";
    dir_ = fs::temp_directory_path() / ("tiski-copy-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "tiski.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string path_;
};

Message line(Id conv, std::string author, Id author_id, std::string body, std::string cid, Millis at) {
  Message m;
  m.conv_id = conv;
  m.author = std::move(author);
  m.author_id = author_id;
  m.body = std::move(body);
  m.cid = std::move(cid);
  m.at = at;
  return m;
}

TEST_F(CopyToPostgres, EveryRowArrivesAndTheStoreGoesOnFromThere) {
  const std::string awkward = "Tab\there, newline\nthere, back\\slash, \"quotes\", ääkköset ÅÖ, emoji 🙂, \\N";
  Id conv_id = 0, tenant_id = 0, site_id = 0;
  {
    auto st = SqliteStore::open(path_);
    ASSERT_TRUE(st.ok()) << st.error().message;
    auto& s = **st;
    auto t = s.create_tenant("eramaa", "Erämaa Outdoor", 1000);
    tenant_id = t->id;
    Site site;
    site.tenant_id = t->id;
    site.key = "site-key-1";
    site.secret = "secret";
    site.name = "eramaa.fi";
    site.langs = {"fi", "sv"};
    auto si = s.create_site(site);
    ASSERT_TRUE(si.ok()) << si.error().message;
    site_id = si->id;
    auto agent = s.create_agent("aino@eramaa.fi", "Aino", "hash", 1000);
    ASSERT_TRUE(s.set_membership(agent->id, t->id, Role::kAgent).ok());
    auto v = s.create_visitor(si->id, "fi", 2000);
    auto c = s.create_conversation(v->id, "reactive", 3000);
    ASSERT_TRUE(c.ok()) << c.error().message;
    conv_id = c->id;
    ASSERT_TRUE(s.append_message(line(c->id, "visitor", v->id, "Onko teltoista alennusta?", "c1", 3100)).ok());
    ASSERT_TRUE(s.append_message(line(c->id, "visitor", v->id, awkward, "c2", 3200)).ok());
    ASSERT_TRUE(s.assign(c->id, agent->id, 3300).ok());
    ASSERT_TRUE(s.append_message(line(c->id, "agent", agent->id, "On, -20 % tällä viikolla.", "a1", 3400)).ok());
    ASSERT_TRUE(s.close(c->id, 3500).ok());
  }
  auto url = testing::PgServer::get().fresh_url();
  auto report = pg::copy_sqlite(path_, url);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_GT(report->rows, 10);
  auto find = [&](const std::string& table) {
    for (const auto& [t, n] : report->tables)
      if (t == table) return n;
    return std::int64_t{-1};
  };
  EXPECT_EQ(find("messages"), 3);
  EXPECT_EQ(find("tenants"), 1);

  auto pg = PgStore::open(url);
  ASSERT_TRUE(pg.ok()) << pg.error().message;
  auto& s = **pg;
  EXPECT_EQ(s.tenant_by_slug("eramaa")->name, "Erämaa Outdoor");
  auto lines = s.messages_after(conv_id, 0, 10);
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[1].body, awkward);
  EXPECT_EQ(s.conversation(conv_id)->status, "closed");
  EXPECT_EQ(s.agent_by_email("AINO@eramaa.fi")->name, "Aino");
  // The search index was built from the copied lines.
  SearchQuery q;
  q.tenants = {tenant_id};
  q.match = "body : (\"telto\"*)";
  auto hits = s.search_messages(q);
  ASSERT_TRUE(hits.ok()) << hits.error().message;
  ASSERT_EQ(hits->hits.size(), 1u);
  EXPECT_EQ(hits->hits[0].seq, 1);
  // New rows take ids after the copied ones.
  auto [t2, si2] = conformance::second_tenant(s);
  ASSERT_TRUE(t2.ok()) << t2.error().message;
  ASSERT_TRUE(si2.ok()) << si2.error().message;
  EXPECT_GT(t2->id, tenant_id);
  // Visitor numbers go on from the copied ones (a sequence per tenant on PostgreSQL), and a new
  // tenant's start from one.
  EXPECT_EQ(s.create_visitor(site_id, "fi", 6000)->number, 2);
  EXPECT_EQ(s.create_visitor(si2->id, "fi", 6000)->number, 1);
  EXPECT_EQ(s.create_visitor(site_id, "fi", 6000)->number, 3);
  auto more = s.append_message(line(conv_id, "agent", 1, "late", "a2", 6000));
  EXPECT_FALSE(more.ok());  // closed: the copied state holds
  // A second copy into a database with data is refused, and changes nothing.
  auto again = pg::copy_sqlite(path_, url);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kConflict);
  EXPECT_EQ(s.tenants()->size(), 2u);
}

TEST_F(CopyToPostgres, ANonexistentFileIsRefused) {
  auto r = pg::copy_sqlite((dir_ / "nothing.db").string(), testing::PgServer::get().fresh_url());
  ASSERT_FALSE(r.ok());
}

}  // namespace
}  // namespace tiski
