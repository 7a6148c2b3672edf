#include "tests/ws_client.h"

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <span>

#include "chat/protocol.h"

namespace tiski::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

HttpReply http_request(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body, const std::string& cookie, const std::string& extra_header) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (!cookie.empty()) req.set(http::field::cookie, cookie);
  std::string_view lines = extra_header;
  while (!lines.empty()) {
    auto nl = lines.find('\n');
    std::string_view line = lines.substr(0, nl);
    lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    req.set(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
  }
  req.body() = body;
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  HttpReply r{static_cast<int>(res.result_int()), res.body(), std::string(res[http::field::set_cookie]), {}};
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return r;
}

namespace {

// The frame must be one of the channel's server frames, with the fields the schema gives it.
void check_schema(const boost::json::object& f, int channel) {
  if (channel == 0) return;
  auto frames = channel == 1 ? std::span<const proto::TypeSpec>(proto::kVisitorServerFrames)
                             : std::span<const proto::TypeSpec>(proto::kAgentServerFrames);
  const auto* t = f.if_contains("t");
  if (!t || !t->is_string()) {
    ADD_FAILURE() << "a server frame without a type: " << boost::json::serialize(f).substr(0, 300);
    return;
  }
  for (const auto& spec : frames) {
    if (spec.name != t->as_string()) continue;
    if (auto st = proto::validate(f, spec.fields); !st) {
      ADD_FAILURE() << "server frame '" << spec.name << "' breaks the schema: " << st.error().message << "\n"
                    << boost::json::serialize(f).substr(0, 300);
    }
    return;
  }
  ADD_FAILURE() << "server frame type '" << std::string_view(t->as_string()) << "' is not in the schema";
}

}  // namespace

struct WsClient::Impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buf;
  std::vector<std::pair<std::string, std::string>> headers;
};

void WsClient::header(const std::string& name, const std::string& value) { impl_->headers.emplace_back(name, value); }

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}
WsClient::~WsClient() = default;

int WsClient::connect(std::uint16_t port, const std::string& path, const std::string& cookie, const std::string& origin,
                      int rcvbuf) {
  auto& ws = impl_->ws;
  channel_ = path.starts_with(proto::kVisitorPath) ? 1 : path.starts_with(proto::kAgentPath) ? 2 : 0;
  if (rcvbuf > 0) {
    auto& sock = beast::get_lowest_layer(ws).socket();
    sock.open(tcp::v4());
    sock.set_option(asio::socket_base::receive_buffer_size(rcvbuf));
  }
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  ws.set_option(
      websocket::stream_base::decorator([cookie, origin, headers = impl_->headers](websocket::request_type& req) {
        if (!cookie.empty()) req.set(http::field::cookie, cookie);
        if (!origin.empty()) req.set(http::field::origin, origin);
        for (const auto& [name, value] : headers) req.set(name, value);
      }));
  ws.read_message_max(64 * 1024 * 1024);
  websocket::response_type res;
  beast::error_code ec;
  ws.handshake(res, "127.0.0.1:" + std::to_string(port), path, ec);
  if (ec) {
    closed_ = true;
    return static_cast<int>(res.result_int());
  }
  return 101;
}

void WsClient::send(const boost::json::object& frame) { send_text(boost::json::serialize(frame)); }

void WsClient::send_text(const std::string& text) {
  beast::error_code ec;
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text), ec);
  if (ec) closed_ = true;
}

void WsClient::send_binary(const std::string& data) {
  beast::error_code ec;
  impl_->ws.binary(true);
  impl_->ws.write(asio::buffer(data), ec);
  if (ec) closed_ = true;
}

std::optional<boost::json::object> WsClient::recv(std::chrono::milliseconds timeout) {
  if (closed_) return std::nullopt;
  auto& im = *impl_;
  std::optional<boost::json::object> out;
  bool done = false;
  im.buf.clear();
  im.ws.async_read(im.buf, [&](beast::error_code ec, std::size_t) {
    done = true;
    if (ec) {
      closed_ = true;
      close_code_ = im.ws.reason().code;
      return;
    }
    last_bytes_ = im.buf.size();
    auto v = boost::json::parse(beast::buffers_to_string(im.buf.data()));
    out = v.as_object();
    check_schema(*out, channel_);
  });
  im.io.restart();
  im.io.run_for(timeout);
  if (!done) {
    // Timed out: the stream cannot be used for reading again after a cancel.
    beast::get_lowest_layer(im.ws).cancel();
    im.io.restart();
    im.io.run_for(std::chrono::milliseconds(100));
    closed_ = true;
  }
  return out;
}

std::optional<boost::json::object> WsClient::recv_type(const std::string& t, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto f = recv(left);
    if (!f) return std::nullopt;
    if (std::getenv("WS_TRACE")) std::fprintf(stderr, "<< %s\n", boost::json::serialize(*f).c_str());
    if (f->at("t").as_string() == t) return f;
  }
}

void WsClient::close() {
  if (closed_) return;
  beast::error_code ec;
  impl_->ws.close(websocket::close_code::normal, ec);
  closed_ = true;
}

}  // namespace tiski::testing
