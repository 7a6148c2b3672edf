#include "chat/protocol.h"

#include <gtest/gtest.h>

#include "util/limits.h"
#include "util/text.h"

#include <boost/json/parse.hpp>

namespace tiski::proto {
namespace {

TEST(Protocol, ParsesAKnownFrame) {
  auto f = parse_client_frame(R"({"t":"send","cid":"a1","body":"Hei"})", kVisitorClientFrames);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(static_cast<VisitorClient>(f->index), VisitorClient::kSend);
  EXPECT_EQ(str(f->body, "body"), "Hei");
}

TEST(Protocol, RejectsMalformedFramesWithAClearMessage) {
  auto msg = [](std::string_view text) {
    auto f = parse_client_frame(text, kVisitorClientFrames);
    EXPECT_FALSE(f.ok());
    EXPECT_EQ(f.error().code, Errc::kBadRequest);
    return f.error().message;
  };
  EXPECT_EQ(msg("not json"), "frame is not valid JSON (UTF-8 text)");
  EXPECT_EQ(msg("[1,2]"), "frame must be a JSON object");
  EXPECT_EQ(msg(R"({"cid":"x"})"), "field 't' (the frame type) is required");
  EXPECT_EQ(msg(R"({"t":"fly"})"), "unknown frame type 'fly'");
  EXPECT_EQ(msg(R"({"t":"send","cid":"x"})"), "field 'body' is required");
  EXPECT_EQ(msg(R"({"t":"send","cid":"x","body":5})"), "field 'body' must be a string");
  EXPECT_EQ(msg(R"({"t":"typing","on":"yes"})"), "field 'on' must be a boolean");
  EXPECT_EQ(msg(R"({"t":"hello","site":"k","page":{"title":"x"}})"), "field 'page.url' is required");
  EXPECT_EQ(msg(R"({"t":"hello","site":"k","last_seq":1.5})"), "field 'last_seq' must be an integer");
}

TEST(Protocol, DecodesIntoTypedFrames) {
  auto f = decode_visitor_client(R"({"t":"hello","site":"k","page":{"url":"https://x/","title":"T"},"idle":true})");
  ASSERT_TRUE(f.ok()) << f.error().message;
  const auto& hello = std::get<visitor_client::Hello>(*f);
  EXPECT_EQ(hello.site, "k");
  ASSERT_TRUE(hello.page.has_value());
  EXPECT_EQ(hello.page->url, "https://x/");
  EXPECT_EQ(hello.page->title, "T");
  EXPECT_FALSE(hello.page->category.has_value());
  EXPECT_EQ(hello.idle, true);
  EXPECT_FALSE(hello.token.has_value());

  auto list = decode_agent_client(R"({"t":"list","which":"inbox","after":"3"})");
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(std::get<agent_client::List>(*list).which, ListName::kInbox);
  auto send = decode_agent_client(R"({"t":"send","conv":12,"cid":"c","body":"b"})");
  ASSERT_TRUE(send.ok());
  EXPECT_EQ(std::get<agent_client::Send>(*send).conv, 12);
  EXPECT_FALSE(std::get<agent_client::Send>(*send).internal.has_value());
}

TEST(Protocol, EnumFieldsAcceptOnlyTheirValues) {
  auto r = decode_agent_client(R"({"t":"status","status":"busy"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "field 'status' must be one of online, away");
  EXPECT_EQ(std::get<agent_client::Status>(*decode_agent_client(R"({"t":"status","status":"away"})")).status,
            SettableStatus::kAway);
  EXPECT_EQ(decode_agent_client(R"({"t":"list","which":"all"})").error().message,
            "field 'which' must be one of mine, waiting, inbox, others, closed");
  EXPECT_EQ(to_string(Origin::kOffline), "offline");
  EXPECT_EQ(parse_origin("api"), Origin::kApi);
  EXPECT_FALSE(parse_origin("fax").has_value());
}

TEST(Protocol, TypedServerFramesSerialiseToTheSchema) {
  visitor_server::Welcome w;
  w.token = "tok";
  w.visitor = 5;
  w.site = SiteInfo{"Kauppa", "Hei", {"fi", "sv"}, "#aa3311", std::nullopt, std::nullopt, std::nullopt};
  w.msgs.push_back(
      Message{7, 1, Author::kSystem, std::nullopt, "Hei", 100, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  w.open = true;
  auto text = *frame(w);
  auto v = boost::json::parse(text).as_object();
  EXPECT_EQ(v.at("t").as_string(), "welcome");
  EXPECT_FALSE(v.contains("conv"));  // an empty optional is left out
  EXPECT_EQ(v.at("msgs").as_array()[0].at("author").as_string(), "system");
  EXPECT_TRUE(validate(v, kVisitorServerWelcomeFields).ok());
  // and back: value_to reads what value_from wrote
  auto back = boost::json::value_to<visitor_server::Welcome>(boost::json::value(v));
  EXPECT_EQ(back.site.langs, (std::vector<std::string>{"fi", "sv"}));
  EXPECT_EQ(back.site.color, "#aa3311");
  EXPECT_FALSE(v.at("site").as_object().contains("position"));
  EXPECT_EQ(back.msgs[0].author, Author::kSystem);
}

TEST(Protocol, OptionalFieldsMayBeAbsentOrNull) {
  EXPECT_TRUE(parse_client_frame(R"({"t":"hello","site":"k"})", kVisitorClientFrames).ok());
  EXPECT_TRUE(parse_client_frame(R"({"t":"hello","site":"k","token":null})", kVisitorClientFrames).ok());
}

// Every frame the server builds must satisfy the schema the clients' types come from.
Status check_server_frame(const std::string& text, std::span<const TypeSpec> frames) {
  auto v = boost::json::parse(text).as_object();
  std::string_view t = v.at("t").as_string();
  for (const auto& f : frames) {
    if (f.name == t) return validate(v, f.fields);
  }
  return Error::bad_request("unknown server frame " + std::string(t));
}

TEST(Protocol, ServerFramesMatchTheSchema) {
  ::tiski::Message m;
  m.conv_id = 7;
  m.seq = 3;
  m.author = "agent";
  m.author_id = 2;
  m.author_name = "Aino";
  m.body = "Hei!";
  m.cid = "c-1";
  m.at = 1000;
  ::tiski::Conversation c;
  c.id = 7;
  c.tenant_id = 1;
  c.tenant_name = "T";
  c.site_id = 2;
  c.site_name = "S";
  c.visitor_id = 9;
  c.status = "active";
  c.origin = "reactive";
  c.assignee_id = 2;
  c.assignee_name = "Aino";
  c.page_url = "https://x/";
  c.last_seq = 3;
  EXPECT_TRUE(check_server_frame(*frame("msg", {{"m", message_json(m)}}), kVisitorServerFrames).ok());
  EXPECT_TRUE(check_server_frame(*frame("msg", {{"m", message_json(m)}}), kAgentServerFrames).ok());
  EXPECT_TRUE(check_server_frame(*frame("conv", {{"conv", conversation_json(c)}}), kAgentServerFrames).ok());
  EXPECT_TRUE(check_server_frame(*frame("conv", {{"conv", visitor_conv_json(c)}}), kVisitorServerFrames).ok());
  EXPECT_TRUE(check_server_frame(*error_frame(Error::too_large("x"), "c1", 7), kAgentServerFrames).ok());
  EXPECT_TRUE(
      check_server_frame(*frame("ack", {{"cid", "c"}, {"conv", 1}, {"seq", 2}, {"at", 3}}), kVisitorServerFrames).ok());
  // and a broken one is caught
  EXPECT_FALSE(check_server_frame(*frame("ack", {{"cid", "c"}}), kVisitorServerFrames).ok());
}

// A NUL in a body was once stored and relayed, and deep nesting reported as "not valid JSON".
TEST(Protocol, ControlCharactersAreRemovedFromText) {
  EXPECT_EQ(clean_text(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(clean_text("rivi\r\ntoinen\rkolmas\tsarake"), "rivi\ntoinen\nkolmas\tsarake");
  EXPECT_EQ(clean_text("x\x1b[31my\x7f"), "x[31my");
  EXPECT_EQ(clean_text("Tilaus \u202Efdp.exe"), "Tilaus fdp.exe");
  EXPECT_EQ(without_bidi("Maija\u202E M\u2066äki\u2069"), "Maija Mäki");  // identify's name
  EXPECT_TRUE(one_line("Kauppa \u202Eoy")) << "an admin's name stored with one stays editable";
  EXPECT_EQ(clean_text("\u2067\u05e9\u05dc\u05d5\u05dd\u2069 ok"), "\u05e9\u05dc\u05d5\u05dd ok") << "the letters stay";
  EXPECT_EQ(clean_text("c1:\xc2\x85 \xc2\xa0nbsp"), "c1: \xc2\xa0nbsp");  // NEL goes, NBSP stays
  EXPECT_EQ(clean_text("hyvää päivää 👋"), "hyvää päivää 👋");
}

TEST(Protocol, DeepNestingIsRefusedNamingTheLimit) {
  std::string deep = R"({"t":"send","cid":"c","body":"x","z":)";
  for (int i = 0; i < 40; ++i) deep += "[";
  for (int i = 0; i < 40; ++i) deep += "]";
  deep += "}";
  auto r = parse_client_frame(deep, kVisitorClientFrames);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "frame nests deeper than " + std::to_string(limits::kMaxJsonDepth) + " levels");
  EXPECT_EQ(parse_client_frame("{\"t\":", kVisitorClientFrames).error().message,
            "frame is not valid JSON (UTF-8 text)");
}

TEST(Protocol, ErrorFrameNamesTheCode) {
  auto f = boost::json::parse(*error_frame(Error::rate_limited("slow down"), "c9")).as_object();
  EXPECT_EQ(f.at("t").as_string(), "error");
  EXPECT_EQ(f.at("code").as_string(), "rate_limited");
  EXPECT_EQ(f.at("cid").as_string(), "c9");
}

}  // namespace
}  // namespace tiski::proto
