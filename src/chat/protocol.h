// Parsing, validation and serialisation of the WebSocket frames described in
// proto/protocol.json. The frame table comes from protocol_gen.h, generated from that file,
// so a field the schema does not know cannot be read here without the schema changing.
// Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "chat/protocol_gen.h"
#include "chat/protocol_types_gen.h"
#include "store/store.h"
#include "util/error.h"

namespace tiski::proto {

// A client frame that passed validation: `index` is its position in the channel's frame table
// (cast it to VisitorClient / AgentClient).
struct ClientFrame {
  std::size_t index = 0;
  boost::json::object body;
};

// Parses `text` as one frame of the given table: a JSON object whose "t" names a known frame
// and whose fields match the schema (required present, types right, unknown fields ignored).
// Errors are bad_request with a message naming the field.
Result<ClientFrame> parse_client_frame(std::string_view text, std::span<const TypeSpec> frames);

// Checks an object against a field list (recursing into named object types).
Status validate(const boost::json::object& obj, std::span<const FieldSpec> fields);

// Serialisers: the JSON shapes of the "types" section.
boost::json::object message_json(const ::tiski::Message& m);
boost::json::object file_json(const ::tiski::FileRef& f);
boost::json::object conversation_json(const ::tiski::Conversation& c);
boost::json::object visitor_conv_json(const ::tiski::Conversation& c);
boost::json::object mail_json(const OutMail& m);

// A serialised frame {"t": type, ...body}, shared so one publish serialises once.
using SharedFrame = std::shared_ptr<const std::string>;
SharedFrame frame(std::string_view type, boost::json::object body = {});

// A typed server frame (protocol_types_gen.h) serialised.
template <class T>
SharedFrame frame(const T& f) {
  return std::make_shared<const std::string>(boost::json::serialize(boost::json::value_from(f)));
}
SharedFrame error_frame(const Error& e, std::string_view cid = {}, std::optional<Id> conv = {});

// Text a person typed, made safe to store and relay: control characters other than newline
// and tab are removed (C0, DEL, C1) and CR LF / CR become LF. Input is valid UTF-8 (the JSON
// parser refuses anything else).
std::string clean_text(std::string_view in);
// A name's text: nothing clean_text would drop or change but bidirectional controls, and no line
// break (a NUL or an escape sequence in a site's, company's or agent's name would reach widgets
// and consoles).
bool one_line(std::string_view in);

// Helpers for reading validated frames.
std::string_view str(const boost::json::object& o, std::string_view key);
std::int64_t int_or(const boost::json::object& o, std::string_view key, std::int64_t fallback);

}  // namespace tiski::proto
