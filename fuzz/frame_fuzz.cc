// Frame decoding of both channels against the generated protocol: any bytes a client can send
// must give a typed frame or a bad_request error, never a crash, a hang or an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chat/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = tiski::proto::decode_visitor_client(text);
  if (!v && v.error().code != tiski::Errc::kBadRequest) __builtin_trap();
  auto a = tiski::proto::decode_agent_client(text);
  if (!a && a.error().code != tiski::Errc::kBadRequest) __builtin_trap();
  return 0;
}
