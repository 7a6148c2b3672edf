// The gateway's helper for store work on behalf of a client: the completion runs with the
// session (nullptr if it disconnected meanwhile). Included by the gateway's .cc files only.
#pragma once

#include "chat/gateway/gateway.h"

namespace tiski {

// A completion for work done on behalf of session `s`: it gets the session back, or nullptr
// if the connection is gone meanwhile.
template <class T, class S>
std::function<void(Result<T>)> bound(S& s, std::function<void(S*, Result<T>)> done) {
  std::weak_ptr<ClientSession> weak = s.shared_from_this();
  return [weak, done = std::move(done)](Result<T> r) {
    auto sp = weak.lock();
    done(sp && sp->attached() ? static_cast<S*>(sp.get()) : nullptr, std::move(r));
  };
}

template <class T, class S, class Fn, class Done>
void Gateway::run(S& s, Fn fn, Done done) {
  d_.jobs.template run<T>(typename Jobs::template Fn<T>(std::move(fn)),
                          bound<T, S>(s, std::function<void(S*, Result<T>)>(std::move(done))));
}

}  // namespace tiski
