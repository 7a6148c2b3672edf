// Operations (docs/operations.md): a backup taken while visitors keep writing restores to a
// server that serves every message acknowledged before the backup began; restore refuses while
// the server runs and keeps the database it replaces; check finds what is wrong.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

fs::path scratch(const std::string& name) {
  auto p = fs::temp_directory_path() / ("tiski-ops-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

// Messages from fresh visitors, a few each (a visitor may send 10 at once): the cids that
// were acknowledged, by visitor.
struct Sent {
  std::map<std::int64_t, std::set<std::string>> cids;
  std::string first_token;
  std::int64_t first = 0;
};

void send_some(Server& srv, Sent& sent, const std::string& prefix, int visitors) {
  for (int i = 0; i < visitors; ++i) {
    auto v = visitor(srv, srv.site_a);
    if (!sent.first) {
      sent.first = v->id;
      sent.first_token = v->token;
    }
    for (int m = 0; m < 8; ++m) {
      std::string cid = prefix + std::to_string(i) + "-" + std::to_string(m);
      v->ws.send(send_frame(cid, "viesti " + cid));
      if (ack_seq(v->ws, cid) > 0) sent.cids[v->id].insert(cid);
    }
  }
}

TEST(Operations, ABackupUnderLoadRestoresEveryAcknowledgedMessage) {
  if (on_postgres()) GTEST_SKIP() << "backup, restore and check work on the SQLite file (PostgreSQL: pg_dump)";
  Server srv(0, kLoopbackUnlimited);
  auto file = scratch("backup.db");
  Sent before, during;
  send_some(srv, before, "b", 6);
  ASSERT_EQ(before.cids.size(), 6u);
  std::atomic<bool> done = false;
  std::thread load([&] {
    for (int round = 0; !done && round < 200; ++round) send_some(srv, during, "d" + std::to_string(round) + "-", 1);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes are going on
  EXPECT_EQ(srv.admin({"backup", "--to", file.string()}), 0);
  done = true;
  load.join();
  EXPECT_FALSE(during.cids.empty());
  EXPECT_EQ(srv.admin({"backup", "--to", file.string()}), 1);  // never overwrites a file
  EXPECT_EQ(srv.admin({"check"}), 0);
  EXPECT_EQ(srv.admin({"restore", "--from", file.string()}), 1);  // the server runs

  srv.stop(SIGTERM);
  EXPECT_EQ(srv.admin({"restore", "--from", file.string()}), 0);
  srv.start();
  {
    auto st = srv.open_store();
    for (const auto& [visitor, cids] : before.cids) {
      std::set<std::string> restored;
      auto convs = st->conversations_of_visitor(visitor, 10);
      ASSERT_TRUE(convs.ok()) << convs.error().message;
      for (const auto& c : *convs) {
        auto msgs = st->messages_after(c.id, 0, 1000);
        ASSERT_TRUE(msgs.ok()) << msgs.error().message;
        for (const auto& m : *msgs) restored.insert(m.cid);
      }
      for (const auto& cid : cids) EXPECT_TRUE(restored.contains(cid)) << cid;
    }
  }
  // The restored server serves them: the first visitor, back with their token, gets theirs.
  WsClient again;
  ASSERT_EQ(again.connect(srv.port, "/ws/visitor"), 101);
  again.send({{"t", "hello"}, {"site", srv.site_a}, {"token", before.first_token}});
  auto w = again.recv_type("welcome");
  ASSERT_TRUE(w);
  std::set<std::string> served;
  for (const auto& m : w->at("msgs").as_array()) {
    if (const auto* cid = m.as_object().if_contains("cid")) served.insert(std::string(cid->as_string()));
  }
  for (const auto& cid : before.cids.at(before.first)) EXPECT_TRUE(served.contains(cid)) << cid;
  fs::remove(file);
}

TEST(Operations, CheckFindsOrphansAndRestoreRefusesABrokenFile) {
  if (on_postgres()) GTEST_SKIP() << "backup, restore and check work on the SQLite file (PostgreSQL: pg_dump)";
  Server srv;
  srv.stop(SIGTERM);
  EXPECT_EQ(srv.admin({"check"}), 0);
  auto broken = scratch("broken.db");
  EXPECT_EQ(srv.admin({"backup", "--to", broken.string()}), 0);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(broken.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "PRAGMA foreign_keys=OFF; INSERT INTO messages(conversation_id, seq, author, author_name, "
                           "body, created_at) VALUES (987654, 1, 'visitor', '', 'orpo', 0)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  EXPECT_EQ(srv.admin({"restore", "--from", broken.string()}), 1);
  auto not_db = scratch("not.db");
  std::ofstream(not_db) << "hello";
  EXPECT_EQ(srv.admin({"restore", "--from", not_db.string()}), 1);
  EXPECT_EQ(srv.admin({"check"}), 0);  // the data directory is as it was
  fs::remove(broken);
  fs::remove(not_db);
}

TEST(Operations, ASecondServerOnTheSameDataDirectoryIsRefused) {
  Server srv;
  int rc = run_tool(
      {TISKI_BIN, "serve", "--data", srv.data_dir().string(), "--listen", "127.0.0.1:" + std::to_string(free_port())});
  EXPECT_EQ(rc, 1);
}

}  // namespace
}  // namespace tiski::testing
