// A whole chat domain in one test process: the real modules, the real store (SQLite in
// memory) on its real thread, a ManualClock, and in-memory transports in place of sockets.
// Tests drive time by hand (advance) and run the store's completions on the test thread
// (settle), so timeouts, idleness and business-hour edges take microseconds, not sleeps.
//
//   Domain d;
//   auto v = d.visitor();                       // hello + welcome
//   auto a = d.agent("agentti@eramaa.demo");    // snapshot
//   d.send(*v, {{"t","send"},{"cid","1"},{"body","hei"}});
//   EXPECT_EQ(a->last("conv")->at("conv").at("status"), "active");
//   d.advance(61'000);                          // ticks once per simulated second
#pragma once

#include <gtest/gtest.h>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "chat/admin.h"
#include "chat/chat.h"
#include "store/sqlite/sqlite_engine.h"
#include "store/testing/faulty_database.h"

namespace tiski::testing {

// What the client would have received, parsed. Every frame is checked against the channel's
// server frames in proto/protocol.json, so each domain test also proves that what the server
// sends is what the clients' generated types promise.
class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(std::span<const proto::TypeSpec> schema) : schema_(schema) {}
  bool send(const proto::SharedFrame& f) override {
    if (closed) return false;
    frames.push_back(boost::json::parse(*f).as_object());
    check(frames.back());
    return true;
  }
  void close(std::uint16_t code, std::string_view) override {
    closed = true;
    close_code = code;
  }
  std::vector<boost::json::object> of_type(std::string_view t) const {
    std::vector<boost::json::object> out;
    for (const auto& f : frames) {
      if (f.at("t").as_string() == t) out.push_back(f);
    }
    return out;
  }
  std::optional<boost::json::object> last(std::string_view t) const {
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
      if (it->at("t").as_string() == t) return *it;
    }
    return std::nullopt;
  }
  std::size_t count(std::string_view t) const { return of_type(t).size(); }
  void clear() { frames.clear(); }

  std::vector<boost::json::object> frames;
  bool closed = false;
  std::uint16_t close_code = 0;

 private:
  void check(const boost::json::object& f) const {
    std::string_view type = f.at("t").as_string();
    for (const auto& spec : schema_) {
      if (spec.name != type) continue;
      if (auto st = proto::validate(f, spec.fields); !st) {
        ADD_FAILURE() << "server frame '" << type << "' breaks the schema: " << st.error().message << "\n"
                      << boost::json::serialize(f);
      }
      return;
    }
    ADD_FAILURE() << "server frame type '" << type << "' is not in the schema";
  }
  std::span<const proto::TypeSpec> schema_;
};

template <class S>
struct Client {
  FakeTransport t{std::is_same_v<S, VisitorSession> ? std::span<const proto::TypeSpec>(proto::kVisitorServerFrames)
                                                    : std::span<const proto::TypeSpec>(proto::kAgentServerFrames)};
  std::shared_ptr<S> s;
  std::optional<boost::json::object> last(std::string_view type) const { return t.last(type); }
  std::size_t count(std::string_view type) const { return t.count(type); }
};
using Tab = Client<VisitorSession>;
using Console = Client<AgentSession>;

class Domain {
 public:
  // `config` adjusts the options before the domain starts; `seed` adds to the demo workspace.
  explicit Domain(std::function<void(ChatOptions&)> config = {}, std::function<void(Database&)> seed = {}) {
    auto store = SqliteStore::open(":memory:");
    if (!store) throw std::runtime_error(store.error().message);
    auto demo = admin::seed_demo(**store);
    if (!demo) throw std::runtime_error(demo.error().message);
    site = demo->site_key;
    if (seed) seed(**store);
    auto state = load_state(**store);
    if (!state) throw std::runtime_error(state.error().message);
    ChatOptions o;
    o.token_secret = "test-secret";
    o.mail = mail::Identity{"chat@test.invalid", "", "test.invalid", "test-secret"};
    if (config) config(o);
    auto faulty = std::make_unique<FaultyDatabase>(std::move(store).value());
    faults = faulty.get();
    worker_ = std::make_unique<StoreWorker>(std::move(faulty), post(), metrics);
    chat = std::make_unique<Chat>(*worker_, pubsub_, metrics, abuse_, clock, post(), std::move(o));
    chat->load(*state);
    settle();
  }
  ~Domain() {
    try {
      settle();
    } catch (...) {  // a test already failed
    }
    worker_->stop();
    chat.reset();  // before the pubsub and limits it refers to
  }

  // Runs completions on this thread until no store job is in flight.
  void settle() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mu_);
        if (inbox_.empty() && chat->in_flight() == 0) return;
        if (!cv_.wait_for(lock, std::chrono::seconds(10), [&] { return !inbox_.empty(); })) {
          throw std::runtime_error("a store job never completed");
        }
        fn = std::move(inbox_.front());
        inbox_.pop_front();
      }
      fn();
    }
  }

  // Moves the clock on a second at a time, ticking the domain after each second as the server does.
  void advance(Millis ms) {
    while (ms > 0) {
      Millis step = std::min<Millis>(ms, 1000);
      clock.advance(step);
      ms -= step;
      chat->tick();
      settle();
    }
  }

  // Moves the clock on in one step and ticks once (days pass without a tick a second).
  void jump(Millis ms) {
    clock.advance(ms);
    chat->tick();
    settle();
  }

  // A visitor's tab: hello (with `extra` fields) and its welcome.
  std::unique_ptr<Tab> visitor(boost::json::object extra = {}, const std::string& key = {}) {
    auto tab = std::make_unique<Tab>();
    tab->s = chat->visitor_connected(tab->t, Interned("10.0.0." + std::to_string(++addresses_ % 250)));
    boost::json::object hello{{"t", "hello"}, {"site", key.empty() ? site : key}, {"lang", "fi"}};
    for (auto& [k, v] : extra) hello[k] = v;
    send(*tab, hello);
    return tab;
  }

  // An agent's console, connected as the agent with `email` (snapshot and lists sent).
  std::unique_ptr<Console> agent(const std::string& email, Millis session_expires_at = 0) {
    auto who = query<AgentIdentity>([email](Store& st) -> Result<AgentIdentity> {
      AgentIdentity id;
      id.agent = TRY(st.agent_by_email(email));
      id.memberships = TRY(st.memberships_of(id.agent.id));
      id.teams = TRY(st.team_ids_of(id.agent.id));
      id.session_hash = "session-" + email;
      return id;
    });
    who.session_expires_at = session_expires_at;
    auto c = std::make_unique<Console>();
    c->s = chat->agent_connected(c->t, std::move(who), Interned("127.0.0.1"));
    settle();
    return c;
  }

  void send(Tab& tab, const boost::json::object& f) {
    chat->on_text(*tab.s, boost::json::serialize(f));
    settle();
  }
  void send(Console& c, const boost::json::object& f) {
    chat->on_text(*c.s, boost::json::serialize(f));
    settle();
  }
  template <class C>
  void close(C& c) {
    chat->disconnected(*c.s);
    settle();
  }

  // Reads (or writes) the store directly, on its thread, between the domain's jobs.
  template <class T>
  T query(std::function<Result<T>(Store&)> fn) {
    std::optional<Result<T>> out;
    worker_->submit<T>(std::move(fn), [&](Result<T> r) { out = std::move(r); });
    while (!out) {
      std::function<void()> f;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !inbox_.empty(); });
        f = std::move(inbox_.front());
        inbox_.pop_front();
      }
      f();
    }
    if (!*out) throw std::runtime_error(out->error().message);
    return std::move(*out).value();
  }

  ManualClock clock;
  Metrics metrics;
  FaultyDatabase* faults = nullptr;  // fail_commits(n): the store's next commits fail
  std::string site;                  // the demo shop's key
  std::unique_ptr<Chat> chat;

 private:
  StoreWorker::Post post() {
    return [this](std::function<void()> fn) {
      std::lock_guard lock(mu_);
      inbox_.push_back(std::move(fn));
      cv_.notify_one();
    };
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> inbox_;
  LocalPubSub pubsub_;
  AbuseLimits abuse_;
  std::unique_ptr<StoreWorker> worker_;
  int addresses_ = 0;
};

inline boost::json::object send_frame(const std::string& cid, const std::string& body) {
  return {{"t", "send"}, {"cid", cid}, {"body", body}};
}

}  // namespace tiski::testing
