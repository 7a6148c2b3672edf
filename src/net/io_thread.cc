#include "net/io_thread.h"

#include "net/ws_connection.h"
#include "util/thread_name.h"

namespace tiski {

IoThread::IoThread(std::size_t index, boost::asio::io_context* shared)
    : index_(index),
      own_(shared ? nullptr : std::make_unique<boost::asio::io_context>(1)),
      io_(shared ? shared : own_.get()),
      outbox(io_->get_executor(),
             [this](std::vector<Outbound>& batch) {
               // Queue everything first, then write: a connection sent several frames in this
               // batch writes them in one go.
               for (auto& o : batch) {
                 if (!o.frame) {
                   o.conn->begin_close(o.close_code, o.close_reason);
                 } else if (o.conn->enqueue(o.frame)) {
                   to_flush_.push_back(o.conn.get());
                 }
               }
               for (auto* c : to_flush_) c->flush();
               to_flush_.clear();
             }),
      sweep_timer(*io_) {}

IoThread::~IoThread() { stop(); }

std::unique_ptr<WriteBatch> IoThread::take_batch(std::size_t frames) {
  bool small = frames <= WriteBatch::kSmallFrames;
  auto& spares = small ? spare_small_ : spare_batches_;
  if (spares.empty()) return std::make_unique<WriteBatch>(small ? WriteBatch::kSmallFrames : WriteBatch::kMaxFrames);
  auto b = std::move(spares.back());
  spares.pop_back();
  return b;
}

void IoThread::give_batch(std::unique_ptr<WriteBatch> b) {
  b->heads.clear();
  b->bufs.clear();
  b->frames = 0;
  if (b->control.capacity() > 256) std::string().swap(b->control);
  b->control.clear();
  auto& spares = b->max_frames == WriteBatch::kSmallFrames ? spare_small_ : spare_batches_;
  if (spares.size() < 64) spares.push_back(std::move(b));  // the rest are freed
}

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
