// A PostgreSQL for the tests: one server per test process, started on first use with
// scripts/services.sh (initdb into a temporary directory, a free port on 127.0.0.1, fsync off:
// the data is thrown away) and stopped when the process exits; or the server TISKI_TEST_PG_URL
// names. Each fresh() is a new empty database, copied from a template migrated once.
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
      char tmpl[] = "/tmp/tiski-pg-XXXXXX";
      if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
      dir_ = tmpl;
      std::string cmd = "PG_FSYNC=off " TISKI_SOURCE_DIR "/scripts/services.sh start " + dir_ + " pg >/dev/null";
      if (std::system(cmd.c_str()) != 0) throw std::runtime_error("starting PostgreSQL failed (" + dir_ + ")");
      std::ifstream env(dir_ + "/env");
      for (std::string line; std::getline(env, line);) {
        auto at = line.find("TISKI_PG_URL=");
        if (at != std::string::npos) url = line.substr(at + 13);
      }
      while (!url.empty() && (url.back() == '"' || url.back() == '\'')) url.pop_back();
      if (!url.empty() && (url.front() == '"' || url.front() == '\'')) url.erase(0, 1);
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
    if (dir_.empty()) return;
    std::string cmd = TISKI_SOURCE_DIR "/scripts/services.sh stop " + dir_ + " >/dev/null 2>&1";
    (void)std::system(cmd.c_str());
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  static void must(const Status& s) {
    if (!s) throw std::runtime_error(s.error().message);
  }

  std::mutex mu_;
  std::string dir_;   // the server's directory when started here
  std::string base_;  // postgresql://user@host:port/
  std::string template_;
  std::unique_ptr<SqlStore> admin_;
  int count_ = 0;
};

}  // namespace tiski::testing
