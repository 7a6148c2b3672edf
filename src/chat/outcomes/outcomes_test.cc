// What came of a chat, end to end through the domain on a manual clock: the agent's outcome
// and tags, outcome required on close, the visitor's satisfaction answer, an order reported
// from the page and credited to the chat, and the proactive holdout.
#include "chat/outcomes/outcomes.h"

#include <gtest/gtest.h>

#include "chat/admin.h"
#include "chat/testing/domain.h"

namespace tiski {
namespace {

using boost::json::array;
using boost::json::object;
using testing::Domain;
using testing::send_frame;

constexpr const char* kAinoMail = "agentti@eramaa.demo";
constexpr const char* kPekka = "agentti@pyorapaja.demo";

// A visitor asks, Aino answers; returns the conversation.
Id answered_chat(Domain& d, testing::Console& a, testing::Tab& v) {
  d.send(v, send_frame("q", "Onko teltta varastossa?"));
  Id conv = v.last("ack")->at("conv").as_int64();
  d.send(a, {{"t", "send"}, {"conv", conv}, {"cid", "r1"}, {"body", "On!"}});
  return conv;
}

std::string error_code(const testing::Console& a) { return std::string(a.last("error")->at("code").as_string()); }

TEST(Outcomes, TheAgentSetsOutcomeAndTagsAndTheTagListGrows) {
  Domain d;
  auto a = d.agent(kAinoMail);
  auto v = d.visitor();
  Id conv = answered_chat(d, *a, *v);
  d.send(*a, {{"t", "outcome"},
              {"conv", conv},
              {"outcome", "redirected"},
              {"channel", "puhelin"},
              {"tags", array{"Teltat", " palautus ", "teltat"}}});
  auto c = a->last("conv")->at("conv").as_object();
  EXPECT_EQ(c.at("outcome").as_string(), "redirected");
  EXPECT_EQ(c.at("outcome_channel").as_string(), "puhelin");
  EXPECT_EQ(c.at("tags").as_array(), (array{"Teltat", "palautus"}));  // trimmed, repeats dropped
  ASSERT_TRUE(a->last("tags"));
  EXPECT_EQ(a->last("tags")->at("tags").as_array(), (array{"palautus", "Teltat"}));
  auto stored = d.query<Conversation>([conv](Store& st) { return st.conversation(conv); });
  EXPECT_EQ(stored.outcome, "redirected");
  auto evs = d.query<std::vector<Event>>([conv](Store& st) { return st.events_of_conversation(conv); });
  EXPECT_TRUE(std::any_of(evs.begin(), evs.end(), [](const Event& e) { return e.kind == "conversation.outcome"; }));
  // A new console sees the tags in its snapshot.
  auto again = d.agent(kAinoMail);
  auto tenants = again->last("snapshot")->at("tenants").as_array();
  EXPECT_EQ(tenants[0].at("tags").as_array().size(), 2u);
  // Editable after the close; clearing the outcome is allowed.
  d.send(*a, {{"t", "close"}, {"conv", conv}});
  d.send(*a, {{"t", "outcome"}, {"conv", conv}, {"outcome", "sale"}});
  EXPECT_EQ(a->last("conv")->at("conv").at("outcome").as_string(), "sale");
  EXPECT_FALSE(a->last("conv")->at("conv").as_object().contains("tags"));
}

TEST(Outcomes, BadOutcomesAreRefusedAndOtherTenantsCannotTouchIt) {
  Domain d;
  auto a = d.agent(kAinoMail);
  auto v = d.visitor();
  Id conv = answered_chat(d, *a, *v);
  d.send(*a, {{"t", "outcome"}, {"conv", conv}, {"outcome", "sale"}, {"channel", "puhelin"}});
  EXPECT_EQ(error_code(*a), "bad_request");
  d.send(*a, {{"t", "outcome"}, {"conv", conv}, {"outcome", "bought"}});
  EXPECT_EQ(error_code(*a), "bad_request");  // not in the enum
  array many;
  for (int i = 0; i < 11; ++i) many.push_back(boost::json::string("t" + std::to_string(i)));
  d.send(*a, {{"t", "outcome"}, {"conv", conv}, {"tags", many}});
  EXPECT_EQ(error_code(*a), "too_large");
  d.send(*a, {{"t", "outcome"}, {"conv", conv}, {"tags", array{"a,b"}}});
  EXPECT_EQ(error_code(*a), "bad_request");
  d.send(*a, {{"t", "outcome"}, {"conv", conv}, {"tags", array{std::string(41, 'x')}}});
  EXPECT_EQ(error_code(*a), "too_large");
  auto p = d.agent(kPekka);
  d.send(*p, {{"t", "outcome"}, {"conv", conv}, {"outcome", "spam"}});
  EXPECT_EQ(error_code(*p), "not_found");
  EXPECT_EQ(d.query<Conversation>([conv](Store& st) { return st.conversation(conv); }).outcome, "");
}

TEST(Outcomes, ATenantCanRequireAnOutcomeBeforeTheClose) {
  Domain d({}, [](Database& st) { ASSERT_TRUE(st.set_tenant_analytics(1, true, 7).ok()); });
  auto a = d.agent(kAinoMail);
  EXPECT_TRUE(a->last("snapshot")->at("tenants").as_array()[0].at("outcome_required").as_bool());
  auto v = d.visitor();
  Id conv = answered_chat(d, *a, *v);
  d.send(*a, {{"t", "close"}, {"conv", conv}});
  EXPECT_EQ(error_code(*a), "conflict");
  EXPECT_NE(a->last("error")->at("message").as_string().find("outcome"), std::string::npos);
  d.send(*a, {{"t", "outcome"}, {"conv", conv}, {"outcome", "resolved"}});
  d.send(*a, {{"t", "close"}, {"conv", conv}});
  EXPECT_EQ(a->last("conv")->at("conv").at("status").as_string(), "closed");
  // The visitor may always close.
  auto v2 = d.visitor();
  d.send(*v2, send_frame("q2", "hei"));
  d.send(*v2, {{"t", "close"}});
  EXPECT_EQ(v2->last("conv")->at("conv").at("status").as_string(), "closed");
}

TEST(Csat, TheVisitorAnswersAfterTheCloseMayReviseForAWhileAndTheAgentSeesIt) {
  Domain d;
  auto a = d.agent(kAinoMail);
  auto v = d.visitor();
  Id conv = answered_chat(d, *a, *v);
  d.send(*v, {{"t", "csat"}, {"conv", conv}, {"score", 5}});
  EXPECT_EQ(v->last("error")->at("code").as_string(), "conflict");  // still open
  d.send(*a, {{"t", "close"}, {"conv", conv}});
  d.send(*v, {{"t", "survey"}, {"conv", conv}});
  d.send(*v, {{"t", "csat"}, {"conv", conv}, {"score", 6}});
  EXPECT_EQ(v->last("error")->at("code").as_string(), "bad_request");
  d.send(*v, {{"t", "csat"}, {"conv", conv}, {"score", 4}, {"comment", "  Nopea ja ystävällinen!  "}});
  EXPECT_EQ(v->last("conv")->at("conv").at("csat").as_int64(), 4);
  auto seen = a->last("conv")->at("conv").as_object();
  EXPECT_EQ(seen.at("csat").as_int64(), 4);
  EXPECT_EQ(seen.at("csat_comment").as_string(), "Nopea ja ystävällinen!");
  // Another star within half an hour replaces the answer; after it, an answer is refused.
  d.advance(limits::kCsatReviseMs);
  d.send(*v, {{"t", "csat"}, {"conv", conv}, {"score", 5}});
  EXPECT_EQ(v->last("conv")->at("conv").at("csat").as_int64(), 5);
  d.advance(1);
  v->t.clear();
  d.send(*v, {{"t", "csat"}, {"conv", conv}, {"score", 1}});
  EXPECT_EQ(v->last("error")->at("code").as_string(), "conflict");
  auto c = d.query<Conversation>([conv](Store& st) { return st.conversation(conv); });
  EXPECT_EQ(c.csat, 5);
  EXPECT_TRUE(c.csat_shown_at);
  // Another visitor cannot answer for it.
  auto other = d.visitor();
  d.send(*other, {{"t", "csat"}, {"conv", conv}, {"score", 1}});
  EXPECT_EQ(other->last("error")->at("code").as_string(), "not_found");
}

TEST(Conversions, AnOrderFromThePageIsCreditedToTheChatAndItsAgent) {
  Domain d;
  auto a = d.agent(kAinoMail);
  auto v = d.visitor();
  Id conv = answered_chat(d, *a, *v);
  d.send(*a, {{"t", "close"}, {"conv", conv}});
  d.advance(3'600'000);
  d.send(*v, {{"t", "convert"}, {"kind", "order"}, {"id", "T-1001"}, {"cents", 34900}, {"currency", "EUR"}});
  auto ok = v->last("converted");
  ASSERT_TRUE(ok);
  EXPECT_FALSE(ok->at("duplicate").as_bool());
  d.send(*v, {{"t", "convert"}, {"kind", "order"}, {"id", "T-1001"}, {"cents", 1}, {"currency", "EUR"}});
  EXPECT_TRUE(v->last("converted")->at("duplicate").as_bool());
  auto of = d.query<std::vector<Conversion>>([conv](Store& st) { return st.conversions_of(conv); });
  ASSERT_EQ(of.size(), 1u);
  EXPECT_EQ(of[0].value_cents, 34900);
  EXPECT_EQ(of[0].source, "widget");
  EXPECT_TRUE(of[0].agent_id);
  d.send(*v, {{"t", "convert"}, {"kind", "order"}, {"id", "T-1002"}, {"cents", 100}, {"currency", "eur"}});
  EXPECT_EQ(v->last("error")->at("code").as_string(), "bad_request");
  EXPECT_NE(v->last("error")->at("message").as_string().find("ISO 4217"), std::string::npos);
}

// The demo rule (idle 10 s on a tent page) fires for every visit; a 100 % holdout (only the
// store allows more than 50) means nobody is invited and every firing is recorded as held out.
TEST(Holdout, AHeldOutVisitIsRecordedAndNeverInvited) {
  object tent{
      {"idle", true},
      {"page", object{{"url", "https://eramaa.demo/teltta.html"}, {"title", "Vaellus 2"}, {"category", "teltat"}}},
      {"visit", object{{"id", "visit-1"}, {"age_s", 120}, {"pages", 3}}}};
  Domain d({}, [](Database& st) {
    auto key = admin::demo_site_key(st);
    ASSERT_TRUE(st.set_site_holdout(st.site_by_key(*key)->id, 100).ok());
  });
  auto a = d.agent(kAinoMail);
  auto v = d.visitor(tent);
  d.advance(15'000);
  EXPECT_EQ(v->count("invite"), 0u);
  auto invs = d.query<std::vector<Invitation>>([](Store& st) { return st.invitations_of(1, 0); });
  ASSERT_EQ(invs.size(), 1u);
  EXPECT_TRUE(invs[0].held_out);
  d.advance(30'000);  // recorded once per rule and visit
  EXPECT_EQ(d.query<std::vector<Invitation>>([](Store& st) { return st.invitations_of(1, 0); }).size(), 1u);

  Domain plain;
  auto b = plain.agent(kAinoMail);
  auto w = plain.visitor(tent);
  plain.advance(15'000);
  EXPECT_EQ(w->count("invite"), 1u);
  auto shown = plain.query<std::vector<Invitation>>([](Store& st) { return st.invitations_of(1, 0); });
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_FALSE(shown[0].held_out);
}

}  // namespace
}  // namespace tiski
