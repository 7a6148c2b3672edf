// Helpers of the defect regression tests (defects_test.cc, defects_console_test.cc): seeding
// many chats straight into the store, reading list pages, checking a connection is alive.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "chat/core/session.h"
#include "store/store.h"
#include "tests/harness.h"
#include "util/crypto.h"
#include "util/time.h"

namespace tiski::testing {

using boost::json::object;

struct Seeded {
  std::vector<Id> convs;
  std::vector<Id> visitors;
};

// `n` waiting conversations of the demo tenant, each from its own visitor on a page with a
// long URL and title, and `msgs` messages of `body_bytes` in each.
inline Seeded seed_chats(Database& st, int n, int msgs, std::size_t body_bytes, std::size_t url_bytes = 2000) {
  Seeded out;
  auto site = st.site_by_key(**st.setting("demo_site_key"));
  EXPECT_TRUE(site.ok());
  EXPECT_TRUE(st.begin().ok());
  std::string url = "https://eramaa.demo/" + std::string(url_bytes > 20 ? url_bytes - 20 : 1, 'p');
  std::string title(300, 't');
  std::string body(body_bytes, 'x');
  Millis t = now_ms() - 60'000;
  for (int i = 0; i < n; ++i) {
    auto v = st.create_visitor(site->id, "fi", t);
    EXPECT_TRUE(st.update_visitor_page(v->id, url, title, t).ok());
    auto c = st.create_conversation(v->id, origin::kReactive, t + i);
    for (int m = 0; m < msgs; ++m) {
      Message msg;
      msg.conv_id = c->id;
      msg.author = "visitor";
      msg.author_id = v->id;
      msg.body = body;
      msg.cid = "s" + std::to_string(m);
      msg.at = t + i;
      EXPECT_TRUE(st.append_message(msg).ok());
    }
    out.convs.push_back(c->id);
    out.visitors.push_back(v->id);
  }
  EXPECT_TRUE(st.commit().ok());
  return out;
}

// The list frames a console gets after its snapshot, or in answer to list.
inline object next_list(WsClient& ws) {
  auto f = ws.recv_type("list", 10s);
  EXPECT_TRUE(f);
  return f ? *f : object{};
}

inline bool alive(WsClient& ws) {
  ws.send({{"t", "ping"}});
  return ws.recv_type("pong", 10s).has_value();
}

// A console whose login session ended (logged out or expired, on any node): it is told
// `unauthorized`, gets nothing more and is closed with 4001.
inline void expect_session_ended(WsClient& console) {
  auto err = console.recv_type("error", 10s);
  ASSERT_TRUE(err) << "the console stayed open after its session ended";
  EXPECT_EQ(err->at("code").as_string(), "unauthorized");
  EXPECT_FALSE(console.recv(3s));
  EXPECT_EQ(console.close_code(), kCloseSessionEnded);
}

inline std::string error_of(WsClient& ws, const object& frame) {
  ws.send(frame);
  auto e = ws.recv_type("error");
  return e ? std::string(e->at("code").as_string()) + ": " + std::string(e->at("message").as_string()) : "no error";
}

inline std::string csrf_of(const Server& s, const std::string& cookie) {
  auto me = http_request(s.port, "GET", "/api/me", "", cookie);
  return std::string(boost::json::parse(me.body).as_object().at("csrf").as_string());
}

// An agent's logged-in REST session (cookie and CSRF token, same-origin requests).
struct Rest {
  Server& srv;
  std::string cookie;
  std::string csrf;
  Rest(Server& s, const std::string& email) : srv(s), cookie(login(s, email)), csrf(csrf_of(s, cookie)) {}
  HttpReply call(const std::string& method, const std::string& path, const std::string& body = "") const {
    return http_request(srv.port, method, path, body, cookie, "X-CSRF-Token: " + csrf + "\nOrigin: " + origin_of(srv));
  }
  // The reply as a JSON object, expecting status `want`.
  boost::json::object json(const std::string& method, const std::string& path, const std::string& body,
                           int want) const {
    auto r = call(method, path, body);
    EXPECT_EQ(r.status, want) << method << " " << path << ": " << r.body;
    auto v = boost::json::parse(r.body.empty() ? "{}" : r.body);
    return v.is_object() ? v.as_object() : boost::json::object{};
  }
};

// The conversation of the visitor's message `cid`, from its ack (-1 if none comes in 5 s).
inline std::int64_t ack_conv(WsClient& ws, const std::string& cid) {
  for (;;) {
    auto f = ws.recv(std::chrono::seconds(5));
    if (!f) return -1;
    if (f->at("t").as_string() == "ack" && f->at("cid").as_string() == cid) return f->at("conv").as_int64();
  }
}

}  // namespace tiski::testing
