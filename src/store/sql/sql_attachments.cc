// The SQL records of attachments (migration 29): each kept file's owner (tenant,
// conversation, an internal note's or not) and content hash. The bytes are on disk
// (chat/attachments/files.h); which hashes no row refers to any more decides when they go.
#include "store/sql/sql_internal.h"

namespace tiski {
namespace {

#define ATTACHMENT_COLUMNS \
  "id, tenant_id, conversation_id, internal, sha256, name, type, size, image, width, height, created_at"
Attachment read_attachment(auto& q) {
  Attachment a;
  a.id = q.i64(0);
  a.tenant_id = q.i64(1);
  a.conv_id = q.i64(2);
  a.internal = q.i64(3) != 0;
  a.sha256 = q.text(4);
  a.name = q.text(5);
  a.type = q.text(6);
  a.size = q.i64(7);
  a.image = q.i64(8) != 0;
  a.width = static_cast<int>(q.i64(9));
  a.height = static_cast<int>(q.i64(10));
  a.created_at = q.i64(11);
  return a;
}

}  // namespace

Result<Attachment> SqlStore::add_attachment(const Attachment& a) {
  PREPARE(q,
          "INSERT INTO attachments(tenant_id, conversation_id, internal, sha256, name, type, size, image, width, "
          "height, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " ATTACHMENT_COLUMNS);
  if (q.bind(a.tenant_id, a.conv_id, a.internal ? 1 : 0, a.sha256, a.name, a.type, a.size, a.image ? 1 : 0, a.width,
             a.height, a.created_at)
          .step() != kRow)
    return q.error("keeping an attachment");
  return read_attachment(q);
}

Result<Attachment> SqlStore::attachment(Id id) {
  PREPARE(q, "SELECT " ATTACHMENT_COLUMNS " FROM attachments WHERE id = ?");
  int rc = q.bind(id).step();
  if (rc == kDone) return Error::not_found("no such file");
  if (rc != kRow) return q.error("reading an attachment");
  return read_attachment(q);
}

Result<bool> SqlStore::is_email_body(Id conv_id, Id file_id) {
  PREPARE(q,
          "SELECT files FROM messages WHERE conversation_id = ? AND author = 'visitor' AND files LIKE "
          "'%\"body\":true%' ORDER BY seq DESC LIMIT 1000");
  q.bind(conv_id);
  int rc = 0;
  bool found = false;
  while (!found && (rc = q.step()) == kRow) {
    for (const auto& f : files_from_text(q.text(0))) found = found || (f.body && f.id == file_id);
  }
  if (!found && rc != kDone) return q.error("reading an email's files");
  return found;
}

Status SqlStore::remove_attachments(const std::vector<Id>& ids, Millis now) {
  if (ids.empty()) return {};
  PREPARE(q,
          "INSERT INTO file_sweeps(tenant_id, sha256, at) SELECT DISTINCT tenant_id, sha256, ? FROM attachments "
          "WHERE id IN (SELECT value FROM json_each(?)) ON CONFLICT(tenant_id, sha256) DO UPDATE SET at = excluded.at");
  if (q.bind(now, ids_json(ids)).step() != kDone) return q.error("marking files to sweep");
  PREPARE(d, "DELETE FROM attachments WHERE id IN (SELECT value FROM json_each(?))");
  if (d.bind(ids_json(ids)).step() != kDone) return d.error("removing attachments");
  return {};
}

Status SqlStore::sweep_later(const FileKey& file, Millis now) {
  PREPARE(q,
          "INSERT INTO file_sweeps(tenant_id, sha256, at) VALUES(?, ?, ?) "
          "ON CONFLICT(tenant_id, sha256) DO UPDATE SET at = excluded.at");
  if (q.bind(file.tenant_id, file.sha256, now).step() != kDone) return q.error("marking a file to sweep");
  return {};
}

Result<std::vector<FileKey>> SqlStore::files_to_sweep(Millis before, std::size_t limit) {
  PREPARE(
      q,
      "DELETE FROM file_sweeps WHERE (tenant_id, sha256) IN (SELECT tenant_id, sha256 FROM file_sweeps WHERE at < ? "
      "LIMIT ?) "
      "RETURNING tenant_id, sha256");
  q.bind(before, static_cast<std::int64_t>(limit));
  std::vector<FileKey> marked;
  int rc = 0;
  while ((rc = q.step()) == kRow) marked.push_back({q.i64(0), q.text(1)});
  if (rc != kDone) return q.error("finding files to sweep");
  std::vector<FileKey> out;
  for (auto& k : marked)
    if (!TRY(file_referenced(k.tenant_id, k.sha256))) out.push_back(std::move(k));
  return out;
}

Result<std::vector<Attachment>> SqlStore::conversation_attachments(Id conv_id, std::size_t limit) {
  PREPARE(q, "SELECT " ATTACHMENT_COLUMNS " FROM attachments WHERE conversation_id = ? ORDER BY id LIMIT ?");
  q.bind(conv_id, static_cast<std::int64_t>(limit));
  std::vector<Attachment> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_attachment(q));
  if (rc != kDone) return q.error("listing attachments");
  return out;
}

Result<bool> SqlStore::file_referenced(Id tenant_id, std::string_view sha256) {
  PREPARE(q, "SELECT 1 FROM attachments WHERE tenant_id = ? AND sha256 = ? LIMIT 1");
  int rc = q.bind(tenant_id, sha256).step();
  if (rc == kRow) return true;
  if (rc != kDone) return q.error("looking for an attachment");
  return false;
}

}  // namespace tiski
