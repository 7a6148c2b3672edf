// When nobody is there, over real sockets: live chat opens and closes with agents and hours, the
// leave-a-message form, email replies through a real SMTP server, and no chat left unanswered.
// A real `tiski serve` (tests/harness.h).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <thread>

#include "tests/harness.h"
#include "util/limits.h"

#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

// ------------------------------------------------------------------------- offline inbox

object leave_frame(const std::string& cid, const std::string& email, const std::string& body, bool consent = true) {
  object f{{"t", "leave"}, {"cid", cid}, {"name", "Matti Meikäläinen"}, {"email", email}, {"consent", consent}};
  if (!body.empty()) f["body"] = body;
  return f;
}

// Waits for the mail frame of (conv, seq) with the given status; returns it.
std::optional<object> mail_status(WsClient& ws, std::int64_t conv, std::int64_t seq, const std::string& status) {
  for (;;) {
    auto f = ws.recv_type("mail", 10s);
    if (!f) return std::nullopt;
    auto m = f->at("mail").as_object();
    if (m.at("conv").as_int64() == conv && m.at("seq").as_int64() == seq && m.at("status").as_string() == status)
      return m;
  }
}

// The text/plain part of a message rendered by Tiski.
std::string plain_text(const std::string& eml) {
  auto p = eml.find("Content-Type: text/plain");
  if (p == std::string::npos) return {};
  auto b = eml.find("\r\n\r\n", p);
  auto e = eml.find("\r\n--", b);
  return decode_b64(eml.substr(b + 4, e - b - 4));
}

// Live chat is open only while an agent is online (and within business hours).
TEST(Offline, LiveChatOpensAndClosesWithAgentsAndHours) {
  Server srv(0, "[routing]\noffline_grace_seconds = 1\n");
  auto v = visitor(srv, srv.site_a);
  EXPECT_FALSE(v->welcome.at("open").as_bool());  // nobody online
  std::string cookie = login(srv, "agentti@eramaa.demo");
  auto a = std::make_unique<WsClient>();
  ASSERT_EQ(a->connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 101);
  auto opened = v->ws.recv_type("avail");
  ASSERT_TRUE(opened);
  EXPECT_TRUE(opened->at("open").as_bool());
  EXPECT_TRUE(visitor(srv, srv.site_a)->welcome.at("open").as_bool());
  // The other tenant's visitors are not told anything: its agents are not online.
  auto other = visitor(srv, srv.site_b);
  EXPECT_FALSE(other->welcome.at("open").as_bool());

  // Business hours that exclude today close live chat at once, agents or not.
  std::string csrf(
      boost::json::parse(http_request(srv.port, "GET", "/api/me", "", cookie).body).as_object().at("csrf").as_string());
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char today[16], tomorrow[16];
  std::strftime(today, sizeof today, "%Y-%m-%d", &tm);
  t += 86400;
  gmtime_r(&t, &tm);
  std::strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
  std::string hours = std::string("tz=UTC; mon-sun 00:00-24:00; ") + today + " closed; " + tomorrow + " closed";
  auto put = http_request(srv.port, "PUT", "/api/tenants/1/hours", boost::json::serialize(object{{"hours", hours}}),
                          cookie, "X-CSRF-Token: " + csrf);
  ASSERT_EQ(put.status, 200) << put.body;
  auto closed = v->ws.recv_type("avail");
  ASSERT_TRUE(closed);
  EXPECT_FALSE(closed->at("open").as_bool());
  put = http_request(srv.port, "PUT", "/api/tenants/1/hours", R"({"hours":"always"})", cookie, "X-CSRF-Token: " + csrf);
  ASSERT_EQ(put.status, 200);
  auto reopened = v->ws.recv_type("avail");
  ASSERT_TRUE(reopened);
  EXPECT_TRUE(reopened->at("open").as_bool());

  // The last agent leaves: after the grace period live chat closes.
  a.reset();
  auto gone = v->ws.recv_type("avail", 5s);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->at("open").as_bool());
}

// The leave-a-message form lands in the agents' inbox; the reply goes out by email
// through a real SMTP server; failures are retried and shown; bad input is refused clearly.
TEST(Offline, TheLeaveFormRefusesBadInputClearly) {
  SmtpSink sink;
  Server srv(0, sink.config());
  auto v = visitor(srv, srv.site_a);
  ASSERT_FALSE(v->welcome.at("open").as_bool());
  EXPECT_EQ(expect_error(v->ws, leave_frame("l1", "matti@", "Hei")).substr(0, 11), "bad_request");
  EXPECT_NE(expect_error(v->ws, leave_frame("l1", "matti meikalainen@example.fi", "Hei")).find("not a valid email"),
            std::string::npos);
  EXPECT_NE(expect_error(v->ws, leave_frame("l1", "matti@example.fi", "Hei", false)).find("consent"),
            std::string::npos);
  EXPECT_NE(expect_error(v->ws, leave_frame("l1", "matti@example.fi", "")).find("write a message"), std::string::npos);
  auto bad_name = leave_frame("l1", "matti@example.fi", "Hei");
  bad_name["name"] = std::string(101, 'x');
  EXPECT_EQ(expect_error(v->ws, bad_name).substr(0, 9), "too_large");
  auto no_email = leave_frame("l1", "", "Hei");
  no_email.erase("email");
  EXPECT_EQ(expect_error(v->ws, no_email).substr(0, 11), "bad_request");
  EXPECT_EQ(sink.messages().size(), 0u);
}

TEST(Offline, LeaveAMessageAndTheReplyArrivesByEmail) {
  SmtpSink sink;
  Server srv(0, sink.config());
  auto v = visitor(srv, srv.site_a);
  ASSERT_FALSE(v->welcome.at("open").as_bool());

  v->ws.send(leave_frame("l1", "matti@example.fi", "Onko Vaellus 2 -telttaa varastossa?"));
  std::int64_t seq = ack_seq(v->ws, "l1");
  EXPECT_EQ(seq, 1);  // no greeting: nobody was there to greet
  v->ws.send(leave_frame("l1", "matti@example.fi", "Onko Vaellus 2 -telttaa varastossa?"));
  EXPECT_EQ(ack_seq(v->ws, "l1"), seq);  // a re-sent form is stored once

  object snap;
  auto a = agent(srv, "agentti@eramaa.demo", &snap);
  auto convs = snap.at("convs").as_array();
  ASSERT_EQ(convs.size(), 1u);
  auto c = convs[0].as_object();
  std::int64_t id = c.at("id").as_int64();
  EXPECT_EQ(c.at("origin").as_string(), "offline");
  EXPECT_EQ(c.at("status").as_string(), "waiting");
  EXPECT_EQ(c.at("contact_email").as_string(), "matti@example.fi");
  EXPECT_EQ(c.at("contact_name").as_string(), "Matti Meikäläinen");

  a->send({{"t", "watch"}, {"conv", id}, {"after", 0}});
  auto h = a->recv_type("history");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->at("mail").as_array().size(), 0u);
  a->send({{"t", "send"}, {"conv", id}, {"cid", "r1"}, {"body", "Hei Matti!\nKyllä on, 3 kpl."}});
  std::int64_t reply = ack_seq(*a, "r1");
  ASSERT_GT(reply, 0);
  auto sent = mail_status(*a, id, reply, "sent");
  ASSERT_TRUE(sent) << srv.log();
  EXPECT_EQ(sent->at("to").as_string(), "matti@example.fi");
  EXPECT_EQ(sent->at("attempts").as_int64(), 1);
  // The visitor still on the page sees the reply live too.
  auto live = v->ws.recv_type("msg");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->at("m").as_object().at("author").as_string(), "agent");

  auto mails = sink.messages();
  ASSERT_EQ(mails.size(), 1u);
  const std::string& eml = mails[0];
  EXPECT_NE(eml.find("To: =?UTF-8?B?"), std::string::npos) << eml;
  EXPECT_NE(eml.find("<matti@example.fi>"), std::string::npos);
  EXPECT_NE(eml.find("From: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(eml.find("<asiakaspalvelu@eramaa.example>"), std::string::npos);
  EXPECT_NE(eml.find("Message-ID: <tiski." + std::to_string(id) + "." + std::to_string(reply) + "."),
            std::string::npos);
  EXPECT_NE(eml.find("In-Reply-To: <tiski." + std::to_string(id) + "."), std::string::npos);
  EXPECT_NE(eml.find("multipart/alternative"), std::string::npos);
  std::string text = plain_text(eml);
  EXPECT_NE(text.find("Hei Matti!\r\nKyllä on, 3 kpl."), std::string::npos) << text;
  EXPECT_NE(text.find("> Onko Vaellus 2 -telttaa varastossa?"), std::string::npos) << text;
  // The agent's view after a reload carries the delivery state.
  a->send({{"t", "watch"}, {"conv", id}, {"after", 0}});
  h = a->recv_type("history");
  ASSERT_TRUE(h);
  ASSERT_EQ(h->at("mail").as_array().size(), 1u);
  EXPECT_EQ(h->at("mail").as_array()[0].as_object().at("status").as_string(), "sent");
  // Inbox items do not take live-chat seats.
  auto pres = http_request(srv.port, "GET", "/api/tenants/1/presence", "", login(srv, "agentti@eramaa.demo"));
  ASSERT_EQ(pres.status, 200);
  EXPECT_EQ(boost::json::parse(pres.body).at("agents").as_array()[0].as_object().at("active").as_int64(), 0)
      << pres.body;
}

// A visitor leaves a message to `email`; the agent (watching nothing yet) answers it. Returns
// the conversation and the reply's seq.
std::pair<std::int64_t, std::int64_t> leave_and_answer(Server& srv, WsClient& agent, const std::string& email,
                                                       const std::string& cid) {
  auto v = visitor(srv, srv.site_a);
  v->ws.send(leave_frame(cid, email, "Toimitusaika?"));
  EXPECT_GT(ack_seq(v->ws, cid), 0);
  auto c = agent.recv_type("conv");
  EXPECT_TRUE(c);
  if (!c) return {0, 0};
  std::int64_t id = c->at("conv").as_object().at("id").as_int64();
  agent.send({{"t", "watch"}, {"conv", id}, {"after", 0}});
  EXPECT_TRUE(agent.recv_type("history"));
  agent.send({{"t", "send"}, {"conv", id}, {"cid", "r-" + cid}, {"body", "2-3 arkipäivää."}});
  return {id, ack_seq(agent, "r-" + cid)};
}

TEST(Offline, RelayFailuresAreRetriedOrShown) {
  SmtpSink sink;
  Server srv(0, sink.config());
  auto a = agent(srv, "agentti@eramaa.demo");
  // A relay that says "try later" once: retried, then delivered.
  auto [id2, reply2] = leave_and_answer(srv, *a, "tempfail-1@example.fi", "x");
  ASSERT_GT(reply2, 0);
  auto retrying = mail_status(*a, id2, reply2, "queued");
  ASSERT_TRUE(retrying);
  if (retrying->at("attempts").as_int64() == 0) retrying = mail_status(*a, id2, reply2, "queued");
  ASSERT_TRUE(retrying);
  EXPECT_EQ(retrying->at("attempts").as_int64(), 1);
  EXPECT_NE(retrying->at("error").as_string().find("451"), std::string::npos) << boost::json::serialize(*retrying);
  auto delivered = mail_status(*a, id2, reply2, "sent");
  ASSERT_TRUE(delivered);
  EXPECT_EQ(delivered->at("attempts").as_int64(), 2);

  // A relay that refuses the address for good: failed at once, with the reason.
  auto [id3, reply3] = leave_and_answer(srv, *a, "reject@example.fi", "y");
  ASSERT_GT(reply3, 0);
  auto failed = mail_status(*a, id3, reply3, "failed");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->at("attempts").as_int64(), 1);
  EXPECT_NE(failed->at("error").as_string().find("550"), std::string::npos);
  EXPECT_EQ(sink.messages().size(), 1u);
}

// Whatever happens — the agent disconnects without answering, nobody is online, the
// server restarts — no chat is closed or lost unanswered: it waits in the queue or the inbox
// until an agent answers it.
TEST(Offline, EveryChatEndsUpAnsweredOrInTheInbox) {
  Server srv(0, "[routing]\noffline_grace_seconds = 1\n");
  object snap;
  auto a = agent(srv, "agentti@eramaa.demo", &snap);
  auto va = visitor(srv, srv.site_a);
  ASSERT_TRUE(va->welcome.at("open").as_bool());
  va->ws.send(send_frame("a1", "Hei, kysyisin kengistä"));
  std::string st;
  std::int64_t ida = 0;
  while ((st = conv_status_of(va->ws, &ida)) == "waiting") {}
  ASSERT_EQ(st, "active");  // assigned to the only agent...
  a.reset();                // ...who leaves without answering
  // After the grace period: live chat closes, and the chat is back in the queue, not closed.
  std::optional<bool> open;
  st.clear();
  while (!open || st != "waiting") {
    auto f = va->ws.recv(5s);
    ASSERT_TRUE(f) << "open " << open.value_or(true) << " status " << st;
    if (f->at("t").as_string() == "avail") open = f->at("open").as_bool();
    if (f->at("t").as_string() == "conv") st = f->at("conv").as_object().at("status").as_string();
  }
  EXPECT_FALSE(*open);
  // Nobody online: the waiting visitor leaves an address; another writes anyway; a third
  // uses the form.
  va->ws.send(leave_frame("a2", "aino.asiakas@example.fi", ""));
  ASSERT_GT(ack_seq(va->ws, "a2"), 0);
  auto vb = visitor(srv, srv.site_a);
  vb->ws.send(send_frame("b1", "Onko myymälä auki?"));
  ASSERT_GT(ack_seq(vb->ws, "b1"), 0);
  auto vc = visitor(srv, srv.site_a);
  vc->ws.send(leave_frame("c1", "c@example.fi", "Soittakaa minulle"));
  ASSERT_GT(ack_seq(vc->ws, "c1"), 0);

  ASSERT_EQ(srv.stop(SIGTERM), 0);
  srv.start();
  object snap2;
  auto a2 = agent(srv, "agentti@eramaa.demo", &snap2);
  auto convs = snap2.at("convs").as_array();
  ASSERT_EQ(convs.size(), 3u) << boost::json::serialize(snap2);
  std::map<std::string, int> origins;
  for (auto& cv : convs) {
    auto c = cv.as_object();
    EXPECT_NE(c.at("status").as_string(), "closed");
    origins[std::string(c.at("origin").as_string())]++;
  }
  EXPECT_EQ(origins["reactive"], 2);
  EXPECT_EQ(origins["offline"], 1);
  EXPECT_EQ(convs[0].as_object().at("contact_email").as_string(), "aino.asiakas@example.fi");
  // The agent answers each one; the live chats come to them by routing, the inbox by hand.
  for (auto& cv : convs) {
    std::int64_t id = cv.as_object().at("id").as_int64();
    a2->send({{"t", "send"}, {"conv", id}, {"cid", "r" + std::to_string(id)}, {"body", "Hei, vastaan nyt."}});
    EXPECT_GT(ack_seq(*a2, "r" + std::to_string(id)), 0);
  }
  // Replies to those who left an address wait in the outbox: this server has no relay.
  a2->send({{"t", "watch"}, {"conv", convs[0].as_object().at("id").as_int64()}, {"after", 0}});
  auto h = a2->recv_type("history");
  ASSERT_TRUE(h);
  ASSERT_EQ(h->at("mail").as_array().size(), 1u);
  auto m = h->at("mail").as_array()[0].as_object();
  EXPECT_EQ(m.at("status").as_string(), "queued");
  EXPECT_NE(m.at("error").as_string().find("no SMTP relay"), std::string::npos);
  auto log = srv.log();
  EXPECT_EQ(log.find("\"reason\":\"agent offline\""), std::string::npos) << "logged at info, not warn";
}

}  // namespace
}  // namespace tiski::testing
