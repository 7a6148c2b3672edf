// The proactive rules parser (JSON a site admin submits): refuses or accepts, never crashes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chat/rules/rules.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r = tiski::rules::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!r && r.error().code != tiski::Errc::kBadRequest) __builtin_trap();
  return 0;
}
