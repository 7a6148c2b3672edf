#include "net/static_files.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/crypto.h"

namespace tiski {
namespace fs = std::filesystem;

std::string_view content_type_for(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json") || ends(".map")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  if (ends(".mp3")) return "audio/mpeg";
  if (ends(".wav")) return "audio/wav";
  return "application/octet-stream";
}

std::string gzip_compress(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

bool is_content_named(std::string_view path) {
  constexpr std::string_view kPrefix = "/widget-", kSuffix = ".js";
  constexpr std::size_t kHashDigits = 10;  // web/build.mjs
  if (!path.starts_with(kPrefix) || !path.ends_with(kSuffix)) return false;
  auto stem = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());  // KIND.HASH
  auto dot = stem.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || stem.size() - dot - 1 != kHashDigits) return false;
  auto hash = stem.substr(dot + 1);
  return std::all_of(hash.begin(), hash.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void StaticFiles::put(const std::string& url_path, std::string body, std::string_view content_type) {
  StaticFile f;
  f.etag = "\"" + crypto::sha256_hex(body).substr(0, 20) + "\"";
  f.content_type = std::string(content_type);
  bool compressible = f.content_type.starts_with("text/") || f.content_type.starts_with("application/json") ||
                      f.content_type.starts_with("image/svg");
  if (compressible && body.size() > 256) {
    auto z = gzip_compress(body);
    if (!z.empty() && z.size() < body.size()) f.gzip = std::move(z);
  }
  // The widget's URL is fixed in every shop's page, so it may be cached only briefly; its own
  // files (widget-KIND.HASH.js) are named by their content and never change; the rest is
  // revalidated by ETag on each load.
  f.cache_control = url_path == "/widget.js"     ? "public, max-age=300"
                    : is_content_named(url_path) ? "public, max-age=31536000, immutable"
                                                 : "no-cache";
  f.body = std::move(body);
  files_[url_path] = std::move(f);
  if (url_path.ends_with("/index.html")) {
    files_[url_path.substr(0, url_path.size() - std::string_view("index.html").size())] = files_[url_path];
  }
}

Status StaticFiles::load(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Error::not_found("web directory " + dir + " does not exist (build the front end: make web)");
  }
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string rel = "/" + fs::relative(it->path(), dir).generic_string();
    put(rel, ss.str(), content_type_for(rel));
  }
  if (ec) return Error::internal("reading " + dir + ": " + ec.message());
  return {};
}

std::vector<std::string> StaticFiles::paths() const {
  std::vector<std::string> out;
  for (const auto& [path, file] : files_) out.push_back(path);
  return out;
}

const StaticFile* StaticFiles::find(std::string_view url_path) const {
  auto it = files_.find(url_path);
  return it == files_.end() ? nullptr : &it->second;
}

std::optional<StaticReply> StaticFiles::get(std::string_view url_path, std::string_view if_none_match,
                                            std::string_view accept_encoding) const {
  const StaticFile* f = find(url_path);
  if (!f) return std::nullopt;
  StaticReply r;
  r.file = f;
  if (!if_none_match.empty() && if_none_match.find(f->etag) != std::string_view::npos) {
    r.status = 304;
    return r;
  }
  if (!f->gzip.empty() && accept_encoding.find("gzip") != std::string_view::npos) {
    r.body = &f->gzip;
    r.gzipped = true;
  } else {
    r.body = &f->body;
  }
  return r;
}

}  // namespace tiski
