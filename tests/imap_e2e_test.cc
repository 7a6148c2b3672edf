// The email channel's IMAP mailboxes (docs/channels.md) against a real IMAP server (Debian's
// Dovecot, tests/imap_server.py) and a real SMTP server (tests/smtp_sink.py): a visitor leaves
// a message, the agent answers by email, the visitor's reply delivered to the mailbox appears
// in the same conversation; a new email opens a conversation; an auto-reply and a bounce open
// nothing; a malformed and a 25 MB email are passed with a log line and reading goes on; a
// wrong password is the mailbox's error; each tenant's mailbox feeds only that tenant; a
// restart in the middle of fetching loses and duplicates nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

std::string mailbox_body(const ImapServer& imap, const std::string& user, const std::string& password = "secret",
                         const std::string& address = "") {
  object o{{"url", imap.url()}, {"username", user}, {"password", password}};
  if (!address.empty()) o["address"] = address;
  return boost::json::serialize(o);
}

// The tenant's mailbox `id` once `ready` holds of it (or after 20 s).
object mailbox_when(const Rest& owner, int tenant, std::int64_t id, const std::function<bool(const object&)>& ready) {
  object last;
  for (int i = 0; i < 400; ++i) {
    auto list = owner.json("GET", "/api/tenants/" + std::to_string(tenant) + "/mailboxes", "", 200);
    for (const auto& m : list.at("mailboxes").as_array()) {
      if (m.at("id").as_int64() == id) last = m.as_object();
    }
    if (!last.empty() && ready(last)) return last;
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "mailbox " << id << " never got there: " << boost::json::serialize(last);
  return last;
}

bool checked(const object& m) { return !m.at("checked_at").is_null(); }

// The contacts of a tenant found by `q` once there are `n` (or after 20 s).
boost::json::array contacts_when(const Rest& r, int tenant, const std::string& q, std::size_t n) {
  boost::json::array found;
  for (int i = 0; i < 400; ++i) {
    found =
        r.json("GET", "/api/tenants/" + std::to_string(tenant) + "/contacts?q=" + q, "", 200).at("contacts").as_array();
    if (found.size() >= n) break;
    std::this_thread::sleep_for(50ms);
  }
  return found;
}

// The messages of a conversation as the agent's console gets them, once there are `n`.
boost::json::array history_when(WsClient& a, std::int64_t conv, std::size_t n) {
  boost::json::array msgs;
  for (int i = 0; i < 200; ++i) {
    a.send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
    auto h = a.recv_type("history", 5s);
    if (h) msgs = h->at("msgs").as_array();
    if (msgs.size() >= n) break;
    std::this_thread::sleep_for(100ms);
  }
  return msgs;
}

std::int64_t first_conversation(const Rest& r, int tenant, std::int64_t contact) {
  auto list =
      r.json("GET",
             "/api/tenants/" + std::to_string(tenant) + "/contacts/" + std::to_string(contact) + "/conversations", "",
             200)
          .at("conversations")
          .as_array();
  return list.empty() ? 0 : list.back().at("id").as_int64();
}

TEST(Imap, RepliesAndNewMailComeInMachinesAndBadMailDoNot) {
  ImapServer imap;
  SmtpSink sink;
  Server srv(0, sink.config() + ImapServer::config());
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail);

  EXPECT_EQ(owner.call("POST", "/api/tenants/1/mailboxes", mailbox_body(imap, "support", "secret", "ei osoite")).status,
            400);
  auto box = owner.json("POST", "/api/tenants/1/mailboxes",
                        mailbox_body(imap, "support", "secret", "tuki@eramaa.example"), 201);
  EXPECT_FALSE(box.contains("password"));
  EXPECT_TRUE(box.at("has_password").as_bool());
  auto id = box.at("id").as_int64();
  auto seen = mailbox_when(owner, 1, id, checked);
  EXPECT_EQ(seen.at("last_error").as_string(), "");
  // Tenant 2 reads another mailbox; a wrong password is that mailbox's error, for its admin.
  auto theirs = owner.json("POST", "/api/tenants/2/mailboxes", mailbox_body(imap, "other"), 201).at("id").as_int64();
  auto wrong = owner.json("POST", "/api/tenants/2/mailboxes", mailbox_body(imap, "other", "nope"), 201);
  auto failing = mailbox_when(owner, 2, wrong.at("id").as_int64(),
                              [](const object& m) { return !m.at("last_error").as_string().empty(); });
  EXPECT_NE(failing.at("last_error").as_string().find("refused"), std::string::npos) << failing;
  mailbox_when(owner, 2, theirs, checked);

  // The form, and the agent's answer by email.
  auto form = answered_form(srv, sink);
  ASSERT_FALSE(form.message_id.empty());
  auto conv = form.conv;
  auto& a = form.agent;
  std::string ours = form.message_id;
  // The answer names the tenant's mailbox as the address to reply to.
  EXPECT_TRUE(header_of(sink.messages().at(0), "Reply-To").ends_with("<tuki@eramaa.example>")) << sink.messages().at(0);

  // Matti's reply reaches the mailbox: the same conversation, his new words only.
  ASSERT_TRUE(
      imap.append(crlf("From: Matti <matti@example.fi>\nTo: support@eramaa.example\nSubject: Re: Erämaa\n"
                       "Message-ID: <m2@example.fi>\nIn-Reply-To: " +
                       ours +
                       "\nContent-Type: text/plain; charset=utf-8\n\nKiitos, tilaan heti!\n\n"
                       "ti 1.12.2026 klo 10.00 Erämaa <asiakaspalvelu@eramaa.example> kirjoitti:\n> On!\n")));
  auto msgs = history_when(*a, conv, 3);
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[2].at("body").as_string(), "Kiitos, tilaan heti!");
  EXPECT_NE(boost::json::serialize(msgs[2]).find("kirjoitti:"), std::string::npos);  // kept, folded

  // Machines, a malformed email and one of 25 MB, then a new person's email: only that opens.
  ASSERT_TRUE(
      imap.append(crlf("From: matti@example.fi\nAuto-Submitted: auto-replied\nSubject: Lomalla\n"
                       "In-Reply-To: " +
                       ours + "\n\nOlen lomalla.\n")));
  ASSERT_TRUE(
      imap.append(crlf("From: MAILER-DAEMON@mx.example.fi\nSubject: Undelivered\nContent-Type: multipart/report; "
                       "report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nFailed.\n"
                       "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n--B--\n")));
  ASSERT_TRUE(imap.append(crlf("Subject: kenen?\nX-Nothing: at all\n\nLähettäjä puuttuu.\n")));
  std::string big = "From: iso@example.fi\r\nSubject: Iso liite\r\nContent-Type: text/plain\r\n\r\n";
  for (std::string line(998, 'x'); big.size() < 25'000'000;) big += line + "\r\n";
  ASSERT_TRUE(imap.append(big));
  ASSERT_TRUE(
      imap.append(crlf("From: =?utf-8?q?Liisa_L=C3=A4hde?= <liisa@example.fi>\nSubject: Makuupussit\n"
                       "Message-ID: <l1@example.fi>\n\nMillainen makuupussi sopii talveen?\n")));
  auto liisa = contacts_when(aino, 1, "liisa%40example.fi", 1);
  ASSERT_EQ(liisa.size(), 1u);
  auto lc = first_conversation(aino, 1, liisa[0].at("id").as_int64());
  auto lmsgs = history_when(*a, lc, 1);
  ASSERT_EQ(lmsgs.size(), 1u);
  EXPECT_NE(std::string(lmsgs[0].at("body").as_string()).find("talveen"), std::string::npos);
  EXPECT_EQ(history_when(*a, conv, 3).size(), 3u);  // the auto-reply joined nothing
  EXPECT_TRUE(contacts_when(aino, 1, "iso%40example.fi", 0).empty());
  EXPECT_TRUE(contacts_when(aino, 1, "mailer-daemon", 0).empty());
  auto log = srv.log();
  EXPECT_NE(log.find("inbound email refused"), std::string::npos) << log;
  EXPECT_NE(log.find("25000"), std::string::npos) << "the big email's size is in the log";
  auto done = mailbox_when(owner, 1, id, [](const object& m) { return m.at("received").as_int64() >= 2; });
  EXPECT_EQ(done.at("received").as_int64(), 2);  // Matti's reply and Liisa's email
  EXPECT_EQ(done.at("last_uid").as_int64(), 6);  // every message passed, none left behind

  // Tenant 2's mailbox feeds tenant 2 only.
  ASSERT_TRUE(imap.append(crlf("From: salainen@example.fi\nSubject: Vain meille\nMessage-ID: <s1@example.fi>\n\n"
                               "Tämä kuuluu Pyöräpajalle.\n"),
                          "other"));
  EXPECT_EQ(contacts_when(owner, 2, "salainen%40example.fi", 1).size(), 1u);
  EXPECT_TRUE(contacts_when(aino, 1, "salainen%40example.fi", 0).empty());
  EXPECT_EQ(aino.call("GET", "/api/tenants/2/mailboxes").status, 404);  // not a tenant of hers

  // Switched off, a mailbox is not read; bad settings are refused with their reason.
  owner.json("PUT", "/api/tenants/1/mailboxes/" + std::to_string(id), R"({"active":false})", 200);
  auto bad = owner.call("POST", "/api/tenants/1/mailboxes",
                        R"({"url":"https://imap.example.fi","username":"a","password":"b"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("imaps://"), std::string::npos);
  EXPECT_EQ(owner.call("POST", "/api/tenants/1/mailboxes", R"({"url":"imaps://imap.example.fi"})").status, 400);
  EXPECT_EQ(owner.call("PUT", "/api/tenants/1/mailboxes/" + std::to_string(theirs), R"({"active":false})").status, 404);
}

TEST(Imap, ARestartInTheMiddleOfFetchingLosesAndDuplicatesNothing) {
  ImapServer imap;
  Server srv(0, ImapServer::config(1, 4));
  Rest owner(srv, admin::kDemoOwnerEmail);
  auto id = owner.json("POST", "/api/tenants/1/mailboxes", mailbox_body(imap, "support"), 201).at("id").as_int64();
  mailbox_when(owner, 1, id, checked);  // the mail already there is not taken: none was

  constexpr int kMails = 40;
  for (int i = 1; i <= kMails; ++i) {
    ASSERT_TRUE(
        imap.append(crlf("From: Sarja <sarja@example.fi>\nSubject: Viesti " + std::to_string(i) + "\nMessage-ID: <s" +
                         std::to_string(i) + "@example.fi>\n\nNumero " + std::to_string(i) + ".\n")));
  }
  // Four a second: kill the server with some taken and most still in the mailbox.
  auto partway = mailbox_when(owner, 1, id, [](const object& m) { return m.at("last_uid").as_int64() >= 6; });
  EXPECT_LT(partway.at("last_uid").as_int64(), kMails);
  srv.stop(SIGKILL);
  srv.start();
  Rest again(srv, admin::kDemoOwnerEmail);
  mailbox_when(again, 1, id, [](const object& m) { return m.at("last_uid").as_int64() == kMails; });

  auto sarja = contacts_when(again, 1, "sarja%40example.fi", 1);
  ASSERT_EQ(sarja.size(), 1u);
  auto conv = first_conversation(again, 1, sarja[0].at("id").as_int64());
  auto a = agent(srv, admin::kDemoAgentEmail);
  auto msgs = history_when(*a, conv, kMails);
  ASSERT_EQ(msgs.size(), static_cast<std::size_t>(kMails));  // none lost, none twice
  for (int i = 0; i < kMails; ++i) {
    std::string body(msgs[i].at("body").as_string());
    EXPECT_NE(body.find("Numero " + std::to_string(i + 1) + "."), std::string::npos) << i << ": " << body;
  }
}

}  // namespace
}  // namespace tiski::testing
