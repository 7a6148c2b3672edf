// Conformance of every back end: the quality review's flags and queue, reviews and weekly
// trends, and the suggestion counts (DeskRepo).
#include "store/conformance.h"

namespace tiski {
namespace {

TISKI_CONFORMANCE(QualityConformance);

TEST_P(QualityConformance, TheQueueIsFlaggedUnscoredConversationsOfTheAskedTenantsNewestFirst) {
  std::vector<Id> convs;
  for (int i = 0; i < 3; ++i) {
    auto c = store->create_conversation(visitor.id, origin::kReactive, 4000 + i);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(store->close(c->id, 5000 + i).ok());
    convs.push_back(c->id);
  }
  ASSERT_TRUE(store
                  ->save_quality_flags({{convs[0], tenant.id, "slow_reply,no_question", "{}", 5000},
                                        {convs[1], tenant.id, "", "{}", 5001},
                                        {convs[2], tenant.id, "rude_word", R"({"rude_word":{"word":"x"}})", 5002}},
                                       77)
                  .ok());
  auto q = store->review_queue({tenant.id}, "", 0, 0, 10);
  ASSERT_TRUE(q.ok()) << q.error().message;
  ASSERT_EQ(q->size(), 2u);  // the unflagged one is not there
  EXPECT_EQ((*q)[0].flags.conv_id, convs[2]);
  EXPECT_EQ((*q)[0].conv.id, convs[2]);
  EXPECT_EQ((*q)[1].flags.flags, "slow_reply,no_question");
  // One flag by name, whole names only; the cursor; another tenant's list is empty.
  EXPECT_EQ(store->review_queue({tenant.id}, "no_question", 0, 0, 10)->size(), 1u);
  EXPECT_EQ(*store->review_queue_size({tenant.id}, "no_question", 100), 1u);
  EXPECT_EQ(*store->review_queue_size({tenant.id}, "", 100), q->size());
  EXPECT_EQ(*store->review_queue_size({tenant.id}, "", 1), 1u);  // counted up to the cap
  EXPECT_EQ(*store->review_queue_size({tenant.id + 1}, "", 100), 0u);
  EXPECT_EQ(store->review_queue({tenant.id}, "question", 0, 0, 10)->size(), 0u);
  auto next = store->review_queue({tenant.id}, "", 5002, convs[2], 10);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].flags.conv_id, convs[0]);
  EXPECT_TRUE(store->review_queue({tenant.id + 1}, "", 0, 0, 10)->empty());
  // A review takes it off the queue; a second one replaces the first.
  Review r{convs[2], tenant.id, 4, 9, "", 1, 2, 3, 4, "Ei näin", 6000};
  ASSERT_TRUE(store->save_review(r).ok());
  r.sales = 5;
  ASSERT_TRUE(store->save_review(r).ok());
  EXPECT_EQ(store->review_queue({tenant.id}, "", 0, 0, 10)->size(), 1u);
  auto got = store->review(convs[2]);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->sales, 5);
  EXPECT_EQ((*got)->agent_id, 4);
  EXPECT_FALSE(store->review(convs[0])->has_value());
  // The flags are kept per conversation and replaced when judged again.
  ASSERT_TRUE(store->save_quality_flags({{convs[0], tenant.id, "", "{}", 5000}}, 78).ok());
  EXPECT_EQ((*store->quality_flags(convs[0]))->flags, "");
}

TEST_P(QualityConformance, TheFlaggerReadsClosesAndOutcomesAfterItsMark) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 4000);
  ASSERT_TRUE(store->append_event({0, tenant.id, c->id, "conversation.created", "{}", 4000}).ok());
  ASSERT_TRUE(store->append_event({0, tenant.id, c->id, "conversation.closed", "{}", 4001}).ok());
  ASSERT_TRUE(store->append_event({0, tenant.id, c->id, "conversation.outcome", "{}", 4002}).ok());
  auto evs = store->quality_events(10);
  ASSERT_EQ(evs->size(), 2u);
  EXPECT_EQ((*evs)[0].kind, "conversation.closed");
  ASSERT_TRUE(store->save_quality_flags({}, (*evs)[0].id).ok());
  evs = store->quality_events(10);
  ASSERT_EQ(evs->size(), 1u);
  EXPECT_EQ((*evs)[0].kind, "conversation.outcome");
}

TEST_P(QualityConformance, WeeksAverageOneAgentsScoresAndSuggestionsAddUp) {
  constexpr Millis kWeek = 7LL * 86'400'000;
  std::vector<Id> convs;
  for (int i = 0; i < 3; ++i) {
    auto c = store->create_conversation(visitor.id, origin::kReactive, 1);
    ASSERT_TRUE(c.ok()) << c.error().message;
    ASSERT_TRUE(store->close(c->id, 2).ok());
    convs.push_back(c->id);
  }
  ASSERT_TRUE(store->save_review({convs[0], tenant.id, 4, 9, "", 1, 1, 1, 1, "", kWeek + 10}).ok());
  ASSERT_TRUE(store->save_review({convs[1], tenant.id, 4, 9, "", 3, 5, 5, 5, "", kWeek + 20}).ok());
  ASSERT_TRUE(store->save_review({convs[2], tenant.id, 5, 9, "", 5, 5, 5, 5, "", kWeek + 30}).ok());  // another agent
  auto weeks = store->review_weeks(tenant.id, 4, 0, 3 * kWeek);
  ASSERT_EQ(weeks->size(), 1u);
  EXPECT_EQ((*weeks)[0].start, kWeek);
  EXPECT_EQ((*weeks)[0].count, 2);
  EXPECT_DOUBLE_EQ((*weeks)[0].reachability, 2.0);
  EXPECT_DOUBLE_EQ((*weeks)[0].sales, 3.0);
  EXPECT_EQ(store->reviews(tenant.id, Id{4}, 0, 0, 10)->size(), 2u);
  EXPECT_EQ(store->reviews(tenant.id, std::nullopt, 0, 0, 10)->size(), 3u);
  EXPECT_TRUE(store->reviews(tenant.id + 1, std::nullopt, 0, 0, 10)->empty());

  // Each visitor line is counted once as offered and once as used.
  EXPECT_TRUE(*store->first_suggestion(convs[0], 3, false));
  EXPECT_FALSE(*store->first_suggestion(convs[0], 3, false));
  EXPECT_TRUE(*store->first_suggestion(convs[0], 3, true));
  EXPECT_FALSE(*store->first_suggestion(convs[0], 3, true));
  EXPECT_FALSE(*store->first_suggestion(convs[0], 2, false));  // an older line
  EXPECT_TRUE(*store->first_suggestion(convs[0], 5, false));
  EXPECT_TRUE(*store->first_suggestion(convs[1], 3, false));
  ASSERT_TRUE(store->count_suggestions(tenant.id, 0, 1, 0).ok());
  ASSERT_TRUE(store->count_suggestions(tenant.id, 0, 2, 1).ok());
  ASSERT_TRUE(store->count_suggestions(tenant.id, 86'400'000, 1, 1).ok());
  auto s = store->suggestion_stats(tenant.id, 0, 86'400'000);
  EXPECT_EQ(s->offered, 3);
  EXPECT_EQ(s->used, 1);
  EXPECT_EQ(store->suggestion_stats(tenant.id, 0, 2 * 86'400'000)->used, 2);
  EXPECT_EQ(store->suggestion_stats(tenant.id + 1, 0, 2 * 86'400'000)->offered, 0);
}

}  // namespace
}  // namespace tiski
