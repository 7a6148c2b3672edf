// Issue 14's isolation, in one place: a contact, an email and an attachment of tenant B (Pyöräpaja)
// never reach tenant A (Erämaa) — not by id through any route, not in a search, not in a list, not
// by a forged or genuine reference in an email to A's door, not in A's export — and the answer
// never names B. Each channel's own tests check more; this one walks every door at once.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"
#include "util/crypto.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

std::string token_of(Rest& owner, int tenant) {
  return std::string(owner
                         .json("POST", "/api/tenants/" + std::to_string(tenant) + "/tokens",
                               R"({"name":"Posti","scopes":["read","write"]})", 201)
                         .at("token")
                         .as_string());
}

TEST(Isolation, NoContactEmailOrAttachmentOfOneTenantReachesAnother) {
  Server srv;
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail), pekka(srv, "agentti@pyorapaja.demo");
  auto b_token = token_of(owner, 2), a_token = token_of(owner, 1);

  // Tenant B: an email with an attachment from a customer, who becomes B's contact.
  std::string secret = "SALAINEN-" + crypto::random_token(4);
  auto mail = crlf("From: Salla <salla@example.fi>\nSubject: Takuu " + secret +
                   "\nMessage-ID: <b1@example.fi>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"Z\"\n\n"
                   "--Z\nContent-Type: text/plain; charset=utf-8\n\nPyörän runko halkesi, " +
                   secret +
                   ".\n--Z\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"kuitti.pdf\"\n"
                   "Content-Transfer-Encoding: base64\n\n" +
                   crypto::base64("%PDF-1.4 " + secret) + "\n--Z--\n");
  auto r = http_request(srv.port, "POST", "/api/tenants/2/mail/inbound", mail, "", "Authorization: Bearer " + b_token);
  ASSERT_EQ(r.status, 201) << r.body;
  auto b = boost::json::parse(r.body).as_object();
  auto b_conv = b.at("conversation").at("id").as_int64();
  auto b_contact = b.at("contact").as_int64();
  auto b_msg = srv.open_store()->messages_after(b_conv, 0, 5)->at(0);
  ASSERT_EQ(b_msg.files.size(), 1u);
  auto b_file = b_msg.files[0].id;
  // B's own agent sees all of it.
  auto file_path = "/api/conversations/" + std::to_string(b_conv) + "/files/" + std::to_string(b_file);
  EXPECT_EQ(pekka.call("GET", file_path).status, 200);
  EXPECT_EQ(pekka.call("GET", "/api/tenants/2/contacts/" + std::to_string(b_contact)).status, 200);

  // Tenant A's agent, by every id it could guess.
  auto quiet = [&](const HttpReply& got, const std::string& what) {
    EXPECT_EQ(got.status, 404) << what << ": " << got.body;
    EXPECT_EQ(got.body.find("Pyöräpaja"), std::string::npos) << what;
    EXPECT_EQ(got.body.find(secret), std::string::npos) << what;
    EXPECT_EQ(got.body.find("salla"), std::string::npos) << what;
  };
  quiet(aino.call("GET", file_path), "B's file through B's conversation");
  quiet(aino.call("GET", file_path + "/view"), "B's file as HTML");
  quiet(aino.call("GET", "/api/tenants/2/contacts/" + std::to_string(b_contact)), "B's contact");
  quiet(aino.call("GET", "/api/tenants/1/contacts/" + std::to_string(b_contact)), "B's contact under A");
  quiet(aino.call("GET", "/api/tenants/1/contacts/" + std::to_string(b_contact) + "/conversations"), "its history");
  quiet(aino.call("POST", "/api/conversations/" + std::to_string(b_conv) + "/files?cid=x&name=x.pdf", "%PDF"),
        "a file into B's conversation");
  quiet(aino.call("POST", "/api/conversations/" + std::to_string(b_conv) + "/card", R"({"card":"oma-tili"})"),
        "a card into B's conversation");
  EXPECT_TRUE(
      aino.json("GET", "/api/tenants/1/contacts?q=salla%40example.fi", "", 200).at("contacts").as_array().empty());
  // A's socket: B's conversation is in no list, and watching it is not_found.
  object snap;
  auto a = agent(srv, admin::kDemoAgentEmail, &snap);
  EXPECT_EQ(boost::json::serialize(snap).find(secret), std::string::npos);
  EXPECT_NE(expect_error(*a, {{"t", "watch"}, {"conv", b_conv}, {"after", 0}}).find("not_found"), std::string::npos);
  // A's search and export.
  for (int i = 0; i < 100; ++i) {  // the indexer runs every second: give it time to index B's line
    if (!pekka.json("GET", "/api/search?q=" + secret, "", 200).at("hits").as_array().empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_FALSE(pekka.json("GET", "/api/search?q=" + secret, "", 200).at("hits").as_array().empty());
  EXPECT_TRUE(aino.json("GET", "/api/search?q=" + secret, "", 200).at("hits").as_array().empty());
  EXPECT_EQ(owner.call("GET", "/api/tenants/1/privacy/export?email=salla%40example.fi").status, 404);

  // A's mail door: a reply naming B's conversation (with a MAC that is not ours) opens A's own
  // conversation and contact; it never lands in B's. (A genuine reference to B's thread posted to
  // A's door: MailIn.ARepliedEmailThreadsBack…)
  auto a_mail = http_request(srv.port, "POST", "/api/tenants/1/mail/inbound",
                             crlf("From: salla@example.fi\nSubject: Re: Takuu\nMessage-ID: <a1@example.fi>\n"
                                  "In-Reply-To: <tiski." +
                                  std::to_string(b_conv) + ".0000000000@eramaa.example>\n\nHei taas\n"),
                             "", "Authorization: Bearer " + a_token);
  ASSERT_EQ(a_mail.status, 201) << a_mail.body;
  auto a_got = boost::json::parse(a_mail.body).as_object();
  EXPECT_NE(a_got.at("conversation").at("id").as_int64(), b_conv);
  EXPECT_EQ(a_got.at("conversation").at("tenant").as_int64(), 1);
  EXPECT_NE(a_got.at("contact").as_int64(), b_contact);
  EXPECT_EQ(srv.open_store()->conversation(b_conv)->last_seq, b_msg.seq);  // B's thread untouched
}

}  // namespace
}  // namespace tiski::testing
