// The API channel (docs/channels.md) end to end: the example bridge of docs/examples/bridge.py
// in a child process posts a "social-media" customer's messages with an API token; an agent
// answers in Tiski; the signed webhook reaches the bridge, which sends the answer to the right
// thread. Also the channel's rules over REST: idempotent by cid, one conversation per open
// thread, a new one after close, the contact by the thread and its phone, input checked, and
// one tenant's token never reaching another.
#include <gtest/gtest.h>
#include <spawn.h>

#include <boost/json.hpp>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

constexpr const char* kPrivate = "[webhooks]\nallow_private = true\nretry_seconds = 1\nmax_attempts = 3\n";

// docs/examples/bridge.py, configured by its environment, in a folder of its own.
class Bridge {
 public:
  Bridge(const std::vector<std::string>& env) {
    dir_ = fs::temp_directory_path() / ("tiski-bridge-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    std::vector<std::string> vars = env;
    vars.push_back("BRIDGE_DIR=" + dir_.string());
    vars.push_back("PATH=/usr/bin:/bin");
    std::vector<char*> envp;
    for (auto& v : vars) envp.push_back(v.data());
    envp.push_back(nullptr);
    std::string py = "/usr/bin/python3", script = std::string(TISKI_SOURCE_DIR) + "/docs/examples/bridge.py";
    std::vector<char*> argv{py.data(), script.data(), nullptr};
    EXPECT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), envp.data()), 0);
    for (int i = 0; i < 800 && !fs::exists(dir_ / "ready"); ++i) std::this_thread::sleep_for(25ms);
    EXPECT_TRUE(fs::exists(dir_ / "ready")) << "the bridge did not start";
  }
  ~Bridge() {
    ::kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    fs::remove_all(dir_);
  }
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;
  void inbound(const std::string& name, const object& msg) const {
    std::ofstream(dir_ / (name + ".tmp")) << boost::json::serialize(msg);
    fs::rename(dir_ / (name + ".tmp"), dir_ / "inbox" / (name + ".json"));
  }
  // What the bridge sent to the source, waiting up to 10 s for `n` of them.
  std::vector<object> outbound(std::size_t n) const {
    std::vector<object> out;
    for (int i = 0; i < 400; ++i) {
      out.clear();
      if (fs::exists(dir_ / "outbox")) {
        for (const auto& e : fs::directory_iterator(dir_ / "outbox")) {
          if (e.path().extension() != ".json") continue;
          std::ifstream in(e.path());
          std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
          out.push_back(boost::json::parse(text).as_object());
        }
      }
      if (out.size() >= n) break;
      std::this_thread::sleep_for(25ms);
    }
    return out;
  }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
};

HttpReply bearer(const Server& srv, const std::string& path, const std::string& token, const std::string& body) {
  return http_request(srv.port, "POST", path, body, "", "Authorization: Bearer " + token);
}

std::string make_token(Rest& owner, int tenant, const std::string& scopes) {
  auto t = owner.json("POST", "/api/tenants/" + std::to_string(tenant) + "/tokens",
                      R"({"name":"Bridge","scopes":)" + scopes + "}", 201);
  return std::string(t.at("token").as_string());
}

TEST(Channel, TheExampleBridgeCarriesACustomerAndTheAgentsAnswer) {
  Server srv(0, kPrivate);
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail);
  auto token = make_token(owner, 1, R"(["read","write"])");
  int port = free_port();
  auto hook = owner.json(
      "POST", "/api/tenants/1/webhooks",
      R"({"url":"http://127.0.0.1:)" + std::to_string(port) + R"(/tiski","events":["message.created"]})", 201);
  Bridge bridge({"TISKI_URL=http://127.0.0.1:" + std::to_string(srv.port), "TISKI_TOKEN=" + token, "TISKI_TENANT=1",
                 "TISKI_WEBHOOK_SECRET=" + std::string(hook.at("secret").as_string()),
                 "BRIDGE_PORT=" + std::to_string(port)});

  // A customer writes on the "social-media" source.
  bridge.inbound("001", {{"id", "wa-1"},
                         {"thread", "whatsapp:+358401234567"},
                         {"name", "Aino Asiakas"},
                         {"text", "Hei! Onko Vaellus 2 -teltta varastossa?"},
                         {"phone", "+358 40 123 4567"}});
  boost::json::array found;
  for (int i = 0; i < 200 && found.empty(); ++i) {
    found = aino.json("GET", "/api/tenants/1/contacts?q=358401234567", "", 200).at("contacts").as_array();
    if (found.empty()) std::this_thread::sleep_for(25ms);
  }
  ASSERT_EQ(found.size(), 1u);
  auto contact = std::to_string(found[0].at("id").as_int64());
  EXPECT_EQ(found[0].at("name").as_string(), "Aino Asiakas");
  auto convs = aino.json("GET", "/api/tenants/1/contacts/" + contact + "/conversations", "", 200).at("conversations");
  ASSERT_EQ(convs.as_array().size(), 1u);
  auto conv = convs.as_array()[0].at("id").as_int64();
  EXPECT_EQ(convs.as_array()[0].at("origin").as_string(), "api");

  // The agent finds it in the inbox and answers; the bridge sends the answer to that thread.
  object snap;
  auto a = agent(srv, admin::kDemoAgentEmail, &snap);
  EXPECT_NE(boost::json::serialize(snap).find("Vaellus 2 -teltta varastossa"), std::string::npos);
  a->send({{"t", "send"}, {"conv", conv}, {"cid", "r1"}, {"body", "Hei Aino! On, ja lähtee vielä tänään."}});
  ASSERT_GT(ack_seq(*a, "r1"), 0);
  auto sent = bridge.outbound(1);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at("thread").as_string(), "whatsapp:+358401234567");
  EXPECT_EQ(sent[0].at("text").as_string(), "Hei Aino! On, ja lähtee vielä tänään.");

  // The customer's next message goes to the same conversation; only agents' lines go out.
  bridge.inbound("002", {{"id", "wa-2"}, {"thread", "whatsapp:+358401234567"}, {"text", "Kiitos, tilaan heti!"}});
  boost::json::array now;
  for (int i = 0; i < 200; ++i) {
    now = aino.json("GET", "/api/tenants/1/contacts/" + contact + "/conversations", "", 200)
              .at("conversations")
              .as_array();
    if (now.size() == 1 && now[0].at("preview").as_string() == "Kiitos, tilaan heti!") break;
    std::this_thread::sleep_for(25ms);
  }
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].at("id").as_int64(), conv);
  EXPECT_EQ(now[0].at("preview").as_string(), "Kiitos, tilaan heti!");
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(bridge.outbound(1).size(), 1u);
}

TEST(Channel, MessagesAreIdempotentCheckedAndStayInTheirTenant) {
  Server srv;
  Rest owner(srv, admin::kDemoOwnerEmail);
  auto token = make_token(owner, 1, R"(["read","write"])");
  const std::string path = "/api/tenants/1/channel/messages";
  auto first = bearer(srv, path, token, R"({"thread":"sms:+358501112222","cid":"s1","body":"Hei"})");
  ASSERT_EQ(first.status, 201) << first.body;
  auto one = boost::json::parse(first.body).as_object();
  auto conv = one.at("conversation").at("id").as_int64();
  EXPECT_EQ(one.at("conversation").at("origin").as_string(), "api");
  EXPECT_EQ(one.at("duplicate").as_bool(), false);
  auto again = bearer(srv, path, token, R"({"thread":"sms:+358501112222","cid":"s1","body":"Hei"})");
  ASSERT_EQ(again.status, 200);
  auto two = boost::json::parse(again.body).as_object();
  EXPECT_TRUE(two.at("duplicate").as_bool());
  EXPECT_EQ(two.at("message").at("seq"), one.at("message").at("seq"));
  auto next = boost::json::parse(
      bearer(srv, path, token, R"({"thread":"sms:+358501112222","cid":"s2","body":"Oletko siellä?"})").body);
  EXPECT_EQ(next.at("conversation").at("id").as_int64(), conv);
  EXPECT_EQ(next.at("contact"), one.at("contact"));

  // Closed by the agent: the thread's next message opens a new conversation of the same person.
  auto a = agent(srv, admin::kDemoAgentEmail);
  a->send({{"t", "send"}, {"conv", conv}, {"cid", "r1"}, {"body", "Täällä ollaan, miten voin auttaa?"}});
  ack_seq(*a, "r1");
  a->send({{"t", "close"}, {"conv", conv}});
  for (;;) {
    auto f = a->recv_type("conv", 5s);
    ASSERT_TRUE(f);
    if (f->at("conv").at("id").as_int64() == conv && f->at("conv").at("status").as_string() == "closed") break;
  }
  auto later = boost::json::parse(
      bearer(srv, path, token, R"({"thread":"sms:+358501112222","cid":"s3","body":"Vielä yksi asia"})").body);
  EXPECT_NE(later.at("conversation").at("id").as_int64(), conv);
  EXPECT_EQ(later.at("contact"), one.at("contact"));

  // Input is checked, with the reason.
  for (const std::string& bad : std::vector<std::string>{
           R"({"cid":"x","body":"Hei"})", R"({"thread":"t","body":"Hei"})", R"({"thread":"t","cid":"x","body":"  "})",
           R"({"thread":"t","cid":"x","body":"Hei","colour":"red"})", R"({"thread":"a\nb","cid":"x","body":"Hei"})",
           R"({"thread":"t","cid":"x","body":"Hei","lang":"de"})",
           R"({"thread":"t","cid":"x","body":"Hei","keys":[{"kind":"identity","value":"k:1"}]})",
           R"({"thread":"t","cid":"x","body":"Hei","keys":[{"kind":"phone","value":"12"}]})",
           R"({"thread":"t","cid":"x","body":"Hei","site":")" + srv.site_b + R"("})", "[]"}) {
    auto r = bearer(srv, path, token, bad);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    EXPECT_NE(r.body.find("\"message\""), std::string::npos);
  }
  auto big = bearer(srv, path, token, R"({"thread":"t","cid":"x","body":")" + std::string(4001, 'a') + R"("})");
  EXPECT_EQ(big.status, 413);

  // Another tenant's token reaches nothing here; a read-only token writes nothing.
  auto theirs = make_token(owner, 2, R"(["read","write"])");
  auto cross = bearer(srv, path, theirs, R"({"thread":"t","cid":"x","body":"Hei"})");
  EXPECT_EQ(cross.status, 404);
  EXPECT_EQ(cross.body.find("Erämaa"), std::string::npos);
  auto reader = make_token(owner, 1, R"(["read"])");
  EXPECT_EQ(bearer(srv, path, reader, R"({"thread":"t","cid":"x","body":"Hei"})").status, 403);
  EXPECT_EQ(http_request(srv.port, "POST", path, R"({"thread":"t","cid":"x","body":"Hei"})").status, 401);
}

}  // namespace
}  // namespace tiski::testing
