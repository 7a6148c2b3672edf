// The WebSocket reader (net/ws/frames.h) on any bytes a client may send: no crash, no read out
// of bounds, and the same events whether the bytes come at once, split in two anywhere or one
// byte at a time. The first input byte picks the split; the message limit is small so that
// "too big" is reached too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "net/ws/frames.h"
#include "util/utf8.h"

namespace {

struct Seen {
  int kind;
  bool text;
  std::string payload;
  std::uint16_t code;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> run(std::string bytes, std::size_t step_or_cut, bool steps) {
  tiski::ws::Reader r(4096);
  std::vector<Seen> seen;
  bool ended = false;
  auto on = [&](const tiski::ws::Event& e) {
    if (ended) __builtin_trap();  // nothing after a close or an error
    if (e.kind == tiski::ws::Event::Kind::kClose || e.kind == tiski::ws::Event::Kind::kError) ended = true;
    if (e.kind == tiski::ws::Event::Kind::kMessage && e.text && !tiski::valid_utf8(e.payload)) __builtin_trap();
    if (e.payload.size() > 4096) __builtin_trap();
    seen.push_back({static_cast<int>(e.kind), e.text, std::string(e.payload), e.code});
  };
  std::size_t at = 0;
  if (steps) {
    std::size_t step = step_or_cut == 0 ? 1 : step_or_cut;
    while (at < bytes.size()) {
      std::size_t n = std::min(step, bytes.size() - at);
      r.feed(std::span<char>(bytes.data() + at, n), on);
      at += n;
      if (r.held() > 4096 + 4096 + 256) __builtin_trap();  // bounded by the limit
    }
  } else {
    std::size_t cut = std::min(step_or_cut, bytes.size());
    r.feed(std::span<char>(bytes.data(), cut), on);
    r.feed(std::span<char>(bytes.data() + cut, bytes.size() - cut), on);
  }
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto whole = run(bytes, bytes.size(), false);
  if (run(bytes, data[0] % (bytes.size() + 1), false) != whole) __builtin_trap();
  if (run(bytes, 1 + data[0] % 7, true) != whole) __builtin_trap();
  return 0;
}
