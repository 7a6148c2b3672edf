// Attachments over a real server (docs/attachments.md): a visitor's and an agent's files reach
// exactly the people who may see them — the tenant's agents and the conversation's visitor,
// never another tenant, another visitor, or (for an internal note's file) the visitor; pictures
// inline only after they decoded, anything that could run only as a download; the tenant's
// policy and the abuse limits refuse with a reason and store nothing; an email's attachments are
// kept (or named as refused), exported with the person and erased with them.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include <boost/json.hpp>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"
#include "util/crypto.h"
#include "util/time.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

// A 2×2 red PNG (73 bytes).
const std::string kPng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00"
    "\x00\xfd\xd4\x9a\x73\x00\x00\x00\x10\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\x00\x44\x0c\x10\x0a\x00\x1f\xee\x03"
    "\xfd\x8b\x5f\x14\xd4\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
    73);

HttpReply visitor_upload(const Server& srv, const std::string& token, const std::string& cid, const std::string& name,
                         const std::string& bytes) {
  return http_request(srv.port, "POST", "/api/visitor/files?cid=" + cid + "&name=" + name, bytes, "",
                      "Authorization: Bearer " + token);
}

HttpReply visitor_download(const Server& srv, const std::string& token, std::int64_t file) {
  return http_request(srv.port, "GET", "/api/visitor/files/" + std::to_string(file), "", "",
                      token.empty() ? "" : "Authorization: Bearer " + token);
}

object reply_json(const HttpReply& r) {
  auto v = boost::json::parse(r.body.empty() ? "{}" : r.body);
  return v.is_object() ? v.as_object() : object{};
}

std::string upload_error(const HttpReply& r) {
  auto o = reply_json(r);
  return o.contains("error") ? std::string(o.at("error").at("code").as_string()) : r.body;
}

TEST(Files, VisitorsAndAgentsSendFilesThatOnlyTheRightPeopleRead) {
  Server srv;
  Rest aino(srv, admin::kDemoAgentEmail), pekka(srv, "agentti@pyorapaja.demo"), owner(srv, admin::kDemoOwnerEmail);
  auto v = visitor(srv, srv.site_a);

  // The visitor's picture opens a conversation; the agents see it with its size.
  auto up = visitor_upload(srv, v->token, "f1", "kuva%20teltasta.png", kPng);
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(up.headers["access-control-allow-origin"], "*");
  auto m = reply_json(up).at("m").as_object();
  auto conv = reply_json(up).at("conv").as_int64();
  auto file = m.at("files").at(0).as_object();
  EXPECT_EQ(file.at("name").as_string(), "kuva teltasta.png");
  EXPECT_TRUE(file.at("image").as_bool());
  EXPECT_EQ(file.at("w").as_int64(), 2);
  auto id = file.at("id").as_int64();
  EXPECT_EQ(srv.open_store()->conversation(conv)->preview, "📎 kuva teltasta.png");
  // Sent again (a retry): the same message, once.
  auto again = visitor_upload(srv, v->token, "f1", "kuva%20teltasta.png", kPng);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(reply_json(again).at("seq"), reply_json(up).at("seq"));
  EXPECT_EQ(reply_json(again).at("m").at("files").at(0).at("id").as_int64(), id);

  auto a = agent(srv, admin::kDemoAgentEmail);
  a->send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
  auto h = a->recv_type("history", 5s);
  ASSERT_TRUE(h);
  EXPECT_NE(boost::json::serialize(h->at("msgs")).find("\"files\""), std::string::npos);

  // Served inline to the tenant's agent and to the visitor, as a picture.
  auto got = aino.call("GET", "/api/conversations/" + std::to_string(conv) + "/files/" + std::to_string(id));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, kPng);
  EXPECT_EQ(got.headers["content-type"], "image/png");
  EXPECT_TRUE(got.headers["content-disposition"].starts_with("inline;")) << got.headers["content-disposition"];
  EXPECT_EQ(got.headers["x-content-type-options"], "nosniff");
  auto mine = visitor_download(srv, v->token, id);
  EXPECT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body, kPng);
  EXPECT_EQ(mine.headers["access-control-allow-origin"], "*");

  // Nobody else: another tenant's agent (through any conversation), another visitor, no token.
  EXPECT_EQ(pekka.call("GET", "/api/conversations/" + std::to_string(conv) + "/files/" + std::to_string(id)).status,
            404);
  auto stranger = visitor(srv, srv.site_a);
  EXPECT_EQ(visitor_download(srv, stranger->token, id).status, 404);
  auto other_site = visitor(srv, srv.site_b);
  EXPECT_EQ(visitor_download(srv, other_site->token, id).status, 404);
  auto b_up = visitor_upload(srv, other_site->token, "b1", "b.png", kPng);
  ASSERT_EQ(b_up.status, 201) << b_up.body;
  auto b_conv = reply_json(b_up).at("conv").as_int64();
  EXPECT_EQ(pekka.call("GET", "/api/conversations/" + std::to_string(b_conv) + "/files/" + std::to_string(id)).status,
            404);
  EXPECT_EQ(aino.call("GET", "/api/conversations/" + std::to_string(b_conv) + "/files/" +
                                 std::to_string(reply_json(b_up).at("m").at("files").at(0).at("id").as_int64()))
                .status,
            404);
  EXPECT_EQ(visitor_download(srv, "", id).status, 401);
  EXPECT_EQ(visitor_download(srv, v->token + "x", id).status, 401);
  EXPECT_EQ(visitor_download(srv, v->token, 999999).status, 404);

  // A web page is kept but only ever downloaded, in a sandbox.
  auto page = visitor_upload(srv, v->token, "f2", "sivu.html", "<script>alert(document.cookie)</script>");
  ASSERT_EQ(page.status, 201) << page.body;
  auto page_id = reply_json(page).at("m").at("files").at(0).at("id").as_int64();
  auto html = aino.call("GET", "/api/conversations/" + std::to_string(conv) + "/files/" + std::to_string(page_id));
  EXPECT_EQ(html.headers["content-type"], "application/octet-stream");
  EXPECT_TRUE(html.headers["content-disposition"].starts_with("attachment;"));
  EXPECT_NE(html.headers["content-security-policy"].find("sandbox"), std::string::npos);

  // Refusals say why and store nothing.
  auto last_seq = srv.open_store()->conversation(conv)->last_seq;
  auto fake = visitor_upload(srv, v->token, "f3", "kuva.png", "<html>not a picture</html>");
  EXPECT_EQ(fake.status, 400);
  EXPECT_NE(fake.body.find("picture"), std::string::npos) << fake.body;
  EXPECT_EQ(fake.headers["access-control-allow-origin"], "*");  // the widget can read why
  EXPECT_EQ(upload_error(visitor_upload(srv, v->token, "f4", "ohjelma.exe", "MZ")), "bad_request");
  EXPECT_EQ(visitor_upload(srv, v->token, "", "a.txt", "x").status, 400);
  EXPECT_EQ(visitor_upload(srv, v->token, "f5", "a.txt", "").status, 400);
  EXPECT_EQ(visitor_upload(srv, "", "f6", "a.txt", "x").status, 401);
  auto policy =
      owner.json("PUT", "/api/tenants/1/settings", R"({"attachments":{"max_mb":0.1,"types":["png","pdf"]}})", 200);
  EXPECT_EQ(policy.at("attachments").at("types").as_array().size(), 2u);
  EXPECT_EQ(owner.call("PUT", "/api/tenants/1/settings", R"({"attachments":{"max_mb":500}})").status, 400);
  EXPECT_EQ(owner.call("PUT", "/api/tenants/1/settings", R"({"attachments":{"types":["p/df"]}})").status, 400);
  EXPECT_EQ(aino.call("PUT", "/api/tenants/1/settings", R"({"attachments":{"types":["exe"]}})").status, 403);
  EXPECT_EQ(visitor_upload(srv, v->token, "f7", "iso.pdf", std::string(150'000, 'x')).status, 413);
  EXPECT_EQ(visitor_upload(srv, v->token, "f8", "muistio.txt", "hei").status, 400);
  EXPECT_EQ(srv.open_store()->conversation(conv)->last_seq, last_seq);
  // A body over the largest file anyone may send is refused before it is read.
  EXPECT_EQ(status_of_header_only(srv, "POST /api/visitor/files?cid=f9&name=iso.pdf",
                                  "Authorization: Bearer " + v->token + "\r\nContent-Length: 21000000"),
            413);

  // The agent's file is a reply; an internal note's file is the agents' only.
  auto reply =
      aino.call("POST", "/api/conversations/" + std::to_string(conv) + "/files?cid=a1&name=ohje.pdf", "%PDF-1.4 ohje");
  ASSERT_EQ(reply.status, 201) << reply.body;
  auto reply_id = reply_json(reply).at("m").at("files").at(0).at("id").as_int64();
  EXPECT_EQ(reply_json(reply).at("m").at("author").as_string(), "agent");
  EXPECT_EQ(visitor_download(srv, v->token, reply_id).body, "%PDF-1.4 ohje");
  auto note =
      aino.call("POST", "/api/conversations/" + std::to_string(conv) + "/files?cid=n1&name=sisainen.pdf&internal=1",
                "%PDF-1.4 sisainen");
  ASSERT_EQ(note.status, 201) << note.body;
  auto note_id = reply_json(note).at("m").at("files").at(0).at("id").as_int64();
  EXPECT_EQ(reply_json(note).at("m").at("author").as_string(), "note");
  EXPECT_EQ(visitor_download(srv, v->token, note_id).status, 404);
  EXPECT_EQ(aino.call("GET", "/api/conversations/" + std::to_string(conv) + "/files/" + std::to_string(note_id)).status,
            200);
  // Another tenant's agent cannot send into it.
  EXPECT_EQ(
      pekka.call("POST", "/api/conversations/" + std::to_string(conv) + "/files?cid=p1&name=x.pdf", "%PDF").status,
      404);

  // The widget's calls may come from any shop's page (a CORS preflight).
  auto pre = http_request(srv.port, "OPTIONS", "/api/visitor/files", "", "",
                          "Origin: https://eramaa.demo\nAccess-Control-Request-Method: POST");
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.headers["access-control-allow-origin"], "*");
  EXPECT_NE(pre.headers["access-control-allow-headers"].find("Authorization"), std::string::npos);
}

TEST(Files, TooManyFilesFromOneVisitorAreRefused) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  int created = 0, limited = 0;
  for (int i = 0; i < 15; ++i) {
    auto r = visitor_upload(srv, v->token, "r" + std::to_string(i), "m.txt", "hei " + std::to_string(i));
    created += r.status == 201;
    limited += r.status == 429;
  }
  EXPECT_EQ(created, 10);  // the visitor's burst
  EXPECT_EQ(limited, 5);
}

std::string email_with_files() {
  return crlf(
      "From: Matti <matti@example.fi>\nSubject: Kuitti\nMessage-ID: <att1@example.fi>\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\nContent-Type: text/plain; charset=utf-8\n\n"
      "Kuva ja kuitti liitteenä.\n--XX\nContent-Type: image/png\nContent-Disposition: attachment; "
      "filename=\"teltta.png\"\nContent-Transfer-Encoding: base64\n\n" +
      crypto::base64(kPng) +
      "\n--XX\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"virus.exe\"\n"
      "Content-Transfer-Encoding: base64\n\nTVpQAAIAAAAEAA8A\n--XX--\n");
}

TEST(Files, AnEmailsAttachmentsAreKeptExportedAndErased) {
  SmtpSink sink;
  Server srv(0, sink.config());
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail), pekka(srv, "agentti@pyorapaja.demo");
  auto token =
      std::string(owner.json("POST", "/api/tenants/1/tokens", R"({"name":"Posti","scopes":["read","write"]})", 201)
                      .at("token")
                      .as_string());
  auto r = http_request(srv.port, "POST", "/api/tenants/1/mail/inbound", email_with_files(), "",
                        "Authorization: Bearer " + token);
  ASSERT_EQ(r.status, 201) << r.body;
  auto conv = reply_json(r).at("conversation").at("id").as_int64();
  auto msgs = srv.open_store()->messages_after(conv, 0, 10);
  ASSERT_EQ(msgs->size(), 1u);
  const auto& m = (*msgs)[0];
  EXPECT_EQ(m.body, "Kuitti\n\nKuva ja kuitti liitteenä.");
  ASSERT_EQ(m.files.size(), 2u);
  EXPECT_EQ(m.files[0].name, "teltta.png");
  EXPECT_TRUE(m.files[0].image);
  EXPECT_EQ(m.files[1].name, "virus.exe");
  EXPECT_EQ(m.files[1].id, 0);
  EXPECT_NE(m.files[1].refused.find("'exe'"), std::string::npos) << m.files[1].refused;
  auto path = "/api/conversations/" + std::to_string(conv) + "/files/" + std::to_string(m.files[0].id);
  EXPECT_EQ(aino.call("GET", path).body, kPng);
  EXPECT_EQ(pekka.call("GET", path).status, 404);

  // The agent's file goes back to Matti attached to the email.
  auto reply =
      aino.call("POST", "/api/conversations/" + std::to_string(conv) + "/files?cid=a1&name=K%C3%A4ytt%C3%B6ohje.pdf",
                "%PDF-1.4 ohje");
  ASSERT_EQ(reply.status, 201) << reply.body;
  auto sent = sink.wait_for(1);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].find("multipart/mixed"), std::string::npos);
  EXPECT_NE(sent[0].find("filename*=UTF-8''K%C3%A4ytt%C3%B6ohje.pdf"), std::string::npos) << sent[0];
  EXPECT_NE(sent[0].find(crypto::base64("%PDF-1.4 ohje")), std::string::npos);

  // The person's export carries the file's bytes; the erasure takes them.
  auto doc = owner.json("GET", "/api/tenants/1/privacy/export?email=matti%40example.fi", "", 200);
  auto text = boost::json::serialize(doc);
  EXPECT_NE(text.find(crypto::base64(kPng)), std::string::npos);
  auto erased = owner.json("POST", "/api/tenants/1/privacy/erase", R"({"email":"matti@example.fi"})", 200);
  EXPECT_EQ(erased.at("files").as_int64(), 2);
  EXPECT_EQ(aino.call("GET", path).status, 404);
  EXPECT_TRUE(srv.open_store()->messages_after(conv, 0, 10)->at(0).files.empty());
  // Its bytes are marked to go (the server sweeps a minute later, once no row names them).
  auto marked = srv.open_store()->files_to_sweep(now_ms() + 120'000, 10);
  ASSERT_TRUE(marked.ok());
  // The picture and the agent's reply; the refused virus.exe was marked when the email came.
  ASSERT_EQ(marked->size(), 3u);
  std::vector<std::string> shas;
  for (const auto& k : *marked) shas.push_back(k.sha256);
  EXPECT_NE(std::find(shas.begin(), shas.end(), crypto::sha256_hex(kPng)), shas.end());
}

// An email of 25 files: the first ten are kept, ten more named as refused without being written
// to disk, and the five the parser only counted are one line (an email of thousands of parts
// wrote every one to disk and named them all in one message).
TEST(Files, AnEmailOfManyFilesKeepsTenAndWritesNoMore) {
  Server srv;
  Rest owner(srv, admin::kDemoOwnerEmail);
  auto token =
      std::string(owner.json("POST", "/api/tenants/1/tokens", R"({"name":"Posti","scopes":["read","write"]})", 201)
                      .at("token")
                      .as_string());
  std::string email =
      "From: Matti <matti@example.fi>\nSubject: Kuitit\nMessage-ID: <many@example.fi>\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\nKuitit liitteenä.\n";
  for (int i = 0; i < 25; ++i)
    email += "--XX\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"kuitti" + std::to_string(i) +
             ".txt\"\n\nkuitti numero " + std::to_string(i) + "\n";
  email += "--XX--\n";
  auto r = http_request(srv.port, "POST", "/api/tenants/1/mail/inbound", email, "", "Authorization: Bearer " + token);
  ASSERT_EQ(r.status, 201) << r.body;
  auto conv = reply_json(r).at("conversation").at("id").as_int64();
  auto msgs = srv.open_store()->messages_after(conv, 0, 10);
  ASSERT_EQ(msgs->size(), 1u);
  const auto& files = (*msgs)[0].files;
  ASSERT_EQ(files.size(), 21u);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(files[i].refused.empty()) << files[i].name;
  for (int i = 10; i < 20; ++i) {
    EXPECT_EQ(files[i].name, "kuitti" + std::to_string(i) + ".txt");
    EXPECT_NE(files[i].refused.find("at most 10 files"), std::string::npos) << files[i].refused;
  }
  EXPECT_EQ(files[20].name, "+5");
  std::size_t on_disk = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(srv.data_dir() / "files"))
    on_disk += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(on_disk, 10u);
}

}  // namespace
}  // namespace tiski::testing

namespace tiski::testing {
namespace {

TEST(Files, AnHtmlEmailIsShownSanitisedAndItsPicturesOnlyOnRequest) {
  Server srv;
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail), pekka(srv, "agentti@pyorapaja.demo");
  auto token =
      std::string(owner.json("POST", "/api/tenants/1/tokens", R"({"name":"Posti","scopes":["read","write"]})", 201)
                      .at("token")
                      .as_string());
  std::string html =
      R"h(<html><body onload="alert(1)"><p>Hei, <b>tilaukseni</b> 1234 ei ole tullut.</p>)h"
      R"h(<img src="https://track.example/pixel.gif?u=7"><script>alert(2)</script>)h"
      R"h(<a href="javascript:alert(3)">x</a><a href="https://eramaa.example/t/1234">seuranta</a></body></html>)h";
  auto r = http_request(srv.port, "POST", "/api/tenants/1/mail/inbound",
                        crlf("From: Liisa <liisa@example.fi>\nSubject: Tilaus\nMessage-ID: <h1@example.fi>\n"
                             "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n" +
                             html + "\n"),
                        "", "Authorization: Bearer " + token);
  ASSERT_EQ(r.status, 201) << r.body;
  auto conv = reply_json(r).at("conversation").at("id").as_int64();
  auto m = srv.open_store()->messages_after(conv, 0, 10)->at(0);
  EXPECT_NE(m.body.find("tilaukseni 1234 ei ole tullut"), std::string::npos) << m.body;  // its text, as before
  ASSERT_EQ(m.files.size(), 1u);
  EXPECT_TRUE(m.files[0].body);
  auto view = "/api/conversations/" + std::to_string(conv) + "/files/" + std::to_string(m.files[0].id) + "/view";

  auto quiet = aino.call("GET", view);
  ASSERT_EQ(quiet.status, 200) << quiet.body;
  EXPECT_TRUE(quiet.headers["content-type"].starts_with("text/html"));
  EXPECT_NE(quiet.headers["content-security-policy"].find("sandbox"), std::string::npos);
  EXPECT_NE(quiet.headers["content-security-policy"].find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(quiet.headers["x-tiski-remote-images"], "1");
  for (auto bad : {"<script", "alert(", "onload", "track.example", "javascript"})
    EXPECT_EQ(quiet.body.find(bad), std::string::npos) << bad << " in " << quiet.body;
  EXPECT_NE(quiet.body.find("<b>tilaukseni</b>"), std::string::npos);
  EXPECT_NE(quiet.body.find("target=\"_blank\""), std::string::npos);

  auto shown = aino.call("GET", view + "?images=1");
  EXPECT_NE(shown.body.find("https://track.example/pixel.gif?u=7"), std::string::npos);
  EXPECT_NE(shown.headers["content-security-policy"].find("img-src data: https:"), std::string::npos);
  EXPECT_EQ(shown.body.find("<script"), std::string::npos);

  // Only the tenant's agents; and only an HTML body is viewed so.
  EXPECT_EQ(pekka.call("GET", view).status, 404);
  auto v = visitor(srv, srv.site_a);
  auto up = visitor_upload(srv, v->token, "p1", "muistio.txt", "hei");
  ASSERT_EQ(up.status, 201);
  auto txt = reply_json(up).at("m").at("files").at(0).at("id").as_int64();
  EXPECT_EQ(aino.call("GET", "/api/conversations/" + std::to_string(reply_json(up).at("conv").as_int64()) + "/files/" +
                                 std::to_string(txt) + "/view")
                .status,
            400);
  // A visitor's own HTML page is a file like any other, never shown as a page on our origin
  // (its link pasted in the chat would be a phishing page on the console's address).
  auto page = visitor_upload(srv, v->token, "p2", "lasku.html", "<style>a{position:fixed}</style><a href=x>log in</a>");
  ASSERT_EQ(page.status, 201) << page.body;
  auto page_file = reply_json(page).at("m").at("files").at(0).at("id").as_int64();
  auto refused = aino.call("GET", "/api/conversations/" + std::to_string(reply_json(page).at("conv").as_int64()) +
                                      "/files/" + std::to_string(page_file) + "/view");
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.body.find("log in"), std::string::npos);
}

}  // namespace
}  // namespace tiski::testing
