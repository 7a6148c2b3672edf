// What a file sent into a conversation may be (docs/attachments.md): a tenant's policy (largest
// file, file types allowed), the type a file is taken to be, and the checks made before it is
// kept — an image must decode (stb_image, from Debian's libstb) within a pixel budget before it
// is ever shown inline; everything else is only ever downloaded.
//
// A file's type comes from its name's extension, confirmed by its first bytes where the format
// has a signature; what the sender declared is never trusted for how it is served.
//
// Threading: pure functions (the image decode allocates up to kMaxPixels * 4 bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace tiski::attachments {

// The largest file anyone may send, whatever a tenant allows (an email at most is 20 MB).
inline constexpr std::int64_t kMaxFileBytes = 20'000'000;
inline constexpr std::int64_t kDefaultMaxBytes = 10'000'000;
inline constexpr std::int64_t kMinMaxBytes = 100'000;
// Files in one message (an email may carry more: the rest are listed as refused).
inline constexpr std::size_t kMaxFilesPerMessage = 10;
inline constexpr std::size_t kMaxNameBytes = 200;
// An image shown inline decodes to at most this many pixels (and 10,000 on a side).
inline constexpr std::int64_t kMaxPixels = 24'000'000;
inline constexpr int kMaxSide = 10'000;

// The default types: pictures, documents, spreadsheets, text, archives, emails and web pages.
inline constexpr std::string_view kDefaultTypes =
    "jpg jpeg png gif webp heic pdf txt csv doc docx xls xlsx ppt pptx odt ods odp rtf zip eml htm html svg";

struct Policy {
  std::int64_t max_bytes = kDefaultMaxBytes;
  std::vector<std::string> types;  // extensions, lower case, sorted; "*" = any
  // "max=10000000;types=jpg png pdf" (the stored text form; "" = the defaults).
  std::string text() const;
  bool allows(std::string_view extension) const;
};
// The stored text form, or bad_request naming what is wrong. "" gives the defaults.
Result<Policy> parse_policy(std::string_view text);
// The tenant's stored policy, the defaults when unreadable.
Policy stored_policy(std::string_view text);

// A file's name as kept: the last path segment, control characters and quotes replaced, at
// most kMaxNameBytes (cut at a character, the extension kept); "liite" when nothing is left.
std::string clean_name(std::string_view name);
// The extension of a name, lower case, without the dot ("" when none).
std::string extension_of(std::string_view name);

struct Checked {
  std::string name;    // clean_name
  std::string type;    // the MIME type it is served as
  bool image = false;  // a picture that decoded: may be shown inline
  int width = 0, height = 0;
};
// Checks a file against the policy: too_large over its size, bad_request (naming the type) for
// a type not allowed, bad_request for a picture (jpg, jpeg, png, gif) that does not decode or
// whose signature says otherwise. Types whose browsers could run them (html, svg, …) are
// fine to keep: they are never served inline.
Result<Checked> check(std::string_view name, std::string_view bytes, const Policy& policy);

// Whether a stored type may be shown in the browser (decoded pictures only); everything else is
// served with Content-Disposition: attachment.
bool inline_type(std::string_view type);

}  // namespace tiski::attachments
