// Conformance of every back end: attachments (rows per tenant and conversation, the files
// message rows name, sweeping bytes no row refers to, erasure).
#include "store/conformance.h"

namespace tiski {
namespace {

using conformance::second_tenant;

TISKI_CONFORMANCE(AttachmentConformance);

Attachment file_of(Id tenant, Id conv, std::string sha, bool internal = false) {
  Attachment a;
  a.tenant_id = tenant;
  a.conv_id = conv;
  a.internal = internal;
  a.sha256 = std::move(sha);
  a.name = "kuitti.pdf";
  a.type = "application/pdf";
  a.size = 1234;
  a.created_at = 5000;
  return a;
}

TEST_P(AttachmentConformance, RowsAndTheMessagesThatNameThem) {
  auto c = store->create_conversation(visitor.id, "chat", 3000);
  ASSERT_TRUE(c.ok());
  auto a = store->add_attachment(file_of(tenant.id, c->id, std::string(64, 'a'), true));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_GT(a->id, 0);
  auto read = store->attachment(a->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->tenant_id, tenant.id);
  EXPECT_EQ(read->conv_id, c->id);
  EXPECT_TRUE(read->internal);
  EXPECT_EQ(read->name, "kuitti.pdf");
  EXPECT_EQ(read->size, 1234);
  EXPECT_EQ(store->attachment(a->id + 100).error().code, Errc::kNotFound);

  auto m = visitor_msg(c->id, "", "c1");
  m.files = {FileRef{a->id, "kuitti.pdf", "application/pdf", 1234, false, 0, 0, "", false},
             FileRef{0, "virus.exe", "", 99, false, 0, 0, "files of type 'exe' are not accepted here", false}};
  auto stored = store->append_message(m);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  auto back = store->messages_after(c->id, 0, 10);
  ASSERT_EQ(back->size(), 1u);
  ASSERT_EQ((*back)[0].files.size(), 2u);
  EXPECT_EQ((*back)[0].files[0].id, a->id);
  EXPECT_EQ((*back)[0].files[1].refused, "files of type 'exe' are not accepted here");
  EXPECT_EQ(store->conversation(c->id)->preview, "📎 kuitti.pdf");  // files alone: the first's name
  EXPECT_EQ(store->conversation_attachments(c->id, 10)->size(), 1u);
  EXPECT_TRUE(*store->file_referenced(tenant.id, std::string(64, 'a')));
  auto [t2, s2] = second_tenant(*store);
  EXPECT_FALSE(*store->file_referenced(t2->id, std::string(64, 'a')));
}

TEST_P(AttachmentConformance, BytesAreSweptOnlyWhenNoRowRefersToThem) {
  auto c = store->create_conversation(visitor.id, "chat", 3000);
  std::string kept(64, 'b'), dropped(64, 'c');
  auto a = store->add_attachment(file_of(tenant.id, c->id, kept));
  auto b = store->add_attachment(file_of(tenant.id, c->id, kept));
  auto d = store->add_attachment(file_of(tenant.id, c->id, dropped));
  ASSERT_TRUE(store->remove_attachments({a->id, d->id}, 6000).ok());
  ASSERT_TRUE(store->sweep_later(FileKey{tenant.id, std::string(64, 'e')}, 6000).ok());
  // Nothing is swept before its time (a mark made in the same batch may yet be rolled back).
  EXPECT_TRUE(store->files_to_sweep(6000, 10)->empty());
  auto gone = store->files_to_sweep(6001, 10);
  ASSERT_TRUE(gone.ok()) << gone.error().message;
  std::vector<std::string> shas;
  for (const auto& k : *gone) shas.push_back(k.sha256);
  std::sort(shas.begin(), shas.end());
  EXPECT_EQ(shas, (std::vector<std::string>{dropped, std::string(64, 'e')}));  // b still names `kept`
  EXPECT_TRUE(store->files_to_sweep(7000, 10)->empty());                       // taken once
  EXPECT_EQ(store->attachment(b->id)->sha256, kept);
}

TEST_P(AttachmentConformance, ErasureTakesTheFiles) {
  auto c = store->create_conversation(visitor.id, "chat", 3000);
  auto a = store->add_attachment(file_of(tenant.id, c->id, std::string(64, 'f')));
  auto m = visitor_msg(c->id, "kuva", "c1");
  m.files = {FileRef{a->id, "kuitti.pdf", "application/pdf", 1234, false, 0, 0, "", false}};
  ASSERT_TRUE(store->append_message(m).ok());
  auto e = store->erase_visitors(tenant.id, {visitor.id}, 7000);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->files, 1);
  EXPECT_EQ(store->attachment(a->id).error().code, Errc::kNotFound);
  EXPECT_TRUE((*store->messages_after(c->id, 0, 10))[0].files.empty());
  auto gone = store->files_to_sweep(7001, 10);
  ASSERT_EQ(gone->size(), 1u);
  EXPECT_EQ((*gone)[0].tenant_id, tenant.id);
}

}  // namespace
}  // namespace tiski
