// Helpers shared by the protocol tests over real sockets (server_test.cc and the *_e2e_test.cc
// files): a second agent, a visitor's conversation state, an expected error frame.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/harness.h"

namespace tiski::testing {

// A second agent of the demo tenant, with the given capacity.
inline void add_agent(const Server& srv, const std::string& email, int max_chats) {
  ASSERT_EQ(srv.admin({"agent", "create", "--email", email, "--name", "Bertta Berg", "--password", "demo1234",
                       "--tenant", "eramaa", "--max-chats", std::to_string(max_chats)}),
            0);
}

inline std::string conv_status_of(WsClient& ws, std::int64_t* conv = nullptr, std::string* agent = nullptr) {
  auto f = ws.recv_type("conv");
  if (!f) return "none";
  auto c = f->at("conv").as_object();
  if (conv) *conv = c.at("id").as_int64();
  if (agent && c.contains("agent")) *agent = std::string(c.at("agent").as_string());
  return std::string(c.at("status").as_string());
}

inline std::string expect_error(WsClient& ws, const boost::json::object& frame) {
  ws.send(frame);
  auto e = ws.recv_type("error");
  EXPECT_TRUE(e) << boost::json::serialize(frame);
  return e ? std::string(e->at("code").as_string()) + ": " + std::string(e->at("message").as_string()) : "";
}

// Debian's python3-aiosmtpd as a real SMTP server on 127.0.0.1 (tests/smtp_sink.py): stores
// each accepted message as DIR/NNN.eml; reject@ gets 550, tempfail-N@ gets 451 N times.
class SmtpSink : public SinkProcess {
 public:
  SmtpSink() : SinkProcess("smtp_sink.py", "smtp") {}
  // The messages received so far, in order.
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (int i = 1;; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "%03d.eml", i);
      std::ifstream in(dir() / name);
      if (!in) return out;
      out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  // Waits until the sink holds `n` messages (or 10 s); returns them.
  std::vector<std::string> wait_for(std::size_t n) const {
    for (int i = 0; i < 200 && messages().size() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return messages();
  }
  std::string config() const {
    return "[smtp]\nurl = \"smtp://127.0.0.1:" + std::to_string(port) +
           "\"\ntls = \"none\"\nfrom = \"asiakaspalvelu@eramaa.example\"\nretry_seconds = 1\nmax_attempts = 3\n";
  }
};

inline std::string decode_b64(std::string_view in) {
  static const std::string kAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : in) {
    auto p = kAlpha.find(c);
    if (p == std::string::npos) continue;
    buf = (buf << 6) | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace tiski::testing
