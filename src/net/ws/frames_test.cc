// The WebSocket reader (frames.h) against RFC 6455: every frame kind, every rule a client can
// break, and the same events whatever pieces the bytes arrive in (every split in two, and one
// byte at a time).
#include "net/ws/frames.h"
#include "util/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tiski::ws {
namespace {

// A client's frame: masked with `key`.
std::string frame(Opcode op, std::string_view payload, bool fin = true, std::uint32_t key = 0x37fa213d,
                  std::uint8_t rsv = 0) {
  std::string out;
  out += static_cast<char>((fin ? 0x80 : 0) | rsv | static_cast<int>(op));
  std::size_t n = payload.size();
  if (n < 126) {
    out += static_cast<char>(0x80 | n);
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(0x80 | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i) out += static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xFF);
  }
  char k[4] = {static_cast<char>(key >> 24), static_cast<char>(key >> 16), static_cast<char>(key >> 8),
               static_cast<char>(key)};
  out.append(k, 4);
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(payload[i] ^ k[i % 4]);
  return out;
}

struct Seen {
  Event::Kind kind;
  bool text;
  std::string payload;
  std::uint16_t code;
  bool operator==(const Seen&) const = default;
};

// Feeds `bytes` in pieces of the given sizes (the last piece: the rest).
std::vector<Seen> read(std::string bytes, std::vector<std::size_t> pieces = {}, std::size_t max = 1 << 20) {
  Reader r(max);
  std::vector<Seen> seen;
  auto on = [&](const Event& e) { seen.push_back({e.kind, e.text, std::string(e.payload), e.code}); };
  std::size_t at = 0;
  for (auto n : pieces) {
    n = std::min(n, bytes.size() - at);
    r.feed(std::span<char>(bytes.data() + at, n), on);
    at += n;
  }
  r.feed(std::span<char>(bytes.data() + at, bytes.size() - at), on);
  if (!r.done()) {
    EXPECT_EQ(r.held(), 0u) << "nothing kept once every frame is read";
  }
  return seen;
}

Seen msg(std::string s, bool text = true) { return {Event::Kind::kMessage, text, std::move(s), 0}; }
Seen error(std::uint16_t code) { return {Event::Kind::kError, false, "", code}; }

TEST(WsReader, MessagesAndControlFramesInOrder) {
  std::string big(70000, 'x');
  std::string bytes = frame(Opcode::kText, R"({"t":"hello"})") + frame(Opcode::kPing, "p1") +
                      frame(Opcode::kText, "Hyv", false) + frame(Opcode::kPong, "") +
                      frame(Opcode::kContinuation, "ää ", false) + frame(Opcode::kPing, "") +
                      frame(Opcode::kContinuation, "päivää") + frame(Opcode::kBinary, std::string(200, '\1')) +
                      frame(Opcode::kText, "") + frame(Opcode::kText, big) +
                      frame(Opcode::kClose,
                            "\x03\xe8"
                            "bye");
  std::vector<Seen> want = {msg(R"({"t":"hello"})"),
                            {Event::Kind::kPing, false, "p1", 0},
                            {Event::Kind::kPong, false, "", 0},
                            {Event::Kind::kPing, false, "", 0},
                            msg("Hyvää päivää"),
                            msg(std::string(200, '\1'), false),
                            msg(""),
                            msg(big),
                            {Event::Kind::kClose, false, "bye", 1000}};
  EXPECT_EQ(read(bytes), want);
  // The same, one byte at a time.
  EXPECT_EQ(read(bytes, std::vector<std::size_t>(bytes.size(), 1)), want);
}

TEST(WsReader, EverySplitInTwoGivesTheSameEvents) {
  std::string bytes = frame(Opcode::kText, "eka", false) + frame(Opcode::kPing, "ping!") +
                      frame(Opcode::kContinuation, std::string(300, 'y')) + frame(Opcode::kText, "€ ok") +
                      frame(Opcode::kClose, "");
  auto whole = read(bytes);
  ASSERT_EQ(whole.size(), 4u);
  EXPECT_EQ(whole.back(), (Seen{Event::Kind::kClose, false, "", kCloseNoStatus}));
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) EXPECT_EQ(read(bytes, {cut}), whole) << "cut at " << cut;
}

TEST(WsReader, NothingIsReadAfterAClose) {
  auto seen = read(frame(Opcode::kClose, "\x03\xe9") + frame(Opcode::kText, "late"));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].code, kCloseGoingAway);
}

TEST(WsReader, ProtocolErrorsFailTheConnection) {
  auto only_error = [](const std::string& bytes, std::uint16_t code) {
    auto seen = read(bytes + frame(Opcode::kText, "after"));
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back(), error(code));
    for (std::size_t i = 0; i + 1 < seen.size(); ++i) EXPECT_NE(seen[i].kind, Event::Kind::kError);
  };
  std::string unmasked = "\x81\x02hi";
  only_error(unmasked, kCloseProtocolError);
  only_error(frame(Opcode::kText, "x", true, 1, 0x40), kCloseProtocolError);     // RSV1 without compression
  only_error(frame(static_cast<Opcode>(3), "x"), kCloseProtocolError);           // a reserved data opcode
  only_error(frame(static_cast<Opcode>(11), ""), kCloseProtocolError);           // a reserved control opcode
  only_error(frame(Opcode::kPing, std::string(126, 'p')), kCloseProtocolError);  // control over 125 bytes
  only_error(frame(Opcode::kPing, "x", false), kCloseProtocolError);             // fragmented control
  only_error(frame(Opcode::kContinuation, "x"), kCloseProtocolError);            // nothing to continue
  only_error(frame(Opcode::kText, "a", false) + frame(Opcode::kText, "b"), kCloseProtocolError);
  only_error(frame(Opcode::kClose, "\x03"), kCloseProtocolError);      // half a code
  only_error(frame(Opcode::kClose, "\x03\xed"), kCloseProtocolError);  // 1005 may not be sent
  only_error(frame(Opcode::kClose, std::string("\x00\x00", 2)), kCloseProtocolError);
  only_error(frame(Opcode::kClose,
                   "\x0b\xb8"
                   "\xff"),
             kCloseInvalidPayload);                                    // 3000 with a bad reason
  only_error(frame(Opcode::kText, "\xc0\x80"), kCloseInvalidPayload);  // overlong NUL
  only_error(frame(Opcode::kText, "ok", false) + frame(Opcode::kContinuation, "\xed\xa0\x80"),
             kCloseInvalidPayload);  // a surrogate
  // Lengths not in their shortest form.
  std::string short16 = "\x81\xfe";
  short16 += std::string("\x00\x05", 2) + std::string(4, '\0') + "hello";
  only_error(short16, kCloseProtocolError);
  std::string short64 = "\x81\xff";
  short64 += std::string(7, '\0') + "\x05" + std::string(4, '\0') + "hello";
  only_error(short64, kCloseProtocolError);
  std::string huge = "\x81\xff\x80";
  huge += std::string(7, '\0') + std::string(4, '\0');
  only_error(huge, kCloseProtocolError);  // a 64-bit length with its top bit set
}

TEST(WsReader, TooBigMessagesAreRefusedAtTheHeader) {
  // One frame over the limit: refused before its payload arrives.
  std::string head = frame(Opcode::kText, std::string(2000, 'a')).substr(0, 8);
  EXPECT_EQ(read(head, {}, 1000), std::vector<Seen>{error(kCloseTooBig)});
  // Fragments that add up to more than the limit.
  auto seen =
      read(frame(Opcode::kText, std::string(600, 'a'), false) + frame(Opcode::kContinuation, std::string(600, 'a')), {},
           1000);
  EXPECT_EQ(seen, std::vector<Seen>{error(kCloseTooBig)});
  EXPECT_EQ(read(frame(Opcode::kText, std::string(1000, 'a')), {}, 1000),
            std::vector<Seen>{msg(std::string(1000, 'a'))});
}

TEST(WsReader, CharactersSplitAcrossFragmentsAreText) {
  std::string euro = "\xe2\x82\xac";
  auto seen = read(frame(Opcode::kText, euro.substr(0, 1), false) + frame(Opcode::kContinuation, euro.substr(1)));
  EXPECT_EQ(seen, std::vector<Seen>{msg(euro)});
}

TEST(WsReader, KeepsNothingBetweenWholeFrames) {
  Reader r(1 << 16);
  std::string part = frame(Opcode::kText, std::string(5000, 'z'));
  int got = 0;
  auto on = [&](const Event& e) { got += e.kind == Event::Kind::kMessage; };
  r.feed(std::span<char>(part.data(), 3000), on);
  EXPECT_GT(r.held(), 0u);  // half a frame waits
  r.feed(std::span<char>(part.data() + 3000, part.size() - 3000), on);
  EXPECT_EQ(got, 1);
  EXPECT_EQ(r.held(), 0u);
}

TEST(WsFrames, ServerFramesAndCloseReasons) {
  std::array<std::uint8_t, 10> h{};
  EXPECT_EQ(frame_header(Opcode::kText, 125, h), 2u);
  EXPECT_EQ(h[0], 0x81);
  EXPECT_EQ(h[1], 125);
  EXPECT_EQ(frame_header(Opcode::kText, 126, h), 4u);
  EXPECT_EQ(h[1], 126);
  EXPECT_EQ(h[3], 126);
  EXPECT_EQ(frame_header(Opcode::kBinary, 70000, h), 10u);
  EXPECT_EQ(h[0], 0x82);
  EXPECT_EQ(h[7], 0x01);  // 70000 = 0x011170
  EXPECT_EQ(h[8], 0x11);
  EXPECT_EQ(h[9], 0x70);
  EXPECT_EQ(control_frame(Opcode::kPong, "abc"), std::string("\x8a\x03"
                                                             "abc"));
  EXPECT_EQ(close_frame(1000, ""), std::string("\x88\x02\x03\xe8"));
  // A long reason is cut to 123 bytes, not inside a character.
  std::string reason(122, 'a');
  reason += "ää";
  auto c = close_frame(1008, reason);
  EXPECT_EQ(c.size(), 2u + 2u + 122u);
  EXPECT_EQ(static_cast<std::uint8_t>(c[1]), 124);
}

TEST(WsFrames, Utf8) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(valid_utf8("Hyvää päivää € 😀 𐍈"));
  EXPECT_FALSE(valid_utf8("\x80"));
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));              // overlong
  EXPECT_FALSE(valid_utf8("\xe0\x80\xaf"));          // overlong
  EXPECT_FALSE(valid_utf8("\xed\xbf\xbf"));          // surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));      // past U+10FFFF
  EXPECT_FALSE(valid_utf8("abcdefgh\xe2\x82"));      // cut short
  EXPECT_FALSE(valid_utf8("\xf8\x88\x80\x80\x80"));  // five bytes
  EXPECT_TRUE(valid_utf8("\xf4\x8f\xbf\xbf"));       // U+10FFFF
  EXPECT_TRUE(valid_close_code(1000));
  EXPECT_TRUE(valid_close_code(4999));
  EXPECT_FALSE(valid_close_code(1004));
  EXPECT_FALSE(valid_close_code(1006));
  EXPECT_FALSE(valid_close_code(1015));
  EXPECT_FALSE(valid_close_code(2999));
  EXPECT_FALSE(valid_close_code(5000));
}

}  // namespace
}  // namespace tiski::ws
