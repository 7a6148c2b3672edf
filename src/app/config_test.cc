#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tiski {
namespace {

// A config file that removes itself at the end of the full expression that uses it.
struct TmpFile {
  explicit TmpFile(const std::string& text) {
    static int n = 0;
    path = (std::filesystem::temp_directory_path() /
            ("tiski-cfg-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".toml"))
               .string();
    std::ofstream(path) << text;
  }
  ~TmpFile() { std::filesystem::remove(path); }
  operator const std::string&() const { return path; }  // NOLINT(google-explicit-constructor)
  std::string path;
};

TmpFile write_tmp(const std::string& text) { return TmpFile(text); }

TEST(Config, ReadsAllSettings) {
  auto c = load_config(write_tmp(R"([server]
listen = "0.0.0.0:9090"
public_url = "https://chat.example.fi"
web = "/srv/web"
io_threads = 3
[store]
data = "/var/lib/tiski"
[log]
level = "debug"
)"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->host, "0.0.0.0");
  EXPECT_EQ(c->port, 9090);
  EXPECT_EQ(c->public_url, "https://chat.example.fi");
  EXPECT_EQ(c->io_threads, 3);
  EXPECT_EQ(c->web_dir, "/srv/web");
  EXPECT_EQ(c->data_dir, "/var/lib/tiski");
  EXPECT_EQ(c->log_level, "debug");
}

TEST(Config, LimitsAndMetrics) {
  auto c = load_config(write_tmp(R"([limits]
trusted_proxies = ["127.0.0.1", "::1"]
unlimited = ["10.0.0.9"]
[metrics]
listen = "127.0.0.1:9100"
token = "0123456789abcdef0123"
)"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(c->unlimited, (std::vector<std::string>{"10.0.0.9"}));
  EXPECT_EQ(c->metrics_host, "127.0.0.1");
  EXPECT_EQ(c->metrics_port, 9100);
  EXPECT_EQ(c->metrics_token, "0123456789abcdef0123");
  EXPECT_FALSE(load_config(write_tmp("[limits]\ntrusted_proxies = \"127.0.0.1\"\n")).ok());
  EXPECT_FALSE(load_config(write_tmp("[limits]\nunlimited = [1]\n")).ok());
  auto short_token = load_config(write_tmp("[metrics]\ntoken = \"abc\"\n"));
  ASSERT_FALSE(short_token.ok());
  EXPECT_NE(short_token.error().message.find("at least 16 characters"), std::string::npos);
  EXPECT_FALSE(load_config(write_tmp("[metrics]\nlisten = \"nowhere\"\n")).ok());
}

TEST(Config, Routing) {
  auto c = load_config(
      write_tmp("[routing]\nassign_timeout_seconds = 5\nauto_away_minutes = 2\noffline_grace_seconds = 9\n"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->routing.assign_timeout_ms, 5000);
  EXPECT_EQ(c->presence.auto_away_ms, 120'000);
  EXPECT_EQ(c->presence.offline_grace_ms, 9000);
  EXPECT_FALSE(load_config(write_tmp("[routing]\nassign_timeout_seconds = 0\n")).ok());
  EXPECT_FALSE(load_config(write_tmp("[routing]\nassign_timeout_seconds = \"5\"\n")).ok());
}

TEST(Config, RejectsTyposAndBadValues) {
  EXPECT_NE(load_config(write_tmp("[server]\nlisten_on = \"x\"\n"))
                .error()
                .message.find("unknown setting 'server.listen_on'"),
            std::string::npos);
  EXPECT_FALSE(load_config(write_tmp("[server]\nlisten = \"nohost\"\n")).ok());
  EXPECT_FALSE(load_config(write_tmp("[log]\nlevel = \"loud\"\n")).ok());
  EXPECT_FALSE(load_config(write_tmp("[server\n")).ok());
  EXPECT_FALSE(load_config("/nonexistent/tiski.toml").ok());
}

TEST(Config, Listen) {
  Config c;
  ASSERT_TRUE(set_listen(c, "127.0.0.1:0").ok());
  EXPECT_EQ(c.port, 0);
  ASSERT_TRUE(set_listen(c, "[::1]:8080").ok());
  EXPECT_EQ(c.host, "::1");
  EXPECT_FALSE(set_listen(c, "127.0.0.1:70000").ok());
  EXPECT_FALSE(set_listen(c, "127.0.0.1:").ok());
}

TEST(Config, IoThreadsDefaultToOnePerCoreAndAreBounded) {
  auto d = load_config(write_tmp("[server]\n"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->io_threads, -1);  // one per core
  auto none = load_config(write_tmp("[server]\nio_threads = 0\n"));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->io_threads, 0);
  for (const char* bad : {"-1", "65", "\"two\"", "1.5"}) {
    auto c = load_config(write_tmp(std::string("[server]\nio_threads = ") + bad + "\n"));
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_NE(c.error().message.find("io_threads"), std::string::npos) << c.error().message;
  }
}

TEST(Config, WebhookTimeoutIsBounded) {
  EXPECT_EQ(load_config(write_tmp("[webhooks]\n"))->webhook_timeout_seconds, 10);
  EXPECT_EQ(load_config(write_tmp("[webhooks]\ntimeout_seconds = 2\n"))->webhook_timeout_seconds, 2);
  for (const char* bad : {"0", "61", "\"5\""}) {
    auto c = load_config(write_tmp(std::string("[webhooks]\ntimeout_seconds = ") + bad + "\n"));
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_NE(c.error().message.find("timeout_seconds"), std::string::npos) << c.error().message;
  }
}

TEST(Config, MailboxReadingIsBounded) {
  auto d = load_config(write_tmp("[imap]\n"));
  EXPECT_EQ(d->imap.poll_ms, 60'000);
  EXPECT_EQ(d->imap.batch, 50);
  EXPECT_FALSE(d->imap.allow_private);
  auto c = load_config(write_tmp("[imap]\npoll_seconds = 5\nbatch = 10\nallow_private = true\ntimeout_seconds = 9\n"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->imap.poll_ms, 5000);
  EXPECT_EQ(c->imap.batch, 10);
  EXPECT_TRUE(c->imap.allow_private);
  EXPECT_EQ(c->imap.timeout_ms, 9000);
  for (const char* bad : {"batch = 0", "batch = 501", "poll_seconds = 0", "allow_private = 1", "folder = \"x\""}) {
    auto e = load_config(write_tmp(std::string("[imap]\n") + bad + "\n"));
    EXPECT_FALSE(e.ok()) << bad;
  }
}

TEST(Config, ClusterBus) {
  auto c = load_config(write_tmp(R"([store]
url = "postgres://tiski@127.0.0.1:5432/tiski"
files = "/srv/shared/tiski-files"
[cluster]
bus = "redis://127.0.0.1:6390"
node = "solmu-1"
)"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->store_url, "postgres://tiski@127.0.0.1:5432/tiski");
  EXPECT_EQ(c->bus_url, "redis://127.0.0.1:6390");
  EXPECT_EQ(c->node_id, "solmu-1");
  EXPECT_EQ(c->files_dir, "/srv/shared/tiski-files");
  auto a = bus_address("redis://127.0.0.1:6390");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 6390);
  EXPECT_EQ(bus_address("redis://redis.internal")->port, 6379);
  for (const char* bad : {"http://127.0.0.1:6379", "redis://", "redis://:6379", "redis://h:0", "redis://h:70000",
                          "redis://h:12x", "redis://user:pw@h:6379"}) {
    EXPECT_FALSE(bus_address(bad).ok()) << bad;
  }
}

// The snippet is public_url + "/widget.js": a URL without a scheme made a relative script address.
TEST(Config, PublicUrlNeedsSchemeAndHost) {
  EXPECT_EQ(normal_public_url("https://chat.shop.fi").value(), "https://chat.shop.fi");
  EXPECT_EQ(normal_public_url("http://127.0.0.1:8080/").value(), "http://127.0.0.1:8080");
  EXPECT_EQ(normal_public_url("https://shop.fi/chat").value(), "https://shop.fi/chat");
  for (const char* bad : {"chat.shop.fi", "", "https://", "https:///x", "ftp://shop.fi", "https://shop .fi",
                          "https://shop.fi/?a=1", "https://shop.fi#x", "//shop.fi"}) {
    EXPECT_FALSE(normal_public_url(bad).ok()) << bad;
  }
  auto c = load_config(write_tmp("[server]\npublic_url = \"chat.shop.fi\"\n"));
  EXPECT_FALSE(c.ok());
}

}  // namespace
}  // namespace tiski
