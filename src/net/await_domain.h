// Awaiting the domain thread from an I/O thread's coroutine (the HTTP sessions and the
// upgrade): Starter, await_callback and await_domain, and the tuple completion token.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>

#include "net/server_impl.h"

namespace tiski {

inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Adapts a callback-style API (AuthService) for co_await; yields a shared_ptr<R>. The starter
// lives in the calling coroutine's frame and only a raw pointer crosses into asio: GCC 12
// double-destroys non-trivial temporaries handed to use_awaitable initiations. The callback
// is always resumed through a post, never inline.
template <class R>
using Starter = std::function<void(std::function<void(R)>)>;

template <class R>
auto await_callback(Starter<R>* start) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(std::shared_ptr<R>)>(
      [](auto handler, Starter<R>* st) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        (*st)([h](R r) {
          auto ex = asio::get_associated_executor(*h);
          asio::post(ex, [h, p = std::make_shared<R>(std::move(r))]() mutable { std::move (*h)(p); });
        });
      },
      asio::use_awaitable, start);
}

// Like await_callback, but `start` runs on the domain thread (where chat, auth and the routes
// live); the result comes back to the awaiting coroutine's I/O thread.
template <class R>
awaitable<std::shared_ptr<R>> await_domain(Server::Impl& srv, Starter<R>* start) {
  Starter<R> on_domain = [&srv, start](std::function<void(R)> cb) {
    srv.on_domain([start, cb = std::move(cb)]() mutable { (*start)(std::move(cb)); });
  };
  co_return co_await await_callback(&on_domain);
}

}  // namespace tiski
