// Socket options of every connection the server accepts.
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace tiski::net {

// TCP_NODELAY: a chat message, an ack or a typing frame is small and must leave at once, not
// wait for Nagle's algorithm to coalesce it with the next one (measured: it alone made the p99.9
// latency at 2,500 messages/s 21-34 ms instead of 2.8 ms; docs/performance.md). Errors are
// ignored: a socket that refuses the option still works.
void tune_accepted_socket(boost::asio::ip::tcp::socket& socket);

}  // namespace tiski::net
