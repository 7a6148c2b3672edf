// Conversions: the orders and leads a shop reports — from the page through the widget
// (tiski('track', 'order', {...})) or from its server through the signed server-to-server call
// (POST /api/sites/{key}/conversions) — stored idempotently by the shop's id and credited, last
// touch, to the visitor's last answered chat within the tenant's attribution window (the store
// does the crediting in the same transaction: ConversionRepo::record_conversion). Recorded as
// conversion.recorded. docs/metrics.md defines what the reports make of them.
//
// Threading: the domain thread; the jobs run on the store thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "chat/core/jobs.h"

namespace tiski {

namespace conversions {

// An ISO 4217 code in use (EUR, SEK, USD...).
bool known_currency(std::string_view code);

// What a shop reports, before it is checked.
struct Report {
  std::string kind;  // "order" or "lead"
  std::string ref;   // the shop's id
  std::int64_t cents = 0;
  std::string currency;
};
// The report checked: a known kind, an id of 1..kMaxOrderIdBytes printable bytes, a value of
// 0..kMaxConversionCents, an order's (or a valued lead's) currency a known ISO 4217 code.
// bad_request naming the problem otherwise.
Status check(const Report& r);
// A money amount in major units (129.90) as hundredths, or bad_request for a negative, too
// large or non-finite one.
Result<std::int64_t> cents_of(double value);

// The server-to-server signature: `signature` is "sha256=" + hex(HMAC-SHA256(secret,
// timestamp + "." + body)) and `timestamp` (Unix seconds) within kSignatureWindowMs of now.
// unauthorized naming what is wrong (missing, stale, not matching).
Status check_signature(std::string_view secret, std::string_view timestamp, std::string_view signature,
                       std::string_view body, Millis now);
// The header value check_signature expects (for clients, tests and the docs' examples).
std::string sign(std::string_view secret, std::string_view timestamp, std::string_view body);

}  // namespace conversions

class Conversions {
 public:
  Conversions(Jobs& jobs) : jobs_(jobs) {}
  // Stores a checked report of the site's (from the visitor, if known) with source "widget"
  // or "api". The answer tells whether it was a duplicate.
  void record(Id tenant, Id site, std::optional<Id> visitor, conversions::Report r, std::string source,
              std::function<void(Result<Recorded>)> done);

 private:
  Jobs& jobs_;
};

}  // namespace tiski
