// The shop's logged-in customer in a visitor's hello (tiski('identify', ...),
// docs/integrations.md): checked against the site's secret. hash is the hex HMAC-SHA256 of the
// customer id with the secret, computed on the shop's server; a match makes the identity
// verified. A site that requires verification refuses any other (unauthorized); elsewhere an
// unverified identity is kept as what the page said. Pure; thread-safe.
#pragma once

#include "chat/protocol_types_gen.h"
#include "store/store.h"

namespace tiski {

inline constexpr std::size_t kMaxIdentityIdBytes = 200;

Result<VisitorIdentity> check_identity(const Site& site, const proto::IdentityIn& in);

// The hex HMAC-SHA256 the shop's server computes (for tests and docs).
std::string identity_hash(std::string_view site_secret, std::string_view customer_id);

}  // namespace tiski
