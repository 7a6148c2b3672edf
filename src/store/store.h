// The storage interface of Tiski: every back end (SQLite now, PostgreSQL later) implements
// the repositories (repositories.h), and the conformance suites (*_conformance_test.cc) run
// against each.
//
//   Store     = all repositories: what a store job sees. It cannot begin or commit: the job
//               runs inside the transaction of its batch (store_worker.h).
//   Database  = a Store plus the transaction verbs, for the one owner of the connection (the
//               StoreWorker thread, or an admin command through in_transaction()).
//
// Threading: NOT thread-safe. Exactly one thread uses a Database at a time — in the server
// the StoreWorker's, which wraps batches of jobs in one transaction (group commit) and each job
// in a savepoint.
//
// Failure: every method returns Result/Status. Constraint violations map to conflict
// (duplicate slug or email, a second open conversation) or not_found (a missing row); I/O and
// SQL errors map to internal. A failed call inside a job leaves the job's savepoint to be rolled
// back by the worker.
#pragma once

#include <functional>

#include <boost/json/object.hpp>

#include "store/repositories.h"

namespace tiski {

class Store : public DirectoryRepo,
              public SessionRepo,
              public AuditRepo,
              public BlockRepo,
              public IntegrationRepo,
              public PrivacyRepo,
              public VisitorRepo,
              public ContactRepo,
              public ConversationRepo,
              public AttachmentRepo,
              public OutboxRepo,
              public InvitationRepo,
              public ConversionRepo,
              public EventRepo,
              public DeskRepo {
 public:
  ~Store() override = default;
};

class Database : public Store {
 public:
  // begin/commit/rollback wrap a batch; savepoint/release/rollback_to wrap one job inside
  // it. Nesting beyond that is not supported.
  virtual Status begin() = 0;
  // A read-only batch (a report worker's): a consistent snapshot that takes no write lock.
  virtual Status begin_read() { return begin(); }
  virtual Status commit() = 0;
  virtual Status rollback() = 0;
  virtual Status savepoint() = 0;
  virtual Status release() = 0;
  virtual Status rollback_to() = 0;
};

// Runs `fn` in one transaction of its own: committed if it succeeds, rolled back if not.
// For admin commands and start-up; the server's work goes through the StoreWorker.
template <class T>
Result<T> in_transaction(Database& db, const std::function<Result<T>(Store&)>& fn) {
  TRY_OK(db.begin());
  auto r = fn(db);
  if (!r) {
    (void)db.rollback();
    return r;
  }
  if (auto c = db.commit(); !c) {
    (void)db.rollback();
    return c.error();
  }
  return r;
}

// A message's file as JSON ({id, name, size, type?, image?, w?, h?, refused?, body?}): how it is
// kept beside the message (files_text) and sent in the protocol's FileRef.
boost::json::object file_object(const FileRef& f);

}  // namespace tiski
