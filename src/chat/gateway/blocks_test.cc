#include "chat/gateway/blocks.h"

#include <gtest/gtest.h>

namespace tiski {
namespace {

Block block(Id id, Id tenant, Id visitor, std::string ip, Millis at, Millis until) {
  Block b;
  b.id = id;
  b.tenant_id = tenant;
  b.visitor_id = visitor;
  b.ip = std::move(ip);
  b.created_at = at;
  b.expires_at = until;
  return b;
}

TEST(Blocks, ByVisitorOrAddressInTheirTenantUntilTheyExpire) {
  Blocks b;
  b.add(block(1, 1, 42, "", 1000, 5000));
  EXPECT_TRUE(b.blocked(1, 42, "10.0.0.1", 4999));
  EXPECT_FALSE(b.blocked(1, 42, "10.0.0.1", 5000));  // expired
  EXPECT_FALSE(b.blocked(2, 42, "10.0.0.1", 2000));  // another tenant's visitor ids are its own
  EXPECT_FALSE(b.blocked(1, 43, "10.0.0.1", 2000));
  b.add(block(2, 1, 44, "10.0.0.9", 1000, 0));              // and by address, until lifted
  EXPECT_TRUE(b.blocked(1, 0, "10.0.0.9", 1'000'000'000));  // a new visitor from that address
  EXPECT_FALSE(b.blocked(2, 0, "10.0.0.9", 2000));
}

TEST(Blocks, LiftingOneLeavesAnotherOfTheSameVisitor) {
  Blocks b;
  b.add(block(1, 1, 42, "", 1000, 0));
  b.add(block(2, 1, 42, "", 1000, 9000));
  b.lift(1, 1);
  EXPECT_TRUE(b.blocked(1, 42, "", 8000));
  EXPECT_FALSE(b.blocked(1, 42, "", 9000));
  b.lift(1, 2);
  EXPECT_FALSE(b.blocked(1, 42, "", 2000));
  EXPECT_EQ(b.size(), 0u);
  b.lift(7, 7);  // unknown: nothing happens
}

TEST(Blocks, LoadIndexesEveryTenant) {
  Blocks b;
  b.load({block(1, 1, 5, "", 0, 0), block(2, 2, 6, "::1", 0, 0)});
  EXPECT_TRUE(b.blocked(1, 5, "", 1));
  EXPECT_TRUE(b.blocked(2, 0, "::1", 1));
  EXPECT_EQ(b.size(), 2u);
}

}  // namespace
}  // namespace tiski
