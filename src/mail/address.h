// Email addresses as Tiski accepts them: from the leave-a-message form, for agents, and in
// SMTP envelopes and headers. Deliberately narrower than RFC 5322 so that an accepted address
// is always safe to put in a header (no spaces, quotes, CR/LF, commas or angle brackets):
//   local part: dot-atom (letters, digits and !#$%&'*+/=?^_`{|}~- ; dots not first, last or
//     doubled), at most limits::kMaxEmailLocalBytes;
//   domain: two or more labels of letters, digits and '-', none starting or ending with '-',
//     each at most 63; the last one alphabetic and at least two letters (IDNs as punycode);
//   the whole at most limits::kMaxEmailBytes. ASCII only.
#pragma once

#include <string_view>

#include "util/error.h"

namespace tiski::mail {

// bad_request naming what is wrong, in words a visitor can act on.
Status check_address(std::string_view addr);
inline bool valid_address(std::string_view addr) { return check_address(addr).ok(); }

}  // namespace tiski::mail
