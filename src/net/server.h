// The HTTP/WebSocket server: one port for REST, static files, health, metrics and the two
// WebSocket channels. Built on Boost.Beast; this header keeps Beast out of its includers.
//
// Threading: the server and every connection live on one io_context, run by one network
// thread. Nothing here blocks: database work goes through the Hub/AuthService to the
// StoreWorker thread and returns by post.
//
// Shutdown (SIGTERM/SIGINT -> shutdown()): stop accepting, refuse new work, wait until every
// acknowledgement owed has been sent (Hub::in_flight() == 0, at most limits::kDrainTimeout),
// close WebSockets with 1001, then call `done`.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "chat/auth.h"
#include "chat/hub.h"
#include "net/static_files.h"
#include "util/metrics.h"

namespace tiski {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string public_url;  // how browsers reach us (for the embed snippet); derived if empty
};

class Server {
 public:
  Server(boost::asio::io_context& io, Hub& hub, AuthService& auth, StoreWorker& store, StaticFiles& files,
         Metrics& metrics, ServerOptions options);
  ~Server();
  // Binds and listens; errors (address in use, bad host) are returned, not thrown.
  Status listen();
  // The bound port (useful with port 0).
  std::uint16_t port() const;
  void start();
  void shutdown(std::function<void()> done);
  bool draining() const;

  struct Impl;  // public so server.cc's connection classes can name it; defined only there

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tiski
