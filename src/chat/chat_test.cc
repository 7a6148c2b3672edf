// The chat domain as a whole, on a manual clock with in-memory transports (testing/domain.h):
// the resync gate, invitations, routing timeouts, presence and the chat lifecycle, in simulated
// seconds. The same stories over real sockets are in tests/.
#include "chat/chat.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "chat/testing/domain.h"
#include "util/limits.h"

namespace tiski {
namespace {

using boost::json::object;
using testing::Console;
using testing::Domain;
using testing::send_frame;
using testing::Tab;

constexpr const char* kAino = "agentti@eramaa.demo";

std::vector<std::int64_t> seqs_of(const boost::json::array& msgs) {
  std::vector<std::int64_t> out;
  for (const auto& m : msgs) out.push_back(m.as_object().at("seq").as_int64());
  return out;
}

// Every message a client received after connecting: the welcome's or history's, and each msg
// frame, wherever it came (a msg before the welcome would be shown twice).
std::vector<std::int64_t> held(const testing::FakeTransport& t, std::string_view first) {
  std::vector<std::int64_t> out;
  for (const auto& f : t.frames) {
    if (f.at("t").as_string() == first) {
      for (auto s : seqs_of(f.at("msgs").as_array())) out.push_back(s);
    } else if (f.at("t").as_string() == "msg") {
      out.push_back(f.at("m").as_object().at("seq").as_int64());
    }
  }
  return out;
}

object tent_page(bool idle) {
  return {{"idle", idle},
          {"page", object{{"url", "https://eramaa.demo/teltta.html"}, {"title", "Vaellus 2"}, {"category", "teltat"}}},
          {"visit", object{{"id", "visit-1"}, {"age_s", 120}, {"pages", 3}}}};
}

// ------------------------------------------------------------------------ the resync gate

// A returning tab's welcome and a reply committed around it: whichever is stored first, the tab
// holds every message exactly once.
TEST(Resync, AWelcomeAndAReplyAroundItNeitherGapNorRepeat) {
  Domain d;
  auto a = d.agent(kAino);
  auto v = d.visitor();
  d.send(*v, send_frame("1", "Onko teltta varastossa?"));
  Id conv = v->last("ack")->at("conv").as_int64();
  std::string token(v->last("welcome")->at("token").as_string());
  d.close(*v);
  int n = 0;
  for (bool reply_first : {false, true, false, true}) {
    Tab tab;
    tab.s = d.chat->visitor_connected(tab.t, Interned("10.0.1.1"));
    auto hello = boost::json::serialize(object{{"t", "hello"}, {"site", d.site}, {"token", token}});
    auto reply = boost::json::serialize(
        object{{"t", "send"}, {"conv", conv}, {"cid", "r" + std::to_string(++n)}, {"body", "vastaus"}});
    if (reply_first) {
      d.chat->on_text(*a->s, reply);
      d.chat->on_text(*tab.s, hello);
    } else {
      d.chat->on_text(*tab.s, hello);
      d.chat->on_text(*a->s, reply);
    }
    d.settle();
    auto got = held(tab.t, "welcome");
    std::int64_t last = 2 + n;  // greeting, question, n replies
    std::vector<std::int64_t> want;
    for (std::int64_t s = 1; s <= last; ++s) want.push_back(s);
    EXPECT_EQ(got, want) << (reply_first ? "reply stored first" : "hello read first");
    d.close(tab);
  }
}

// A console opening a chat while the visitor writes: history and live messages, each once.
TEST(Resync, AHistoryAndAMessageAroundItNeitherGapNorRepeat) {
  Domain d;
  auto a = d.agent(kAino);
  auto v = d.visitor();
  d.send(*v, send_frame("0", "hei"));
  Id conv = v->last("ack")->at("conv").as_int64();
  for (int i = 1; i <= 4; ++i) {
    auto console = d.agent(kAino);
    auto watch = boost::json::serialize(object{{"t", "watch"}, {"conv", conv}, {"after", 0}});
    auto msg = boost::json::serialize(send_frame("m" + std::to_string(i), "viesti"));
    if (i % 2) {
      d.chat->on_text(*v->s, msg);
      d.chat->on_text(*console->s, watch);
    } else {
      d.chat->on_text(*console->s, watch);
      d.chat->on_text(*v->s, msg);
    }
    d.settle();
    auto got = held(console->t, "history");
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got.back(), 2 + i);
    for (std::size_t k = 1; k < got.size(); ++k) EXPECT_EQ(got[k], got[k - 1] + 1) << "gap or repeat";
    d.close(*console);
  }
}

// The chat ended and the visitor went on to the shop's next page: it shows what was said, ended,
// for half an hour; then the next page starts clean. Another visitor's hello shows nothing of it.
TEST(Resync, AChatThatEndedIsShownOnTheNextPageForHalfAnHour) {
  Domain d;
  auto a = d.agent(kAino);
  auto v = d.visitor();
  d.send(*v, send_frame("q", "onko teltta varastossa?"));
  Id conv = v->last("ack")->at("conv").as_int64();
  d.send(*a, {{"t", "send"}, {"conv", conv}, {"cid", "r"}, {"body", "On, 12 kpl."}});
  d.send(*a, {{"t", "close"}, {"conv", conv}});
  object token{{"token", v->last("welcome")->at("token")}};
  d.close(*v);
  d.advance(limits::kEndedShownMs - 1'000);
  auto next = d.visitor(token);
  auto w = *next->last("welcome");
  EXPECT_FALSE(w.contains("conv"));
  ASSERT_TRUE(w.contains("ended"));
  EXPECT_EQ(w.at("ended").as_object().at("id").as_int64(), conv);
  EXPECT_EQ(w.at("ended").as_object().at("status").as_string(), "closed");
  auto msgs = w.at("msgs").as_array();
  ASSERT_FALSE(msgs.empty());
  EXPECT_EQ(msgs.back().as_object().at("body").as_string(), "On, 12 kpl.");
  auto stranger = d.visitor();  // closed before it goes: the domain keeps its sessions till then
  EXPECT_FALSE(stranger->last("welcome")->contains("ended")) << "a new visitor sees another's chat";
  d.close(*stranger);
  d.close(*next);
  d.advance(2'000);
  auto later = d.visitor(token);
  EXPECT_FALSE(later->last("welcome")->contains("ended"));
  EXPECT_TRUE(later->last("welcome")->at("msgs").as_array().empty());
}

// ----------------------------------------------------------------------------- routing

// Aino and Bertta of Erämaa online, an unanswered chat moving on after a minute, and a visitor
// whose first line has just been assigned to one of them.
struct TwoAgents {
  Domain d{
      [](ChatOptions& o) { o.routing.assign_timeout_ms = 60'000; },
      [](Database& st) {
        ASSERT_TRUE(
            admin::create_agent(st, {"bertta@eramaa.demo", "Bertta Berg", "demo1234", "eramaa", "agent"}, true).ok());
      }};
  std::unique_ptr<Console> aino = d.agent(kAino);
  std::unique_ptr<Console> bertta = d.agent("bertta@eramaa.demo");
  std::unique_ptr<Tab> v = d.visitor();
  TwoAgents() { d.send(*v, send_frame("1", "hei")); }
  // The console of the agent the widget names.
  std::unique_ptr<Console>& named(std::string_view agent) { return agent == "Aino Virtanen" ? aino : bertta; }
};

TEST(Routing, AnUnansweredChatMovesToTheNextAgentAndAnAnsweredOneStays) {
  TwoAgents two;
  auto& [d, aino, bertta, v] = two;
  auto first = v->last("conv")->at("conv").as_object();
  ASSERT_EQ(first.at("status").as_string(), "active");
  std::string owner(first.at("agent").as_string());
  d.advance(59'000);
  EXPECT_EQ(v->last("conv")->at("conv").as_object().at("agent").as_string(), owner);
  d.advance(2'000);
  auto moved = v->last("conv")->at("conv").as_object();
  EXPECT_EQ(moved.at("status").as_string(), "active");
  EXPECT_NE(moved.at("agent").as_string(), owner) << "never back to the one who let it pass";
  // The new owner answers: it stays however long the visitor thinks.
  auto& answerer = two.named(moved.at("agent").as_string());
  Id conv = v->last("ack")->at("conv").as_int64();
  d.send(*answerer, {{"t", "send"}, {"conv", conv}, {"cid", "r"}, {"body", "Hei, miten voin auttaa?"}});
  ASSERT_TRUE(answerer->last("ack"));
  std::size_t convs = v->count("conv");
  d.advance(5 * 60'000);
  EXPECT_EQ(v->count("conv"), convs);
}

// The agent is writing the answer when the minute runs out: the chat stays under their hands, the
// consoles see the new deadline, and 20 s after the last keystroke without a reply it moves on.
TEST(Routing, AnAgentTypingTheAnswerKeepsTheChat) {
  TwoAgents two;
  auto& [d, aino, bertta, v] = two;
  Id conv = v->last("ack")->at("conv").as_int64();
  std::string owner(v->last("conv")->at("conv").as_object().at("agent").as_string());
  auto& writer = two.named(owner);
  d.send(*writer, {{"t", "watch"}, {"conv", conv}, {"after", 0}});
  d.advance(45'000);
  d.send(*writer, {{"t", "typing"}, {"conv", conv}, {"on", true}});
  auto seen = writer->last("conv")->at("conv").as_object();
  ASSERT_TRUE(seen.contains("answer_by"));
  EXPECT_EQ(seen.at("answer_by").as_int64(), d.clock.now() + 20'000);
  d.advance(19'000);  // 64 s after the assignment
  EXPECT_EQ(v->last("conv")->at("conv").as_object().at("agent").as_string(), owner);
  d.advance(3'000);
  EXPECT_NE(v->last("conv")->at("conv").as_object().at("agent").as_string(), owner) << "moves on without a reply";
}

// The visitor asks and closes the tab while nobody is free; after the grace period the console
// shows that they left, and an agent who comes online is not handed the chat. Back, it is.
TEST(Routing, AChatWhoseVisitorLeftWaitsForThemAndTheConsoleSaysSo) {
  Domain d;
  auto a = d.agent(kAino);
  d.send(*a, {{"t", "status"}, {"status", "away"}});
  auto v = d.visitor();
  d.send(*v, send_frame("q", "onko teltta varastossa?"));
  Id conv = v->last("ack")->at("conv").as_int64();
  std::string token(v->last("welcome")->at("token").as_string());
  d.close(*v);
  d.advance(limits::kVisitorGoneMs + 2'000);
  auto seen = a->last("conv")->at("conv").as_object();
  ASSERT_EQ(seen.at("id").as_int64(), conv);
  EXPECT_TRUE(seen.contains("visitor_left_at"));
  d.send(*a, {{"t", "status"}, {"status", "online"}});
  d.advance(2'000);
  EXPECT_EQ(a->last("conv")->at("conv").as_object().at("status").as_string(), "waiting")
      << "handed a gone visitor's chat";
  auto back = d.visitor({{"token", token}});
  d.advance(1'000);
  auto now = a->last("conv")->at("conv").as_object();
  EXPECT_FALSE(now.contains("visitor_left_at"));
  EXPECT_EQ(now.at("status").as_string(), "active");
}

// Several nodes without sticky sessions: the visitor's next page loads on node b while the chat
// is known on this node (a). Their tab here closed, but b says they have one there: they have not
// left, and their waiting chat is not closed as missed. When b's tab goes too, they have.
struct MuteLink : cluster::Link {
  void send(std::string) override {}
  bool up() const override { return true; }
};

std::string from_b(std::string_view kind, boost::json::value body) {
  return boost::json::serialize(object{{"n", "b"}, {"k", kind}, {kind == "lv" ? "v" : "a", std::move(body)}});
}

object live_entry(Id visitor, int tabs) {
  return {{"id", visitor},
          {"v", object{{"tenant", 1},
                       {"site", 1},
                       {"number", 1},
                       {"lang", "fi"},
                       {"url", "https://eramaa.demo/"},
                       {"title", ""},
                       {"category", ""},
                       {"path", boost::json::array{}},
                       {"since", 0},
                       {"active_at", 0},
                       {"pages", 2},
                       {"returning", false},
                       {"cart", nullptr},
                       {"conv", 0},
                       {"sessions", tabs},
                       {"gone_at", 0},
                       {"node", ""}}}};
}

void next_page_on_node_b(bool b_first) {
  Domain d;
  MuteLink link;
  auto& cl = d.chat->join_cluster(link, "a");
  auto a = d.agent(kAino);
  d.send(*a, {{"t", "status"}, {"status", "away"}});
  auto v = d.visitor();
  Id visitor = v->last("welcome")->at("visitor").as_int64();
  d.send(*v, send_frame("q", "onko teltta varastossa?"));
  Id conv = v->last("ack")->at("conv").as_int64();
  auto seconds = [&](int n) {  // node b's heartbeat keeps it alive meanwhile
    for (int i = 0; i < n; ++i) {
      cl.receive(from_b("hb", boost::json::array{}));
      d.advance(1'000);
    }
  };
  auto left = [&] { return a->last("conv")->at("conv").as_object().contains("visitor_left_at"); };
  auto status = [&] { return d.query<Conversation>([conv](Store& st) { return st.conversation(conv); }).status; };
  // The new page's tab says hello on b before or after the old one here closes.
  if (b_first) cl.receive(from_b("lv", boost::json::array{live_entry(visitor, 1)}));
  d.close(*v);
  seconds(1);
  if (!b_first) cl.receive(from_b("lv", boost::json::array{live_entry(visitor, 1)}));
  seconds(static_cast<int>(limits::kVisitorGoneMs / 1000) + 2);
  EXPECT_FALSE(left()) << "a visitor on another node was taken for gone";
  seconds(11 * 60);  // the missed-chat time (10 minutes) with the visitor there
  EXPECT_EQ(status(), "waiting") << "closed as missed while the visitor waited on another node";
  cl.receive(from_b("lv", boost::json::array{object{{"id", visitor}, {"gone", true}}}));
  seconds(static_cast<int>(limits::kVisitorGoneMs / 1000) + 2);
  EXPECT_TRUE(left()) << "gone from every node, yet not recorded";
}

TEST(Routing, AVisitorWhoseNextPageLoadedOnAnotherNodeHasNotLeft) { next_page_on_node_b(false); }
TEST(Routing, AVisitorWithATabOnAnotherNodeBeforeThisOneClosedHasNotLeft) { next_page_on_node_b(true); }

TEST(Routing, ATeamTransferMovesOnWhenItsNewOwnerDoesNotAnswer) {
  Domain d({}, [](Database& st) {
    for (const char* who : {"y@eramaa.demo", "z@eramaa.demo"}) {
      ASSERT_TRUE(admin::create_agent(st, {who, who, "demo1234", "eramaa", "agent"}, true).ok());
    }
    ASSERT_TRUE(admin::create_team(st, "eramaa", "Huolto").ok());
    ASSERT_TRUE(admin::add_team_member(st, "eramaa", "Huolto", "y@eramaa.demo").ok());
    ASSERT_TRUE(admin::add_team_member(st, "eramaa", "Huolto", "z@eramaa.demo").ok());
  });
  auto x = d.agent(kAino);
  Id team = x->last("snapshot")->at("teams").as_array()[0].as_object().at("id").as_int64();
  auto v = d.visitor();
  d.send(*v, send_frame("q", "huoltokysymys"));
  Id conv = v->last("ack")->at("conv").as_int64();
  d.send(*x, {{"t", "send"}, {"conv", conv}, {"cid", "x1"}, {"body", "Siirrän huoltoon."}});
  auto y = d.agent("y@eramaa.demo");
  auto z = d.agent("z@eramaa.demo");
  d.send(*x, {{"t", "transfer"}, {"conv", conv}, {"team", team}});
  auto first = x->last("conv")->at("conv").as_object();
  ASSERT_EQ(first.at("status").as_string(), "active");
  std::string owner(first.at("assignee_name").as_string());
  EXPECT_NE(owner, "Aino Virtanen");
  ASSERT_TRUE(first.contains("answer_by")) << "the console shows a countdown";
  EXPECT_EQ(first.at("answer_by").as_int64(), d.clock.now() + 60'000);
  d.advance(61'000);
  auto second = x->last("conv")->at("conv").as_object();
  EXPECT_EQ(second.at("status").as_string(), "active");
  EXPECT_NE(second.at("assignee_name").as_string(), owner);
  EXPECT_NE(second.at("assignee_name").as_string(), "Aino Virtanen");
}

// ---------------------------------------------------------------------------- presence

TEST(Presence, AnIdleAgentGoesAwayAndAReloadIsNotAnAbsence) {
  Domain d;
  auto a = d.agent(kAino);
  auto watcher = d.agent(kAino);
  auto status = [&] {
    return std::string(watcher->last("presence")->at("presence").as_object().at("status").as_string());
  };
  d.advance(10 * 60'000 + 1'000);
  EXPECT_EQ(status(), "away");
  d.send(*a, {{"t", "list"}, {"which", "mine"}});  // any activity brings them back
  EXPECT_EQ(status(), "online");
  auto v = d.visitor();
  EXPECT_TRUE(v->last("welcome")->at("open").as_bool());
  d.close(*a);
  d.close(*watcher);
  d.advance(29'000);  // a page reload fits in the grace period
  EXPECT_EQ(v->count("avail"), 0u);
  d.advance(2'000);
  ASSERT_TRUE(v->last("avail"));
  EXPECT_FALSE(v->last("avail")->at("open").as_bool());
}

TEST(Presence, AnExpiringSessionClosesItsConsole) {
  Domain d;
  auto a = d.agent(kAino, d.clock.now() + 5'000);
  d.advance(4'000);
  EXPECT_FALSE(a->t.closed);
  d.advance(2'000);
  EXPECT_TRUE(a->t.closed);
  EXPECT_EQ(a->t.close_code, kCloseSessionEnded);
  EXPECT_EQ(a->last("error")->at("code").as_string(), "unauthorized");
}

// ---------------------------------------------------------------------------- proactive

TEST(Proactive, IdleTenSecondsOnATentPageInvitesOnlyWithAFreeSeat) {
  Domain d;
  auto lonely = d.visitor(tent_page(true));
  d.advance(15'000);
  EXPECT_EQ(lonely->count("invite"), 0u) << "invited with nobody online";
  auto a = d.agent(kAino);
  auto v = d.visitor(tent_page(false));
  d.send(*v, {{"t", "track"}, {"idle", true}});
  d.advance(9'000);
  EXPECT_EQ(v->count("invite"), 0u);
  d.advance(2'000);
  ASSERT_EQ(v->count("invite"), 1u);
  auto inv = *v->last("invite");
  EXPECT_EQ(inv.at("rule").as_int64(), 1);
  EXPECT_EQ(inv.at("mode").as_string(), "open");
  // Answering it: a proactive conversation whose first message is the invitation.
  d.send(*v, send_frame("p1", "Joo, kahden hengen teltta"));
  EXPECT_EQ(v->last("ack")->at("seq").as_int64(), 2);
  auto c = v->last("conv")->at("conv").as_object();
  Id conv = v->last("ack")->at("conv").as_int64();
  auto mine = a->last("conv")->at("conv").as_object();
  EXPECT_EQ(mine.at("id").as_int64(), conv);
  EXPECT_EQ(mine.at("origin").as_string(), "proactive");
  EXPECT_EQ(mine.at("rule").as_int64(), 1);
  // Once per visit: idle again on the next page, no second invitation.
  d.send(*v, {{"t", "close"}});
  d.send(*v, {{"t", "page"}, {"page", tent_page(true).at("page")}, {"pages", 4}});
  d.send(*v, {{"t", "track"}, {"idle", true}});
  d.advance(20'000);
  EXPECT_EQ(v->count("invite"), 1u);
}

TEST(Proactive, AVisitorGoneFromTheListAfterTheGracePeriod) {
  Domain d;
  auto a = d.agent(kAino);
  d.send(*a, {{"t", "visitors"}, {"on", true}});
  auto v = d.visitor(tent_page(false));
  ASSERT_TRUE(a->last("visitor"));
  Id id = a->last("visitor")->at("v").as_object().at("id").as_int64();
  d.advance(1'000);  // counts go out with the tick
  EXPECT_EQ(a->last("live_count")->at("n").as_int64(), 1);
  d.close(*v);
  d.advance(1'000);
  EXPECT_EQ(a->last("live_count")->at("n").as_int64(), 0);
  EXPECT_EQ(a->count("visitor_gone"), 0u);
  d.advance(limits::kVisitorGoneMs + 1'000);
  ASSERT_TRUE(a->last("visitor_gone"));
  EXPECT_EQ(a->last("visitor_gone")->at("id").as_int64(), id);
}

TEST(Proactive, NoInvitationWhileEverySeatIsTaken) {
  Domain d({}, [](Database& st) {
    ASSERT_TRUE(admin::set_default_max_chats(st, "eramaa", 1).ok());
    auto key = admin::demo_site_key(st);
    ASSERT_TRUE(
        admin::set_rules(st, *key, R"([{"id": 2, "when": {"category": "teltat"}, "action": {"text": "Apua?"}}])").ok());
  });
  auto a = d.agent(kAino);
  auto busy = d.visitor();
  d.send(*busy, send_frame("b", "hei"));  // takes the only seat
  Id conv = busy->last("ack")->at("conv").as_int64();
  ASSERT_EQ(busy->last("conv")->at("conv").as_object().at("status").as_string(), "active");
  auto v = d.visitor(tent_page(false));
  d.advance(5'000);
  EXPECT_EQ(v->count("invite"), 0u) << "invited while every seat was taken";
  d.send(*a, {{"t", "close"}, {"conv", conv}});  // the seat frees up
  d.advance(1'000);
  ASSERT_EQ(v->count("invite"), 1u);
  EXPECT_EQ(v->last("invite")->at("text").as_string(), "Apua?");
}

TEST(Proactive, NoInvitationWhileTheChatWindowIsOpen) {
  Domain d({}, [](Database& st) {
    auto key = admin::demo_site_key(st);
    ASSERT_TRUE(
        admin::set_rules(st, *key, R"([{"id": 2, "when": {"category": "teltat"}, "action": {"text": "Apua?"}}])").ok());
  });
  auto a = d.agent(kAino);
  auto v = d.visitor(tent_page(false));
  d.send(*v, {{"t", "window"}, {"open", true}});  // reading the greeting: the widget would not show one
  d.advance(5'000);
  EXPECT_EQ(v->count("invite"), 0u) << "invited with the chat window open";
  d.send(*v, {{"t", "window"}, {"open", false}});
  d.advance(1'000);
  ASSERT_EQ(v->count("invite"), 1u);
  EXPECT_EQ(v->last("invite")->at("text").as_string(), "Apua?");
}

TEST(Proactive, ADismissedInvitationIsNotRepeatedForAWeek) {
  Domain d({}, [](Database& st) {
    auto key = admin::demo_site_key(st);
    ASSERT_TRUE(
        admin::set_rules(st, *key,
                         R"([{"id": 9, "when": {"category": "teltat"}, "action": {"mode": "teaser", "text": "Apua?"},
      "cap": {"once_per_visit": false, "after_dismiss_days": 7}}])")
            .ok());
  });
  auto a = d.agent(kAino);
  auto v = d.visitor(tent_page(false));
  d.advance(1'000);
  ASSERT_EQ(v->count("invite"), 1u);
  EXPECT_EQ(v->last("invite")->at("mode").as_string(), "teaser");
  d.send(*v, {{"t", "dismiss"}, {"rule", 8}});
  EXPECT_EQ(v->last("error")->at("code").as_string(), "conflict");
  d.send(*v, {{"t", "dismiss"}, {"rule", 9}});
  // Another page of the same visit, and a new visit of the same browser: not again for 7 days.
  d.send(*v, {{"t", "page"}, {"page", tent_page(false).at("page")}, {"pages", 4}});
  auto hello = tent_page(false);
  hello["token"] = v->last("welcome")->at("token");
  hello["visit"] = object{{"id", "visit-2"}, {"age_s", 0}, {"pages", 1}};
  auto again = d.visitor(hello);
  d.advance(60'000);
  EXPECT_EQ(v->count("invite"), 1u);
  EXPECT_EQ(again->count("invite"), 0u);
  d.jump(7 * 86'400'000LL - 60'000);                    // a week later
  d.send(*a, {{"t", "status"}, {"status", "online"}});  // back from the auto-away of a week
  auto later = d.visitor(hello);
  d.advance(1'000);
  EXPECT_EQ(later->count("invite"), 1u);
}

// ------------------------------------------------------------------------------- limits

// One visitor with five tabs: the message limit is the visitor's, not each tab's.
TEST(Limits, OneVisitorInFiveTabsSharesOneMessageLimit) {
  Domain d;
  std::vector<std::unique_ptr<Tab>> tabs;
  tabs.push_back(d.visitor());
  object again{{"token", tabs[0]->last("welcome")->at("token")}};
  for (int i = 0; i < 4; ++i) tabs.push_back(d.visitor(again));
  for (int i = 0; i < 50; ++i) {  // 50 messages in 1.5 s
    d.send(*tabs[static_cast<std::size_t>(i % 5)], send_frame("m" + std::to_string(i), "viesti " + std::to_string(i)));
    d.clock.advance(30);
  }
  std::size_t acks = 0;
  for (auto& t : tabs) {
    for (const auto& f : t->t.of_type("ack")) acks += f.at("cid").as_string().starts_with("m");
  }
  EXPECT_GE(acks, static_cast<std::size_t>(limits::kMessageBurst));
  EXPECT_LE(acks, static_cast<std::size_t>(limits::kMessageBurst + 1.5 * limits::kMessagesPerSecond) + 1);
}

// ------------------------------------------------------------------------------ failure

// The disk is full for one commit: the visitor is told, nobody sees a message that was never
// stored, and nothing is left half-done — the retry gets the next sequence numbers.
TEST(Failure, AFailedCommitAcknowledgesNothingAndPublishesNothing) {
  Domain d;
  auto a = d.agent(kAino);
  auto v = d.visitor();
  a->t.clear();
  d.faults->fail_commits(1);
  d.send(*v, send_frame("1", "Onko teltta varastossa?"));
  EXPECT_EQ(v->count("ack"), 0u);
  ASSERT_TRUE(v->last("error"));
  EXPECT_EQ(v->last("error")->at("code").as_string(), "internal");
  EXPECT_EQ(v->last("error")->at("cid").as_string(), "1");
  EXPECT_EQ(v->count("msg") + v->count("conv"), 0u);
  EXPECT_EQ(a->count("conv") + a->count("msg"), 0u);
  EXPECT_EQ(d.chat->in_flight(), 0u);
  EXPECT_EQ(d.chat->queue_of(1, 0).at("total").to_number<std::int64_t>(), 0);  // routing never heard of it
  d.send(*v, send_frame("1", "Onko teltta varastossa?"));                      // the widget re-sends with the same cid
  ASSERT_TRUE(v->last("ack"));
  EXPECT_EQ(v->last("ack")->at("seq").as_int64(), 2);  // greeting 1, message 2: nothing was kept before
  EXPECT_EQ(a->last("conv")->at("conv").as_object().at("last_seq").as_int64(), 2);
  EXPECT_EQ(d.faults->commits_failed(), 1);
}

// ---------------------------------------------------------------------------- lifecycle

TEST(Lifecycle, MissedAndIdleChatsCloseOnTime) {
  Domain d({}, [](Database& st) {
    admin::TenantUpdate u;
    u.missed_after_seconds = 120;
    u.idle_close_seconds = 300;
    ASSERT_TRUE(admin::update_tenant(st, "eramaa", u).ok());
  });
  auto a = d.agent(kAino);
  d.send(*a, {{"t", "status"}, {"status", "away"}});  // nothing is assigned automatically
  auto gone = d.visitor();
  d.send(*gone, send_frame("g", "onko kukaan paikalla?"));
  Id missed = gone->last("ack")->at("conv").as_int64();
  auto stays = d.visitor();
  d.send(*stays, send_frame("s", "kysymys teltoista"));
  Id idle = stays->last("ack")->at("conv").as_int64();
  d.send(*a, {{"t", "take"}, {"conv", idle}});
  d.close(*gone);
  auto status_of = [&](Id conv) {
    auto rows = d.query<Conversation>([conv](Store& st) { return st.conversation(conv); });
    return rows.status;
  };
  d.advance(119'000);
  EXPECT_EQ(status_of(missed), "waiting");
  d.advance(2'000);
  EXPECT_EQ(status_of(missed), "closed");
  EXPECT_EQ(status_of(idle), "active");
  d.advance(300'000 - 121'000 - 1'000);
  EXPECT_EQ(status_of(idle), "active");
  d.advance(3'000);
  EXPECT_EQ(status_of(idle), "closed");
  auto line = stays->last("msg")->at("m").as_object();
  EXPECT_EQ(line.at("author").as_string(), "system");
  EXPECT_NE(std::string(line.at("body").as_string()).find("5 minuuttiin"), std::string::npos) << line.at("body");
  auto events = d.query<std::vector<Event>>([missed](Store& st) { return st.events_of_conversation(missed); });
  std::string all;
  for (const auto& e : events) all += e.kind + " " + e.data + "\n";
  EXPECT_NE(all.find(R"("by":"system","reason":"missed")"), std::string::npos) << all;
}

}  // namespace
}  // namespace tiski
