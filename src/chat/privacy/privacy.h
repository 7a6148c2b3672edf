// Privacy (docs/privacy.md): a person's data out (export) and erased, and each tenant's
// retention period applied in the background.
//
// Threading: everything here runs on the store thread (store jobs).
#pragma once

#include <boost/json/object.hpp>

#include "chat/attachments/files.h"
#include "store/store.h"

namespace tiski::privacy {

inline constexpr std::size_t kExportConversations = 200;
inline constexpr std::size_t kExportMessages = 1000;  // per conversation
inline constexpr std::size_t kExportPages = 500;      // per visitor, all visits, newest
inline constexpr std::size_t kExportOrders = 500;     // orders and leads per visitor, newest
inline constexpr std::size_t kExportLines = 20'000;   // in the whole export
inline constexpr std::size_t kExportFiles = 200;      // per conversation
// Files' bytes in one export (base64 in the JSON); those beyond are listed without content.
inline constexpr std::int64_t kExportFileBytes = 20'000'000;
inline constexpr int kMinRetentionDays = 30;
inline constexpr int kMaxRetentionDays = 3650;

// Everything Tiski keeps of these visitors of the tenant, as one JSON document: the visitors,
// their identity (tiski('identify')), pages and cart, the orders and leads the shop tied to
// them, their conversations with the lines they saw (not agents' internal notes), their
// contact details and survey answers. Bounded: at most
// kExportConversations conversations of kExportMessages lines each, kExportLines in all;
// "truncated" says when cut.
// Their files (not internal notes') are included with their bytes, base64, up to
// kExportFileBytes in all.
Result<boost::json::object> export_visitors(Store& st, Id tenant, const std::vector<Id>& visitors, Millis now,
                                            const attachments::Files* files = nullptr);

// Erases the visitors' personal data (PrivacyRepo::erase_visitors) and purges it from the files;
// `changed` gets the erased conversations as they are now (at most 200), for the consoles.
Result<Erased> erase(Store& st, Id tenant, const std::vector<Id>& visitors, Millis now,
                     std::vector<Conversation>* changed = nullptr);

boost::json::object erased_json(const Erased& e);

// One background round of retention: erases up to `limit` conversations past their tenant's
// retention period; purges the files when a catch-up ends. The number erased.
class Retention {
 public:
  Result<std::size_t> round(Store& st, std::size_t limit, Millis now);

 private:
  static constexpr Millis kPagesEveryMs = 3'600'000;
  static constexpr Millis kPurgeEveryMs = 600'000;
  bool dirty_ = false;  // conversations erased since the last purge
  Millis last_pages_ = 0;
  Millis last_purge_ = 0;
};

}  // namespace tiski::privacy
