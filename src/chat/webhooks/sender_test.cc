#include "chat/webhooks/sender.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "chat/core/hook_events.h"
#include "util/public_address.h"

namespace tiski::webhooks {
namespace {

TEST(Webhooks, SignatureIsHmacOfTimeDotBody) {
  // Computed with Python's hmac module: hmac.new(b"whsec_test", b'1733300000.{"id":"evt_1"}', sha256).
  EXPECT_EQ(signature("whsec_test", 1733300000, R"({"id":"evt_1"})"),
            "t=1733300000,v1=a47977fd134691712940c5c3b6a185ecb5b5fd2a2ee6dfc49b0515f6020496b9");
}

TEST(Webhooks, RetriesBackOffFourTimesLongerUpToSixHoursThenStop) {
  SenderOptions o;
  o.retry_base_ms = 30'000;
  o.max_attempts = 8;
  EXPECT_EQ(Sender::retry_at(o, 1, 0), 30'000);
  EXPECT_EQ(Sender::retry_at(o, 2, 0), 120'000);
  EXPECT_EQ(Sender::retry_at(o, 3, 0), 480'000);
  EXPECT_EQ(Sender::retry_at(o, 7, 1000), 1000 + 6 * 3'600'000);
  EXPECT_EQ(Sender::retry_at(o, 8, 0), std::nullopt);
}

TEST(Webhooks, PrivateAddressesAreKnown) {
  for (const char* ip :
       {"127.0.0.1", "10.0.0.8", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1", "::1",
        "::", "fe80::1", "fd00::2", "::ffff:127.0.0.1", "::ffff:10.1.1.1", "ff02::1", "fec0::1", "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2002:c0a8:101::1", "::ffff:0:7f00:1", "::ffff:0:a9fe:a9fe",
        // IPv4's older spellings of the loopback, as the resolver reads them (a review found them accepted).
        "127.1", "0x7f000001", "2130706433", "0177.0.0.1", "0x7f.1"})
    EXPECT_TRUE(is_private_address(ip)) << ip;
  for (const char* ip : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8",
                         "hooks.example.com", "64:ff9b::808:808", "2002:808:808::1", "::ffff:0:808:808"})
    EXPECT_FALSE(is_private_address(ip)) << ip;
}

TEST(Webhooks, OnlyVisitorAndAgentLinesLeaveAsMessages) {
  Message m;
  m.conv_id = 7;
  m.seq = 2;
  m.body = "Hei";
  m.at = 1000;
  for (const char* author : {"visitor", "agent"}) {
    m.author = author;
    auto h = events::hook_event(events::MessageStored{m, 1, 0});
    ASSERT_TRUE(h) << author;
    EXPECT_EQ(h->type, "message.created");
    EXPECT_EQ(h->data.at("message").at("body").as_string(), "Hei");
  }
  for (const char* author : {"note", "system"}) {
    m.author = author;
    EXPECT_FALSE(events::hook_event(events::MessageStored{m, 1, 0})) << author;
  }
}

TEST(Webhooks, BodiesCarryTheConversationAfterTheChange) {
  Conversation c;
  c.id = 5;
  c.tenant_id = 3;
  c.status = "closed";
  c.contact_email = "matti@example.com";
  auto h = events::hook_event(events::ConversationClosed{c, "visitor", std::nullopt, "", 0});
  ASSERT_TRUE(h);
  auto body = boost::json::parse(events::hook_body(*h, "evt_x", 42)).as_object();
  EXPECT_EQ(body.at("id").as_string(), "evt_x");
  EXPECT_EQ(body.at("type").as_string(), "conversation.closed");
  EXPECT_EQ(body.at("tenant").as_int64(), 3);
  EXPECT_EQ(body.at("created_at").as_int64(), 42);
  EXPECT_EQ(body.at("data").at("by").as_string(), "visitor");
  EXPECT_EQ(body.at("data").at("conversation").at("status").as_string(), "closed");
  EXPECT_EQ(body.at("data").at("conversation").at("contact").at("email").as_string(), "matti@example.com");
  // An order not credited to a chat is not "conversion.attributed".
  EXPECT_FALSE(events::hook_event(events::ConversionRecorded{Conversion{}, 3, std::nullopt}));
  EXPECT_TRUE(events::hook_event(events::ConversionRecorded{Conversion{}, 3, Id{5}}));
  EXPECT_FALSE(events::hook_event(events::InvitationShown{}));
}

}  // namespace
}  // namespace tiski::webhooks
