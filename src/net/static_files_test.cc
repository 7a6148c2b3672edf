#include "net/static_files.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

namespace tiski {
namespace {

std::string gunzip(const std::string& z) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(z.data()));
  zs.avail_in = static_cast<uInt>(z.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  inflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

TEST(StaticFiles, EtagGzipAndIndex) {
  auto dir = std::filesystem::temp_directory_path() / ("tiski-static-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "console");
  std::string js(5000, 'a');
  std::ofstream(dir / "widget.js") << js;
  std::ofstream(dir / "console" / "index.html") << "<!doctype html><title>x</title>";
  StaticFiles files;
  ASSERT_TRUE(files.load(dir.string()).ok());

  auto plain = files.get("/widget.js", "", "");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200);
  EXPECT_FALSE(plain->gzipped);
  EXPECT_EQ(*plain->body, js);
  EXPECT_EQ(plain->file->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(plain->file->cache_control, "public, max-age=300");

  auto gz = files.get("/widget.js", "", "gzip, deflate, br");
  ASSERT_TRUE(gz->gzipped);
  EXPECT_LT(gz->body->size(), js.size());
  EXPECT_EQ(gunzip(*gz->body), js);

  auto again = files.get("/widget.js", plain->file->etag, "gzip");
  EXPECT_EQ(again->status, 304);

  std::ofstream(dir / "widget-chat.0a1b2c3d4e.js") << js;
  ASSERT_TRUE(files.load(dir.string()).ok());
  EXPECT_EQ(files.get("/widget-chat.0a1b2c3d4e.js", "", "")->file->cache_control,
            "public, max-age=31536000, immutable");
  EXPECT_TRUE(is_content_named("/widget-survey.19e9e14ce9.js"));
  EXPECT_FALSE(is_content_named("/widget-chat.0A1B2C3D4E.js"));
  EXPECT_FALSE(is_content_named("/widget-chat.0a1b2c3d4.js"));
  EXPECT_FALSE(is_content_named("/console/widget-chat.0a1b2c3d4e.js"));
  EXPECT_FALSE(is_content_named("/widget.js"));

  EXPECT_TRUE(files.get("/console/", "", ""));
  EXPECT_TRUE(files.get("/console/index.html", "", ""));
  EXPECT_FALSE(files.get("/nope.js", "", ""));
  EXPECT_FALSE(files.get("/../etc/passwd", "", ""));
  std::filesystem::remove_all(dir);
}

TEST(StaticFiles, MissingDirectoryIsAClearError) {
  StaticFiles files;
  auto s = files.load("/nonexistent/tiski/web");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("make web"), std::string::npos);
}

}  // namespace
}  // namespace tiski
