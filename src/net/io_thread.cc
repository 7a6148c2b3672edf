#include "net/io_thread.h"

#include "net/ws_connection.h"
#include "util/thread_name.h"

namespace tiski {

IoThread::IoThread(std::size_t index, boost::asio::io_context* shared)
    : index_(index),
      own_(shared ? nullptr : std::make_unique<boost::asio::io_context>(1)),
      io_(shared ? shared : own_.get()),
      outbox(io_->get_executor(),
             [](std::vector<Outbound>& batch) {
               for (auto& o : batch) {
                 if (o.frame) {
                   o.conn->write_frame(o.frame);
                 } else {
                   o.conn->begin_close(o.close_code, o.close_reason);
                 }
               }
             }),
      sweep_timer(*io_) {}

IoThread::~IoThread() { stop(); }

void IoThread::start() {
  if (!own_ || thread_.joinable()) return;
  work_.emplace(own_->get_executor());
  thread_ = std::thread([this] {
    std::string name = "tiski-io-" + std::to_string(index_);
    name_this_thread(name.c_str());
    own_->run();
  });
}

void IoThread::stop() {
  if (!own_) return;
  work_.reset();
  own_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tiski
