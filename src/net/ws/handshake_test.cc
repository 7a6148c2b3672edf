// The opening handshake: RFC 6455's own example key, and each way a request can be wrong.
#include "net/ws/handshake.h"

#include <gtest/gtest.h>

namespace tiski::ws {
namespace {

namespace http = boost::beast::http;

http::request<http::string_body> upgrade(std::string_view key = "dGhlIHNhbXBsZSBub25jZQ==") {
  http::request<http::string_body> r{http::verb::get, "/ws/visitor", 11};
  r.set(http::field::host, "127.0.0.1");
  r.set(http::field::connection, "keep-alive, Upgrade");
  r.set(http::field::upgrade, "websocket");
  r.set(http::field::sec_websocket_key, key);
  r.set(http::field::sec_websocket_version, "13");
  return r;
}

TEST(WsHandshake, TheRfcsExample) {
  EXPECT_EQ(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");  // RFC 6455 1.3
  EXPECT_TRUE(check_handshake(upgrade()).problem.empty());
  auto r = switching_protocols("dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  EXPECT_NE(r.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos);
  EXPECT_TRUE(r.ends_with("\r\n\r\n"));
}

TEST(WsHandshake, WrongRequestsAreNamed) {
  auto bad = [](http::request<http::string_body> r) { return check_handshake(r); };
  auto post = upgrade();
  post.method(http::verb::post);
  EXPECT_FALSE(bad(post).problem.empty());
  EXPECT_FALSE(bad(upgrade("short")).problem.empty());
  EXPECT_FALSE(bad(upgrade("dGhlIHNhbXBsZSBub25jZQ!!")).problem.empty());
  EXPECT_FALSE(bad(upgrade("dGhlIHNhbXBsZS*ub25jZQ==")).problem.empty());
  auto v8 = upgrade();
  v8.set(http::field::sec_websocket_version, "8");
  EXPECT_TRUE(bad(v8).version_problem);
  auto none = upgrade();
  none.erase(http::field::sec_websocket_key);
  EXPECT_FALSE(bad(none).problem.empty());
}

}  // namespace
}  // namespace tiski::ws
