#include "chat/gateway/identity.h"

#include <algorithm>
#include <cctype>

#include "util/crypto.h"
#include "util/limits.h"
#include "util/text.h"

namespace tiski {
namespace {

// One line of printable text (no control characters) of at most `max` bytes.
bool one_line(std::string_view s, std::size_t max) {
  return s.size() <= max &&
         std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

std::string identity_hash(std::string_view site_secret, std::string_view customer_id) {
  return crypto::hex(crypto::hmac_sha256(site_secret, customer_id));
}

Result<VisitorIdentity> check_identity(const Site& site, const proto::IdentityIn& in) {
  if (in.id.empty() || !one_line(in.id, kMaxIdentityIdBytes))
    return Error::bad_request("identify: 'id' must be 1-200 bytes of text");
  // The shop's name and email for the customer, without bidirectional controls (they would
  // reorder what the agent reads).
  VisitorIdentity who{in.id, without_bidi(in.name.value_or("")), without_bidi(in.email.value_or("")), false};
  if (!one_line(who.name, 100)) return Error::bad_request("identify: 'name' must be one line of at most 100 bytes");
  if (!one_line(who.email, limits::kMaxEmailBytes) || (!who.email.empty() && who.email.find('@') == std::string::npos))
    return Error::bad_request("identify: 'email' must be an email address");
  std::string want = identity_hash(site.secret, in.id);
  std::string got = in.hash.value_or("");
  std::transform(got.begin(), got.end(), got.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  who.verified = got.size() == want.size() && crypto::equal_ct(got, want);
  if (!who.verified && site.identity_required) {
    return Error::unauthorized(in.hash ? "identify: the hash does not match this site's secret"
                                       : "identify: this site accepts only verified identities (a 'hash')");
  }
  return who;
}

}  // namespace tiski
