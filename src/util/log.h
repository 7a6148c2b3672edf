// JSON logs: one object per line on stderr, {"ts","level","msg",...fields}.
// Thread-safe (spdlog's synchronous stderr sink has its own mutex).
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

namespace tiski::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the threshold ("debug", "info", "warn", "error"); unknown names mean info.
void init(std::string_view level);
void write(Level level, std::string_view msg, const boost::json::object& fields = {});

inline void debug(std::string_view m, const boost::json::object& f = {}) { write(Level::kDebug, m, f); }
inline void info(std::string_view m, const boost::json::object& f = {}) { write(Level::kInfo, m, f); }
inline void warn(std::string_view m, const boost::json::object& f = {}) { write(Level::kWarn, m, f); }
inline void error(std::string_view m, const boost::json::object& f = {}) { write(Level::kError, m, f); }

}  // namespace tiski::log
