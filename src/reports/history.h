// A realistic history for the report benchmarks and tests, and the demo's weeks of history
// (`tiski demo --history DAYS`, made up so that a new install's reports have something to
// show): conversations with daily and weekly
// seasonality, messages, assignments, transfers, visitors leaving, closes by agents and
// visitors, agents' status changes; visitors who never chat (two per chat) with their page
// views; orders from chatters (18 % buy, larger baskets) and from the others (3 %), some days
// after, each buyer with page views that day; outcomes, tags and CSAT answers; proactive
// invitations, 10 % of the eligible visits held out; leave-a-message forms with their due
// dates, answered hours later on time or late, a few still waiting. Deterministic (a fixed seed). Writes through the
// Store (the report triggers fire).
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/store.h"
#include "util/crypto.h"

namespace tiski::history {

constexpr Millis kDay = 86'400'000;
constexpr Millis kS = 1000;

// Arrivals by hour of day: a morning and an evening peak, quiet nights.
inline double hour_weight(int h) {
  static const double w[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.4, 2.0, 2.4, 2.5,
                               2.4, 2.3, 2.2, 2.0, 1.8, 1.7, 1.8, 2.1, 2.2, 1.8, 1.0, 0.5};
  return w[h];
}

// The lines' text: a shop's questions and answers built from products in their Finnish
// inflections, so that transcript search has a realistic vocabulary (docs/performance.md). A
// conversation is about one product, and each answer answers the question before it, so that
// the suggested replies learnt from this history make sense (docs/desk.md).
struct ChatText {
  // Each product's nominative, partitive and genitive singular and genitive plural.
  static constexpr const char* kProducts[][4] = {{"teltta", "telttaa", "teltan", "telttojen"},
                                                 {"makuupussi", "makuupussia", "makuupussin", "makuupussien"},
                                                 {"reppu", "reppua", "repun", "reppujen"},
                                                 {"retkikeitin", "retkikeitintä", "retkikeittimen", "retkikeittimien"},
                                                 {"kenkä", "kenkää", "kengän", "kenkien"},
                                                 {"takki", "takkia", "takin", "takkien"},
                                                 {"makuualusta", "makuualustaa", "makuualustan", "makuualustojen"},
                                                 {"otsalamppu", "otsalamppua", "otsalampun", "otsalamppujen"},
                                                 {"kompassi", "kompassia", "kompassin", "kompassien"},
                                                 {"sukka", "sukkaa", "sukan", "sukkien"},
                                                 {"hanska", "hanskaa", "hanskan", "hanskojen"},
                                                 {"vaellussauva", "vaellussauvaa", "vaellussauvan", "vaellussauvojen"},
                                                 {"juomapullo", "juomapulloa", "juomapullon", "juomapullojen"},
                                                 {"retkituoli", "retkituolia", "retkituolin", "retkituolien"},
                                                 {"hyttysverkko", "hyttysverkkoa", "hyttysverkon", "hyttysverkkojen"},
                                                 {"untuvatakki", "untuvatakkia", "untuvatakin", "untuvatakkien"}};
  // A question and its answer.
  static constexpr const char* kPairs[][2] = {
      {"Onko {1} varastossa?", "On, {0} on varastossa ja lähtee tänään."},
      {"Mikä on {2} hinta?", "{2} hinta on nyt tarjouksessa."},
      {"Paljonko {3} toimitus maksaa?", "Toimitus 2–4 arkipäivässä, yli 79 € ilmainen."},
      {"Haluaisin ostaa {2}, mikä sopisi talviretkelle?",
       "Talviretkelle suosittelen tätä mallia, {0} kestää pakkasta."},
      {"Voinko palauttaa {2}?", "Palautusoikeus on 30 päivää, myös {2} palautus onnistuu."},
      {"Onko {0} saatavilla isompana?", "On, isompi koko löytyy. Laitanko {2} varaukseen?"},
      {"Kumpi {0} on kevyempi?", "Ylempi on kevyempi, ja {0} on silti kestävä."},
      {"Milloin tilaamani {0} saapuu?", "Tilaamasi {0} on matkalla ja saapuu 2–4 arkipäivässä."},
      {"Onko {0} vedenpitävä?", "Kyllä, {0} on vedenpitävä ja kestävä."},
      {"Tarvitsen {2} kahdelle hengelle.", "Kahdelle sopii hyvin tämä malli. Millaiselle retkelle {0} tulisi?"}};
  std::size_t product = 0, question = 0;

  // A new conversation: its product.
  void start(std::mt19937_64& words) { product = words() % std::size(kProducts); }
  // The next line: a visitor asks something new, an agent answers the last question.
  std::string line(bool visitor, std::mt19937_64& words) {
    if (visitor) question = words() % std::size(kPairs);
    std::string text = kPairs[question][visitor ? 0 : 1];
    for (std::size_t at; (at = text.find('{')) != std::string::npos;)
      text.replace(at, 3, kProducts[product][text[at + 1] - '0']);
    text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
  }
};

struct History {
  explicit History(Database& s) : st(s) {}
  Database& st;
  std::mt19937_64 rng{20261203};
  std::mt19937_64 words{7};  // the lines' text: its own stream, so the history is the same
  ChatText text;
  Id tenant = 1;
  Id site = 0;
  std::vector<Id> agents;
  Millis now = 0;
  int hour_chats = 0;  // conversations made in the hour being filled
  std::int64_t convs = 0, messages = 0, orders = 0;

  // The agents on shift at `at`: each 8 hours a day from 07:00 + id % 10 (UTC), as the presence
  // events fill_history writes say.
  std::vector<Id> on_shift(Millis at) const {
    int h = static_cast<int>((at % kDay) / 3'600'000);
    std::vector<Id> out;
    for (Id a : agents) {
      int from = 7 + static_cast<int>(a % 10);
      if (h >= from && h < from + 8) out.push_back(a);
    }
    return out;
  }

  double uniform() { return std::uniform_real_distribution<double>(0, 1)(rng); }
  Millis between(Millis a, Millis b) { return a + static_cast<Millis>(uniform() * static_cast<double>(b - a)); }

  std::map<Id, std::string> names;  // the agents' names, read once
  Result<std::string> name_of(Id agent) {
    if (auto it = names.find(agent); it != names.end()) return it->second;
    return names[agent] = TRY(st.agent_by_id(agent)).name;
  }

  Status line(Id conv, const char* author, std::optional<Id> who, Millis at) {
    Message m;
    m.conv_id = conv;
    m.author = author;
    m.author_id = who;
    m.author_name = who ? TRY(name_of(*who)) : "";  // the agent's own name, as a real line has
    m.body = text.line(std::string(author) == "visitor", words);
    m.at = at;
    TRY(st.append_message(m));
    ++messages;
    return {};
  }

  // A visit of 1-6 page views from `at`.
  Status views(Id visitor, Millis at) {
    int n = 1 + static_cast<int>(uniform() * 6);
    std::string visit = "gen-" + std::to_string(visitor);
    for (int i = 0; i < n; ++i, at += between(10 * kS, 90 * kS)) {
      TRY_OK(st.record_page_view({visitor, visit, "https://eramaa.demo/p" + std::to_string(i), "Tuote", "teltat", at}));
    }
    return st.update_visitor_page(visitor, "https://eramaa.demo/", "Tuote", at);
  }

  // An order with probability `p`, placed 10 minutes to 4 days after `at`, worth ~`mean` EUR.
  Status maybe_order(Id visitor, Millis at, double p, double mean) {
    if (uniform() >= p) return {};
    Millis when = at + between(10 * 60 * kS, 4 * kDay);
    if (when > now) return {};
    // The buyer is on the shop that day (reports count a buyer among the day's visitors): a few
    // page views before the order.
    TRY_OK(views(visitor, when - between(2 * 60 * kS, 20 * 60 * kS)));
    double value = mean * std::exp(0.6 * std::normal_distribution<double>(0, 1)(rng) - 0.18);
    Conversion c{
        0,     tenant, site,  visitor, "order", "G-" + std::to_string(++orders), static_cast<std::int64_t>(value * 100),
        "EUR", when,   "api", {},      {}};
    TRY(st.record_conversion(c));
    return {};
  }

  // Someone who looks around and never chats; sometimes invited (or held out) and ignores it.
  Status browser(Millis at) {
    auto v = TRY(st.create_visitor(site, "fi", at));
    TRY_OK(views(v.id, at));
    if (uniform() < 0.15) {
      Invitation inv{0, tenant, site, v.id, 1, "gen-" + std::to_string(v.id), at + 20 * kS, {}, {}, uniform() < 0.10};
      TRY(st.record_invitation(inv));
    }
    return maybe_order(v.id, at, 0.03, 67);
  }

  // What the agent and the visitor said of an answered chat.
  Status said(Id conv, Millis closed) {
    static const char* kOutcomes[] = {"sale",     "sale",       "lead", "resolved", "resolved", "resolved",
                                      "resolved", "redirected", "none", "none",     "none",     "spam"};
    static const std::vector<std::string> kTags[] = {{"teltat"}, {"makuupussit", "kampanja"}, {"palautus"}, {}, {}};
    const char* o = kOutcomes[static_cast<std::size_t>(uniform() * std::size(kOutcomes))];
    const auto& tags = kTags[static_cast<std::size_t>(uniform() * std::size(kTags))];
    TRY(st.set_outcome(conv, o, std::string(o) == "redirected" ? "puhelin" : "", tags));
    if (uniform() < 0.4) {
      TRY(st.csat_shown(conv, closed + 2 * kS));
      if (uniform() < 0.5) {
        double r = uniform();
        int score = r < 0.5 ? 5 : r < 0.75 ? 4 : r < 0.87 ? 3 : r < 0.94 ? 2 : 1;
        TRY(st.answer_csat(conv, score, score <= 2 ? "Vastaus kesti liian kauan." : "", closed + 30 * kS));
      }
    }
    return {};
  }

  // A message left with the form: due in two days (the default target, two working days, is
  // near that), answered within 1-56 hours by email, or (3 %) never; the answer on time or late
  // as the server records it.
  Status form(Id conv, Id visitor, Id agent, Millis at) {
    Millis due = at + 2 * kDay;
    TRY(st.set_due(conv, due, 0, 0));
    Millis t = at + between(3'600 * kS, 56 * 3'600 * kS);
    if (uniform() < 0.03 || t > now) return {};  // still waiting (or, later, overdue)
    TRY(st.assign(conv, agent, t - 60 * kS));
    TRY_OK(line(conv, "agent", agent, t));
    TRY(st.set_due(conv, std::nullopt, t <= due ? 1 : 0, t <= due ? 0 : 1));
    TRY(st.close(conv, t + 60 * kS));
    TRY_OK(event(conv, "conversation.closed", R"({"by":"agent"})", t + 60 * kS));
    TRY_OK(said(conv, t + 60 * kS));
    return maybe_order(visitor, t, 0.10, 80);
  }

  Status event(Id conv, const char* kind, std::string data, Millis at) {
    return st.append_event(Event{0, tenant, conv, kind, std::move(data), at});
  }

  // One conversation starting at `at`: ~10 lines, answered after a wait, closed. The wait follows
  // the staffing, so that the staffing planner's measured service level agrees with its plan:
  // short with agents to spare, longer as the hour's chats per agent on shift grow; with nobody
  // on shift live chat is closed and the visitor leaves a message instead.
  Status conversation(Millis at) {
    auto here = on_shift(at);
    double r = uniform();
    const char* origin = here.empty() || r >= 0.95 ? "offline"
                         : r < 0.70                ? "reactive"
                         : r < 0.90                ? "proactive"
                                                   : "agent";
    auto v = TRY(st.create_visitor(site, "fi", at - 60 * kS));
    TRY_OK(views(v.id, at - 60 * kS));
    for (int i = 0; i < 2; ++i) TRY_OK(browser(at + between(0, 3'600'000)));
    if (std::string(origin) == "proactive" && uniform() < 0.10) {  // held out: never invited, rarely chats
      Invitation held{0, tenant, site, v.id, 1, "gen-" + std::to_string(v.id), at - 5 * kS, {}, {}, true};
      TRY(st.record_invitation(held));
      if (uniform() < 0.85) return maybe_order(v.id, at, 0.03, 67);
      origin = "reactive";
    }
    auto c = TRY(st.create_conversation(v.id, origin, at));
    if (std::string(origin) == "proactive") {
      Invitation inv{0, tenant, site, v.id, 1, "gen-" + std::to_string(v.id), at - 5 * kS, {}, {}, false};
      TRY(st.record_invitation(inv));
      TRY(st.accept_invitation(v.id, 1, c.id));
    }
    ++convs;
    const auto& who = here.empty() ? agents : here;
    Id agent = who[static_cast<std::size_t>(uniform() * static_cast<double>(who.size()))];
    text.start(words);
    TRY_OK(line(c.id, "visitor", std::nullopt, at));
    if (std::string(origin) == "offline") return form(c.id, v.id, agent, at);
    // The first answer: exponential, its mean growing with the chats per agent on shift (a seat
    // of 4 chats an hour each); at most 3 minutes.
    double load = hour_chats / (4.0 * static_cast<double>(std::max<std::size_t>(1, here.size())));
    double mean = 6'000.0 + 60'000.0 * std::max(0.0, load - 0.5);
    Millis t = at + 3 * kS + std::min<Millis>(180 * kS, static_cast<Millis>(-mean * std::log(1.0 - uniform())));
    if (uniform() < 0.03 + 0.1 * std::min(1.0, load)) {  // missed: the visitor left before anyone answered
      TRY_OK(event(c.id, "visitor.left", "{}", t));
      TRY(st.close(c.id, t + 10 * 60 * kS));
      return event(c.id, "conversation.closed", R"({"by":"system","reason":"missed"})", t + 10 * 60 * kS);
    }
    TRY(st.assign(c.id, agent, t - kS));
    int lines = 4 + static_cast<int>(uniform() * 12);
    for (int i = 0; i < lines; ++i) {
      bool agent_line = i % 2 == 0;
      TRY_OK(line(c.id, agent_line ? "agent" : "visitor", agent_line ? std::optional<Id>(agent) : std::nullopt, t));
      t += between(10 * kS, agent_line ? 120 * kS : 60 * kS);
    }
    if (uniform() < 0.05) TRY_OK(event(c.id, "conversation.transferred", "{}", t - 30 * kS));
    bool by_visitor = uniform() < 0.3;
    TRY(st.close(c.id, t));
    TRY_OK(event(c.id, "conversation.closed", by_visitor ? R"({"by":"visitor"})" : R"({"by":"agent"})", t));
    TRY_OK(said(c.id, t));
    return maybe_order(v.id, t, 0.18, 90);
  }
};

// Who serves the history's chats: agents made for it (with a random password nobody knows) and,
// if given, existing ones.
struct Staff {
  std::vector<std::pair<std::string, std::string>> made;  // email, name
  std::vector<Id> existing;
  bool full_hashes = false;  // the made-up agents' hashes as strong as a real one's (the demo); else fast
};

inline Staff generated_staff(int agents) {
  Staff s;
  for (int i = 0; i < agents; ++i)
    s.made.emplace_back("gen-" + std::to_string(i) + "@load.test", "Agentti " + std::to_string(i));
  return s;
}

// Fills [start, start + days) of the tenant's first site with `per_day` conversations a day on
// average and the staff; commits every 2,000 conversations (the caller's store is not in a
// transaction). `now`: nothing after it is made.
inline Status fill_history(Database& st, Id tenant, Millis start, int days, int per_day, const Staff& staff, Millis now,
                           std::int64_t* convs = nullptr, std::int64_t* messages = nullptr,
                           std::int64_t* orders = nullptr) {
  if (staff.made.empty() && staff.existing.empty()) return Error::bad_request("the history needs at least one agent");
  History g{st};
  g.tenant = tenant;
  std::vector<std::string> none;
  TRY(st.add_tags(tenant, {"teltat", "makuupussit", "kampanja", "palautus"}, 0, none));
  auto sites = TRY(st.sites());
  for (const auto& site : sites) {
    if (site.tenant_id == tenant && g.site == 0) g.site = site.id;
  }
  if (g.site == 0) return Error::not_found("the tenant has no site");
  g.now = now;
  TRY_OK(st.begin());
  for (const auto& [email, name] : staff.made) {
    // A password nobody knows (a real hash, so a login attempt costs what any other does).
    auto unknown = TRY(crypto::hash_password(crypto::random_token(), !staff.full_hashes));
    auto a = TRY(st.create_agent(email, name, unknown, start));
    TRY_OK(st.set_membership(a.id, tenant, Role::kAgent));
    g.agents.push_back(a.id);
  }
  g.agents.insert(g.agents.end(), staff.existing.begin(), staff.existing.end());
  double total_weight = 0;
  for (int h = 0; h < 24; ++h) total_weight += hour_weight(h);
  for (int d = 0; d < days; ++d) {
    Millis day = start + d * kDay;
    int weekday = static_cast<int>((day / kDay + 3) % 7);  // 1970-01-01 was a Thursday: 0 = Monday
    double season = 1.0 + 0.25 * std::sin(2 * M_PI * d / 365.0) + (weekday >= 5 ? -0.35 : 0.0);
    for (int h = 0; h < 24; ++h) {
      int n = static_cast<int>(std::lround(per_day * season * hour_weight(h) / total_weight));
      g.hour_chats = n;
      for (int k = 0; k < n; ++k) {
        Millis at = day + h * 3'600'000 + g.between(0, 3'600'000);
        // A conversation ends within ~40 min, its two browsers' visits within ~70 (they start up
        // to an hour later): none of it may end after now.
        if (at + 80 * 60'000 > now) continue;
        TRY_OK(g.conversation(at));
        if (g.convs % 2000 == 0) {
          TRY_OK(st.commit());
          TRY_OK(st.begin());
        }
      }
    }
    for (Id a : g.agents) {  // each agent online 8 hours a day
      Millis on = day + 7 * 3'600'000 + static_cast<Millis>(a % 10) * 3'600'000;
      if (on + 8 * 3'600'000 > now) continue;
      TRY_OK(st.append_event(Event{0, tenant, std::nullopt, "agent.status",
                                   R"({"agent":)" + std::to_string(a) + R"(,"status":"online"})", on}));
      TRY_OK(
          st.append_event(Event{0, tenant, std::nullopt, "agent.status",
                                R"({"agent":)" + std::to_string(a) + R"(,"status":"offline"})", on + 8 * 3'600'000}));
    }
  }
  TRY_OK(st.commit());
  if (convs) *convs = g.convs;
  if (messages) *messages = g.messages;
  if (orders) *orders = g.orders;
  return {};
}

// The demo's history (`tiski demo --history DAYS`): Erämaa's last DAYS days up to now, a small
// shop's 40 chats a day, served by the demo agent and three colleagues made for it.
inline Status fill_demo_history(Database& st, Id tenant, Id demo_agent, int days, Millis now, std::int64_t* convs) {
  Staff staff{{{"liisa@eramaa.demo", "Liisa Laine"},
               {"jussi@eramaa.demo", "Jussi Korhonen"},
               {"mikko@eramaa.demo", "Mikko Nieminen"}},
              {demo_agent},
              true};
  return fill_history(st, tenant, (now / kDay - days) * kDay, days + 1, 40, staff, now, convs);
}

}  // namespace tiski::history
