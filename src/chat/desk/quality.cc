#include "chat/desk/quality.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <unordered_set>

#include "chat/analytics/timeline.h"
#include "chat/desk/search.h"
#include "util/limits.h"

namespace tiski::desk {
namespace {

constexpr std::size_t kMaxCommentBytes = 2000;

// The rude-word list, folded as search folds (ä → a, ö → o). An entry ending in * is a prefix
// (Finnish and Swedish inflect and compound: "idiootti", "idiootteja"); others are whole words
// ("fan" must not flag "fantastinen").
constexpr std::string_view kRude[] = {
    // fi
    "vittu*", "perkele*", "saatana*", "paska*", "idioot*", "tyhma*", "aalio*", "helvet*", "kusipa*", "turpa*", "tollo*",
    "paskapuhe*",
    // sv
    "fan", "javl*", "jakla*", "helvete*", "skit*", "idiot*", "korkad*", "dumhuvud*", "hall kaften",
    // en
    "fuck*", "shit*", "stupid*", "moron*", "damn*", "bullshit*", "dumbass*", "crap", "crappy", "shut up"};

// A product link, or words of an offer or a recommendation (folded prefixes): acting on a
// buying signal.
constexpr std::string_view kOffer[] = {"tarjo",   "alenn",     "kampanj", "koodi",    "suosittel", "erbjud",
                                       "rabatt",  "rekommend", "offer",   "discount", "recommend", "coupon",
                                       "voucher", "alekoodi",  "etukood", "deal"};

bool has_link(std::string_view s) {
  return s.find("http://") != s.npos || s.find("https://") != s.npos || s.find("www.") != s.npos;
}

bool offers(std::string_view body) {
  if (has_link(body)) return true;
  for (const auto& w : folded_words(body)) {
    for (auto o : kOffer) {
      if (w.starts_with(o)) return true;
    }
  }
  return false;
}

}  // namespace

bool valid_flag(std::string_view name) {
  return name == kFlagSlowReply || name == kFlagLeftWaiting || name == kFlagSignal || name == kFlagNoQuestion ||
         name == kFlagRude;
}

std::string rude_word(std::string_view text) {
  auto words = folded_words(text);
  for (std::size_t i = 0; i < words.size(); ++i) {
    for (auto r : kRude) {
      if (r.ends_with('*') ? words[i].starts_with(r.substr(0, r.size() - 1)) : words[i] == r) return words[i];
      // Two-word entries: "shut up".
      auto space = r.find(' ');
      if (space != r.npos && i + 1 < words.size() && words[i] == r.substr(0, space) &&
          words[i + 1] == r.substr(space + 1)) {
        return words[i] + " " + words[i + 1];
      }
    }
  }
  return "";
}

Judgement judge(const Conversation& c, const std::vector<Message>& messages, const std::vector<Event>& events,
                const analytics::Thresholds& th) {
  Judgement j;
  auto flag = [&](std::string_view name, boost::json::value detail) {
    j.flags.emplace_back(name);
    j.detail[name] = std::move(detail);
  };
  auto m =
      analytics::measure(analytics::timeline_of(c, messages, events), th, nullptr, c.closed_at.value_or(c.last_at));
  if (m.slow && m.answered) {
    Millis slowest = 0;
    for (Millis r : m.reply_ms) slowest = std::max(slowest, r);
    flag(kFlagSlowReply, boost::json::object{{"slowest_ms", slowest}, {"threshold_ms", th.slow_ms}});
  }
  if (m.missed || m.abandoned) flag(kFlagLeftWaiting, boost::json::object{{"missed", m.missed}});
  std::size_t visitor_lines = 0, agent_lines = 0;
  bool asked = false, acted = c.outcome == outcome::kSale || c.outcome == outcome::kLead;
  std::string rude;
  Id rude_seq = 0;
  for (const auto& msg : messages) {
    if (msg.author == "visitor") ++visitor_lines;
    if (msg.author != "agent") continue;
    ++agent_lines;
    asked = asked || msg.body.find('?') != std::string::npos;
    acted = acted || offers(msg.body);
    if (rude.empty()) {
      rude = rude_word(msg.body);
      rude_seq = msg.seq;
    }
  }
  if (!c.signals.empty() && agent_lines > 0 && !acted) {
    boost::json::array signals;
    for (const auto& s : c.signals) signals.emplace_back(s);
    flag(kFlagSignal, boost::json::object{{"signals", std::move(signals)}});
  }
  if (analytics::is_live(c.origin) && visitor_lines > 0 && agent_lines > 0 && !asked) {
    flag(kFlagNoQuestion, boost::json::object{{"agent_lines", agent_lines}});
  }
  if (!rude.empty()) flag(kFlagRude, boost::json::object{{"word", rude}, {"seq", rude_seq}});
  return j;
}

Result<std::size_t> flag_round(Store& st, std::size_t limit) {
  auto evs = TRY(st.quality_events(limit));
  if (evs.empty()) return std::size_t{0};
  std::vector<QualityFlags> out;
  std::unordered_set<Id> judged;
  analytics::Thresholds th;  // the tenant's thresholds: today every tenant has the defaults
  for (auto it = evs.rbegin(); it != evs.rend(); ++it) {
    if (!it->conv_id || !judged.insert(*it->conv_id).second) continue;
    auto c = st.conversation(*it->conv_id);
    if (!c && c.error().code == Errc::kNotFound) continue;
    if (!c) return c.error();
    if (c->status != "closed") continue;  // reopened since: judged at its next close
    auto messages = TRY(st.messages_after(c->id, 0, static_cast<std::size_t>(limits::kMaxMessagesPerConversation)));
    auto events = TRY(st.events_of_conversation(c->id));
    auto j = judge(*c, messages, events, th);
    std::string names;
    for (const auto& f : j.flags) names += (names.empty() ? "" : ",") + f;
    out.push_back(
        QualityFlags{c->id, c->tenant_id, names, boost::json::serialize(j.detail), c->closed_at.value_or(c->last_at)});
  }
  TRY_OK(st.save_quality_flags(out, evs.back().id));
  return evs.size();
}

Result<Review> parse_review(const boost::json::object& body) {
  Review r;
  int* scores[] = {&r.reachability, &r.efficiency, &r.atmosphere, &r.sales};
  const char* names[] = {"reachability", "efficiency", "atmosphere", "sales"};
  for (int i = 0; i < 4; ++i) {
    const auto* v = body.if_contains(names[i]);
    if (!v || !v->is_int64() || v->as_int64() < 1 || v->as_int64() > 5) {
      return Error::bad_request(std::string(names[i]) + " must be a score from 1 to 5");
    }
    *scores[i] = static_cast<int>(v->as_int64());
  }
  for (const auto& [k, v] : body) {
    bool known = k == "comment";
    for (const char* n : names) known = known || k == n;
    if (!known) return Error::bad_request("unknown field '" + std::string(k).substr(0, 40) + "'");
  }
  if (const auto* c = body.if_contains("comment")) {
    if (!c->is_string()) return Error::bad_request("comment must be a string");
    if (c->as_string().size() > kMaxCommentBytes) {
      return Error::bad_request("a comment is at most " + std::to_string(kMaxCommentBytes) + " bytes");
    }
    r.comment = c->as_string();
  }
  return r;
}

boost::json::object review_json(const Review& r) {
  boost::json::value agent = nullptr;
  if (r.agent_id) agent = *r.agent_id;
  return {{"conv", r.conv_id},
          {"tenant", r.tenant_id},
          {"agent", agent},
          {"reviewer", r.reviewer_id},
          {"reviewer_name", r.reviewer_name},
          {"reachability", r.reachability},
          {"efficiency", r.efficiency},
          {"atmosphere", r.atmosphere},
          {"sales", r.sales},
          {"comment", r.comment},
          {"at", r.at}};
}

boost::json::object flags_json(const QualityFlags& f) {
  boost::json::array names;
  std::string_view rest = f.flags;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    names.emplace_back(rest.substr(0, comma));
    rest = comma == rest.npos ? std::string_view() : rest.substr(comma + 1);
  }
  boost::json::value detail = boost::json::object();
  boost::system::error_code ec;
  auto parsed = boost::json::parse(f.detail, ec);
  if (!ec && parsed.is_object()) detail = std::move(parsed);
  return {{"flags", std::move(names)}, {"detail", std::move(detail)}, {"closed_at", f.closed_at}};
}

}  // namespace tiski::desk
