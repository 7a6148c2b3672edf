// Web origins (scheme, host, port) as browsers send them in the Origin header, made comparable,
// and the lists of origins a site's widget may run on. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tiski {

// An origin made comparable: scheme and host in lower case, the default port dropped, no path.
// "" if it is not an http(s) origin.
std::string normal_origin(std::string_view o);

// An entry of a site's list as an admin types it ("eramaa.fi", "https://www.eramaa.fi/",
// "https://*.eramaa.fi") in its normal form ("https://eramaa.fi", "https://*.eramaa.fi"): https
// when no scheme is given, any path dropped. "" when it names no origin.
std::string normal_origin_entry(std::string_view entry);

// Whether `origin` (as sent, any form) is on the list of normal entries: equal to one, or a
// subdomain of a "*." entry with its scheme and port. Any origin when the list is empty.
bool origin_allowed(const std::vector<std::string>& allowed, std::string_view origin);

}  // namespace tiski
