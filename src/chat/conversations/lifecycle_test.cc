// The chat lifecycle on a manual clock.
#include "chat/conversations/lifecycle.h"

#include <gtest/gtest.h>

namespace tiski {
namespace {

constexpr Millis kMin = 60'000;

Conversation chat(Id id, std::string_view status, std::string_view org = origin::kReactive, Millis last_at = 0) {
  Conversation c;
  c.id = id;
  c.tenant_id = 1;
  c.visitor_id = 100 + id;
  c.status = std::string(status);
  c.origin = std::string(org);
  c.created_at = last_at;
  c.last_at = last_at;
  return c;
}

TEST(Lifecycle, AWaitingChatWhoseVisitorLeftIsMissedAfterTheTenantsMinutes) {
  Lifecycle l;
  l.set_tenant(1, {10 * kMin, 30 * kMin});
  Millis t = 1'000'000;
  l.visitor_present(101, true, t);
  l.update(chat(1, conv_status::kWaiting, origin::kReactive, t), t);
  EXPECT_EQ(l.deadline(1), std::nullopt);  // the visitor is here: nothing to close
  l.visitor_present(101, false, t + kMin);
  EXPECT_EQ(l.deadline(1), t + 11 * kMin);
  l.visitor_present(101, true, t + 5 * kMin);  // came back (another page)
  EXPECT_EQ(l.deadline(1), std::nullopt);
  l.visitor_present(101, false, t + 6 * kMin);
  EXPECT_TRUE(l.due(t + 15 * kMin).empty());
  auto due = l.due(t + 16 * kMin);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].conv, 1);
  EXPECT_EQ(due[0].reason, Lifecycle::Reason::kMissed);
  EXPECT_EQ(due[0].since, t + 6 * kMin);
  EXPECT_TRUE(l.due(t + 20 * kMin).empty());  // returned once
}

TEST(Lifecycle, AnActiveChatWithoutMessagesIsClosedAndEachMessageRearmsIt) {
  Lifecycle l;
  l.set_tenant(1, {10 * kMin, 30 * kMin});
  Millis t = 1'000'000;
  l.update(chat(1, conv_status::kActive, origin::kReactive, t), t);
  EXPECT_EQ(l.deadline(1), t + 30 * kMin);
  l.message(1, t + 20 * kMin);
  EXPECT_TRUE(l.due(t + 40 * kMin).empty());
  auto due = l.due(t + 50 * kMin);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].reason, Lifecycle::Reason::kIdle);
  EXPECT_EQ(due[0].since, t + 20 * kMin);
}

TEST(Lifecycle, AChatThatWaitedLongIsNotIdleTheMomentItIsTaken) {
  Lifecycle l;
  l.set_tenant(1, {10 * kMin, 30 * kMin});
  Millis t = 1'000'000;
  l.visitor_present(101, true, t);
  l.update(chat(1, conv_status::kWaiting, origin::kReactive, t), t);
  l.update(chat(1, conv_status::kActive, origin::kReactive, t), t + 45 * kMin);  // taken 45 min later
  EXPECT_EQ(l.deadline(1), t + 75 * kMin);
}

TEST(Lifecycle, InboxItemsAndSettingsOfZeroAreNeverClosed) {
  Lifecycle l;
  l.set_tenant(1, {0, 0});
  Millis t = 1'000'000;
  l.update(chat(1, conv_status::kWaiting, origin::kReactive, t), t);
  l.update(chat(2, conv_status::kActive, origin::kReactive, t), t);
  l.set_tenant(2, {kMin, kMin});
  auto inbox = chat(3, conv_status::kWaiting, origin::kOffline, t);
  inbox.tenant_id = 2;
  l.update(inbox, t);
  EXPECT_TRUE(l.due(t + 365LL * 24 * 60 * kMin).empty());
}

TEST(Lifecycle, AtStartUpAVisitorWhoNeverReturnsCountsAsGoneFromThen) {
  Lifecycle l;
  l.set_tenant(1, {10 * kMin, 30 * kMin});
  Millis start = 5'000'000;
  l.update(chat(1, conv_status::kWaiting, origin::kReactive, 0), start);  // loaded from the store
  EXPECT_EQ(l.deadline(1), start + 10 * kMin);
  l.update(chat(1, conv_status::kClosed), start + kMin);
  EXPECT_TRUE(l.due(start + 60 * kMin).empty());
}

TEST(Lifecycle, ChangingTheSettingsRearmsOpenChats) {
  Lifecycle l;
  Millis t = 1'000'000;
  l.update(chat(1, conv_status::kActive, origin::kReactive, t), t);
  EXPECT_EQ(l.deadline(1), t + 30 * kMin);  // the defaults
  l.set_tenant(1, {10 * kMin, 5 * kMin});
  EXPECT_EQ(l.deadline(1), t + 5 * kMin);
}

// A departure recorded elsewhere (another node, where the last tab closed; or before a restart):
// a visitor here is back at once, one who comes later is back when they come.
TEST(Lifecycle, ADepartureRecordedElsewhereEndsWhenTheVisitorIsHere) {
  Lifecycle l;
  Millis t = 1'000'000;
  l.visitor_present(101, true, t);
  auto left = chat(1, conv_status::kWaiting, origin::kReactive, t);
  left.visitor_left_at = t - 5'000;
  l.update(left, t);
  auto back = l.presence_changes(t);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_TRUE(back[0].present);
  l.update(left, t + 1'000);  // the same state again: nothing more
  EXPECT_TRUE(l.presence_changes(t + 1'000).empty());
  auto other = chat(2, conv_status::kWaiting, origin::kReactive, t);
  other.visitor_left_at = t - 5'000;
  l.update(other, t);
  EXPECT_TRUE(l.presence_changes(t + 2'000).empty());
  l.visitor_present(102, true, t + 3'000);
  ASSERT_EQ(l.presence_changes(t + 3'000).size(), 1u);
  // The store took the first return; another node records a second departure: healed again.
  auto cleared = left;
  cleared.visitor_left_at.reset();
  l.update(cleared, t + 4'000);
  left.visitor_left_at = t + 5'000;
  l.update(left, t + 6'000);
  ASSERT_EQ(l.presence_changes(t + 6'000).size(), 1u);
}

// The visitor comes back while their departure is still on its way to the store: one return, and
// their next real departure is recorded again.
TEST(Lifecycle, AReturnBeforeTheDepartureIsStoredIsRecordedOnce) {
  Lifecycle l;
  Millis t = 1'000'000;
  l.visitor_present(101, true, t);
  auto c = chat(1, conv_status::kWaiting, origin::kReactive, t);
  l.update(c, t);
  l.visitor_present(101, false, t + 1'000);
  ASSERT_EQ(l.presence_changes(t + 12'000).size(), 1u);  // the departure, handed to the store
  l.visitor_present(101, true, t + 13'000);              // back before the store has it
  ASSERT_EQ(l.presence_changes(t + 13'000).size(), 1u);  // the return
  c.visitor_left_at = t + 1'000;                         // the departure, stored
  l.update(c, t + 14'000);
  EXPECT_TRUE(l.presence_changes(t + 14'000).empty()) << "the return is on its way already";
  c.visitor_left_at.reset();  // the return, stored
  l.update(c, t + 15'000);
  l.visitor_present(101, false, t + 20'000);
  auto again = l.presence_changes(t + 31'000);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(again[0].present);
}

// Departures and returns for the record: a departure once the last tab has been gone for the
// grace period, dated when it went; a return only after a recorded departure; nothing for a
// visitor who only moved to the next page, nor for one never seen at start-up.
TEST(Lifecycle, DeparturesAndReturnsAreReportedOnceAndDatedWhenTheTabWent) {
  Lifecycle l;
  Millis t = 1'000'000;
  l.visitor_present(101, true, t);
  l.update(chat(1, conv_status::kActive, origin::kReactive, t), t);
  l.visitor_present(101, false, t + 1'000);  // the next page...
  l.visitor_present(101, true, t + 1'500);   // ...loaded
  EXPECT_TRUE(l.presence_changes(t + 60'000).empty());
  l.visitor_present(101, false, t + 70'000);
  EXPECT_TRUE(l.presence_changes(t + 75'000).empty());  // within the grace period
  auto gone = l.presence_changes(t + 80'000);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].conv, 1);
  EXPECT_EQ(gone[0].at, t + 70'000);
  EXPECT_FALSE(gone[0].present);
  EXPECT_TRUE(l.presence_changes(t + 90'000).empty());  // once
  l.visitor_present(101, true, t + 100'000);
  auto back = l.presence_changes(t + 100'000);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_TRUE(back[0].present);
  EXPECT_EQ(back[0].at, t + 100'000);
  // At start-up nobody is known to be there; that is not a departure.
  l.update(chat(2, conv_status::kWaiting, origin::kReactive, t), t + 200'000);
  EXPECT_TRUE(l.presence_changes(t + 300'000).empty());
  // A visitor whose chat closed is forgotten.
  l.visitor_present(101, false, t + 310'000);
  l.update(chat(1, conv_status::kClosed), t + 311'000);
  EXPECT_TRUE(l.presence_changes(t + 400'000).empty());
}

}  // namespace
}  // namespace tiski
