// The few templates the generated codecs (protocol_types_gen.cc) are written with: reading and
// writing one field, an enum as its string, and decoding a validated frame. For that file only.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>
#include <boost/system/system_error.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "util/error.h"

namespace tiski::proto::codec {

// A field that is absent or null: the value stays empty (optional) or is an error (required).
template <class T>
void read(const boost::json::object& o, std::string_view key, T& out) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    throw std::invalid_argument("field '" + std::string(key) + "' is required");
  }
  out = boost::json::value_to<T>(*v);
}

template <class T>
void read(const boost::json::object& o, std::string_view key, std::optional<T>& out) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    out.reset();
    return;
  }
  out = boost::json::value_to<T>(*v);
}

template <class T>
void write(boost::json::object& o, std::string_view key, const T& v) {
  o[key] = boost::json::value_from(v, o.storage());
}

template <class T>
void write(boost::json::object& o, std::string_view key, const std::optional<T>& v) {
  if (v) o[key] = boost::json::value_from(*v, o.storage());
}

template <class E>
std::optional<E> enum_from(std::string_view s, std::span<const std::string_view> names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <class E>
E enum_to(const boost::json::value& jv, std::span<const std::string_view> names) {
  auto e = enum_from<E>(jv.as_string(), names);
  if (!e) throw std::invalid_argument("'" + std::string(jv.as_string()).substr(0, 40) + "' is not a known value");
  return *e;
}

// A frame body that passed validation (protocol.h) as its typed struct. Validation already
// checked every field, so a throw here means the schema and the codec disagree.
template <class Frame, class T>
Result<Frame> decode(const boost::json::object& body) {
  try {
    T frame;
    from_object(body, frame);  // found by argument-dependent lookup in the generated file
    return Frame{std::move(frame)};
  } catch (const std::exception& e) {
    return Error::bad_request(std::string("frame '") + std::string(T::kType) + "': " + e.what());
  }
}

}  // namespace tiski::proto::codec
