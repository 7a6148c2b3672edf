// The one error vocabulary of Tiski.
//
// Every fallible operation at an I/O or storage edge returns Result<T>: a value or an
// Error{code, message}. The code is one of a small fixed set (the same names as the "errors"
// table in proto/protocol.json); http_status() maps it to an HTTP status and the WebSocket
// error frame carries its name. Exceptions are used only for start-up failures and bugs.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tiski {

enum class Errc {
  kBadRequest,
  kUnauthorized,
  kForbidden,
  kNotFound,
  kMethodNotAllowed,
  kConflict,
  kTooLarge,
  kRateLimited,
  kTotpRequired,  // the password was right; the two-factor code is missing
  kUnavailable,
  kInternal,
};

// The wire name ("bad_request", ...) of a code.
std::string_view errc_name(Errc code);
// The HTTP status that carries a code.
int http_status(Errc code);

struct [[nodiscard]] Error {
  Errc code = Errc::kInternal;
  std::string message;

  static Error bad_request(std::string m) { return {Errc::kBadRequest, std::move(m)}; }
  static Error unauthorized(std::string m) { return {Errc::kUnauthorized, std::move(m)}; }
  static Error forbidden(std::string m) { return {Errc::kForbidden, std::move(m)}; }
  static Error not_found(std::string m) { return {Errc::kNotFound, std::move(m)}; }
  static Error method_not_allowed(std::string m) { return {Errc::kMethodNotAllowed, std::move(m)}; }
  static Error conflict(std::string m) { return {Errc::kConflict, std::move(m)}; }
  static Error too_large(std::string m) { return {Errc::kTooLarge, std::move(m)}; }
  static Error rate_limited(std::string m) { return {Errc::kRateLimited, std::move(m)}; }
  static Error totp_required(std::string m) { return {Errc::kTotpRequired, std::move(m)}; }
  static Error unavailable(std::string m) { return {Errc::kUnavailable, std::move(m)}; }
  static Error internal(std::string m) { return {Errc::kInternal, std::move(m)}; }
};

// A value of type T or an Error. Access to the wrong side is a bug (asserts).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *e_;
  }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

}  // namespace tiski

// TRY(expr): the value of a Result<T>, or `return` its error from the enclosing function (which
// returns a Result or Status). TRY_OK(expr) does the same for a Status. GNU statement
// expressions (g++ and clang): the project's only compilers.
#define TRY(expr)                                 \
  ({                                              \
    auto try_result_ = (expr);                    \
    if (!try_result_) return try_result_.error(); \
    std::move(try_result_).value();               \
  })
#define TRY_OK(expr)                              \
  do {                                            \
    auto try_status_ = (expr);                    \
    if (!try_status_) return try_status_.error(); \
  } while (0)
