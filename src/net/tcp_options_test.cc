#include "net/tcp_options.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace tiski::net {
namespace {

// the latency tail was Nagle's algorithm; every accepted socket has it off.
TEST(TcpOptions, AcceptedSocketsSendSmallFramesAtOnce) {
  boost::asio::io_context io;
  using tcp = boost::asio::ip::tcp;
  tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket accepted = acceptor.accept();
  tcp::no_delay before;
  accepted.get_option(before);
  EXPECT_FALSE(before.value());  // the kernel's default: Nagle on
  tune_accepted_socket(accepted);
  tcp::no_delay after;
  accepted.get_option(after);
  EXPECT_TRUE(after.value());
}

}  // namespace
}  // namespace tiski::net
