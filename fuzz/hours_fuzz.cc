// The business-hours parser. Beyond not crashing: what it accepts prints to a text that parses
// to the same text again (the stored form is stable).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chat/presence/hours.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto h = tiski::parse_hours(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!h) {
    if (h.error().code != tiski::Errc::kBadRequest) __builtin_trap();
    return 0;
  }
  auto text = h->text();
  auto again = tiski::parse_hours(text);
  if (!again || again->text() != text) __builtin_trap();
  return 0;
}
