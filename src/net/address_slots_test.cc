#include "net/address_slots.h"

#include <gtest/gtest.h>

namespace tiski::net {
namespace {

TEST(AddressSlots, AnAddressHoldsAtMostItsSlotsAndGetsThemBack) {
  AddressSlots slots(3, {"10.0.0.9"});
  std::vector<AddressSlots::Hold> held(3);
  for (auto& h : held) EXPECT_TRUE(slots.take("10.0.0.1", h));
  AddressSlots::Hold more;
  EXPECT_FALSE(slots.take("10.0.0.1", more));
  EXPECT_TRUE(slots.take("10.0.0.2", more)) << "another address has its own";
  more.release();
  EXPECT_EQ(slots.open("10.0.0.2"), 0u);
  AddressSlots::Hold moved = std::move(held[0]);  // moves with its connection: given back once
  held.clear();
  EXPECT_EQ(slots.open("10.0.0.1"), 1u);
  moved = AddressSlots::Hold();
  EXPECT_EQ(slots.open("10.0.0.1"), 0u);
  std::vector<AddressSlots::Hold> free(100);
  for (auto& h : free) EXPECT_TRUE(slots.take("10.0.0.9", h)) << "exempt";
  EXPECT_EQ(slots.open("10.0.0.9"), 0u);
}

}  // namespace
}  // namespace tiski::net
