#include "net/tcp_options.h"

namespace tiski::net {

void tune_accepted_socket(boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  socket.set_option(boost::asio::ip::tcp::no_delay(true), ec);
}

}  // namespace tiski::net
