// Privacy (docs/privacy.md) over real sockets: an admin exports a person's data by visitor
// number or email, then erases it; afterwards the text is nowhere in the database files (the
// main file and the write-ahead log, read as bytes while the server runs), not in search, and
// the conversation still counts in the reports. Another tenant's admin finds nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <thread>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Whether `needle` is in the database's files (main and WAL).
bool in_files(const Server& srv, const std::string& needle) {
  auto bytes = file_bytes(srv.data_dir() / "tiski.db") + file_bytes(srv.data_dir() / "tiski.db-wal");
  return bytes.find(needle) != std::string::npos;
}

TEST(Privacy, AnAdminExportsAndErasesAPersonAndNoTraceStaysInTheFiles) {
  Server srv(0, {}, [](Database& st) {
    EXPECT_TRUE(
        admin::create_agent(st, {"adm@pyorapaja.demo", "Pia Admin", "demo1234", "pyorapaja", "admin"}, true).ok());
  });
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail), pia(srv, "adm@pyorapaja.demo");
  const std::string secret = "Salainen-henkilotunnus-010101A123B";
  const std::string email = "matti.erasure@example.com";

  auto v = visitor(srv, srv.site_a);
  auto number = srv.open_store()->visitor_by_id(v->id)->number;
  v->ws.send(send_frame("m1", "Tunnukseni on " + secret));
  auto conv = ack_conv(v->ws, "m1");
  ASSERT_GT(conv, 0);
  v->ws.send({{"t", "leave"}, {"cid", "l1"}, {"name", "Matti Poisto"}, {"email", email}, {"consent", true}});
  ASSERT_GE(ack_seq(v->ws, "l1"), 0);  // the address is stored before the export below looks for it
  auto a = agent(srv, admin::kDemoAgentEmail);
  a->send({{"t", "send"}, {"conv", conv}, {"cid", "r1"}, {"body", "Kiitos, " + secret + " on kirjattu."}});
  ASSERT_GT(ack_seq(*a, "r1"), 0);
  a->send({{"t", "close"}, {"conv", conv}});
  // The search index has it (the indexer runs every second).
  bool found = false;
  for (int i = 0; i < 100 && !found; ++i) {
    found = !aino.json("GET", "/api/search?q=" + secret.substr(0, 9), "", 200).at("hits").as_array().empty();
    if (!found) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(found);

  // Only the tenant's admins; bad input says why; another tenant finds nobody.
  auto by_number = "/api/tenants/1/privacy/export?visitor=" + std::to_string(number);
  EXPECT_EQ(aino.call("GET", by_number).status, 403);
  EXPECT_EQ(pia.call("GET", "/api/tenants/1/privacy/export?visitor=1").status, 404);
  EXPECT_EQ(pia.call("GET", "/api/tenants/2/privacy/export?email=" + email).status, 404);
  EXPECT_EQ(owner.call("GET", "/api/tenants/1/privacy/export").status, 400);
  EXPECT_EQ(owner.call("GET", "/api/tenants/1/privacy/export?visitor=x").status, 400);
  EXPECT_EQ(owner.call("GET", "/api/tenants/1/privacy/export?visitor=1&email=" + email).status, 400);

  // The export: their lines, the agent's answer, their contact details.
  auto r = owner.call("GET", by_number);
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = boost::json::parse(r.body).as_object();
  auto people = doc.at("visitors").as_array();
  ASSERT_EQ(people.size(), 1u);
  auto text = boost::json::serialize(people[0]);
  EXPECT_NE(text.find("Tunnukseni on " + secret), std::string::npos);
  EXPECT_NE(text.find(email), std::string::npos);
  EXPECT_EQ(owner.json("GET", "/api/tenants/1/privacy/export?email=MATTI.ERASURE@example.com", "", 200)
                .at("visitors")
                .as_array()
                .size(),
            1u);

  // The erasure.
  EXPECT_EQ(owner.call("POST", "/api/tenants/1/privacy/erase", R"({"visitor":"12"})").status, 400);
  auto erased = owner.json("POST", "/api/tenants/1/privacy/erase", R"({"email":")" + email + R"("})", 200);
  EXPECT_EQ(erased.at("conversations").as_int64(), 1);
  EXPECT_GE(erased.at("messages").as_int64(), 2);
  EXPECT_TRUE(aino.json("GET", "/api/search?q=" + secret.substr(0, 9), "", 200).at("hits").as_array().empty());
  // In the files: gone once the WAL has been emptied (within a moment, while the server runs).
  bool clean = false;
  for (int i = 0; i < 100 && !clean; ++i) {
    clean = !in_files(srv, secret) && !in_files(srv, email) && !in_files(srv, "Matti Poisto");
    if (!clean) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(clean) << "the erased text is still in tiski.db or its WAL";

  // The facts stay: the conversation is still closed and counted; the log says who did it.
  auto after = owner.json("GET", by_number, "", 200).at("visitors").as_array()[0].as_object();
  auto c = after.at("conversations").as_array()[0].as_object();
  EXPECT_EQ(c.at("status").as_string(), "closed");
  EXPECT_FALSE(c.contains("contact"));
  auto audit = owner.json("GET", "/api/tenants/1/audit?action=privacy", "", 200).at("entries").as_array();
  ASSERT_EQ(audit.size(), 4u);  // three exports and the erasure, newest first
  EXPECT_EQ(audit[0].at("action").as_string(), "privacy.export");
  EXPECT_EQ(audit[1].at("action").as_string(), "privacy.erase");
  EXPECT_EQ(audit[1].at("target").as_string(), "visitor #" + std::to_string(number));
  EXPECT_EQ(boost::json::serialize(audit).find(email), std::string::npos);
  EXPECT_EQ(owner.json("POST", "/api/tenants/1/privacy/erase", R"({"visitor":)" + std::to_string(number) + "}", 200)
                .at("messages")
                .as_int64(),
            0);  // already erased
}

TEST(Privacy, RetentionIsAnAdminSettingWithLimits) {
  Server srv(0);
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail);
  EXPECT_EQ(owner.json("GET", "/api/tenants/1/privacy", "", 200).at("retention_days").as_int64(), 0);
  for (const char* bad : {R"({"retention_days":7})", R"({"retention_days":4000})", R"({"retention_days":"365"})",
                          R"({"retention_days":365,"x":1})", "[]"})
    EXPECT_EQ(owner.call("PUT", "/api/tenants/1/privacy", bad).status, 400) << bad;
  EXPECT_EQ(aino.call("PUT", "/api/tenants/1/privacy", R"({"retention_days":365})").status, 403);
  owner.json("PUT", "/api/tenants/1/privacy", R"({"retention_days":365})", 200);
  EXPECT_EQ(owner.json("GET", "/api/tenants/1/privacy", "", 200).at("retention_days").as_int64(), 365);
  EXPECT_EQ(owner.json("GET", "/api/tenants/2/privacy", "", 200).at("retention_days").as_int64(), 0);
}

}  // namespace
}  // namespace tiski::testing
