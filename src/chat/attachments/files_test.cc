#include "chat/attachments/files.h"

#include <gtest/gtest.h>

#include "chat/attachments/attach.h"
#include "store/sqlite/sqlite_engine.h"
#include "util/crypto.h"

namespace tiski::attachments {
namespace {

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override { root = std::filesystem::temp_directory_path() / ("tiski-files-" + crypto::random_token(6)); }
  void TearDown() override { std::filesystem::remove_all(root); }
  std::filesystem::path root;
};

TEST_F(FilesTest, KeptByContentPerTenant) {
  Files files(root);
  auto a = files.put(1, "kuitti");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(*a, crypto::sha256_hex("kuitti"));
  EXPECT_EQ(*files.put(1, "kuitti"), *a);  // the same content once
  EXPECT_EQ(*files.read(1, *a), "kuitti");
  EXPECT_TRUE(files.exists(1, *a));
  // Another tenant has its own copy, or none.
  EXPECT_FALSE(files.exists(2, *a));
  EXPECT_EQ(files.read(2, *a).error().code, Errc::kNotFound);
  // No temporary file is left behind; the path is <root>/<tenant>/<2 hex>/<sha>.
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) n += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(n, 1u);
  EXPECT_TRUE(std::filesystem::exists(root / "1" / a->substr(0, 2) / *a));
  files.remove(1, *a);
  EXPECT_FALSE(files.exists(1, *a));
  files.remove(1, *a);  // gone already is fine
}

TEST_F(FilesTest, OnlyHashesNamePaths) {
  Files files(root);
  ASSERT_TRUE(files.put(1, "x").ok());
  for (const char* bad :
       {"../../etc/passwd", "", "ABCDEF", "../1/2d/2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"}) {
    EXPECT_EQ(files.read(1, bad).error().code, Errc::kNotFound) << bad;
    EXPECT_FALSE(files.exists(1, bad)) << bad;
  }
}

TEST_F(FilesTest, StagingRefusesWithoutKeeping) {
  Files files(root);
  auto bad = stage_file(files, 1, "kuva.png", "<html>");
  EXPECT_TRUE(bad.sha256.empty());
  ASSERT_TRUE(bad.error.has_value());
  EXPECT_FALSE(std::filesystem::exists(root / "1"));
  auto ok = stage_file(files, 1, "../muistio.txt", "hei");
  EXPECT_FALSE(ok.error.has_value());
  EXPECT_EQ(ok.file.name, "muistio.txt");
  EXPECT_EQ(ok.size, 3);
  EXPECT_TRUE(files.exists(1, ok.sha256));
}

TEST_F(FilesTest, SweepRemovesBytesAMinuteAfterNothingNamesThem) {
  Files files(root);
  auto store = std::move(SqliteStore::open(":memory:")).value();
  auto sha = *files.put(1, "unohdettu");
  ASSERT_TRUE(store->sweep_later(FileKey{1, sha}, 1000).ok());
  EXPECT_EQ(*sweep(*store, files, 10, 1000 + kSweepAfterMs), 0u);  // not yet
  EXPECT_TRUE(files.exists(1, sha));
  EXPECT_EQ(*sweep(*store, files, 10, 1001 + kSweepAfterMs), 1u);
  EXPECT_FALSE(files.exists(1, sha));
}

// An email's file the tenant does not take is named as refused, and its staged bytes go with the
// next sweep (they stayed on disk for ever: thousands from one email); a kept one stays.
TEST_F(FilesTest, RefusedEmailFilesAreSwept) {
  Files files(root);
  auto store = std::move(SqliteStore::open(":memory:")).value();
  auto tenant = *store->create_tenant("kauppa", "Kauppa", 1000);
  Site site;
  site.tenant_id = tenant.id;
  site.key = "site-key";
  site.name = "Kauppa";
  auto made = *store->create_site(site);
  auto visitor = *store->create_visitor(made.id, "fi", 1000);
  auto conv = *store->create_conversation(visitor.id, "email", 1000, std::nullopt);
  std::vector<Staged> staged{stage_file(files, tenant.id, "kuitti.pdf", "%PDF-1.4 kuitti"),
                             stage_file(files, tenant.id, "ohjelma.exe", "MZ ohjelma")};
  ASSERT_FALSE(staged[0].error.has_value());
  ASSERT_FALSE(staged[1].error.has_value());  // any type is staged; the tenant's policy decides
  std::vector<Id> rows;
  auto refs = keep_files(*store, files, conv, false, staged, false, 2000, rows);
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  ASSERT_EQ(refs->size(), 2u);
  EXPECT_TRUE((*refs)[0].refused.empty());
  EXPECT_NE((*refs)[1].refused, "");
  EXPECT_EQ(*sweep(*store, files, 10, 2001 + kSweepAfterMs), 1u);
  EXPECT_TRUE(files.exists(tenant.id, staged[0].sha256));
  EXPECT_FALSE(files.exists(tenant.id, staged[1].sha256));

  // An email's HTML body is no file: ten files beside it are all kept (the tenth was refused).
  std::vector<Staged> email{stage_file(files, tenant.id, "viesti.html", "<p>Hei</p>")};
  email.front().body = true;
  for (int i = 0; i < 10; ++i)
    email.push_back(stage_file(files, tenant.id, "kuitti" + std::to_string(i) + ".txt", "kuitti " + std::to_string(i)));
  rows.clear();
  auto kept = keep_files(*store, files, conv, false, email, false, 3000, rows);
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  ASSERT_EQ(kept->size(), 11u);
  for (const auto& r : *kept) EXPECT_EQ(r.refused, "") << r.name;
}

TEST_F(FilesTest, AnUnwritableRootIsUnavailable) {
  Files files("/proc/tiski-cannot-write-here");
  auto r = files.put(1, "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
}

}  // namespace
}  // namespace tiski::attachments
