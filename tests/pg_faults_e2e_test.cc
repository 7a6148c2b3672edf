// PostgreSQL restarted under a node (issue 15, docs/scaling.md): while it is away a send is
// answered `unavailable` and never acknowledged, /readyz says 503; when it is back the node
// reconnects by itself, the same messages sent again are stored once, and every message that
// was acknowledged is there. Three crashes (pg_ctl stop -m immediate) in a row.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "store/testing/pg_server.h"
#include "tests/e2e_helpers.h"
#include "tests/harness.h"

namespace tiski::testing {
namespace {

// What the visitor's socket answers to the send of `cid`: "ack", or the error frame's code.
std::string answer(WsClient& ws, const std::string& cid) {
  for (;;) {
    auto f = ws.recv(10s);
    if (!f) return "nothing";
    auto t = f->at("t").as_string();
    if (t == "ack" && f->at("cid").as_string() == cid) return "ack";
    if (t == "error") return std::string(f->at("code").as_string());
  }
}

TEST(PostgresFaults, ARestartLosesNothingAcknowledgedAndTheNodeReconnectsByItself) {
  if (!PgServer::installed()) GTEST_SKIP() << "PostgreSQL 15 is not installed (scripts/install-deps.sh)";
  PgCluster pg(/*fsync=*/true);
  // This server's store: a new database in this PostgreSQL (whatever the run's own is).
  const char* before = std::getenv("TISKI_E2E_PG");
  std::string kept = before ? before : "";
  ::setenv("TISKI_E2E_PG", pg.url().c_str(), 1);
  Server srv(0, kLoopbackUnlimited);
  if (before) {
    ::setenv("TISKI_E2E_PG", kept.c_str(), 1);
  } else {
    ::unsetenv("TISKI_E2E_PG");
  }
  auto v = visitor(srv, srv.site_a);
  ASSERT_TRUE(v && v->id);
  std::set<std::string> acked;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5; ++i) {
      std::string cid = "r" + std::to_string(round) + "-" + std::to_string(i);
      v->ws.send(send_frame(cid, "viesti " + cid));
      ASSERT_EQ(answer(v->ws, cid), "ack") << cid;
      acked.insert(cid);
      std::this_thread::sleep_for(250ms);  // within a visitor's 5 messages a second
    }
    ASSERT_TRUE(pg.crash());
    std::string down = "r" + std::to_string(round) + "-down";
    v->ws.send(send_frame(down, "kun tietokanta oli poissa"));
    EXPECT_EQ(answer(v->ws, down), "unavailable") << "round " << round;
    auto ready = http_request(srv.port, "GET", "/readyz");
    EXPECT_EQ(ready.status, 503) << ready.body;
    EXPECT_EQ(ready.body.find("127.0.0.1"), std::string::npos) << "no address of the database leaks";

    pg.start();
    // The client sends the same message again until it is acknowledged: stored once.
    auto until = std::chrono::steady_clock::now() + 15s;
    std::string got;
    while (std::chrono::steady_clock::now() < until) {
      v->ws.send(send_frame(down, "kun tietokanta oli poissa"));
      got = answer(v->ws, down);
      if (got == "ack") break;
      std::this_thread::sleep_for(300ms);
    }
    ASSERT_EQ(got, "ack") << "the node did not reconnect to PostgreSQL within 15 s (round " << round << ")";
    acked.insert(down);
    EXPECT_EQ(http_request(srv.port, "GET", "/readyz").status, 200);
  }
  // Every acknowledged message is stored, once, with sequence numbers without a gap.
  expect_stored_once(srv, v->id, acked);
}

}  // namespace
}  // namespace tiski::testing
