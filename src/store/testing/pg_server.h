// PostgreSQL for the tests. PgCluster: one server in a temporary directory (scripts/services.sh).
// PgServer: the test process's shared one, started on first use (fsync off: the data is thrown
// away) and stopped when the process exits, or the server TISKI_TEST_PG_URL names; each fresh()
// is a new empty database, copied from a template migrated once.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "store/pg/pg_engine.h"

namespace tiski::testing {

// One PostgreSQL 15 cluster in a temporary directory, started with scripts/services.sh on a free
// port of 127.0.0.1, stopped and removed with the object. start() again after stop or crash()
// brings it back on the same port (the fault tests).
class PgCluster {
 public:
  explicit PgCluster(bool fsync) : fsync_(fsync) {
    char tmpl[] = "/tmp/tiski-pg-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    start();
    std::ifstream env(dir_ + "/env");
    for (std::string line; std::getline(env, line);) {
      if (line.starts_with("TISKI_PG_URL=")) url_ = line.substr(13);
    }
    if (url_.empty()) throw std::runtime_error("no TISKI_PG_URL in " + dir_ + "/env");
  }
  ~PgCluster() {
    (void)services("stop " + dir_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  const std::string& url() const { return url_; }
  void start() const {
    if (services("start " + dir_ + " pg") != 0) throw std::runtime_error("starting PostgreSQL failed (" + dir_ + ")");
  }
  // A crash: the server stops at once, without a checkpoint (recovery on the next start).
  bool crash() const {
    std::string cmd = std::string(::getuid() == 0 ? "runuser -u postgres -- " : "") +
                      "/usr/lib/postgresql/15/bin/pg_ctl -D " + dir_ + "/pg/data -m immediate -w stop >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }

 private:
  int services(const std::string& args) const {
    std::string cmd = std::string(fsync_ ? "" : "PG_FSYNC=off ") + TISKI_SOURCE_DIR "/scripts/services.sh " + args +
                      " >/dev/null 2>&1";
    return std::system(cmd.c_str());
  }
  bool fsync_;
  std::string dir_;
  std::string url_;
};

class PgServer {
 public:
  // Whether PostgreSQL 15 is installed (scripts/install-deps.sh installs it).
  static bool installed() { return std::filesystem::exists("/usr/lib/postgresql/15/bin/initdb"); }

  static PgServer& get() {
    static auto* server = new PgServer;  // never destroyed: stopped at exit by stop()
    return *server;
  }

  // A new database with the schema, for one test.
  std::unique_ptr<SqlStore> fresh() {
    auto store = PgStore::open(fresh_url());
    if (!store) throw std::runtime_error("opening a test database: " + store.error().message);
    return std::move(store).value();
  }
  // The URL of a new database with the schema.
  std::string fresh_url() {
    std::lock_guard lock(mu_);
    std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++count_);
    must(admin_->engine().exec(("CREATE DATABASE " + name + " TEMPLATE " + template_).c_str()));
    return url_of(name);
  }
  std::string url_of(const std::string& db) const { return base_ + db; }

 private:
  PgServer() {
    std::string url;
    if (const char* given = std::getenv("TISKI_TEST_PG_URL")) {
      url = given;
    } else {
      cluster_ = std::make_unique<PgCluster>(/*fsync=*/false);  // thrown away: no need to sync
      url = cluster_->url();
      std::atexit([] { get().stop(); });
    }
    base_ = url.substr(0, url.rfind('/') + 1);
    auto admin = PgStore::open(url);
    if (!admin) throw std::runtime_error("PostgreSQL at " + url + ": " + admin.error().message);
    admin_ = std::move(admin).value();
    template_ = "tmpl" + std::to_string(::getpid());
    must(admin_->engine().exec(("CREATE DATABASE " + template_).c_str()));
    // Migrated once, then closed: a template must have no connection while it is copied.
    auto migrated = PgStore::open(url_of(template_));
    if (!migrated) throw std::runtime_error("migrating the template: " + migrated.error().message);
  }
  void stop() {
    admin_.reset();
    cluster_.reset();
  }
  static void must(const Status& s) {
    if (!s) throw std::runtime_error(s.error().message);
  }

  std::mutex mu_;
  std::unique_ptr<PgCluster> cluster_;  // the server, when started here
  std::string base_;                    // postgresql://user@host:port/
  std::string template_;
  std::unique_ptr<SqlStore> admin_;
  int count_ = 0;
};

}  // namespace tiski::testing
