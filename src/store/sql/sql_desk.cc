// The SQL DeskRepo: canned answers.
#include "store/sql/sql_internal.h"

namespace tiski {
namespace {

#define CANNED_COLUMNS "id, tenant_id, shortcut, title, text_fi, text_sv, text_en, updated_at"

CannedAnswer read_canned(auto& q) {
  return CannedAnswer{q.i64(0), q.opt(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.i64(7)};
}

}  // namespace

Result<std::vector<CannedAnswer>> SqlStore::canned_answers(Id tenant_id, Id after_id, std::size_t limit) {
  PREPARE(q, "SELECT " CANNED_COLUMNS
             " FROM canned_answers WHERE (tenant_id = ? OR tenant_id IS NULL) AND id > ? "
             "ORDER BY id LIMIT ?");
  q.bind(tenant_id, after_id, static_cast<std::int64_t>(limit));
  std::vector<CannedAnswer> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_canned(q));
  if (rc != kDone) return q.error("listing canned answers");
  return out;
}

Result<CannedAnswer> SqlStore::canned_answer(Id id) {
  PREPARE(q, "SELECT " CANNED_COLUMNS " FROM canned_answers WHERE id = ?");
  int rc = q.bind(id).step();
  if (rc == kDone) return Error::not_found("no such canned answer");
  if (rc != kRow) return q.error("reading a canned answer");
  return read_canned(q);
}

Result<std::int64_t> SqlStore::count_canned_answers(std::optional<Id> tenant_id) {
  PREPARE(q, "SELECT count(*) FROM canned_answers WHERE IFNULL(tenant_id, 0) = ?");
  if (q.bind(tenant_id.value_or(0)).step() != kRow) return q.error("counting canned answers");
  return q.i64(0);
}

Result<CannedAnswer> SqlStore::save_canned_answer(const CannedAnswer& a) {
  // A clash is told by its shortcut: the unique index would only say "constraint failed".
  {
    PREPARE(q, "SELECT id FROM canned_answers WHERE IFNULL(tenant_id, 0) = ? AND shortcut = ? AND id != ?");
    int rc = q.bind(a.tenant_id.value_or(0), a.shortcut, a.id).step();
    if (rc == kRow) return Error::conflict("the shortcut /" + a.shortcut + " is already in use");
    if (rc != kDone) return q.error("checking a shortcut");
  }
  if (a.id == 0) {
    PREPARE(q,
            "INSERT INTO canned_answers(tenant_id, shortcut, title, text_fi, text_sv, text_en, updated_at) "
            "VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING " CANNED_COLUMNS);
    if (q.bind(a.tenant_id, a.shortcut, a.title, a.fi, a.sv, a.en, a.updated_at).step() != kRow)
      return q.error("saving a canned answer");
    return read_canned(q);
  }
  PREPARE(q,
          "UPDATE canned_answers SET shortcut = ?, title = ?, text_fi = ?, text_sv = ?, text_en = ?, "
          "updated_at = ? WHERE id = ? AND IFNULL(tenant_id, 0) = ? RETURNING " CANNED_COLUMNS);
  int rc = q.bind(a.shortcut, a.title, a.fi, a.sv, a.en, a.updated_at, a.id, a.tenant_id.value_or(0)).step();
  if (rc == kDone) return Error::not_found("no such canned answer");
  if (rc != kRow) return q.error("saving a canned answer");
  return read_canned(q);
}

Status SqlStore::delete_canned_answer(Id id) {
  PREPARE(q, "DELETE FROM canned_answers WHERE id = ?");
  if (q.bind(id).step() != kDone) return q.error("deleting a canned answer");
  if (changes() == 0) return Error::not_found("no such canned answer");
  return {};
}

}  // namespace tiski
