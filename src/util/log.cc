#include "util/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <ctime>
#include <memory>

namespace tiski::log {
namespace {

spdlog::logger& logger() {
  static auto l = [] {
    auto lg = std::make_shared<spdlog::logger>("tiski", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    lg->set_pattern("%v");
    lg->set_level(spdlog::level::info);
    return lg;
  }();
  return *l;
}

spdlog::level::level_enum to_spd(Level l) {
  switch (l) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string iso_now() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = ms / 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

void init(std::string_view level) {
  Level l = level == "debug"   ? Level::kDebug
            : level == "warn"  ? Level::kWarn
            : level == "error" ? Level::kError
                               : Level::kInfo;
  logger().set_level(to_spd(l));
}

void write(Level level, std::string_view msg, const boost::json::object& fields) {
  auto& lg = logger();
  if (!lg.should_log(to_spd(level))) return;
  boost::json::object o;
  o["ts"] = iso_now();
  o["level"] = level == Level::kDebug  ? "debug"
               : level == Level::kInfo ? "info"
               : level == Level::kWarn ? "warn"
                                       : "error";
  o["msg"] = msg;
  for (const auto& [k, v] : fields) o[k] = v;
  lg.log(to_spd(level), "{}", boost::json::serialize(o));
}

}  // namespace tiski::log
