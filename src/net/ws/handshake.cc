#include "net/ws/handshake.h"

#include <boost/beast/websocket/rfc6455.hpp>

#include "util/crypto.h"

namespace tiski::ws {

namespace http = boost::beast::http;

HandshakeCheck check_handshake(const http::request<http::string_body>& req) {
  if (req.method() != http::verb::get) return {"a WebSocket is opened with GET"};
  if (req.version() < 11) return {"a WebSocket needs HTTP/1.1"};
  if (!boost::beast::websocket::is_upgrade(req))
    return {"not a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket)"};
  auto key = req[http::field::sec_websocket_key];
  // 16 random bytes in base64: 24 characters, the last two "==".
  if (key.size() != 24 || key.substr(22) != "==") return {"Sec-WebSocket-Key must be 16 bytes in base64"};
  for (char c : key.substr(0, 22)) {
    bool b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!b64) return {"Sec-WebSocket-Key must be 16 bytes in base64"};
  }
  if (req[http::field::sec_websocket_version] != "13") return {"only WebSocket version 13 is spoken", true};
  return {};
}

std::string accept_key(std::string_view client_key) {
  return crypto::base64(crypto::sha1(std::string(client_key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
}

std::string switching_protocols(std::string_view client_key) {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
         accept_key(client_key) + "\r\nServer: tiski\r\n\r\n";
}

}  // namespace tiski::ws
