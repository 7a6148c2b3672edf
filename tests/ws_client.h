// A small blocking WebSocket/HTTP client for the protocol tests (Boost.Beast). One object per
// connection; not thread-safe. Every wait has a timeout so a broken server fails a test
// instead of hanging it. Every frame received on /ws/visitor or /ws/agent is checked against
// that channel's server frames in proto/protocol.json (a mismatch fails the test).
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tiski::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  std::string set_cookie;
  std::map<std::string, std::string> headers;  // names in lower case
};

// `extra_header`: one or more "Name: value" lines, separated by newlines.
HttpReply http_request(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = {}, const std::string& cookie = {},
                       const std::string& extra_header = {});

class WsClient {
 public:
  WsClient();
  ~WsClient();
  // A header to send with the upgrade request (e.g. X-Forwarded-For); call before connect().
  void header(const std::string& name, const std::string& value);
  // Connects and upgrades. Returns the HTTP status of a refused upgrade, 101 on success.
  // `rcvbuf` > 0 shrinks the socket's receive buffer first (to play a slow consumer).
  int connect(std::uint16_t port, const std::string& path, const std::string& cookie = {},
              const std::string& origin = {}, int rcvbuf = 0);
  void send(const boost::json::object& frame);
  void send_text(const std::string& text);
  void send_binary(const std::string& data);
  // The next frame, or nullopt after `timeout` or when the connection closed.
  std::optional<boost::json::object> recv(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Skips frames until one of type `t` (nullopt on timeout/close).
  std::optional<boost::json::object> recv_type(const std::string& t,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool closed() const { return closed_; }
  // Bytes of the last frame received.
  std::size_t last_bytes() const { return last_bytes_; }
  int close_code() const { return close_code_; }
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool closed_ = false;
  int close_code_ = 0;
  std::size_t last_bytes_ = 0;
  int channel_ = 0;  // 1 visitor, 2 agent: whose server frames to check against
};

}  // namespace tiski::testing
