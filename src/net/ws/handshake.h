// The server's side of the WebSocket opening handshake (RFC 6455 4.2): what is wrong with an
// upgrade request, and the 101 response that accepts it. Pure.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

namespace tiski::ws {

// Why the request cannot become a WebSocket (empty: it can). `version_problem` is set when the
// only trouble is the protocol version: the answer is then 426 with Sec-WebSocket-Version: 13.
struct HandshakeCheck {
  std::string problem;
  bool version_problem = false;
};
HandshakeCheck check_handshake(const boost::beast::http::request<boost::beast::http::string_body>& req);

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string accept_key(std::string_view client_key);

// The whole 101 Switching Protocols response for a client's key.
std::string switching_protocols(std::string_view client_key);

}  // namespace tiski::ws
