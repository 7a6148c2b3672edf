// Sites over REST (docs/admin.md): a tenant's admin creates a site, changes its look (colour,
// corner, launcher text per language) and the visitor's widget gets it in the welcome; bad
// input says why; the list and the secret are the tenant's alone; everything is audited.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using boost::json::object;

TEST(SitesApi, AnAdminCreatesASiteWhoseLookReachesTheWidget) {
  Server srv(0, {}, [](Database& st) {
    EXPECT_TRUE(admin::create_agent(st, {"adm@eramaa.demo", "Aatu Admin", "demo1234", "eramaa", "admin"}, true).ok());
  });
  Rest adm(srv, "adm@eramaa.demo"), aino(srv, admin::kDemoAgentEmail), pekka(srv, "agentti@pyorapaja.demo");

  auto before = adm.json("GET", "/api/tenants/1/sites", "", 200).at("sites").as_array().size();
  EXPECT_GE(before, 1u);
  // Bad input: each says what is wrong, and nothing is created.
  for (const auto* body : {R"({})", R"({"name":""})", R"({"name":"Kauppa","color":"red"})",
                           R"({"name":"Kauppa","color":"#12345g"})", R"({"name":"Kauppa","position":"top"})",
                           R"({"name":"Kauppa","launchers":{"de":"Chat"}})", R"({"name":"Kauppa","langs":[]})",
                           R"({"name":"Kauppa","launchers":{"fi":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}})",
                           R"({"name":"Kauppa","launchers":{"fi":"kaksi\nriviä"}})", R"({"name":"Kauppa","holdout":5})",
                           R"({"name":"Kauppa","x":1})", R"([1])"}) {
    auto r = adm.call("POST", "/api/tenants/1/sites", body);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
    EXPECT_NE(r.body.find("\"message\""), std::string::npos) << body;
  }
  EXPECT_EQ(adm.json("GET", "/api/tenants/1/sites", "", 200).at("sites").as_array().size(), before);
  // A supervisor may change a site but not create one or read its secret; another tenant's
  // agent sees nothing of it.
  EXPECT_EQ(aino.call("POST", "/api/tenants/1/sites", R"({"name":"Kauppa"})").status, 403);
  EXPECT_EQ(pekka.call("POST", "/api/tenants/1/sites", R"({"name":"Kauppa"})").status, 404);

  auto made = adm.json("POST", "/api/tenants/1/sites",
                       R"({"name":"Erämaa Outlet","langs":["fi","sv"],"color":"#AA3311","position":"left",)"
                       R"("launchers":{"fi":"Kysy myyjältä","sv":""},"greetings":{"sv":"Hej från outleten!"}})",
                       201);
  std::string key(made.at("site").as_string());
  EXPECT_EQ(made.at("tenant").as_int64(), 1);
  EXPECT_EQ(made.at("color").as_string(), "#AA3311");
  EXPECT_EQ(made.at("position").as_string(), "left");
  EXPECT_EQ(made.at("launchers").as_object().size(), 1u);  // an empty text is no text
  EXPECT_EQ(made.find("secret"), made.end());
  EXPECT_EQ(adm.json("GET", "/api/tenants/1/sites", "", 200).at("sites").as_array().size(), before + 1);
  EXPECT_EQ(pekka.call("GET", "/api/sites/" + key).status, 404);
  EXPECT_EQ(pekka.call("GET", "/api/sites/" + key + "/secret").status, 404);
  EXPECT_EQ(aino.call("GET", "/api/sites/" + key + "/secret").status, 403);
  auto secret = adm.json("GET", "/api/sites/" + key + "/secret", "", 200);
  EXPECT_GE(secret.at("secret").as_string().size(), 40u);  // 32 random bytes, base64url
  auto theirs = pekka.json("GET", "/api/tenants/2/sites", "", 200);
  for (const auto& s : theirs.at("sites").as_array()) EXPECT_NE(s.at("site").as_string(), key);
  // A site made with a name only greets its visitors from the start, in each language.
  auto plain = adm.json("POST", "/api/tenants/1/sites", R"({"name":"Erämaa Vuokraamo"})", 201);
  EXPECT_EQ(plain.at("greeting").as_string(), "Hei! Miten voimme auttaa?");
  EXPECT_EQ(plain.at("greetings").at("en").as_string(), "Hi! How can we help?");

  // The widget of a Finnish visitor: the colour, the corner, the Finnish launcher text.
  auto fi = visitor(srv, key);
  const auto& info = fi->welcome.at("site").as_object();
  EXPECT_EQ(info.at("name").as_string(), "Erämaa Outlet");
  EXPECT_EQ(info.at("color").as_string(), "#AA3311");
  EXPECT_EQ(info.at("position").as_string(), "left");
  EXPECT_EQ(info.at("launcher").as_string(), "Kysy myyjältä");
  // A Swedish one: no launcher text of theirs (the widget's own), the Swedish greeting.
  auto sv = visitor_with(srv, object{{"lang", "sv"}}, key);
  EXPECT_EQ(sv->welcome.at("site").as_object().find("launcher"), sv->welcome.at("site").as_object().end());
  EXPECT_EQ(sv->welcome.at("site").at("greeting").as_string(), "Hej från outleten!");

  // A supervisor changes the look; the next page load has it; bad values change nothing.
  EXPECT_EQ(aino.call("PUT", "/api/sites/" + key, R"({"color":"blue"})").status, 400);
  for (const auto* lift : {R"({"lift":401})", R"({"lift":-1})", R"({"lift":"80"})", R"({"lift":1.5})"})
    EXPECT_EQ(aino.call("PUT", "/api/sites/" + key, lift).status, 400) << lift;
  EXPECT_EQ(aino.json("PUT", "/api/sites/" + key, R"({"lift":120})", 200).at("lift").as_int64(), 120);
  EXPECT_EQ(visitor(srv, key)->welcome.at("site").at("lift").as_int64(), 120);
  auto put =
      aino.json("PUT", "/api/sites/" + key, R"({"color":"","position":"right","lift":0,"launchers":{"fi":""}})", 200);
  EXPECT_EQ(put.at("color").as_string(), "");
  auto again = visitor(srv, key);
  const auto& info2 = again->welcome.at("site").as_object();
  EXPECT_EQ(info2.find("color"), info2.end());
  EXPECT_EQ(info2.find("position"), info2.end());
  EXPECT_EQ(info2.find("launcher"), info2.end());
  EXPECT_EQ(info2.find("lift"), info2.end());

  // The audit log: who created it, who read its secret, who changed it (twice).
  auto log = adm.json("GET", "/api/tenants/1/audit", "", 200);
  int seen = 0;
  for (const auto& e : log.at("entries").as_array()) {
    auto action = e.at("action").as_string();
    if (e.at("target").as_string() != "site " + key) continue;
    if (action == "site.create" || action == "site.secret" || action == "site.update") ++seen;
  }
  EXPECT_EQ(seen, 4);  // created, its secret read, changed twice (the lift, then the look)
}

// The pages a site's widget may run on: a copied snippet on a page not listed gets no chat; the
// list is kept in normal form; bad entries say which; an empty list is any page again.
TEST(SitesApi, TheWidgetRunsOnlyOnTheSitesOwnPagesWhenTheyAreListed) {
  Server srv;
  Rest aino(srv, admin::kDemoAgentEmail), pekka(srv, "agentti@pyorapaja.demo");
  std::string path = "/api/sites/" + srv.site_a;
  auto hello_from = [&](const std::string& origin) {
    auto ws = std::make_unique<WsClient>();
    EXPECT_EQ(ws->connect(srv.port, "/ws/visitor", "", origin), 101);
    ws->send({{"t", "hello"}, {"site", srv.site_a}, {"lang", "fi"}});
    auto f = ws->recv();
    return f ? std::string(f->at("t").as_string()) +
                   (f->contains("code") ? ":" + std::string(f->at("code").as_string()) : "")
             : std::string("nothing");
  };
  EXPECT_EQ(hello_from("https://copycat.example"), "welcome") << "no list: any page";
  auto earlier = visitor(srv, srv.site_a);  // its token is kept through the change below

  for (const auto* body :
       {R"({"origins":"https://eramaa.fi"})", R"({"origins":[1]})", R"({"origins":["ftp://eramaa.fi"]})",
        R"({"origins":["https://era maa.fi"]})", R"x({"origins":["javascript:alert(1)"]})x"}) {
    auto r = aino.call("PUT", path, body);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
  }
  EXPECT_EQ(pekka.call("PUT", path, R"({"origins":["https://pyorapaja.fi"]})").status, 404);
  auto put = aino.json("PUT", path,
                       R"({"origins":["ERAMAA.fi/kauppa", "", "https://*.eramaa.fi", "https://eramaa.fi"]})", 200);
  EXPECT_EQ(boost::json::serialize(put.at("origins")), R"(["https://eramaa.fi","https://*.eramaa.fi"])");

  EXPECT_EQ(hello_from("https://eramaa.fi"), "welcome");
  EXPECT_EQ(hello_from("https://kauppa.eramaa.fi"), "welcome");
  EXPECT_EQ(hello_from("https://copycat.example"), "error:forbidden");
  EXPECT_EQ(hello_from("http://eramaa.fi"), "error:forbidden");
  EXPECT_EQ(hello_from(""), "error:forbidden") << "a browser always names the page";
  {
    WsClient ws;
    ASSERT_EQ(ws.connect(srv.port, "/ws/visitor", "", "https://copycat.example"), 101);
    ws.send({{"t", "hello"}, {"site", srv.site_a}, {"lang", "fi"}});
    EXPECT_TRUE(ws.recv_type("error"));
    EXPECT_FALSE(ws.recv(std::chrono::seconds(2)));
    EXPECT_EQ(ws.close_code(), 4003);  // the widget takes its launcher off the page
  }
  {  // a mistyped key in the snippet: no chat that seems to be open, the launcher goes too
    WsClient ws;
    ASSERT_EQ(ws.connect(srv.port, "/ws/visitor", "", "https://eramaa.fi"), 101);
    ws.send({{"t", "hello"}, {"site", "WRONGKEY12345678"}, {"lang", "fi"}});
    auto e = ws.recv_type("error");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->at("code").as_string(), "not_found");
    EXPECT_FALSE(ws.recv(std::chrono::seconds(2)));
    EXPECT_EQ(ws.close_code(), 4003);
  }
  // Its files: a token from before the list (or from the shop's page) uploads nothing from another
  // page; a picture is not read from one either. A same-origin GET names no page: served.
  auto upload = [&](const std::string& origin) {
    return http_request(srv.port, "POST", "/api/visitor/files?cid=f" + origin.substr(8, 3) + "&name=a.txt", "hei", "",
                        "Authorization: Bearer " + earlier->token + (origin.empty() ? "" : "\nOrigin: " + origin));
  };
  auto refused = upload("https://copycat.example");
  EXPECT_EQ(refused.status, 403) << refused.body;
  auto sent = upload("https://eramaa.fi");
  ASSERT_EQ(sent.status, 201) << sent.body;
  auto file = boost::json::parse(sent.body).at("m").at("files").at(0).at("id").as_int64();
  auto get = [&](const std::string& origin) {
    return http_request(srv.port, "GET", "/api/visitor/files/" + std::to_string(file), "", "",
                        "Authorization: Bearer " + earlier->token + (origin.empty() ? "" : "\nOrigin: " + origin))
        .status;
  };
  EXPECT_EQ(get("https://copycat.example"), 403);
  EXPECT_EQ(get("https://eramaa.fi"), 200);
  EXPECT_EQ(get(""), 200);
  // The other tenant's site is not touched by it.
  EXPECT_EQ(visitor(srv, srv.site_b)->welcome.at("site").at("name").as_string().empty(), false);

  aino.json("PUT", path, R"({"origins":[]})", 200);
  EXPECT_EQ(hello_from("https://copycat.example"), "welcome");
}

TEST(TeamsApi, AnAdminMakesTeamsSetsMembersAndRoutesASiteToOne) {
  Server srv(0, {}, [](Database& st) {
    EXPECT_TRUE(admin::create_agent(st, {"adm@eramaa.demo", "Aatu Admin", "demo1234", "eramaa", "admin"}, true).ok());
  });
  Rest adm(srv, "adm@eramaa.demo"), aino(srv, admin::kDemoAgentEmail), pekka(srv, "agentti@pyorapaja.demo");
  auto before = aino.json("GET", "/api/tenants/1/teams", "", 200).at("teams").as_array().size();
  for (const auto* body : {R"({})", R"({"name":""})", R"({"name":1})", R"({"name":"X","y":1})"})
    EXPECT_EQ(adm.call("POST", "/api/tenants/1/teams", body).status, 400) << body;
  EXPECT_EQ(aino.call("POST", "/api/tenants/1/teams", R"({"name":"Kassa"})").status, 403);
  auto team = adm.json("POST", "/api/tenants/1/teams", R"({"name":"Kassa"})", 201);
  EXPECT_EQ(adm.call("POST", "/api/tenants/1/teams", R"({"name":"Kassa"})").status, 409);
  auto id = std::to_string(team.at("id").as_int64());
  EXPECT_EQ(aino.json("GET", "/api/tenants/1/teams", "", 200).at("teams").as_array().size(), before + 1);

  // Members: the tenant's agents only; the whole list each time.
  auto me = aino.json("GET", "/api/me", "", 200).at("agent").at("id").as_int64();
  auto stranger = pekka.json("GET", "/api/me", "", 200).at("agent").at("id").as_int64();
  auto bad = adm.call("PUT", "/api/tenants/1/teams/" + id, R"({"members":[)" + std::to_string(stranger) + "]}");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body.find("Pyöräpaja"), std::string::npos);
  EXPECT_EQ(adm.call("PUT", "/api/tenants/1/teams/" + id, R"({"members":"all"})").status, 400);
  auto set = adm.json("PUT", "/api/tenants/1/teams/" + id, R"({"members":[)" + std::to_string(me) + "]}", 200);
  EXPECT_EQ(set.at("members").as_array().size(), 1u);
  EXPECT_EQ(adm.json("PUT", "/api/tenants/1/teams/" + id, R"({"members":[]})", 200).at("members").as_array().size(),
            0u);
  EXPECT_EQ(adm.call("PUT", "/api/tenants/1/teams/999999", R"({"members":[]})").status, 404);
  EXPECT_EQ(pekka.call("GET", "/api/tenants/1/teams").status, 404);

  // A site routes to the team; another tenant's team is refused without a word of it.
  auto routed = aino.json("PUT", "/api/sites/" + srv.site_a, R"({"team":)" + id + "}", 200);
  EXPECT_EQ(std::to_string(routed.at("team").as_int64()), id);
  auto theirs = pekka.json("GET", "/api/tenants/2/teams", "", 200);
  if (!theirs.at("teams").as_array().empty()) {
    auto other = std::to_string(theirs.at("teams").as_array()[0].at("id").as_int64());
    EXPECT_EQ(aino.call("PUT", "/api/sites/" + srv.site_a, R"({"team":)" + other + "}").status, 400);
  }
  EXPECT_EQ(aino.call("PUT", "/api/sites/" + srv.site_a, R"({"team":999999})").status, 400);
  EXPECT_TRUE(aino.json("PUT", "/api/sites/" + srv.site_a, R"({"team":null})", 200).at("team").is_null());
}

}  // namespace
}  // namespace tiski::testing
