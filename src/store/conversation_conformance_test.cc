// Conformance of every back end: ConversationRepo: conversations and messages, assignment, teams, paging.
#include "store/conformance.h"

namespace tiski {
namespace {

using conformance::second_tenant;

TISKI_CONFORMANCE(ConversationConformance);

TEST_P(ConversationConformance, MaxChatsAndReleasingAnAssignment) {
  auto a = store->create_agent("a@b.fi", "Aino", "h", 1);
  EXPECT_EQ(a->max_chats, 0);  // the tenant default
  ASSERT_TRUE(store->set_max_chats(a->id, 2).ok());
  EXPECT_EQ(store->agent_by_id(a->id)->max_chats, 2);
  EXPECT_EQ(store->set_max_chats(a->id, 51).error().code, Errc::kBadRequest);
  EXPECT_EQ(store->set_max_chats(a->id, -1).error().code, Errc::kBadRequest);
  EXPECT_EQ(tenant.default_max_chats, 3);
  ASSERT_TRUE(store->set_tenant_default_max_chats(tenant.id, 5).ok());
  EXPECT_EQ(store->tenant_by_slug(tenant.slug)->default_max_chats, 5);
  EXPECT_EQ(store->set_tenant_default_max_chats(tenant.id, 0).error().code, Errc::kBadRequest);
  EXPECT_EQ(store->set_tenant_default_max_chats(999, 2).error().code, Errc::kNotFound);
  ASSERT_TRUE(store->set_membership(a->id, tenant.id, Role::kAgent).ok());
  EXPECT_EQ(store->memberships_of(a->id)->at(0).tenant_default_max_chats, 5);
  EXPECT_EQ(store->set_max_chats(999, 2).error().code, Errc::kNotFound);
  auto b = store->create_agent("b@b.fi", "Bertta", "h", 1);
  auto c = store->create_conversation(visitor.id, origin::kReactive, 1);
  ASSERT_TRUE(store->assign(c->id, a->id, 2).ok());
  EXPECT_EQ(store->release_assignment(c->id, b->id).error().code, Errc::kConflict);
  auto r = store->release_assignment(c->id, a->id);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, conv_status::kWaiting);
  EXPECT_FALSE(r->assignee_id.has_value());
  EXPECT_TRUE(store->assign(c->id, b->id, 3).ok());
  // Transfer: only from the current assignee of an active conversation.
  EXPECT_EQ(store->transfer(c->id, a->id, b->id, 4).error().code, Errc::kConflict);
  auto t = store->transfer(c->id, b->id, a->id, 5);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t->assignee_id, a->id);
  EXPECT_EQ(*t->assigned_at, 5);
  ASSERT_TRUE(store->close(c->id, 6).ok());
  EXPECT_EQ(store->transfer(c->id, a->id, b->id, 7).error().code, Errc::kConflict);
}

// The visitor's leaving is kept on an open conversation and read back with it; coming back clears
// it; a closed conversation keeps what it had.
TEST_P(ConversationConformance, TheVisitorsLeavingIsKeptUntilTheyComeBack) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 1);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->visitor_left_at);
  auto left = store->set_visitor_left(c->id, 5000);
  ASSERT_TRUE(left.ok()) << left.error().message;
  EXPECT_EQ(left->visitor_left_at, 5000);
  EXPECT_EQ(store->conversation(c->id)->visitor_left_at, 5000);
  auto back = store->set_visitor_left(c->id, std::nullopt);
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->visitor_left_at);
  ASSERT_TRUE(store->set_visitor_left(c->id, 6000).ok());
  ASSERT_TRUE(store->close(c->id, 7000).ok());
  EXPECT_EQ(store->set_visitor_left(c->id, std::nullopt)->visitor_left_at, 6000);  // closed: as it was
}

TEST_P(ConversationConformance, MessagesAreSequencedWithoutGaps) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 4000);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->status, conv_status::kWaiting);
  EXPECT_EQ(c->tenant_name, "Erämaa Outdoor");
  for (int i = 1; i <= 5; ++i) {
    auto a = store->append_message(visitor_msg(c->id, "m" + std::to_string(i), "cid" + std::to_string(i)));
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->msg.seq, i);
    EXPECT_FALSE(a->duplicate);
  }
  auto after = store->messages_after(c->id, 2, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 3u);
  EXPECT_EQ((*after)[0].seq, 3);
  EXPECT_EQ((*after)[0].body, "m3");
  EXPECT_EQ((*after)[0].cid, "cid3");
  EXPECT_EQ(store->messages_after(c->id, 0, 2)->size(), 2u);
  auto conv = store->conversation(c->id);
  EXPECT_EQ(conv->last_seq, 5);
  EXPECT_EQ(conv->preview, "m5");
}

TEST_P(ConversationConformance, ResentClientIdIsNotStoredTwice) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 4000);
  auto first = store->append_message(visitor_msg(c->id, "hei", "abc"));
  auto again = store->append_message(visitor_msg(c->id, "hei", "abc"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->msg.seq, first->msg.seq);
  EXPECT_EQ(store->conversation(c->id)->last_seq, 1);
  // System messages carry no cid and never collide.
  Message sys;
  sys.conv_id = c->id;
  sys.author = "system";
  sys.body = "x";
  EXPECT_EQ(store->append_message(sys)->msg.seq, 2);
  EXPECT_EQ(store->append_message(sys)->msg.seq, 3);
  // Another author may not reuse a cid.
  Message other = visitor_msg(c->id, "hei", "abc");
  other.author = "agent";
  other.author_id = 77;
  EXPECT_EQ(store->append_message(other).error().code, Errc::kConflict);
}

TEST_P(ConversationConformance, AConversationHoldsAtMostTheLimit) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 4000);
  // In batches, as the store worker commits (one transaction updating a row 5,000 times is
  // quadratic in PostgreSQL: the row's versions cannot be pruned until it commits).
  for (std::int64_t i = 0; i < limits::kMaxMessagesPerConversation; ++i) {
    if (i % 250 == 0) {
      ASSERT_TRUE(store->begin().ok());
    }
    ASSERT_TRUE(store->append_message(visitor_msg(c->id, "m", "c" + std::to_string(i))).ok());
    if (i % 250 == 249) {
      ASSERT_TRUE(store->commit().ok());
    }
  }
  auto over = store->append_message(visitor_msg(c->id, "one too many", "x"));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, Errc::kTooLarge);
  EXPECT_EQ(store->conversation(c->id)->last_seq, limits::kMaxMessagesPerConversation);
}

TEST_P(ConversationConformance, AssignCloseAndConflicts) {
  auto a = store->create_agent("a@b.fi", "Aino", "h", 1);
  auto b = store->create_agent("b@b.fi", "Bertta", "h", 1);
  auto c = store->create_conversation(visitor.id, origin::kReactive, 4000);
  auto as = store->assign(c->id, a->id, 4500);
  ASSERT_TRUE(as.ok()) << as.error().message;
  EXPECT_EQ(as->status, conv_status::kActive);
  EXPECT_EQ(as->assignee_name, "Aino");
  EXPECT_EQ(*as->assigned_at, 4500);
  EXPECT_TRUE(store->assign(c->id, a->id, 4600).ok());  // idempotent for the same agent
  EXPECT_EQ(store->assign(c->id, b->id, 4600).error().code, Errc::kConflict);
  auto open = store->open_conversation_of(visitor.id);
  ASSERT_TRUE(open->has_value());
  auto closed = store->close(c->id, 5000);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->status, conv_status::kClosed);
  EXPECT_EQ(store->close(c->id, 5001).error().code, Errc::kConflict);
  EXPECT_EQ(store->append_message(visitor_msg(c->id, "late", "z")).error().code, Errc::kConflict);
  EXPECT_FALSE(store->open_conversation_of(visitor.id)->has_value());
  EXPECT_EQ(store->conversation(12345).error().code, Errc::kNotFound);
  EXPECT_EQ(store->append_message(visitor_msg(12345, "x", "y")).error().code, Errc::kNotFound);
}

TEST_P(ConversationConformance, OpenConversationsAreScopedToTenants) {
  auto t2 = store->create_tenant("other", "Other Oy", 1);
  Site s2 = site;
  s2.key = "site-key-2";
  s2.tenant_id = t2->id;
  auto site2 = store->create_site(s2);
  auto v2 = store->create_visitor(site2->id, "en", 1);
  auto c1 = store->create_conversation(visitor.id, origin::kReactive, 1);
  auto c2 = store->create_conversation(v2->id, origin::kReactive, 1);
  auto mine = store->open_conversations({tenant.id});
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].id, c1->id);
  EXPECT_EQ(store->open_conversations({tenant.id, t2->id})->size(), 2u);
  EXPECT_EQ(store->open_conversations({})->size(), 0u);
  (void)c2;
}

TEST_P(ConversationConformance, TeamsRouteAndTransfer) {
  auto a = store->create_agent("a@b.fi", "Aino", "h", 1);
  auto b = store->create_agent("b@b.fi", "Bertta", "h", 1);
  auto outsider = store->create_agent("o@b.fi", "Olli", "h", 1);
  ASSERT_TRUE(store->set_membership(a->id, tenant.id, Role::kAgent).ok());
  ASSERT_TRUE(store->set_membership(b->id, tenant.id, Role::kAgent).ok());
  auto sales = store->create_team(tenant.id, "Myynti");
  ASSERT_TRUE(sales.ok());
  EXPECT_EQ(store->create_team(tenant.id, "Myynti").error().code, Errc::kConflict);
  auto care = store->create_team(tenant.id, "Huolto");
  ASSERT_TRUE(store->add_team_member(sales->id, a->id).ok());
  ASSERT_TRUE(store->add_team_member(sales->id, a->id).ok());  // twice is fine
  ASSERT_TRUE(store->add_team_member(care->id, b->id).ok());
  EXPECT_EQ(store->add_team_member(care->id, outsider->id).error().code, Errc::kBadRequest);
  EXPECT_EQ(store->add_team_member(999, a->id).error().code, Errc::kNotFound);
  auto teams = store->teams_of_tenants({tenant.id});
  ASSERT_TRUE(teams.ok());
  ASSERT_EQ(teams->size(), 2u);
  EXPECT_EQ((*teams)[0].name, "Huolto");  // by name
  EXPECT_EQ((*teams)[0].members, std::vector<Id>{b->id});
  EXPECT_EQ((*teams)[1].members, std::vector<Id>{a->id});
  EXPECT_EQ(*store->team_ids_of(a->id), std::vector<Id>{sales->id});
  EXPECT_TRUE(store->teams_of_tenants({999})->empty());

  // A site routed to a team gives its conversations that team.
  ASSERT_TRUE(store->set_site_team(site.id, sales->id).ok());
  EXPECT_EQ(store->site_by_id(site.id)->team_id, sales->id);
  auto c = store->create_conversation(visitor.id, origin::kReactive, 1);
  EXPECT_EQ(c->team_id, sales->id);
  EXPECT_EQ(c->team_name, "Myynti");
  ASSERT_TRUE(store->set_site_team(site.id, std::nullopt).ok());
  EXPECT_FALSE(store->site_by_id(site.id)->team_id.has_value());
  auto other = store->create_tenant("muu", "Muu Oy", 1);
  auto foreign = store->create_team(other->id, "Myynti");  // same name, other tenant: fine
  ASSERT_TRUE(foreign.ok());
  EXPECT_EQ(store->set_site_team(site.id, foreign->id).error().code, Errc::kBadRequest);

  // Handing to a team: waiting again, no assignee, the team set; only from the assignee.
  EXPECT_EQ(store->transfer_to_team(c->id, a->id, care->id, 2).error().code, Errc::kConflict);  // not active
  ASSERT_TRUE(store->assign(c->id, a->id, 2).ok());
  EXPECT_EQ(store->transfer_to_team(c->id, b->id, care->id, 3).error().code, Errc::kConflict);
  EXPECT_EQ(store->transfer_to_team(c->id, a->id, foreign->id, 3).error().code, Errc::kBadRequest);
  auto t = store->transfer_to_team(c->id, a->id, care->id, 3);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->status, conv_status::kWaiting);
  EXPECT_FALSE(t->assignee_id.has_value());
  EXPECT_EQ(t->team_id, care->id);
  EXPECT_EQ(t->team_name, "Huolto");
}

TEST_P(ConversationConformance, HistoryIsReadAPageAtATime) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 3000);
  ASSERT_TRUE(c.ok());
  for (int i = 1; i <= 12; ++i) {
    Message m = visitor_msg(c->id, "m" + std::to_string(i), "c" + std::to_string(i));
    if (i % 4 == 0) {  // every fourth an internal note
      m.author = "note";
      m.cid.clear();
    }
    ASSERT_TRUE(store->append_message(m).ok());
  }
  // The newest page: ascending, the last `limit` of them.
  auto tail = store->messages_page(c->id, 0, INT64_MAX, 5, true);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 5u);
  EXPECT_EQ(tail->front().seq, 8);
  EXPECT_EQ(tail->back().seq, 12);
  // Earlier, before a seq; and between after and before.
  auto earlier = store->messages_page(c->id, 0, 8, 5, true);
  ASSERT_EQ(earlier->size(), 5u);
  EXPECT_EQ(earlier->front().seq, 3);
  EXPECT_EQ(earlier->back().seq, 7);
  auto between = store->messages_page(c->id, 5, 8, 50, true);
  ASSERT_EQ(between->size(), 2u);
  EXPECT_EQ(between->front().seq, 6);
  // Without notes (the visitor's view), a page is still full.
  auto visible = store->messages_page(c->id, 0, INT64_MAX, 5, false);
  ASSERT_EQ(visible->size(), 5u);
  for (const auto& m : *visible) EXPECT_NE(m.author, "note");
  EXPECT_EQ(visible->front().seq, 6);  // 12 is a note: 11 10 9 7 6
  EXPECT_TRUE(store->messages_page(c->id, 12, INT64_MAX, 5, true)->empty());
}

TEST_P(ConversationConformance, ClosedConversationsNewestFirstWithACursor) {
  auto [t2, site2] = second_tenant(*store);
  auto v2 = store->create_visitor(site2->id, "fi", 2000);
  std::vector<Id> closed;
  for (int i = 0; i < 5; ++i) {
    auto c = store->create_conversation(i % 2 ? v2->id : visitor.id, origin::kReactive, 3000 + i);
    ASSERT_TRUE(store->close(c->id, 10'000 + i * 10).ok());
    closed.push_back(c->id);
  }
  auto open = store->create_conversation(visitor.id, origin::kReactive, 4000);  // not closed: never listed
  auto both = store->closed_conversations({tenant.id, t2->id}, 0, std::nullopt, 3);
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->size(), 3u);
  EXPECT_EQ((*both)[0].id, closed[4]);
  EXPECT_EQ((*both)[2].id, closed[2]);
  auto next =
      store->closed_conversations({tenant.id, t2->id}, 0, Store::ClosedCursor{*(*both)[2].closed_at, (*both)[2].id}, 3);
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[1].id, closed[0]);
  auto mine = store->closed_conversations({tenant.id}, 0, std::nullopt, 10);  // one tenant only
  EXPECT_EQ(mine->size(), 3u);
  EXPECT_EQ(store->closed_conversations({tenant.id}, 10'025, std::nullopt, 10)->size(), 1u);  // since
  (void)open;
}

TEST_P(ConversationConformance, AVisitorHasAtMostOneOpenConversation) {
  auto first = store->create_conversation(visitor.id, origin::kReactive, 4000);
  ASSERT_TRUE(first.ok());
  auto second = store->create_conversation(visitor.id, origin::kOffline, 4001);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, Errc::kConflict);
  ASSERT_TRUE(store->close(first->id, 4002).ok());
  auto third = store->create_conversation(visitor.id, origin::kReactive, 4003);
  ASSERT_TRUE(third.ok()) << third.error().message;
  EXPECT_NE(third->id, first->id);
}

TEST_P(ConversationConformance, SignalsAreAddedOnceEachInOrder) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 4000);
  auto a = store->add_signals(c->id, {"cart", "phrase:hinta", "cart"});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->second);
  EXPECT_EQ(a->first.signals, (std::vector<std::string>{"cart", "phrase:hinta"}));
  auto again = store->add_signals(c->id, {"phrase:hinta"});
  EXPECT_FALSE(again->second);
  auto more = store->add_signals(c->id, {"phrase:hin", "product_page"});  // a prefix is another signal
  EXPECT_TRUE(more->second);
  EXPECT_EQ(more->first.signals, (std::vector<std::string>{"cart", "phrase:hinta", "phrase:hin", "product_page"}));
  EXPECT_EQ(store->add_signals(999, {"cart"}).error().code, Errc::kNotFound);
}

TEST_P(ConversationConformance, DueTimesAndAnswersAgainstTargetsAreCountedPerChannel) {
  ASSERT_TRUE(store->set_tenant_targets(tenant.id, "email=1d; offline=2d; api=4h").ok());
  EXPECT_EQ(store->tenant_by_id(tenant.id)->response_targets, "email=1d; offline=2d; api=4h");
  auto v2 = store->create_visitor(site.id, "fi", 1);
  auto v3 = store->create_visitor(site.id, "fi", 1);
  auto mail = *store->create_conversation(visitor.id, origin::kEmail, 100);
  auto form = *store->create_conversation(v2->id, origin::kOffline, 100);
  auto chat = *store->create_conversation(v3->id, origin::kReactive, 100);
  EXPECT_FALSE(mail.due_at);
  EXPECT_EQ(store->set_due(mail.id, 5'000, 0, 0)->due_at, 5'000);
  EXPECT_EQ(store->conversation(mail.id)->due_at, 5'000);
  EXPECT_FALSE(store->set_due(mail.id, std::nullopt, 1, 0)->due_at);  // answered on time
  ASSERT_TRUE(store->set_due(mail.id, 6'000, 0, 0));                  // the customer wrote again
  ASSERT_TRUE(store->set_due(form.id, 3'000, 0, 0));
  ASSERT_TRUE(store->set_due(chat.id, 3'000, 0, 0));  // not an inbox channel: never counted
  auto n = *store->target_counts(tenant.id, 0, 1'000, 4'000);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0].origin, "email");
  EXPECT_EQ(n[0].on_time, 1);
  EXPECT_EQ(n[0].waiting, 1);
  EXPECT_EQ(n[0].overdue, 0);
  EXPECT_EQ(n[1].origin, "offline");
  EXPECT_EQ(n[1].overdue, 1);
  ASSERT_TRUE(store->close(form.id, 4'500));
  n = *store->target_counts(tenant.id, 0, 1'000, 4'000);
  EXPECT_EQ(n[1].unanswered, 1);
  EXPECT_EQ(n[1].overdue, 0);
  EXPECT_TRUE(store->target_counts(tenant.id, 1'000, 2'000, 4'000)->empty());  // created before the period
  auto other = *second_tenant(*store).first;
  EXPECT_TRUE(store->target_counts(other.id, 0, 1'000, 4'000)->empty());
  EXPECT_EQ(store->set_due(999'999, 1, 0, 0).error().code, Errc::kNotFound);
}

TEST_P(ConversationConformance, AnEmailsQuotedHistoryIsKeptBesideItsText) {
  auto c = *store->create_conversation(visitor.id, origin::kEmail, 100);
  Message m;
  m.conv_id = c.id;
  m.author = "visitor";
  m.author_id = visitor.id;
  m.body = "Kiitos!";
  m.quoted = "ti 1.12. Erämaa kirjoitti:\n> On varastossa.";
  m.cid = "mail:1";
  m.at = 200;
  ASSERT_TRUE(store->append_message(m));
  auto page = *store->messages_after(c.id, 0, 10);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].body, "Kiitos!");
  EXPECT_EQ(page[0].quoted, m.quoted);
  EXPECT_EQ(store->append_message(m)->msg.quoted, m.quoted);  // the duplicate is the original
  m.cid = "w1";
  m.quoted.clear();
  m.body = "Hei";
  ASSERT_TRUE(store->append_message(m));
  EXPECT_EQ(store->messages_page(c.id, 0, 100, 10, false)->back().quoted, "");
}

}  // namespace
}  // namespace tiski
