// The HTTP/WebSocket server: one port for REST, static files, health, metrics and the two
// WebSocket channels. Built on Boost.Beast; this header keeps Beast out of its includers.
//
// Threading (io_thread.h): the io_context passed in is the domain thread's (the caller runs
// it); the server starts `io_threads` I/O threads of its own that own the sockets. Nothing
// here blocks: database work goes through the Chat/AuthService to the StoreWorker thread and
// returns by post.
//
// Shutdown (SIGTERM/SIGINT -> shutdown()): stop accepting, refuse new work, wait until every
// acknowledgement owed has been sent (Chat::in_flight() == 0, at most limits::kDrainTimeout),
// close WebSockets with 1001, then call `done`.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chat/auth.h"
#include "chat/chat.h"
#include "net/static_files.h"
#include "reports/rollups.h"
#include "util/metrics.h"

namespace tiski {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string public_url;  // how browsers reach us (for the embed snippet); derived if empty
  // Set when the operator gave public_url: browsers' Origin must then be exactly its scheme,
  // host and port. Otherwise Origin must name the Host the request came to.
  bool public_url_given = false;
  // Peers whose X-Forwarded-For names the client (a reverse proxy in front of us).
  std::vector<std::string> trusted_proxies;
  // Addresses exempt from the per-address limits ([limits] unlimited).
  std::vector<std::string> unlimited;
  // /metrics: on a listener of its own (metrics_host:metrics_port), or on the main listener
  // with "Authorization: Bearer <metrics_token>"; with neither it is not served.
  std::string metrics_token;
  std::string metrics_host;
  std::uint16_t metrics_port = 0;
  bool webhooks_private = false;  // [webhooks] allow_private
  bool imap_private = false;      // [imap] allow_private
  // I/O threads: -1 one per core; 0 none (the domain thread does the I/O too).
  int io_threads = -1;
};

class Server {
 public:
  // `reports`: the read-only worker the report endpoints use (StoreWorker::Mode::kReads);
  // `rollups`: the report rollups, used only on that worker's thread.
  Server(boost::asio::io_context& io, Chat& chat, AuthService& auth, StoreWorker& store, StoreWorker& reports,
         reports::Rollups& rollups, StaticFiles& files, Metrics& metrics, AbuseLimits& abuse, ServerOptions options);
  ~Server();
  // Binds and listens; errors (address in use, bad host) are returned, not thrown.
  Status listen();
  // The bound port (useful with port 0), and the metrics listener's (0 if none).
  std::uint16_t port() const;
  std::uint16_t metrics_port() const;
  // Starts the I/O threads and accepting.
  void start();
  void shutdown(std::function<void()> done);
  // Closes every WebSocket with 1012 (service restart): the clients reconnect and resync by
  // sequence number — after the cluster's link was down and frames may have been missed.
  void restart_clients();
  // After the domain io_context stopped: stops and joins the I/O threads.
  void join();
  // The number of I/O threads (0: the domain thread does the I/O).
  std::size_t io_threads() const;
  bool draining() const;

  struct Impl;  // public so server.cc's connection classes can name it; defined only there

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tiski
