// RFC 6455 framing, the server's side: a Reader that turns the bytes a client sent — in any
// pieces — into messages and control frames, and the headers of the frames the server sends.
// No extensions are negotiated (no compression), so every RSV bit must be 0.
//
// Why not Beast's websocket::stream: it keeps a fixed 1,536-byte read buffer and a pending
// composed read with its timer in every connection, ~4 KB for an idle visitor who sends nothing
// (docs/performance.md, "Idle visitor connections"). The Reader is 48 bytes between
// reads; bytes arrive in a buffer the I/O thread lends for the read, and only an unfinished
// frame is copied out of it. Pure, no I/O: fuzzed (fuzz/ws_fuzz.cc) and tested with every
// split of its input (frames_test.cc).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace tiski::ws {

enum class Opcode : std::uint8_t { kContinuation = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10 };

// Close codes (RFC 6455 7.4.1).
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseGoingAway = 1001;
inline constexpr std::uint16_t kCloseProtocolError = 1002;
inline constexpr std::uint16_t kCloseNoStatus = 1005;  // received without a code; never sent
inline constexpr std::uint16_t kCloseInvalidPayload = 1007;
inline constexpr std::uint16_t kClosePolicy = 1008;
inline constexpr std::uint16_t kCloseTooBig = 1009;
inline constexpr std::uint16_t kCloseServiceRestart = 1012;

// One thing the reader found. Views point into the bytes given to feed() or into the reader's
// own storage: valid only inside the callback.
struct Event {
  enum class Kind : std::uint8_t { kMessage, kPing, kPong, kClose, kError };
  Kind kind = Kind::kMessage;
  bool text = false;         // kMessage: a text message (else binary)
  std::string_view payload;  // the message; a ping's or pong's data; a close's reason
  std::uint16_t code = 0;    // kClose: the client's code (kCloseNoStatus without one);
                             // kError: the code to close the connection with
  std::string_view why;      // kError: what was wrong (a string literal)
};

class Reader {
 public:
  // `max_message`: the largest message (all its fragments) accepted; larger is kCloseTooBig.
  explicit Reader(std::size_t max_message) : max_(max_message) {}

  // Reads `bytes` (unmasked in place) and calls `on(const Event&)` for each message and
  // control frame completed in them, in order. After a close or an error it reads nothing
  // more: the connection is ending. A frame not complete yet is kept for the next call.
  template <class F>
  void feed(std::span<char> bytes, F&& on) {
    using Fn = std::remove_reference_t<F>;
    feed_impl(
        bytes, [](void* f, const Event& e) { (*static_cast<Fn*>(f))(e); },
        const_cast<void*>(static_cast<const void*>(&on)));
  }

  bool done() const { return done_; }
  // Bytes held between calls (an unfinished frame or message): for the tests' leak checks.
  std::size_t held() const;

 private:
  using Sink = void (*)(void*, const Event&);
  void feed_impl(std::span<char> bytes, Sink sink, void* ctx);
  // Header bytes in hdr_ complete: checks them; false (after an error event) if they are bad.
  bool begin_frame(Sink sink, void* ctx);
  void end_frame(std::string_view payload, Sink sink, void* ctx);
  void fail(std::uint16_t code, std::string_view why, Sink sink, void* ctx);
  void unmask(char* p, std::size_t n);

  std::size_t max_;
  // What waits for more bytes, allocated only then: an idle reader holds a null pointer.
  struct Held {
    std::string message;  // a fragmented message so far, or a frame split across reads
    std::string control;  // a control frame's payload split across reads
  };
  std::string& store(bool control);
  void release(bool control);
  std::unique_ptr<Held> held_;
  std::uint64_t remaining_ = 0;  // payload bytes of the current frame still to come
  std::array<std::uint8_t, 14> hdr_{};
  std::uint8_t hdr_len_ = 0;
  std::uint8_t mask_pos_ = 0;
  Opcode opcode_ = Opcode::kContinuation;  // of the current frame
  bool in_payload_ = false;
  bool fin_ = false;
  bool in_message_ = false;  // a fragmented message has begun
  bool message_text_ = false;
  bool done_ = false;
};

// The header of a server frame (never masked) with `payload` bytes: written into `out`, its
// length returned (2, 4 or 10).
std::size_t frame_header(Opcode op, std::size_t payload, std::array<std::uint8_t, 10>& out);

// A whole control frame: ping or pong with `data` (at most 125 bytes), or close with a code
// and a reason (cut to 123 bytes at a character boundary).
std::string control_frame(Opcode op, std::string_view data);
std::string close_frame(std::uint16_t code, std::string_view reason);

// Whether a close code may be sent by a peer (1000-1003, 1007-1014, 3000-4999).
bool valid_close_code(std::uint16_t code);

}  // namespace tiski::ws
