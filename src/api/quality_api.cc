// Quality review and suggested replies over REST (docs/desk.md):
//
//   GET  /api/reviews/queue?tenant&flag&before     flagged, unscored conversations (supervisors)
//   GET  /api/conversations/{id}/review            its flags and review
//   PUT  /api/conversations/{id}/review            score it (supervisors; closed conversations)
//   GET  /api/tenants/{id}/reviews?agent&before    reviews, newest first
//   GET  /api/tenants/{id}/reviews/trend?agent&weeks  an agent's weekly averages
//   GET  /api/conversations/{id}/suggestions       up to three replies to the visitor's last line
//   POST /api/conversations/{id}/suggestions/used  the agent took one (once per visitor line)
//   GET  /api/tenants/{id}/suggestions/stats?days  how many were offered and taken
//
// Another tenant's conversation or tenant answers 404; an agent sees only their own reviews.
// Reads go to the reports connection; scoring and counting to the store.

#include "api/api.h"
#include "chat/desk/quality.h"
#include "chat/desk/search.h"
#include "chat/desk/suggest.h"
#include "chat/protocol.h"
#include "util/limits.h"

namespace tiski::api {
namespace {

constexpr std::size_t kQueuePage = 50;
constexpr std::size_t kQueueCounted = 1'000;  // the backlog is counted this far ("1 000+")
constexpr std::size_t kReviewPage = 50;
constexpr std::int64_t kMaxTrendWeeks = 52;
constexpr std::int64_t kDay = 86'400'000;
constexpr std::size_t kSuggestScan = 5000;  // the newest matching lines a suggestion ranks

Result<std::optional<std::int64_t>> query_number(const Call& c, std::string_view name) {
  auto v = c.req.query_param(name);
  if (!v || v->empty()) return std::optional<std::int64_t>();
  auto n = positive_number(*v);
  if (!n) return Error::bad_request(std::string(name) + " must be a positive number");
  return n;
}

// "AT-ID" (a page's next) -> (at, id).
Result<std::pair<Millis, Id>> cursor_of(const Call& c) {
  auto v = c.req.query_param("before");
  if (!v || v->empty()) return std::pair<Millis, Id>{0, 0};
  auto dash = v->find('-');
  auto at = dash == std::string_view::npos ? std::nullopt : positive_number(v->substr(0, dash));
  auto id = dash == std::string_view::npos ? std::nullopt : positive_number(v->substr(dash + 1));
  if (!at || !id) return Error::bad_request("before must be the next value of the previous page");
  return std::pair<Millis, Id>{*at, *id};
}

// Sees other agents' figures and reviews in the tenant (docs/roles.md, figures.others).
bool supervises(const Call& c, Id tenant) {
  return rights::allows("figures.others", c.who->role_in(tenant), c.who->agent.owner);
}

// The conversation of the path, if it is one of my tenants'.
Result<Conversation> my_conversation(Store& st, const AgentIdentity& who, std::string_view id_text) {
  auto id = positive_number(id_text);
  if (!id) return Error::not_found("no such conversation");
  auto c = st.conversation(*id);
  if (!c && c.error().code == Errc::kNotFound) return Error::not_found("no such conversation");
  if (!c) return c.error();
  if (!who.member_of(c->tenant_id)) return Error::not_found("no such conversation");
  return c;
}

void review_queue(Services& s, const Call& c) {
  auto tenant = query_number(c, "tenant");
  if (!tenant) return c.fail(tenant.error());
  auto cursor = cursor_of(c);
  if (!cursor) return c.fail(cursor.error());
  std::string flag(c.req.query_param("flag").value_or(""));
  if (!flag.empty() && !desk::valid_flag(flag)) return c.fail(Error::bad_request("no such flag"));
  std::vector<Id> tenants;
  if (*tenant) {
    if (!c.who->member_of(**tenant)) return c.fail(Error::not_found("no such tenant"));
    if (!supervises(c, **tenant)) return c.fail(Error::forbidden("the review queue is for supervisors and admins"));
    tenants.push_back(**tenant);
  } else {
    for (const auto& m : c.who->memberships) {
      if (m.role != Role::kAgent) tenants.push_back(m.tenant_id);
    }
    if (tenants.empty()) return c.fail(Error::forbidden("the review queue is for supervisors and admins"));
  }
  struct Page {
    std::vector<ReviewItem> items;
    std::size_t total = 0;  // the backlog, counted up to kQueueCounted (the first page only)
  };
  bool first = cursor->first == 0;
  store_job<Page>(
      s.reports,
      [tenants, flag, first, cursor = *cursor](Store& st) -> Result<Page> {
        Page p;
        p.items = TRY(st.review_queue(tenants, flag, cursor.first, cursor.second, kQueuePage + 1));
        if (first) p.total = TRY(st.review_queue_size(tenants, flag, kQueueCounted));
        return p;
      },
      [c, first](Result<Page> page) {
        if (!page) return c.fail(page.error());
        auto* r = &page->items;
        bool more = r->size() > kQueuePage;
        if (more) r->resize(kQueuePage);
        boost::json::array items;
        for (const auto& item : *r) {
          auto o = desk::flags_json(item.flags);
          o["conv"] = proto::conversation_json(item.conv);
          items.push_back(std::move(o));
        }
        boost::json::value next = nullptr;
        if (more) next = std::to_string(r->back().flags.closed_at) + "-" + std::to_string(r->back().flags.conv_id);
        boost::json::object out{{"items", std::move(items)}, {"next", next}};
        if (first) {
          out["total"] = page->total;
          out["total_capped"] = page->total >= kQueueCounted;  // "at least" that many
        }
        c.ok(std::move(out));
      });
}

struct ReviewOf {
  Conversation conv;
  std::optional<QualityFlags> flags;
  std::optional<Review> review;
};

boost::json::object review_of_json(const ReviewOf& r) {
  boost::json::value flags = nullptr, review = nullptr;
  if (r.flags) flags = desk::flags_json(*r.flags);
  if (r.review) review = desk::review_json(*r.review);
  return {{"conv", r.conv.id}, {"flags", std::move(flags)}, {"review", std::move(review)}};
}

void get_review(Services& s, const Call& c) {
  store_job<ReviewOf>(
      s.reports,
      [who = *c.who, id = std::string(c.req.param("id"))](Store& st) -> Result<ReviewOf> {
        auto conv = TRY(my_conversation(st, who, id));
        if (conv.assignee_id != who.agent.id &&
            !rights::allows("review.others", who.role_in(conv.tenant_id), who.agent.owner)) {
          return Error::forbidden("agents see the reviews of their own chats");
        }
        return ReviewOf{conv, TRY(st.quality_flags(conv.id)), TRY(st.review(conv.id))};
      },
      [c](Result<ReviewOf> r) {
        if (!r) return c.fail(r.error());
        c.ok(review_of_json(*r));
      });
}

void put_review(Services& s, const Call& c) {
  auto body =
      json_object(c.req.body, R"({"reachability": 4, "efficiency": 5, "atmosphere": 4, "sales": 2, "comment": "..."})");
  if (!body) return c.fail(body.error());
  auto review = desk::parse_review(*body);
  if (!review) return c.fail(review.error());
  review->reviewer_id = c.who->agent.id;
  review->at = s.chat.now();
  store_job<ReviewOf>(
      s.store,
      [who = *c.who, id = std::string(c.req.param("id")), r = *review](Store& st) mutable -> Result<ReviewOf> {
        auto conv = TRY(my_conversation(st, who, id));
        if (conv.status != "closed") return Error::conflict("a conversation is scored after it has closed");
        r.conv_id = conv.id;
        r.tenant_id = conv.tenant_id;
        r.agent_id = conv.assignee_id;
        TRY_OK(st.save_review(r));
        return ReviewOf{conv, TRY(st.quality_flags(conv.id)), TRY(st.review(conv.id))};
      },
      [c](Result<ReviewOf> r) {
        if (!r) return c.fail(r.error());
        c.ok(review_of_json(*r));
      });
}

// The agent asked about: any agent of the tenant for supervisors; an agent only themselves.
Result<std::optional<Id>> agent_asked(const Call& c, Id tenant) {
  auto agent = TRY(query_number(c, "agent"));
  if (supervises(c, tenant)) return agent;
  if (agent && *agent != c.who->agent.id) return Error::forbidden("agents see their own reviews");
  return std::optional<Id>(c.who->agent.id);
}

void list_reviews(Services& s, const Call& c) {
  auto tenant = path_tenant(c);
  if (!tenant) return c.fail(Error::not_found("no such tenant"));
  auto agent = agent_asked(c, *tenant);
  if (!agent) return c.fail(agent.error());
  auto cursor = cursor_of(c);
  if (!cursor) return c.fail(cursor.error());
  store_job<std::vector<Review>>(
      s.reports,
      [tenant = *tenant, agent = *agent, cursor = *cursor](Store& st) {
        return st.reviews(tenant, agent, cursor.first, cursor.second, kReviewPage + 1);
      },
      [c](Result<std::vector<Review>> r) {
        if (!r) return c.fail(r.error());
        bool more = r->size() > kReviewPage;
        if (more) r->resize(kReviewPage);
        boost::json::array list;
        for (const auto& x : *r) list.push_back(desk::review_json(x));
        boost::json::value next = nullptr;
        if (more) next = std::to_string(r->back().at) + "-" + std::to_string(r->back().conv_id);
        c.ok({{"reviews", std::move(list)}, {"next", next}});
      });
}

void trend(Services& s, const Call& c) {
  auto tenant = path_tenant(c);
  if (!tenant) return c.fail(Error::not_found("no such tenant"));
  auto agent = agent_asked(c, *tenant);
  if (!agent) return c.fail(agent.error());
  if (!*agent) return c.fail(Error::bad_request("agent: whose trend is missing"));
  auto weeks = query_number(c, "weeks");
  if (!weeks) return c.fail(weeks.error());
  std::int64_t n = weeks->value_or(12);
  if (n > kMaxTrendWeeks) return c.fail(Error::bad_request("weeks is at most " + std::to_string(kMaxTrendWeeks)));
  // Weeks end now: the newest one holds the last seven days.
  Millis to = s.chat.now() + 1, from = to - n * 7 * kDay;
  store_job<std::vector<ReviewWeek>>(
      s.reports,
      [tenant = *tenant, agent = **agent, from, to](Store& st) { return st.review_weeks(tenant, agent, from, to); },
      [c, agent = **agent, from, n](Result<std::vector<ReviewWeek>> r) {
        if (!r) return c.fail(r.error());
        boost::json::array weeks;
        std::size_t k = 0;
        for (std::int64_t i = 0; i < n; ++i) {
          Millis start = from + i * 7 * kDay;
          ReviewWeek w{start, 0, 0, 0, 0, 0};
          if (k < r->size() && (*r)[k].start == start) w = (*r)[k++];
          boost::json::object o{{"start", w.start}, {"count", w.count}};
          if (w.count > 0) {
            o["reachability"] = w.reachability;
            o["efficiency"] = w.efficiency;
            o["atmosphere"] = w.atmosphere;
            o["sales"] = w.sales;
            o["average"] = (w.reachability + w.efficiency + w.atmosphere + w.sales) / 4;
          }
          weeks.push_back(std::move(o));
        }
        c.ok({{"agent", agent}, {"weeks", std::move(weeks)}});
      });
}

struct Suggested {
  Id tenant = 0;
  Id conv = 0;
  std::int64_t seq = 0;  // the visitor line they answer
  std::vector<desk::Suggestion> list;
};

// Counts an offer (or a use) once per visitor line of a conversation.
Result<bool> count_once(Store& st, Id tenant, Id conv, std::int64_t seq, bool used, Millis day) {
  if (!TRY(st.first_suggestion(conv, seq, used))) return false;
  TRY_OK(st.count_suggestions(tenant, day, used ? 0 : 1, used ? 1 : 0));
  return true;
}

void suggestions(Services& s, const Call& c) {
  store_job<Suggested>(
      s.reports,
      [who = *c.who, id = std::string(c.req.param("id"))](Store& st) -> Result<Suggested> {
        auto conv = TRY(my_conversation(st, who, id));
        auto recent = TRY(st.messages_after(conv.id, std::max<std::int64_t>(0, conv.last_seq - 20), 20));
        std::string question;
        std::int64_t seq = 0;
        for (auto it = recent.rbegin(); it != recent.rend() && question.empty(); ++it) {
          if (it->author == "visitor") {
            question = it->body;
            seq = it->seq;
          }
        }
        Suggested out{conv.tenant_id, conv.id, seq, {}};
        if (question.empty()) return out;
        auto canned = TRY(st.canned_answers(conv.tenant_id, 0, limits::kMaxCannedAnswers * 2));
        std::vector<PastReply> past;
        if (auto match = desk::similar_expression(question); !match.empty()) {
          auto lines = TRY(st.similar_questions(conv.tenant_id, match, conv.id, kSuggestScan));
          // Four times what is shown: lines asked alike often got one reply word for word.
          for (auto [i, score] : desk::rank_questions(question, lines, desk::kMaxSuggestions * 4)) {
            auto reply = TRY(st.reply_after(lines[i].conv_id, lines[i].seq));
            if (reply) past.push_back(PastReply{lines[i].conv_id, lines[i].body, std::move(*reply), score});
          }
        }
        out.list = desk::suggest(question, conv.lang, canned, past);
        return out;
      },
      [&s, c](Result<Suggested> r) {
        if (!r) return c.fail(r.error());
        boost::json::array list;
        for (const auto& x : r->list) list.push_back(desk::suggestion_json(x));
        if (!r->list.empty()) {
          Millis day = s.chat.now() / kDay * kDay;
          store_job<bool>(
              s.store,
              [tenant = r->tenant, conv = r->conv, seq = r->seq, day](Store& st) {
                return count_once(st, tenant, conv, seq, false, day);
              },
              [](const Result<bool>&) {});
        }
        c.ok({{"seq", r->seq}, {"suggestions", std::move(list)}});
      });
}

// POST {"seq": the seq the suggestions answered (as GET gave it)}.
void used(Services& s, const Call& c) {
  auto body = json_object(c.req.body, R"({"seq": 12})");
  if (!body) return c.fail(body.error());
  const auto* seq = body->if_contains("seq");
  if (!seq || !seq->is_int64() || seq->as_int64() <= 0 || body->size() != 1) {
    return c.fail(Error::bad_request("seq: the visitor line the suggestion answered, a positive number"));
  }
  Millis day = s.chat.now() / kDay * kDay;
  store_job<bool>(
      s.store,
      [who = *c.who, id = std::string(c.req.param("id")), day, seq = seq->as_int64()](Store& st) -> Result<bool> {
        auto conv = TRY(my_conversation(st, who, id));
        if (seq > conv.last_seq) return Error::bad_request("seq: no such line in the conversation");
        return count_once(st, conv.tenant_id, conv.id, seq, true, day);
      },
      [c](const Result<bool>& r) {
        if (!r) return c.fail(r.error());
        c.reply(Response::empty(204));
      });
}

void suggestion_stats(Services& s, const Call& c) {
  auto tenant = path_tenant(c);
  if (!tenant) return c.fail(Error::not_found("no such tenant"));
  auto days = query_number(c, "days");
  if (!days) return c.fail(days.error());
  std::int64_t n = days->value_or(30);
  if (n > limits::kMaxReportDays)
    return c.fail(Error::bad_request("days is at most " + std::to_string(limits::kMaxReportDays)));
  Millis to = s.chat.now() / kDay * kDay + kDay, from = to - n * kDay;
  store_job<SuggestionStats>(
      s.reports, [tenant = *tenant, from, to](Store& st) { return st.suggestion_stats(tenant, from, to); },
      [c, n](Result<SuggestionStats> r) {
        if (!r) return c.fail(r.error());
        boost::json::value rate = nullptr;
        if (r->offered > 0) rate = static_cast<double>(r->used) / static_cast<double>(r->offered);
        c.ok({{"days", n}, {"offered", r->offered}, {"used", r->used}, {"rate", rate}});
      });
}

}  // namespace

void add_quality_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/reviews/queue", [&s](const Call& c) { review_queue(s, c); });
  routes.add(Method::kGet, "/api/conversations/{id}/review", [&s](const Call& c) { get_review(s, c); });
  routes.add(Method::kPut, "/api/conversations/{id}/review", [&s](const Call& c) { put_review(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/reviews", [&s](const Call& c) { list_reviews(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/reviews/trend", [&s](const Call& c) { trend(s, c); });
  routes.add(Method::kGet, "/api/conversations/{id}/suggestions", [&s](const Call& c) { suggestions(s, c); });
  routes.add(Method::kPost, "/api/conversations/{id}/suggestions/used", [&s](const Call& c) { used(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/suggestions/stats", [&s](const Call& c) { suggestion_stats(s, c); });
}

}  // namespace tiski::api
