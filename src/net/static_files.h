// In-memory static files (the widget, the console, the demo shop) with ETag, gzip and cache
// headers. Everything under the web directory is read and compressed once at start-up, so a
// request costs a map lookup. No Beast here: server.cc turns a StaticReply into a response.
// Thread-safe for concurrent lookups after load().
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace tiski {

struct StaticFile {
  std::string body;
  std::string gzip;  // empty if compression does not pay
  std::string etag;  // quoted
  std::string content_type;
  std::string cache_control;
};

struct StaticReply {
  int status = 200;  // 200 or 304
  const std::string* body = nullptr;
  bool gzipped = false;
  const StaticFile* file = nullptr;
};

class StaticFiles {
 public:
  // Reads every regular file below `dir`. A missing directory is an error (the front end was
  // not built). Files are served at "/" + their relative path; "dir/index.html" also at "dir/".
  Status load(const std::string& dir);
  // Adds or replaces one file (used for the demo page after the site key is filled in).
  void put(const std::string& url_path, std::string body, std::string_view content_type);
  // nullopt if there is no such file.
  std::optional<StaticReply> get(std::string_view url_path, std::string_view if_none_match,
                                 std::string_view accept_encoding) const;
  const StaticFile* find(std::string_view url_path) const;
  // URL paths of the loaded files, sorted.
  std::vector<std::string> paths() const;
  std::size_t size() const { return files_.size(); }

 private:
  std::map<std::string, StaticFile, std::less<>> files_;
};

std::string_view content_type_for(std::string_view path);

// The widget's own files, named by their content ("/widget-chat.0123456789.js", web/build.mjs):
// cached for a year, never revalidated.
bool is_content_named(std::string_view path);
// gzip (RFC 1952) at the best compression level.
std::string gzip_compress(std::string_view data);

}  // namespace tiski
