#include "net/ws/frames.h"

#include "util/utf8.h"

#include <algorithm>
#include <cstring>

namespace tiski::ws {

namespace {

bool is_control(Opcode op) { return static_cast<std::uint8_t>(op) >= 8; }

// The header's length once its first two bytes are known: lengths and mask key included.
std::size_t header_size(const std::array<std::uint8_t, 14>& h) {
  std::size_t len7 = h[1] & 0x7F;
  std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  return 2 + ext + ((h[1] & 0x80) ? 4 : 0);
}

}  // namespace

void Reader::unmask(char* p, std::size_t n) {
  const std::uint8_t* key = &hdr_[hdr_len_ - 4];
  std::size_t i = 0;
  // Eight bytes at a time once aligned with the key: the key repeated twice as one word.
  if (n >= 16) {
    std::uint8_t rot[8];
    for (int k = 0; k < 8; ++k) rot[k] = key[(mask_pos_ + k) & 3];
    std::uint64_t word;
    std::memcpy(&word, rot, 8);
    for (; i + 8 <= n; i += 8) {
      std::uint64_t v;
      std::memcpy(&v, p + i, 8);
      v ^= word;
      std::memcpy(p + i, &v, 8);
    }
  }
  for (; i < n; ++i) p[i] = static_cast<char>(static_cast<std::uint8_t>(p[i]) ^ key[(mask_pos_ + i) & 3]);
  mask_pos_ = static_cast<std::uint8_t>((mask_pos_ + n) & 3);
}

std::size_t Reader::held() const {
  return held_ ? sizeof(Held) + held_->message.capacity() + held_->control.capacity() : 0;
}

std::string& Reader::store(bool control) {
  if (!held_) held_ = std::make_unique<Held>();
  return control ? held_->control : held_->message;
}

void Reader::release(bool control) {
  if (!held_) return;
  std::string().swap(control ? held_->control : held_->message);
  if (held_->control.empty() && held_->message.empty()) held_.reset();
}

void Reader::fail(std::uint16_t code, std::string_view why, Sink sink, void* ctx) {
  done_ = true;
  held_.reset();
  Event e;
  e.kind = Event::Kind::kError;
  e.code = code;
  e.why = why;
  sink(ctx, e);
}

bool Reader::begin_frame(Sink sink, void* ctx) {
  const bool fin = hdr_[0] & 0x80;
  const auto op = static_cast<Opcode>(hdr_[0] & 0x0F);
  if (hdr_[0] & 0x70) return fail(kCloseProtocolError, "reserved bits set without an extension", sink, ctx), false;
  if (!(hdr_[1] & 0x80)) return fail(kCloseProtocolError, "a client's frame must be masked", sink, ctx), false;
  switch (op) {
    case Opcode::kContinuation:
    case Opcode::kText:
    case Opcode::kBinary:
    case Opcode::kClose:
    case Opcode::kPing:
    case Opcode::kPong: break;
    default: return fail(kCloseProtocolError, "unknown opcode", sink, ctx), false;
  }
  std::uint64_t len = hdr_[1] & 0x7F;
  if (len == 126) {
    len = (std::uint64_t{hdr_[2]} << 8) | hdr_[3];
    if (len < 126) return fail(kCloseProtocolError, "length not in its shortest form", sink, ctx), false;
  } else if (len == 127) {
    len = 0;
    for (int i = 2; i < 10; ++i) len = (len << 8) | hdr_[i];
    if (len >> 63) return fail(kCloseProtocolError, "length over 63 bits", sink, ctx), false;
    if (len < 65536) return fail(kCloseProtocolError, "length not in its shortest form", sink, ctx), false;
  }
  if (is_control(op)) {
    if (!fin) return fail(kCloseProtocolError, "a control frame may not be fragmented", sink, ctx), false;
    if (len > 125) return fail(kCloseProtocolError, "a control frame carries at most 125 bytes", sink, ctx), false;
  } else if (op == Opcode::kContinuation) {
    if (!in_message_) return fail(kCloseProtocolError, "a continuation without a message", sink, ctx), false;
  } else if (in_message_) {
    return fail(kCloseProtocolError, "a new message before the last one ended", sink, ctx), false;
  }
  if (!is_control(op)) {
    std::uint64_t so_far = op == Opcode::kContinuation && held_ ? held_->message.size() : 0;
    if (len > max_ || so_far + len > max_) return fail(kCloseTooBig, "message too big", sink, ctx), false;
    if (op != Opcode::kContinuation) message_text_ = op == Opcode::kText;
    in_message_ = !fin;
  }
  opcode_ = op;
  fin_ = fin;
  remaining_ = len;
  mask_pos_ = 0;
  in_payload_ = true;
  return true;
}

void Reader::end_frame(std::string_view payload, Sink sink, void* ctx) {
  Event e;
  switch (opcode_) {
    case Opcode::kPing:
    case Opcode::kPong:
      e.kind = opcode_ == Opcode::kPing ? Event::Kind::kPing : Event::Kind::kPong;
      e.payload = payload;
      sink(ctx, e);
      return;
    case Opcode::kClose: {
      if (payload.size() == 1) return fail(kCloseProtocolError, "a close frame with half a code", sink, ctx);
      e.kind = Event::Kind::kClose;
      e.code = kCloseNoStatus;
      if (payload.size() >= 2) {
        e.code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                            static_cast<std::uint8_t>(payload[1]));
        if (!valid_close_code(e.code)) return fail(kCloseProtocolError, "an invalid close code", sink, ctx);
        e.payload = payload.substr(2);
        if (!valid_utf8(e.payload)) return fail(kCloseInvalidPayload, "a close reason that is not UTF-8", sink, ctx);
      }
      done_ = true;
      sink(ctx, e);
      return;
    }
    default:
      if (!fin_) return;  // more fragments to come
      if (message_text_ && !valid_utf8(payload)) return fail(kCloseInvalidPayload, "text that is not UTF-8", sink, ctx);
      e.kind = Event::Kind::kMessage;
      e.text = message_text_;
      e.payload = payload;
      sink(ctx, e);
  }
}

void Reader::feed_impl(std::span<char> bytes, Sink sink, void* ctx) {
  char* p = bytes.data();
  std::size_t n = bytes.size();
  while (!done_) {
    if (!in_payload_) {
      if (n == 0) return;
      std::size_t total = hdr_len_ >= 2 ? header_size(hdr_) : 2;
      while (hdr_len_ < total && n > 0) {
        hdr_[hdr_len_++] = static_cast<std::uint8_t>(*p++);
        --n;
        if (hdr_len_ == 2) total = header_size(hdr_);
      }
      if (hdr_len_ < total) return;  // the rest of the header comes later
      if (!begin_frame(sink, ctx)) return;
    }
    // The payload: delivered from the caller's bytes when the whole frame (and message) is
    // here, else gathered into the reader's own string.
    auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, n));
    unmask(p, take);
    const bool control = is_control(opcode_);
    const bool none_held = !held_ || (control ? held_->control.empty() : held_->message.empty());
    const bool direct = take == remaining_ && none_held && (control || (fin_ && !in_message_));
    std::string_view payload;
    if (direct) {
      payload = std::string_view(p, take);
    } else {
      auto& s = store(control);
      s.append(p, take);
      payload = s;
    }
    p += take;
    n -= take;
    remaining_ -= take;
    if (remaining_ > 0) return;  // the rest of the payload comes later
    in_payload_ = false;
    hdr_len_ = 0;
    end_frame(payload, sink, ctx);
    // A finished control frame, or a finished message: give back what held it.
    if (is_control(opcode_) || fin_) release(is_control(opcode_));
  }
}

std::size_t frame_header(Opcode op, std::size_t payload, std::array<std::uint8_t, 10>& out) {
  out[0] = static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(op));
  if (payload < 126) {
    out[1] = static_cast<std::uint8_t>(payload);
    return 2;
  }
  if (payload <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<std::uint8_t>(payload >> 8);
    out[3] = static_cast<std::uint8_t>(payload);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i)
    out[2 + i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(payload) >> (56 - 8 * i));
  return 10;
}

std::string control_frame(Opcode op, std::string_view data) {
  data = data.substr(0, 125);
  std::array<std::uint8_t, 10> h{};
  std::size_t n = frame_header(op, data.size(), h);
  std::string out(reinterpret_cast<const char*>(h.data()), n);
  out.append(data);
  return out;
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
  std::size_t max = std::min<std::size_t>(reason.size(), 123);
  while (max > 0 && max < reason.size() && (static_cast<unsigned char>(reason[max]) & 0xC0) == 0x80) --max;
  std::string payload;
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xFF);
  payload.append(reason.substr(0, max));
  return control_frame(Opcode::kClose, payload);
}

bool valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

}  // namespace tiski::ws
