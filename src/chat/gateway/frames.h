// Reading and answering client frames: the shape checks every channel applies. Pure; for the
// gateway's .cc files.
#pragma once

#include <boost/json/array.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/protocol.h"
#include "util/limits.h"
#include "util/text.h"

namespace tiski::frames {

// A message body as typed: control characters removed, then trimmed.
inline std::string body_of(std::string_view body) { return std::string(trim(proto::clean_text(body))); }

// The cid and the conversation of any client frame that has them, for error frames.
template <class F>
std::string_view cid_of(const F& f) {
  if constexpr (requires { f.cid; }) return f.cid;
  return {};
}
template <class F>
std::optional<Id> conv_of(const F& f) {
  if constexpr (requires { f.conv; }) return f.conv;
  return std::nullopt;
}

// std::visit with one lambda per frame type.
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

inline Status check_body(std::string_view body) {
  if (body.empty()) return Error::bad_request("the message is empty");
  if (body.size() > limits::kMaxMessageBytes) {
    return Error::too_large("the message is longer than " + std::to_string(limits::kMaxMessageBytes) + " bytes");
  }
  return {};
}

inline Status check_cid(std::string_view cid) {
  if (cid.empty() || cid.size() > limits::kMaxCidBytes) {
    return Error::bad_request("cid must be 1 to " + std::to_string(limits::kMaxCidBytes) + " characters");
  }
  return {};
}

inline boost::json::array messages_array(const std::vector<Message>& msgs) {
  boost::json::array a;
  a.reserve(msgs.size());
  for (const auto& m : msgs) a.push_back(proto::message_json(m));
  return a;
}

}  // namespace tiski::frames
