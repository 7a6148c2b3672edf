// RedisBus against a real Redis (Debian's redis-server, started here on a free loopback port):
// two nodes in one process, each with its own bus; a frame published on one reaches the other's
// subscribers once and its own once; nothing crosses for a topic nobody follows; after Redis is
// killed and started again, fan-out resumes by itself and the reconnect hook runs.
#include "net/redis_bus.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/free_port.h"

namespace tiski::net {
namespace {

using ::tiski::testing::free_port;

struct Inbox final : Subscriber {
  std::vector<std::string> got;
  void deliver(const Envelope& e) override { got.push_back(*e.frame + "@" + std::to_string(e.conv)); }
};

class RedisServer {
 public:
  explicit RedisServer(int port) : port_(port) { start(); }
  ~RedisServer() { kill(); }
  void start() {
    pid_ = fork();
    if (pid_ == 0) {
      std::string p = std::to_string(port_);
      execlp("redis-server", "redis-server", "--bind", "127.0.0.1", "--port", p.c_str(), "--save", "", "--appendonly",
             "no", "--logfile", "/dev/null", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  int port_;
  pid_t pid_ = -1;
};

// Runs the io_context until `done` or `seconds` pass.
template <class F>
bool run_until(boost::asio::io_context& io, F done, double seconds = 5) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  return done();
}

Envelope env(std::string text, Id conv) { return {std::make_shared<const std::string>(std::move(text)), conv, true}; }

TEST(RedisBus, FramesCrossNodesOnceAndResumeAfterARedisRestart) {
  if (std::system("command -v redis-server >/dev/null 2>&1") != 0) GTEST_SKIP() << "no redis-server installed";
  int port = free_port();
  RedisServer redis(port);
  boost::asio::io_context io;
  RedisBus a(io, "127.0.0.1", port, "node-a"), b(io, "127.0.0.1", port, "node-b");
  int reconnects = 0;
  b.set_on_reconnect([&] { ++reconnects; });
  a.start();
  b.start();
  ASSERT_TRUE(run_until(io, [&] { return a.connected() && b.connected(); })) << "no connection to Redis";

  Inbox at_a, at_b, elsewhere;
  a.subscribe("c:7", &at_a);
  b.subscribe("c:7", &at_b);
  b.subscribe("c:8", &elsewhere);
  run_until(
      io, [] { return false; }, 0.2);  // the SUBSCRIBEs reach Redis
  a.publish("c:7", env("{\"t\":\"msg\"}", 7));
  ASSERT_TRUE(run_until(io, [&] { return !at_b.got.empty(); }));
  run_until(
      io, [] { return false; }, 0.2);  // anything extra would arrive by now
  EXPECT_EQ(at_b.got, std::vector<std::string>{"{\"t\":\"msg\"}@7"});
  EXPECT_EQ(at_a.got, std::vector<std::string>{"{\"t\":\"msg\"}@7"});  // locally, not again from Redis
  EXPECT_TRUE(elsewhere.got.empty());

  // Nobody on b follows c:7 any more: b stops receiving it.
  b.unsubscribe("c:7", &at_b);
  run_until(
      io, [] { return false; }, 0.2);
  a.publish("c:7", env("second", 7));
  run_until(
      io, [] { return false; }, 0.3);
  EXPECT_EQ(at_b.got.size(), 1u);
  EXPECT_EQ(at_a.got.size(), 2u);

  // Redis restarts: both nodes reconnect by themselves and fan-out resumes within 5 s.
  redis.kill();
  run_until(
      io, [&] { return !a.connected() && !b.connected(); }, 3);
  EXPECT_FALSE(b.connected());
  redis.start();
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until(
      io, [&] { return a.connected() && b.connected() && reconnects == 1; }, 8));
  run_until(
      io, [] { return false; }, 0.2);
  a.publish("c:8", env("after", 8));
  ASSERT_TRUE(run_until(io, [&] { return !elsewhere.got.empty(); }));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(elsewhere.got, std::vector<std::string>{"after@8"});
  a.stop();
  b.stop();
  run_until(
      io, [] { return false; }, 0.1);
}

}  // namespace
}  // namespace tiski::net
