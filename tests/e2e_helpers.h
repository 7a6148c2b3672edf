// Helpers shared by the protocol tests over real sockets (server_test.cc and the *_e2e_test.cc
// files): a second agent, a visitor's conversation state, an expected error frame.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
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

}  // namespace tiski::testing
