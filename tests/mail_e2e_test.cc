// The email channel's inbound door (docs/channels.md) over a real server and a real SMTP server
// (tests/smtp_sink.py): a visitor leaves a message, the agent answers by email, the visitor's
// reply to that email threads back into the same conversation (quote folded away), once; a new
// email opens an email conversation whose answer goes back by email; auto-replies and bounces
// open nothing; a forged reference threads nowhere; malformed, oversized and unauthorised
// posts get their reason; one tenant's token reaches nothing of another.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "chat/admin.h"
#include "mail/inbound.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"
#include "util/crypto.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

HttpReply post_mail(const Server& srv, const std::string& token, const std::string& raw, int tenant = 1) {
  return http_request(srv.port, "POST", "/api/tenants/" + std::to_string(tenant) + "/mail/inbound", raw, "",
                      token.empty() ? "" : "Authorization: Bearer " + token);
}

TEST(MailIn, ARepliedEmailThreadsBackAndANewOneOpensAnEmailConversation) {
  SmtpSink sink;
  Server srv(0, sink.config());
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail);
  auto token =
      std::string(owner.json("POST", "/api/tenants/1/tokens", R"({"name":"Posti","scopes":["read","write"]})", 201)
                      .at("token")
                      .as_string());

  // The form, and the agent's answer by email.
  auto form = answered_form(srv, sink);
  ASSERT_FALSE(form.message_id.empty());
  auto conv = form.conv;
  auto& a = form.agent;
  std::string ours = form.message_id;

  // Matti answers the email: the same conversation, his new words only, stored once.
  std::string reply = crlf(
      "From: Matti <Matti@example.fi>\nTo: asiakaspalvelu@eramaa.example\nSubject: Re: Erämaa\n"
      "Message-ID: <m2@example.fi>\nIn-Reply-To: " +
      ours + "\nReferences: " + ours +
      "\nContent-Type: text/plain; charset=utf-8\n\nKiitos, tilaan heti!\n\n"
      "ti 1.12.2026 klo 10.00 Erämaa <asiakaspalvelu@eramaa.example> kirjoitti:\n> On! Lähetämme tänään.\n");
  auto r = post_mail(srv, token, reply);
  ASSERT_EQ(r.status, 201) << r.body;
  auto got = boost::json::parse(r.body).as_object();
  EXPECT_EQ(got.at("conversation").at("id").as_int64(), conv);
  auto again = post_mail(srv, token, reply);
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(boost::json::parse(again.body).at("duplicate").as_bool());
  a->send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
  auto h = a->recv_type("history", 5s);
  ASSERT_TRUE(h);
  auto msgs = boost::json::serialize(h->at("msgs"));
  EXPECT_NE(msgs.find("Kiitos, tilaan heti!"), std::string::npos);
  // The quote folded away from the text, kept beside it for the console to unfold.
  auto last = h->at("msgs").as_array().back().as_object();
  EXPECT_EQ(last.at("body").as_string(), "Kiitos, tilaan heti!");
  ASSERT_TRUE(last.contains("quoted")) << last;
  EXPECT_NE(std::string(last.at("quoted").as_string()).find("kirjoitti:"), std::string::npos) << last;
  EXPECT_EQ(h->at("msgs").as_array().size(), 3u);  // form, answer, reply: once

  // A new email: an email conversation in the inbox, whose answer goes back by email.
  auto fresh = post_mail(srv, token,
                         crlf("From: =?utf-8?q?Liisa_L=C3=A4hde?= <liisa@example.fi>\nSubject: Makuupussit\n"
                              "Message-ID: <l1@example.fi>\n\nMillainen makuupussi sopii talveen?\n"));
  ASSERT_EQ(fresh.status, 201) << fresh.body;
  auto fc = boost::json::parse(fresh.body).at("conversation").as_object();
  EXPECT_EQ(fc.at("origin").as_string(), "email");
  EXPECT_EQ(fc.at("contact_email").as_string(), "liisa@example.fi");
  EXPECT_EQ(fc.at("contact_name").as_string(), "Liisa Lähde");
  EXPECT_TRUE(std::string(fc.at("preview").as_string()).starts_with("Makuupussit"));
  a->send({{"t", "send"}, {"conv", fc.at("id")}, {"cid", "r2"}, {"body", "Suosittelen Talvi 3:a."}});
  ack_seq(*a, "r2");
  auto sent = sink.wait_for(2);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NE(sent[1].find("liisa@example.fi"), std::string::npos);
  // The answer's subject is "Re: " hers, as her mail program threads it (it was "Vastaus viestiisi").
  EXPECT_NE(sent[1].find("Subject: =?UTF-8?B?" + crypto::base64("Re: Makuupussit") + "?=\r\n"), std::string::npos)
      << sent[1];
  // Liisa is a contact by her address; her next email (no reference) is the same person.
  auto found = aino.json("GET", "/api/tenants/1/contacts?q=liisa%40example.fi", "", 200).at("contacts").as_array();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].at("name").as_string(), "Liisa Lähde");

  // Machines open nothing: an auto-reply to our answer, a bounce.
  auto before = aino.json("GET", "/api/tenants/1/queue", "", 200);
  auto autoreply =
      post_mail(srv, token,
                crlf("From: matti@example.fi\nAuto-Submitted: auto-replied\nSubject: Lomalla\nIn-Reply-To: " + ours +
                     "\n\nOlen lomalla.\n"));
  EXPECT_EQ(autoreply.status, 202);
  EXPECT_NE(autoreply.body.find("auto-replied"), std::string::npos);
  auto bounce =
      post_mail(srv, token,
                crlf("From: MAILER-DAEMON@mx.example.fi\nSubject: Undelivered\nContent-Type: multipart/report; "
                     "report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nFailed.\n"
                     "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n--B--\n"));
  EXPECT_EQ(bounce.status, 202);
  a->send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
  auto h2 = a->recv_type("history", 5s);
  EXPECT_EQ(h2->at("msgs").as_array().size(), 3u);

  // Another tenant's door with a genuine reference to this tenant's thread: not threaded there.
  auto theirs =
      std::string(owner.json("POST", "/api/tenants/2/tokens", R"({"name":"Posti","scopes":["read","write"]})", 201)
                      .at("token")
                      .as_string());
  auto crossed = post_mail(
      srv, theirs,
      crlf("From: matti@example.fi\nSubject: Re\nMessage-ID: <x1@example.fi>\nIn-Reply-To: " + ours + "\n\nHei taas\n"),
      2);
  ASSERT_EQ(crossed.status, 201) << crossed.body;
  auto cc = boost::json::parse(crossed.body).at("conversation").as_object();
  EXPECT_NE(cc.at("id").as_int64(), conv);
  EXPECT_EQ(cc.at("tenant").as_int64(), 2);

  // A forged reference to the same conversation (a wrong MAC) threads nowhere.
  auto forged =
      post_mail(srv, token,
                crlf("From: mallory@example.fi\nSubject: Re: x\nMessage-ID: <f1@example.fi>\nIn-Reply-To: <tiski." +
                     std::to_string(conv) + ".2.0000000000@eramaa.example>\n\nNäytä Matin tilaus\n"));
  ASSERT_EQ(forged.status, 201) << forged.body;
  EXPECT_NE(boost::json::parse(forged.body).at("conversation").at("id").as_int64(), conv);
}

// Expected response times (docs/channels.md): a new email is due by the tenant's target for
// email, the console's inbox shows it, an answer clears it and counts as on time in the report.
TEST(MailIn, AnEmailIsDueByTheTargetAndItsAnswerCountsOnTime) {
  Server srv;
  Rest owner(srv, admin::kDemoOwnerEmail);
  auto token =
      std::string(owner.json("POST", "/api/tenants/1/tokens", R"({"name":"Posti","scopes":["read","write"]})", 201)
                      .at("token")
                      .as_string());
  owner.json("PUT", "/api/tenants/1/hours", R"({"hours":"always"})", 200);
  auto set = owner.json("PUT", "/api/tenants/1/settings", R"({"response_targets":{"email":"24h","api":"0"}})", 200);
  EXPECT_EQ(boost::json::serialize(set.at("response_targets")), R"({"email":"24h","offline":"2d","api":"0"})");
  auto bad = owner.call("PUT", "/api/tenants/1/settings", R"({"response_targets":{"email":"2 weeks"}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("working days"), std::string::npos) << bad.body;
  EXPECT_EQ(owner.call("PUT", "/api/tenants/1/settings", R"({"response_targets":{"chat":"1h"}})").status, 400);

  auto before =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  auto r = post_mail(srv, token,
                     crlf("From: kysyja@example.fi\nSubject: Takuu\nMessage-ID: <t1@example.fi>\n\n"
                          "Kauanko takuu kestää?\n"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto conv = boost::json::parse(r.body).at("conversation").as_object();
  ASSERT_TRUE(conv.contains("due_at")) << conv;
  auto due = conv.at("due_at").as_int64();
  EXPECT_GE(due, before + 24 * 3'600'000LL);
  EXPECT_LE(due, before + 24 * 3'600'000LL + 60'000);

  // The agent's inbox carries it; the answer clears it.
  object snap;
  auto a = agent(srv, admin::kDemoAgentEmail, &snap);
  EXPECT_NE(boost::json::serialize(snap).find("\"due_at\":" + std::to_string(due)), std::string::npos);
  a->send({{"t", "send"}, {"conv", conv.at("id")}, {"cid", "v1"}, {"body", "Kaksi vuotta."}});
  ack_seq(*a, "v1");
  object after;
  auto a2 = agent(srv, admin::kDemoAgentEmail, &after);  // a fresh console: the conversation, answered
  auto text = boost::json::serialize(after);
  EXPECT_NE(text.find("\"id\":" + std::to_string(conv.at("id").as_int64()) + ","), std::string::npos) << text;
  EXPECT_EQ(text.find("\"due_at\":"), std::string::npos) << text;
  // The customer writes again: due again, from now.
  auto again = post_mail(srv, token,
                         crlf("From: kysyja@example.fi\nSubject: Re: Takuu\nMessage-ID: <t2@example.fi>\n\n"
                              "Entä akku?\n"));
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_TRUE(boost::json::parse(again.body).at("conversation").as_object().contains("due_at"));

  auto rep = owner.json("GET", "/api/tenants/1/reports/summary", "", 200);
  bool seen = false;
  for (const auto& row : rep.at("response_targets").as_array()) {
    if (row.at("origin") != "email") continue;
    seen = true;
    EXPECT_EQ(row.at("target"), "24h");
    EXPECT_EQ(row.at("on_time").as_int64(), 1);
    EXPECT_EQ(row.at("late").as_int64(), 0);
    EXPECT_EQ(row.at("waiting").as_int64(), 1);
  }
  EXPECT_TRUE(seen) << rep;
}

// Steering (docs/channels.md): an agent continues a chat by email; the visitor's first email
// carries the chat so far and the agent's note, the outcome says redirected to email, the answer
// is due by the email target, and the visitor's reply to that email comes back into the chat.
TEST(MailIn, AChatContinuesByEmailWithItsTranscript) {
  SmtpSink sink;
  Server srv(0, sink.config());
  Rest aino(srv, admin::kDemoAgentEmail), pekka(srv, "agentti@pyorapaja.demo");
  auto token =
      std::string(Rest(srv, admin::kDemoOwnerEmail)
                      .json("POST", "/api/tenants/1/tokens", R"({"name":"Posti","scopes":["read","write"]})", 201)
                      .at("token")
                      .as_string());
  auto v = visitor(srv, srv.site_a);
  v->ws.send(object{{"t", "send"}, {"cid", "c1"}, {"body", "Onko vaelluskengissä 2 vuoden takuu?"}});
  auto conv = ack_conv(v->ws, "c1");
  auto a = agent(srv, admin::kDemoAgentEmail);
  a->send({{"t", "send"}, {"conv", conv}, {"cid", "a1"}, {"body", "Tarkistan asian maahantuojalta."}});
  ack_seq(*a, "a1");

  std::string path = "/api/conversations/" + std::to_string(conv) + "/followup";
  EXPECT_EQ(aino.call("POST", path, R"({"email":"ei osoite","note":"x"})").status, 400);
  EXPECT_EQ(aino.call("POST", path, R"({"email":"matti@example.fi"})").status, 400);  // a note is needed
  EXPECT_EQ(pekka.call("POST", path, R"({"email":"matti@example.fi","note":"x"})").status, 404);
  auto r = aino.call("POST", path,
                     R"({"email":"Matti@Example.fi","name":"Matti","note":"Vastaan sähköpostitse huomenna."})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto sent = sink.wait_for(1);
  ASSERT_EQ(sent.size(), 1u);
  auto p = sent[0].find("Content-Type: text/plain");
  auto b = sent[0].find("\r\n\r\n", p);
  auto text = decode_b64(sent[0].substr(b + 4, sent[0].find("\r\n--", b) - b - 4));
  EXPECT_NE(text.find("Vastaan sähköpostitse huomenna."), std::string::npos) << text;
  EXPECT_NE(text.find("Keskustelumme chatissa:"), std::string::npos) << text;
  EXPECT_NE(text.find("Onko vaelluskengissä 2 vuoden takuu?"), std::string::npos) << text;
  EXPECT_NE(text.find("Tarkistan asian maahantuojalta."), std::string::npos) << text;
  EXPECT_NE(sent[0].find("matti@example.fi"), std::string::npos);

  // The console: redirected to email, answered by email, due by the email target.
  object snap;
  auto a2 = agent(srv, admin::kDemoAgentEmail, &snap);
  auto all = boost::json::serialize(snap);
  auto at = all.find("\"id\":" + std::to_string(conv) + ",");
  ASSERT_NE(at, std::string::npos) << all;
  auto one = all.substr(at, all.find("}", all.find("\"visitor_no\"", at)) - at);
  EXPECT_NE(one.find("\"outcome\":\"redirected\""), std::string::npos) << one;
  EXPECT_NE(one.find("\"outcome_channel\":\"email\""), std::string::npos) << one;
  EXPECT_NE(one.find("\"contact_email\":\"matti@example.fi\""), std::string::npos) << one;
  EXPECT_NE(all.find("\"due_at\":"), std::string::npos) << all;

  // Matti answers the email: back in the same conversation.
  auto ours = header_of(sent[0], "Message-ID");
  auto back = post_mail(srv, token,
                        crlf("From: matti@example.fi\nSubject: Re\nMessage-ID: <mb@example.fi>\nIn-Reply-To: " + ours +
                             "\n\nKiitos, odotan.\n"));
  ASSERT_EQ(back.status, 201) << back.body;
  EXPECT_EQ(boost::json::parse(back.body).at("conversation").at("id").as_int64(), conv);
  // Once is enough: the same follow-up again changes nothing.
  EXPECT_EQ(aino.call("POST", path, R"({"email":"matti@example.fi","note":"Vastaan sähköpostitse huomenna."})").status,
            200);
}

TEST(MailIn, BadPostsGetTheirReasonAndTenantsStayApart) {
  Server srv;
  Rest owner(srv, admin::kDemoOwnerEmail);
  auto make = [&](int tenant, const std::string& scopes) {
    return std::string(owner
                           .json("POST", "/api/tenants/" + std::to_string(tenant) + "/tokens",
                                 R"({"name":"Posti","scopes":)" + scopes + "}", 201)
                           .at("token")
                           .as_string());
  };
  auto token = make(1, R"(["read","write"])");
  auto mail = crlf("From: a@example.fi\nSubject: Hei\n\nHei!\n");
  EXPECT_EQ(post_mail(srv, "", mail).status, 401);
  EXPECT_EQ(post_mail(srv, make(1, R"(["read"])"), mail).status, 403);
  auto cross = post_mail(srv, make(2, R"(["read","write"])"), mail);
  EXPECT_EQ(cross.status, 404);
  EXPECT_EQ(cross.body.find("Erämaa"), std::string::npos);
  for (const std::string& bad :
       {std::string("plain words, no headers\r\n"), crlf("From: not an address\n\nHei\n"), std::string()}) {
    auto r = post_mail(srv, token, bad);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("\"message\""), std::string::npos);
  }
  // Bigger than a REST body may be: the door takes it with a token, up to its own limit.
  std::string big = crlf(
      "From: a@example.fi\nSubject: Liite\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"Z\"\n\n"
      "--Z\nContent-Type: text/plain\n\nKuva liitteenä.\n--Z\nContent-Type: image/jpeg\n"
      "Content-Disposition: attachment; filename=\"kuva.jpg\"\nContent-Transfer-Encoding: base64\n\n");
  for (int i = 0; i < 20000; ++i) big += std::string(76, 'A') + "\r\n";
  big += "--Z--\r\n";
  auto r = post_mail(srv, token, big);
  EXPECT_EQ(r.status, 201) << r.body.substr(0, 300);
  // Without a token the ordinary REST limit holds (70 KB: over it, and small enough for the
  // socket to take it whole before the answer).
  EXPECT_EQ(http_request(srv.port, "POST", "/api/tenants/1/mail/inbound", big.substr(0, 70 * 1024)).status, 413);
  // Over the door's limit: refused as the header arrives, before any of the body is read.
  EXPECT_EQ(status_of_header_only(srv, "POST /api/tenants/1/mail/inbound",
                                  "Authorization: Bearer " + token +
                                      "\r\nContent-Length: " + std::to_string(mail::kMaxInboundMailBytes + 1)),
            413);
  EXPECT_EQ(status_of_header_only(srv, "POST /api/tenants/1/mail/inbound",
                                  "Content-Length: " + std::to_string(64 * 1024 + 1)),
            413);
  // The server is fine afterwards.
  EXPECT_EQ(post_mail(srv, token, mail).status, 201);
}

}  // namespace
}  // namespace tiski::testing
