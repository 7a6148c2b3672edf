// API tokens and webhooks (docs/integrations.md) over real sockets: a token is scoped, tenant
// bound, stored only as a hash and revocable; a webhook receiver (tests/hook_sink.py, a real HTTP
// server that checks the signature with Python's own HMAC) gets signed events, retries after
// failures, and an admin sends a delivery again from the log.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <thread>

#include "chat/admin.h"
#include "chat/webhooks/http_post.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

// tests/hook_sink.py in a child process: every POST it gets, as {path, headers, body, valid}.
class HookSink : public SinkProcess {
 public:
  HookSink() : SinkProcess("hook_sink.py", "hooks") {}
  void secret(const std::string& s) const { std::ofstream(dir() / "secret") << s; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }
  std::vector<object> received() const {
    std::vector<object> out;
    for (int i = 1;; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "%03d.json", i);
      std::ifstream in(dir() / name);
      if (!in) return out;
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      out.push_back(boost::json::parse(text).as_object());
    }
  }
  // Waits (up to 30 s: retries come a second or more apart, on a busy machine later) until
  // `pred` holds for what was received.
  std::vector<object> wait_for(const std::function<bool(const std::vector<object>&)>& pred) const {
    for (int i = 0; i < 1200; ++i) {
      auto got = received();
      if (pred(got)) return got;
      std::this_thread::sleep_for(25ms);
    }
    return received();
  }
};

std::string type_of(const object& req) {
  return std::string(boost::json::parse(req.at("body").as_string()).at("type").as_string());
}
std::size_t count_type(const std::vector<object>& got, const std::string& type, const std::string& path = "") {
  std::size_t n = 0;
  for (const auto& r : got)
    if (type_of(r) == type && (path.empty() || r.at("path").as_string() == path)) ++n;
  return n;
}

HttpReply bearer(const Server& srv, const std::string& method, const std::string& path, const std::string& token,
                 const std::string& body = "") {
  return http_request(srv.port, method, path, body, "", "Authorization: Bearer " + token);
}

constexpr const char* kPrivate = "[webhooks]\nallow_private = true\nretry_seconds = 1\nmax_attempts = 3\n";

TEST(Integrations, ApiTokensAreScopedTenantBoundHashedAndRevocable) {
  Server srv(0, kPrivate);
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail);

  // Only admins make tokens; bad input says why.
  EXPECT_EQ(aino.call("POST", "/api/tenants/1/tokens", R"({"name":"CRM","scopes":["read"]})").status, 403);
  for (const char* bad : {R"({"name":"CRM"})", R"({"name":"","scopes":["read"]})", R"({"name":"CRM","scopes":[]})",
                          R"({"name":"CRM","scopes":["root"]})", R"({"name":"CRM","scopes":"read"})", "[]"})
    EXPECT_EQ(owner.call("POST", "/api/tenants/1/tokens", bad).status, 400) << bad;

  auto reader = owner.json("POST", "/api/tenants/1/tokens", R"({"name":"Raportit","scopes":["read"]})", 201);
  auto writer = owner.json("POST", "/api/tenants/1/tokens", R"({"name":"CRM","scopes":["read","write"]})", 201);
  std::string rt(reader.at("token").as_string()), wt(writer.at("token").as_string());
  ASSERT_TRUE(rt.starts_with("tsk_"));

  // Read scope: reads of its tenant, nothing of another tenant, no writes, no admin routes.
  EXPECT_EQ(bearer(srv, "GET", "/api/tenants/1/reports/summary", rt).status, 200);
  EXPECT_EQ(bearer(srv, "GET", "/api/tenants/1/queue", rt).status, 200);
  auto other = bearer(srv, "GET", "/api/tenants/2/queue", rt);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body.find("Pyörä"), std::string::npos);
  EXPECT_EQ(bearer(srv, "PUT", "/api/tenants/1/hours", rt, R"({"hours":""})").status, 403);
  EXPECT_EQ(bearer(srv, "GET", "/api/tenants/1/agents", rt).status, 200);  // supervisor level
  EXPECT_EQ(bearer(srv, "GET", "/api/tenants/1/audit", rt).status, 403);   // admin level
  EXPECT_EQ(bearer(srv, "GET", "/api/tenants/1/tokens", rt).status, 403);  // never a token's
  EXPECT_EQ(bearer(srv, "POST", "/api/tenants", rt, R"({"slug":"x","name":"X"})").status, 403);
  EXPECT_EQ(bearer(srv, "GET", "/api/me/sessions", rt).status, 403);
  EXPECT_EQ(bearer(srv, "GET", "/api/tenants", rt).status, 200);
  // Even with the admin scope a token cannot make people (who could log in and make tokens).
  auto boss = owner.json("POST", "/api/tenants/1/tokens", R"({"name":"Ops","scopes":["read","write","admin"]})", 201);
  std::string bt(boss.at("token").as_string());
  EXPECT_EQ(bearer(srv, "GET", "/api/tenants/1/audit", bt).status, 200);
  auto made = bearer(srv, "POST", "/api/tenants/1/agents", bt,
                     R"({"email":"x@eramaa.demo","name":"X","password":"demo12345","role":"admin"})");
  EXPECT_EQ(made.status, 403);
  EXPECT_EQ(http_request(srv.port, "POST", "/api/login", R"({"email":"x@eramaa.demo","password":"demo12345"})").status,
            401);
  // Nor act in a conversation as an agent (its writes were an agent's: a reply by file, a card).
  EXPECT_EQ(bearer(srv, "POST", "/api/conversations/1/files?cid=t1&name=a.txt", bt, "hei").status, 403);
  EXPECT_EQ(bearer(srv, "POST", "/api/conversations/1/card", bt, R"({"kind":"email"})").status, 403);
  // Write scope writes without a cookie, so without CSRF.
  EXPECT_EQ(bearer(srv, "PUT", "/api/tenants/1/settings", wt, R"({"outcome_required":true})").status, 200);
  EXPECT_EQ(bearer(srv, "GET", "/api/tenants/1/queue", "tsk_" + std::string(43, 'A')).status, 401);
  EXPECT_EQ(bearer(srv, "GET", "/api/tenants/1/queue", "not-a-token").status, 401);
  // A wrong token is 401 beside a valid session cookie too (it was ignored for the cookie).
  EXPECT_EQ(http_request(srv.port, "GET", "/api/tenants/1/queue", "", owner.cookie,
                         "Authorization: Bearer tsk_" + std::string(43, 'A'))
                .status,
            401);

  // The list shows names, scopes, use; never the secret. The database has only its hash.
  auto list = owner.json("GET", "/api/tenants/1/tokens", "", 200);
  ASSERT_EQ(list.at("tokens").as_array().size(), 3u);
  for (const auto& t : list.at("tokens").as_array()) {
    EXPECT_FALSE(t.as_object().contains("token"));
    EXPECT_FALSE(t.at("last_used_at").is_null());
  }
  std::ifstream db(srv.data_dir() / "tiski.db", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  std::ifstream wal(srv.data_dir() / "tiski.db-wal", std::ios::binary);
  bytes.append((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(rt), std::string::npos);
  EXPECT_EQ(bytes.find(rt.substr(12)), std::string::npos);

  // Revoked: refused at once; the audit log has both.
  auto id = std::to_string(reader.at("id").as_int64());
  EXPECT_EQ(owner.call("DELETE", "/api/tenants/2/tokens/" + id).status, 404);
  EXPECT_EQ(owner.call("DELETE", "/api/tenants/1/tokens/" + id).status, 204);
  EXPECT_EQ(bearer(srv, "GET", "/api/tenants/1/queue", rt).status, 401);
  EXPECT_EQ(owner.call("DELETE", "/api/tenants/1/tokens/" + id).status, 404);
  auto audit = owner.json("GET", "/api/tenants/1/audit?action=token", "", 200);
  EXPECT_EQ(audit.at("entries").as_array().size(), 4u);  // three made, one revoked
}

TEST(Integrations, AWebhookGetsSignedEventsRetriesAndIsSentAgain) {
  HookSink sink;
  Server srv(0, kPrivate);
  Rest owner(srv, admin::kDemoOwnerEmail);

  // Bad URLs and events are refused with the reason.
  for (const std::string& bad : std::vector<std::string>{
           R"({"url":"ftp://x.example/","events":["message.created"]})",
           R"({"url":"not a url","events":["message.created"]})",
           R"({"url":")" + sink.url("/") + R"(","events":["message.sent"]})", R"({"url":")" + sink.url("/") + R"("})"})
    EXPECT_EQ(owner.call("POST", "/api/tenants/1/webhooks", bad).status, 400) << bad;

  auto hook = owner.json("POST", "/api/tenants/1/webhooks",
                         R"({"url":")" + sink.url("/fail-2/tiski") +
                             R"(","events":["conversation.created","message.created","conversation.closed"]})",
                         201);
  std::string secret(hook.at("secret").as_string());
  sink.secret(secret);
  auto hook_id = std::to_string(hook.at("id").as_int64());
  // Tenant 2's webhook must hear nothing of tenant 1.
  owner.json("POST", "/api/tenants/2/webhooks",
             R"({"url":")" + sink.url("/pyorapaja") + R"(","events":["message.created"]})", 201);
  EXPECT_FALSE(owner.json("GET", "/api/tenants/1/webhooks", "", 200)
                   .at("webhooks")
                   .as_array()[0]
                   .as_object()
                   .contains("secret"));

  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("m1", "Onko teltta vedenpitävä?"));
  auto conv = ack_conv(v->ws, "m1");
  ASSERT_GT(conv, 0);
  auto a = agent(srv, admin::kDemoAgentEmail);
  a->send({{"t", "send"}, {"conv", conv}, {"cid", "n1"}, {"body", "sisäinen muistiinpano"}, {"internal", true}});
  a->send({{"t", "send"}, {"conv", conv}, {"cid", "r1"}, {"body", "On, 3000 mm."}});

  // Two failures, then delivered: 3 attempts each of created + 3 messages (greeting is a system
  // line, the note is internal: neither leaves).
  auto got = sink.wait_for([](const auto& g) {
    return count_type(g, "message.created") >= 6 && count_type(g, "conversation.created") >= 3;
  });
  EXPECT_EQ(count_type(got, "conversation.created"), 3u);
  EXPECT_EQ(count_type(got, "message.created"), 6u);
  EXPECT_EQ(count_type(got, "message.created", "/pyorapaja"), 0u);
  std::set<std::string> bodies;
  for (const auto& r : got) {
    EXPECT_EQ(r.at("valid"), boost::json::value(true)) << boost::json::serialize(r);
    EXPECT_EQ(r.at("headers").at("content-type").as_string(), "application/json");
    EXPECT_EQ(r.at("headers").at("tiski-event").as_string(), type_of(r));
    auto body = boost::json::parse(r.at("body").as_string()).as_object();
    EXPECT_EQ(body.at("tenant").as_int64(), 1);
    if (type_of(r) == "message.created") {
      std::string text(body.at("data").at("message").at("body").as_string());
      EXPECT_NE(text, "sisäinen muistiinpano");
      bodies.insert(text);
    }
  }
  EXPECT_EQ(bodies, (std::set<std::string>{"Onko teltta vedenpitävä?", "On, 3000 mm."}));

  // The delivery log: newest first, delivered on the third attempt after two 500s.
  object log;
  for (int i = 0; i < 200; ++i) {
    log = owner.json("GET", "/api/tenants/1/webhooks/" + hook_id + "/deliveries", "", 200);
    bool all = true;
    for (const auto& d : log.at("deliveries").as_array()) all = all && d.at("status").as_string() == "delivered";
    if (all && log.at("deliveries").as_array().size() == 3) break;
    std::this_thread::sleep_for(50ms);
  }
  auto deliveries = log.at("deliveries").as_array();
  ASSERT_EQ(deliveries.size(), 3u);
  for (const auto& d : deliveries) {
    EXPECT_EQ(d.at("status").as_string(), "delivered");
    EXPECT_EQ(d.at("attempts").as_int64(), 3);
  }
  EXPECT_EQ(owner.call("GET", "/api/tenants/2/webhooks/" + hook_id + "/deliveries").status, 404);

  // Send again: the same delivery id once more.
  auto first = deliveries.back().as_object();
  auto path =
      "/api/tenants/1/webhooks/" + hook_id + "/deliveries/" + std::to_string(first.at("id").as_int64()) + "/retry";
  EXPECT_EQ(owner.call("POST", "/api/tenants/2/webhooks/" + hook_id + "/deliveries/1/retry").status, 404);
  owner.json("POST", path, "", 202);
  std::string delivery(first.at("delivery").as_string());
  got = sink.wait_for([&](const auto& g) {
    std::size_t n = 0;
    for (const auto& r : g) n += r.at("headers").at("tiski-delivery").as_string() == delivery;
    return n >= 4;
  });
  std::size_t same = 0;
  for (const auto& r : got) same += r.at("headers").at("tiski-delivery").as_string() == delivery;
  EXPECT_EQ(same, 4u);

  // Switched off: nothing more goes out; removed: the log goes with it.
  owner.json("PUT", "/api/tenants/1/webhooks/" + hook_id, R"({"active":false})", 200);
  auto before = sink.received().size();
  v->ws.send(send_frame("m2", "Kiitos!"));
  ack_seq(v->ws, "m2");
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(sink.received().size(), before);
  EXPECT_EQ(owner.call("DELETE", "/api/tenants/1/webhooks/" + hook_id).status, 204);
  EXPECT_EQ(owner.call("GET", "/api/tenants/1/webhooks/" + hook_id + "/deliveries").status, 404);
}

TEST(Integrations, AReceiverThatNeverAnswersTimesOutAndIsRetried) {
  HookSink sink;
  // Retried 3 s later, so that the test sees the first attempt's "queued" before the second.
  Server srv(0, "[webhooks]\nallow_private = true\nretry_seconds = 3\nmax_attempts = 3\ntimeout_seconds = 1\n");
  Rest owner(srv, admin::kDemoOwnerEmail);
  auto hook = owner.json("POST", "/api/tenants/1/webhooks",
                         R"({"url":")" + sink.url("/hang-1/tiski") + R"(","events":["message.created"]})", 201);
  auto hook_id = std::to_string(hook.at("id").as_int64());
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("m1", "Kuuleeko kukaan?"));
  ASSERT_GT(ack_conv(v->ws, "m1"), 0);
  // While the receiver hangs, chat goes on: the webhook thread waits, not the server.
  auto first = sink.wait_for([](const auto& g) { return !g.empty(); });
  ASSERT_EQ(first.size(), 1u);
  v->ws.send(send_frame("m2", "Haloo?"));
  ack_seq(v->ws, "m2");

  // The first attempt timed out after a second and is queued again; the second is delivered.
  auto first_delivery = [&] {
    auto log = owner.json("GET", "/api/tenants/1/webhooks/" + hook_id + "/deliveries", "", 200);
    const auto& all = log.at("deliveries").as_array();
    return all.empty() ? object{} : all.back().as_object();
  };
  object d;
  for (int i = 0; i < 200; ++i) {
    d = first_delivery();
    if (!d.empty() && d.at("attempts").as_int64() >= 1) break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d.at("attempts").as_int64(), 1);
  EXPECT_EQ(d.at("status").as_string(), "queued");
  EXPECT_NE(std::string(d.at("error").as_string()).find("timed out"), std::string::npos) << boost::json::serialize(d);
  for (int i = 0; i < 800 && (d = first_delivery()).at("status").as_string() != "delivered"; ++i)
    std::this_thread::sleep_for(25ms);
  EXPECT_EQ(d.at("status").as_string(), "delivered");
  EXPECT_EQ(d.at("attempts").as_int64(), 2);
  auto got = sink.wait_for([](const auto& g) { return g.size() >= 4; });
  EXPECT_EQ(got.size(), 4u);  // each message twice: one timed out, one answered
}

TEST(Integrations, WithoutAllowPrivateWebhooksStayOffTheServersNetwork) {
  HookSink sink;
  Server srv(0);
  Rest owner(srv, admin::kDemoOwnerEmail);
  for (const std::string& url : std::vector<std::string>{
           sink.url("/"), "https://127.0.0.1/x", "https://10.1.2.3/x", "https://localhost/x", "https://[::1]/x",
           "https://169.254.169.254/latest", "https://127.1/x", "https://2130706433/x", "https://0x7f000001/x",
           "https://localhost./x", "https://LOCALHOST/x", "https://a.localhost./x", "https://127.0.0.1./x",
           "https://%31%32%37.0.0.1/x", "https://%6c%6fcalhost/x", "https://[::ffff:0:7f00:1]/x"}) {
    auto r = owner.call("POST", "/api/tenants/1/webhooks", R"({"url":")" + url + R"(","events":["message.created"]})");
    EXPECT_EQ(r.status, 400) << url;
  }
  EXPECT_EQ(owner
                .call("POST", "/api/tenants/1/webhooks",
                      R"({"url":"https://hooks.example.com/tiski","events":["message.created"]})")
                .status,
            201);
  // And at connect time, after DNS: the sender refuses a private address it resolved to.
  auto results = webhooks::post_all({{sink.url("/direct"), {}, "{}"}}, {2000, false});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].error.empty());
  results = webhooks::post_all({{sink.url("/direct"), {}, "{}"}}, {2000, true});
  EXPECT_EQ(results[0].error, "");
  EXPECT_EQ(results[0].code, 204);
  EXPECT_EQ(sink.received().size(), 1u);
}

}  // namespace
}  // namespace tiski::testing
