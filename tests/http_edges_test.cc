// Regression tests of the HTTP edges a review found trying Tiski as an attacker and a careless
// client would: a HEAD answer with a body, large bodies read before credentials were checked,
// an oversized body answered by a reset, names with control characters, query text that was not
// strict UTF-8. Against a real server over real sockets; each failed before its fix.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/harness.h"
#include "util/limits.h"

namespace tiski::testing {
namespace {

using namespace std::chrono_literals;

// Everything the server sends on `fd` until it closes (or 10 s of silence).
std::string read_all(int fd) {
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<std::size_t>(n));
  return got;
}

// Sends `bytes` on a new connection and returns everything the server answers until it closes.
std::string exchange(const Server& srv, const std::string& bytes) {
  int fd = connect_to(srv);
  if (fd < 0) return {};
  ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  std::string got = read_all(fd);
  ::close(fd);
  return got;
}

TEST(HttpEdges, AHeadAnswerHasNoBodyOnAKeptConnection) {
  Server srv;
  std::string got = exchange(srv,
                             "HEAD /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                             "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(got.starts_with("HTTP/1.1 4")) << got;
  auto end = got.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  EXPECT_NE(got.substr(0, end).find("Content-Length: "), std::string::npos) << got;  // the GET's length, no body
  EXPECT_TRUE(got.substr(end + 4).starts_with("HTTP/1.1 200")) << got;
  // A GET route answers HEAD as the GET would (a load balancer's health check), without a body.
  got = exchange(srv, "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(got.starts_with("HTTP/1.1 200")) << got;
  EXPECT_TRUE(got.ends_with("\r\n\r\n")) << got;
  // A transfer coding other than chunked is refused, not taken for the body's bytes.
  got = exchange(srv,
                 "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip, chunked\r\n"
                 "Content-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  EXPECT_TRUE(got.starts_with("HTTP/1.1 400")) << got;
  EXPECT_NE(got.find("transfer coding"), std::string::npos) << got;
  // A route without a GET names what it takes.
  got = exchange(srv, "HEAD /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(got.starts_with("HTTP/1.1 405")) << got;
  EXPECT_NE(got.find("Allow: POST"), std::string::npos) << got;
  // A static file's HEAD likewise: its length, no body.
  got = exchange(srv, "HEAD /console/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(got.starts_with("HTTP/1.1 ")) << got;  // (the test server serves no files: a 404)
  EXPECT_TRUE(got.ends_with("\r\n\r\n")) << got;
  EXPECT_NE(got.find("Content-Length: "), std::string::npos) << got;
  EXPECT_EQ(got.find("Content-Length: 0"), std::string::npos) << got;
}

// A made-up cookie or token used to lift the body limit to a file's (20 MB) or an email's: the
// server read it all, then answered 401. Now the credentials are checked as the header arrives.
TEST(HttpEdges, ALargeBodyNeedsValidCredentialsBeforeItIsRead) {
  Server srv;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(status_of_header_only(srv, "POST /api/conversations/1/files?cid=a&name=x.pdf",
                                  "Cookie: tiski_session=made-up\r\nContent-Length: 10000000"),
            401);
  EXPECT_EQ(status_of_header_only(srv, "POST /api/tenants/1/mail/inbound",
                                  "Authorization: Bearer tsk_made_up\r\nContent-Length: 10000000"),
            401);
  EXPECT_EQ(status_of_header_only(srv, "POST /api/visitor/files?cid=a&name=x.pdf",
                                  "Authorization: Bearer not-a-visitor-token\r\nContent-Length: 10000000"),
            401);
  // Before, each waited for a body that never came, until the idle timeout (30 s).
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  // Real credentials still upload past the ordinary limit (100 KB files).
  auto v = visitor(srv, srv.site_a);
  auto up = http_request(srv.port, "POST", "/api/visitor/files?cid=f1&name=kuvaus.pdf",
                         "%PDF-1.4 " + std::string(100'000, 'x'), "", "Authorization: Bearer " + v->token);
  ASSERT_EQ(up.status, 201) << up.body;
  auto conv = boost::json::parse(up.body).at("conv").as_int64();
  Rest aino(srv, admin::kDemoAgentEmail);
  auto reply = aino.call("POST", "/api/conversations/" + std::to_string(conv) + "/files?cid=a1&name=ohje.pdf",
                         "%PDF-1.4 " + std::string(100'000, 'y'));
  EXPECT_EQ(reply.status, 201) << reply.body;
}

// A chunked body over the limit: the 413 was written and the socket closed with the rest
// unread, so the client, still sending, got a reset ("broken pipe") instead of the answer.
TEST(HttpEdges, AnOversizedChunkedBodyGetsItsAnswer) {
  Server srv;
  int fd = connect_to(srv);
  ASSERT_GE(fd, 0);
  std::string head =
      "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
  bool sent_all = true;                        // as curl does: a send that fails is "broken pipe", whatever came back
  for (int i = 0; i < 160 && sent_all; ++i) {  // 10 MiB, far past the 64 KiB limit
    sent_all = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(chunk.size());
  }
  std::string got = read_all(fd);
  ::close(fd);
  EXPECT_TRUE(sent_all) << "the server closed while the body was still coming";
  EXPECT_TRUE(got.starts_with("HTTP/1.1 413")) << got.substr(0, 200);
  EXPECT_NE(got.find("\"too_large\""), std::string::npos);
}

TEST(HttpEdges, NamesAreOneLineWithoutControlCharacters) {
  Server srv;
  Rest owner(srv, admin::kDemoOwnerEmail);
  EXPECT_EQ(owner.call("POST", "/api/tenants/1/teams", R"({"name":"Team\u0000X\n"})").status, 400);
  EXPECT_EQ(owner.call("POST", "/api/tenants/1/tokens", R"({"name":"tok\u001b[31mred","scopes":["read"]})").status,
            400);
  auto contact = owner.json("POST", "/api/tenants/1/contacts",
                            R"({"name":"Aino","keys":[{"kind":"email","value":"aino@example.fi"}]})", 201);
  auto id = std::to_string(contact.at("id").as_int64());
  EXPECT_EQ(owner.call("PUT", "/api/tenants/1/contacts/" + id, R"({"name":"Own\u0000er\u0007"})").status, 400);
  auto sites = owner.json("GET", "/api/tenants/1/sites", "", 200).at("sites").as_array();
  ASSERT_FALSE(sites.empty());
  std::string key(sites[0].at("site").as_string());
  EXPECT_EQ(owner.call("PUT", "/api/sites/" + key, R"({"name":"Shop\u0000\u001b[2J"})").status, 400);
  EXPECT_EQ(owner
                .call("POST", "/api/tenants/1/agents",
                      R"({"email":"uusi@eramaa.demo","name":"Uu\u001bsi","password":"pitka-salasana"})")
                .status,
            400);
  // What is fine stays fine.
  EXPECT_EQ(owner.call("POST", "/api/tenants/1/teams", R"({"name":"Myynti – ilta"})").status, 201);
  EXPECT_EQ(owner.call("PUT", "/api/sites/" + key, R"({"name":"Erämaa Outdoor"})").status, 200);
}

TEST(HttpEdges, QueryTextIsStrictUtf8) {
  Server srv;
  Rest aino(srv, admin::kDemoAgentEmail);
  EXPECT_EQ(aino.call("GET", "/api/search?q=%ED%A0%80").status, 400);  // a surrogate
  EXPECT_EQ(aino.call("GET", "/api/search?q=%C0%AF").status, 400);     // an overlong '/'
  EXPECT_EQ(aino.call("GET", "/api/search?q=teltta%01").status, 400);  // a control character
  EXPECT_EQ(aino.call("GET", "/api/search?q=teltt%C3%A4").status, 200);
}

// One address with idle connections could hold every descriptor of the process (the probe:
// 21,000 connections from 127.0.0.1, then nobody could log in). It holds at most its share; a
// WebSocket does not count; the connections given back are usable again.
TEST(HttpEdges, OneAddressHoldsAtMostItsShareOfConnections) {
  Server srv;                         // 127.0.0.1 is not exempt here
  auto v = visitor(srv, srv.site_a);  // a WebSocket holds no HTTP connection's slot
  ASSERT_TRUE(v);
  std::vector<int> idle;
  for (std::size_t i = 0; i < limits::kMaxHttpConnectionsPerAddress; ++i) {
    int fd = connect_to(srv);
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  std::string refused = exchange(srv, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(refused.find("429 Too Many Requests"), std::string::npos) << refused;
  EXPECT_NE(refused.find("too many connections from your address"), std::string::npos) << refused;
  for (int i = 0; i < 10; ++i) ::close(idle[i]);
  std::string ok;
  for (int tries = 0; tries < 50 && ok.find("200 OK") == std::string::npos; ++tries) {
    std::this_thread::sleep_for(20ms);  // the server notices the closes
    ok = exchange(srv, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  }
  EXPECT_NE(ok.find("200 OK"), std::string::npos) << ok;
  for (std::size_t i = 10; i < idle.size(); ++i) ::close(idle[i]);
  v->ws.send({{"t", "ping"}});
  EXPECT_TRUE(v->ws.recv_type("pong")) << "the WebSocket was not touched";
}

}  // namespace
}  // namespace tiski::testing
