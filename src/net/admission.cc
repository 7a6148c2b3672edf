// Who comes in: the body limit a request may send (large only once it has shown credentials),
// the WebSocket upgrade (the visitor's and the agent's doors, their checks, the connection
// handed to its I/O thread) and the client's address behind a trusted proxy.

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/api.h"
#include "mail/inbound.h"
#include "net/await_domain.h"
#include "net/http_messages.h"
#include "net/server_impl.h"
#include "net/ws/handshake.h"
#include "net/ws_connection.h"
#include "util/limits.h"
#include "util/time.h"

namespace tiski {

// The body limit of a request whose header is in: the ordinary one, or for the two routes that
// take large bodies (an upload of a file, an email through the channel's door) theirs, but only
// once the request has shown a valid session, visitor token or API token — before, anyone with
// a made-up cookie could make the server read and hold 20 MB per request (found by a review).
// The route checks the same credentials again, and the rest (rights, scopes) as for any request.
awaitable<Result<std::uint64_t>> Server::Impl::body_limit(const Request& req) {
  // "chunked" is the one transfer coding decoded here: a body in another ("gzip, chunked")
  // would be taken for its coded bytes.
  if (auto te = req[http::field::transfer_encoding]; !te.empty() && !beast::iequals(te, "chunked"))
    co_return Error::bad_request("only the chunked transfer coding is accepted");
  bool mail_door = is_mail_door(req);
  if (!mail_door && !is_upload(req)) co_return limits::kMaxHttpBodyBytes;
  std::string_view target = req.target();
  std::string_view bearer = req[http::field::authorization];
  std::string token{bearer.substr(std::min(bearer.size(), std::string_view("Bearer ").size()))};
  Starter<Status> start;
  auto identity = [](std::function<void(Status)> cb) {
    return [cb = std::move(cb)](const Result<AgentIdentity>& who) { cb(who ? Status{} : Status(who.error())); };
  };
  if (mail_door) {
    start = [this, token, identity](auto cb) { auth.authenticate_api_token(token, identity(std::move(cb))); };
  } else if (target.substr(0, target.find('?')) == "/api/visitor/files") {
    start = [this, token](auto cb) {
      cb(chat.check_visitor_token(token) ? Status{} : Status(Error::unauthorized("the visitor token is not valid")));
    };
  } else {
    start = [this, session = cookie_value(req, api::kSessionCookie), identity](auto cb) {
      auth.authenticate(session, identity(std::move(cb)));
    };
  }
  auto shown = co_await await_domain(*this, &start);
  if (!*shown) co_return shown->error();
  co_return mail_door ? mail::kMaxInboundMailBytes : static_cast<std::uint64_t>(attachments::kMaxFileBytes);
}

// A WebSocket upgrade: true when the socket became a WebSocket (on this I/O thread), false when
// the request was refused (answered here, or by closing).
awaitable<bool> Server::Impl::upgrade(beast::tcp_stream& stream, Request& req, IoThread& io) {
  std::string_view path = req.target();
  std::string address = address_of(stream.socket(), req);
  auto refuse = [&](const Error& e) -> awaitable<bool> {
    co_await http::async_write(stream, error_response(req, e), kTuple);
    co_return false;
  };
  if (auto hs = ws::check_handshake(req); !hs.problem.empty()) {
    auto res = error_response(req, Error::bad_request(hs.problem));
    if (hs.version_problem) {  // RFC 6455 4.4: 426 and the version spoken
      res.result(http::status::upgrade_required);
      res.set(http::field::sec_websocket_version, "13");
    }
    co_await http::async_write(stream, res, kTuple);
    co_return false;
  }
  std::optional<std::string> origin;  // the page's (checked at the visitor's hello) or the console's
  if (auto it = req.find(http::field::origin); it != req.end()) origin = std::string(it->value());
  if (path.starts_with(proto::kVisitorPath) &&
      (path.size() == proto::kVisitorPath.size() || path[proto::kVisitorPath.size()] == '?')) {
    if (draining) co_return false;
    Starter<bool> start = [this, &address](auto cb) { cb(abuse.connect(address, now_ms())); };
    if (!*co_await await_domain(*this, &start)) {
      co_return co_await refuse(Error::rate_limited("too many connections from your address (at most " +
                                                    std::to_string(limits::kMaxConnectionsPerAddress) + ")"));
    }
    std::make_shared<WsConnection>(*this, io, stream.release_socket(), address, true, std::nullopt,
                                   origin ? std::string_view(*origin) : std::string_view())
        ->run(req);
    co_return true;
  }
  if (path != proto::kAgentPath) co_return co_await refuse(Error::not_found("no WebSocket here"));
  if (draining) co_return false;
  if (auto why = routes.origins().problem(origin, req[http::field::host], true); !why.empty()) {
    co_return co_await refuse(Error::forbidden(why));
  }
  Starter<Result<AgentIdentity>> start = [this, token = cookie_value(req, api::kSessionCookie)](auto cb) {
    auth.authenticate(token, cb);
  };
  auto id = co_await await_domain(*this, &start);
  if (!*id) co_return co_await refuse(id->error());
  if ((*id)->totp_setup_needed)
    co_return co_await refuse(Error::forbidden("your company requires two-factor login: set it up first"));
  std::make_shared<WsConnection>(*this, io, stream.release_socket(), address, false, std::move(*id).value())->run(req);
  co_return true;
}

// The peer, or when the peer is a trusted proxy the rightmost address in X-Forwarded-For that
// is not one of ours (the ones to its left were written by the client and may be lies).
std::string Server::Impl::address_of(const tcp::socket& socket, const Request& req) const {
  boost::system::error_code ec;
  auto peer = socket.remote_endpoint(ec).address();
  if (ec) return "?";
  auto is_trusted = [&](const asio::ip::address& a) {
    return std::find(trusted.begin(), trusted.end(), a) != trusted.end();
  };
  if (!is_trusted(peer)) return address_key(peer);
  auto xff = req.find("X-Forwarded-For");
  if (xff == req.end()) return address_key(peer);
  std::string_view list = xff->value();
  asio::ip::address client = peer;
  while (!list.empty()) {
    auto comma = list.rfind(',');
    std::string_view part = comma == std::string_view::npos ? list : list.substr(comma + 1);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    auto a = asio::ip::make_address(std::string(part), ec);
    if (ec) break;  // malformed: believe what we have
    client = a;
    if (!is_trusted(a)) break;
  }
  return address_key(client);
}

}  // namespace tiski
