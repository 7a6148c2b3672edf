// tiski backup, restore, check (docs/operations.md) and copy-to-postgres (docs/scaling.md). They work on the files, not
// through a Store: check and backup never migrate, and backup runs beside a serving server.
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "app/data_dir.h"
#include "store/pg/copy.h"
#include "store/pg/pg_engine.h"
#include "store/sqlite/backup.h"

namespace tiski::cli {
namespace {

namespace fs = std::filesystem;

std::string db_of(const std::string& dir) { return (fs::path(dir) / "tiski.db").string(); }

int run_backup(const std::string& dir, const std::string& to) {
  if (auto s = sqlite::backup(db_of(dir), to); !s) return fail(s.error().message);
  auto report = sqlite::check(to);
  if (!report) return fail(report.error().message);
  std::cout << "backup of " << dir << " written to " << to << " (schema " << report->schema_version;
  for (const auto& [table, n] : report->counts) std::cout << ", " << n << " " << table;
  std::cout << ")\n";
  return 0;
}

int run_restore(const std::string& dir, const std::string& from) {
  auto lock = lock_data_dir(dir);
  if (!lock) return fail(lock.error().message + "; stop it first");
  auto report = sqlite::check(from);
  if (!report) return fail(report.error().message);
  for (const auto& p : report->problems) {
    if (report->schema_version > report->schema_latest || p.starts_with("integrity") || p.starts_with("orphan"))
      return fail("refusing to restore " + from + ": " + p);
  }
  if (report->schema_version == 0) return fail(from + " is not a Tiski database");
  std::string incoming = db_of(dir) + ".restoring";
  std::error_code ec;
  fs::remove(incoming, ec);
  if (auto s = sqlite::backup(from, incoming); !s) return fail(s.error().message);
  if (fs::exists(db_of(dir))) {  // the current database is kept, never overwritten
    auto kept = backup_into_dir(dir, "replaced");
    if (!kept) return fail(kept.error().message);
    std::cout << "the database it replaces was kept in " << *kept << "\n";
  }
  for (const char* name :
       {"tiski.db", "tiski.db-wal", "tiski.db-shm", "reports.db", "reports.db-wal", "reports.db-shm"})
    fs::remove(fs::path(dir) / name, ec);
  fs::rename(incoming, db_of(dir), ec);
  if (ec) return fail("cannot move the restored database into place: " + ec.message());
  std::cout << "restored " << from << " into " << dir << " (schema " << report->schema_version << " of "
            << report->schema_latest << "; reports are rebuilt at the next start)\n";
  return 0;
}

int run_check(const std::string& dir) {
  auto report = sqlite::check(db_of(dir));
  if (!report) return fail(report.error().message);
  std::cout << "schema version " << report->schema_version << " of " << report->schema_latest << "\n";
  for (const auto& [table, n] : report->counts) std::cout << table << ": " << n << "\n";
  for (const auto& p : report->problems) std::cout << "problem: " << p << "\n";
  std::cout << (report->problems.empty() ? "ok\n" : "not ok\n");
  return report->problems.empty() ? 0 : 1;
}

// backup, restore and check work on tiski.db: with a PostgreSQL store they say so and stop.
bool sqlite_only(const Cli& cli) {
  if (cli.store_url.empty()) return true;
  fail(
      "backup, restore and check work on the SQLite file of --data; a PostgreSQL store is backed up with "
      "PostgreSQL's own tools (pg_dump, base backups)");
  return false;
}

int run_copy(const std::string& dir, const std::string& url) {
  if (!is_postgres_url(url)) return fail("--store must name the PostgreSQL database to copy into (postgres://...)");
  auto report = pg::copy_sqlite(db_of(dir), url);
  if (!report) return fail(report.error().message);
  for (const auto& [table, n] : report->tables) std::cout << table << ": " << n << "\n";
  std::cout << "copied " << report->rows << " rows of " << report->tables.size() << " tables from " << db_of(dir)
            << "; every table counted on both sides\n";
  return 0;
}

}  // namespace

void add_ops_commands(CLI::App& app, Cli& cli) {
  auto to = std::make_shared<std::string>();
  auto* backup = app.add_subcommand("backup", "copy the database while the server runs (one consistent snapshot)");
  add_data_option(backup, cli);
  backup->add_option("--to", *to, "the new backup file")->required();
  backup->callback(
      [&cli, to] { cli.run = [&cli, to] { return sqlite_only(cli) ? run_backup(cli.data_dir, *to) : 1; }; });

  auto from = std::make_shared<std::string>();
  auto* restore = app.add_subcommand("restore", "put a backup back (the server must be stopped)");
  add_data_option(restore, cli);
  restore->add_option("--from", *from, "the backup file")->required();
  restore->callback(
      [&cli, from] { cli.run = [&cli, from] { return sqlite_only(cli) ? run_restore(cli.data_dir, *from) : 1; }; });

  auto* check = app.add_subcommand("check", "verify a data directory: integrity, schema version, orphans");
  add_data_option(check, cli);
  check->callback([&cli] { cli.run = [&cli] { return sqlite_only(cli) ? run_check(cli.data_dir) : 1; }; });

  auto* copy = app.add_subcommand(
      "copy-to-postgres", "copy a data directory's SQLite database into an empty PostgreSQL database (--store)");
  add_data_option(copy, cli);
  copy->callback([&cli] { cli.run = [&cli] { return run_copy(cli.data_dir, cli.store_url); }; });
}

}  // namespace tiski::cli
