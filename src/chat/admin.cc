#include "chat/admin.h"

#include "chat/attachments/policy.h"
#include "chat/presence/response_targets.h"
#include "chat/protocol.h"

#include "mail/address.h"

#include "chat/rules/rules.h"
#include "util/limits.h"
#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include <boost/json/parse.hpp>

#include "chat/desk/canned.h"
#include "chat/desk/cards.h"
#include "chat/presence/hours.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/web_origin.h"

namespace tiski::admin {
namespace {

bool valid_slug(const std::string& s) {
  if (s.size() < 2 || s.size() > 40) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

Result<Tenant> tenant_for(Store& s, const std::string& slug) {
  auto t = s.tenant_by_slug(slug);
  if (!t && t.error().code == Errc::kNotFound) return Error::not_found("no tenant with slug '" + slug + "'");
  return t;
}

}  // namespace

Result<Tenant> create_tenant(Store& s, const std::string& slug, const std::string& name) {
  if (!valid_slug(slug)) return Error::bad_request("slug must be 2-40 characters of a-z, 0-9 and '-'");
  if (!name_fits(name, 200)) return Error::bad_request("name must be 1-200 characters, not blank");
  if (!proto::one_line(name)) return Error::bad_request("name must be one line without control characters");
  return s.create_tenant(slug, name, now_ms());  // a taken slug or a full workspace: conflict
}

namespace {
bool supported_lang(std::string_view lang) { return lang == "fi" || lang == "sv" || lang == "en"; }
}  // namespace

Status check_site(const Site& site) {
  if (!name_fits(site.name, 200)) return Error::bad_request("site name must be 1-200 characters, not blank");
  if (!proto::one_line(site.name)) return Error::bad_request("site name must be one line without control characters");
  if (site.greeting.size() > limits::kMaxInvitationBytes) {
    return Error::bad_request("greeting must be at most " + std::to_string(limits::kMaxInvitationBytes) + " bytes");
  }
  if (site.langs.empty()) return Error::bad_request("a site needs at least one language");
  for (const auto& l : site.langs) {
    if (!supported_lang(l)) return Error::bad_request("unsupported language '" + l + "' (fi, sv, en)");
  }
  for (const auto& [l, g] : site.greetings) {
    if (!supported_lang(l)) return Error::bad_request("unsupported greeting language '" + l + "' (fi, sv, en)");
    if (g.size() > limits::kMaxInvitationBytes) {
      return Error::bad_request("the " + l + " greeting must be at most " +
                                std::to_string(limits::kMaxInvitationBytes) + " bytes");
    }
  }
  return check_look(site);
}

Result<std::vector<std::string>> normal_origins(const std::vector<std::string>& typed) {
  std::vector<std::string> out;
  for (const auto& t : typed) {
    if (t.find_first_not_of(" \t") == std::string::npos) continue;  // an empty line of the form
    auto n = normal_origin_entry(t);
    if (n.empty() || t.size() > limits::kMaxOriginBytes) {
      return Error::bad_request("'" + t.substr(0, 60) +
                                "' is not a web address such as https://shop.fi or https://*.shop.fi");
    }
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(std::move(n));
  }
  if (out.size() > limits::kMaxSiteOrigins) {
    return Error::bad_request("a site lists at most " + std::to_string(limits::kMaxSiteOrigins) + " addresses");
  }
  return out;
}

Status check_look(const Site& site) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  if (!site.color.empty() &&
      (site.color.size() != 7 || site.color[0] != '#' || !std::all_of(site.color.begin() + 1, site.color.end(), hex))) {
    return Error::bad_request("colour must be '#rrggbb' such as #1d5c3f, or empty for the default");
  }
  if (site.position != "right" && site.position != "left")
    return Error::bad_request("position must be 'right' or 'left' (the bottom corner)");
  if (site.lift < 0 || site.lift > limits::kMaxLauncherLift)
    return Error::bad_request("lift must be 0 to " + std::to_string(limits::kMaxLauncherLift) + " pixels");
  for (const auto& [l, text] : site.launchers) {
    if (!supported_lang(l))
      return Error::bad_request("unsupported launcher language '" + l.substr(0, 10) + "' (fi, sv, en)");
    if (text.size() > limits::kMaxLauncherBytes || text.find_first_of("\r\n") != std::string::npos) {
      return Error::bad_request("the " + l + " launcher text must be one line of at most " +
                                std::to_string(limits::kMaxLauncherBytes) + " bytes");
    }
  }
  return {};
}

Result<Site> create_site(Store& s, Id tenant_id, Site look) {
  std::erase_if(look.greetings, [](const auto& g) { return g.second.empty(); });
  std::erase_if(look.launchers, [](const auto& g) { return g.second.empty(); });
  look.origins = TRY(normal_origins(look.origins));
  TRY_OK(check_site(look));
  look.id = 0;
  look.tenant_id = tenant_id;
  look.key = crypto::random_token(12);
  look.secret = crypto::random_token(32);
  look.created_at = now_ms();
  look.team_id.reset();
  look.rules = "[]";
  look.holdout_percent = 0;
  return s.create_site(look);
}

void give_default_greetings(Site& site) {
  if (!site.greeting.empty() || !site.greetings.empty()) return;
  site.greeting = "Hei! Miten voimme auttaa?";
  site.greetings = {{"sv", "Hej! Hur kan vi hjälpa dig?"}, {"en", "Hi! How can we help?"}};
}

Result<Site> create_site(Store& s, const NewSite& in) {
  Site site;
  site.name = in.name;
  site.greeting = in.greeting;
  site.langs = in.langs;
  give_default_greetings(site);
  TRY_OK(check_site(site));  // bad input is said before an unknown tenant
  auto t = TRY(tenant_for(s, in.tenant_slug));
  return create_site(s, t.id, std::move(site));
}

Result<int> parse_duration(const std::string& text) {
  std::size_t used = 0;
  long long n = -1;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {}
  std::string unit = text.substr(used);
  long long scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
  if (n < 0 || scale == 0 || (!text.empty() && (text[0] == '+' || text[0] == ' ')) ||
      n > limits::kMaxLifecycleSeconds / scale) {
    return Error::bad_request("'" + text +
                              "' is not a duration such as 90s, 10m, 2h or 1d (at most 7 days; 0 = never)");
  }
  return static_cast<int>(n * scale);
}

Result<Tenant> update_tenant(Store& s, const std::string& slug, const TenantUpdate& u) {
  auto t = tenant_for(s, slug);
  if (!t) return t.error();
  if (u.name) {
    if (!name_fits(*u.name, 200)) return Error::bad_request("name must be 1-200 characters, not blank");
    if (auto st = s.set_tenant_name(t->id, *u.name); !st) return st.error();
    t->name = *u.name;
  }
  if (u.missed_after_seconds || u.idle_close_seconds) {
    int missed = u.missed_after_seconds.value_or(t->missed_after_seconds);
    int idle = u.idle_close_seconds.value_or(t->idle_close_seconds);
    if (auto st = s.set_tenant_lifecycle(t->id, missed, idle); !st) return st.error();
    t->missed_after_seconds = missed;
    t->idle_close_seconds = idle;
  }
  if (u.outcome_required || u.attribution_days) {
    int days = u.attribution_days.value_or(t->attribution_days);
    if (days < limits::kMinAttributionDays || days > limits::kMaxAttributionDays) {
      return Error::bad_request("the attribution window must be " + std::to_string(limits::kMinAttributionDays) +
                                " to " + std::to_string(limits::kMaxAttributionDays) + " days");
    }
    bool required = u.outcome_required.value_or(t->outcome_required);
    TRY_OK(s.set_tenant_analytics(t->id, required, days));
    t->outcome_required = required;
    t->attribution_days = days;
  }
  if (u.response_targets) {
    auto text = TRY(parse_targets(*u.response_targets)).text();
    TRY_OK(s.set_tenant_targets(t->id, text));
    t->response_targets = text;
  }
  if (u.attachments) {
    auto text = TRY(attachments::parse_policy(*u.attachments)).text();
    TRY_OK(s.set_tenant_attachments(t->id, text));
    t->attachments = text;
  }
  return t;
}

Result<Site> update_site(Store& s, const std::string& site_key, const SiteUpdate& u) {
  auto site = s.site_by_key(site_key);
  if (!site) return Error::not_found("no site with key " + site_key);
  if (u.name) site->name = *u.name;
  if (u.greeting) site->greeting = *u.greeting;
  for (const auto& [lang, text] : u.greetings) {
    if (text.empty()) {
      site->greetings.erase(lang);
    } else {
      site->greetings[lang] = text;
    }
  }
  if (u.langs) site->langs = *u.langs;
  if (u.color) site->color = *u.color;
  if (u.position) site->position = *u.position;
  if (u.lift) site->lift = *u.lift;
  if (u.identity_required) site->identity_required = *u.identity_required;
  if (u.origins) site->origins = TRY(normal_origins(*u.origins));
  for (const auto& [lang, text] : u.launchers) {
    if (text.empty()) {
      site->launchers.erase(lang);
    } else {
      site->launchers[lang] = text;
    }
  }
  if (auto st = check_site(*site); !st) return st.error();
  if (auto st = s.update_site(*site); !st) return st.error();
  if (u.team_given) {
    auto st = s.set_site_team(site->id, u.team);
    if (!st && st.error().code != Errc::kInternal) return Error::bad_request("no such team in the site's tenant");
    if (!st) return st.error();
    site->team_id = u.team;
  }
  if (u.holdout_percent) {
    if (*u.holdout_percent < 0 || *u.holdout_percent > limits::kMaxHoldoutPercent)
      return Error::bad_request("the holdout share must be 0 to " + std::to_string(limits::kMaxHoldoutPercent) +
                                " percent");
    TRY_OK(s.set_site_holdout(site->id, *u.holdout_percent));
    site->holdout_percent = *u.holdout_percent;
  }
  return site;
}

Result<Agent> update_agent(Store& s, const std::string& email, const AgentUpdate& u) {
  auto a = s.agent_by_email(email);
  if (!a) return Error::not_found("no agent with email " + email);
  std::string hash;
  if (u.email) TRY_OK(mail::check_address(*u.email));
  if (u.name && !name_fits(*u.name, 100)) return Error::bad_request("agent name must be 1-100 characters, not blank");
  if (u.password) {
    if (u.password->size() < 8) return Error::bad_request("password must be at least 8 characters");
    auto h = crypto::hash_password(*u.password);
    if (!h) return h.error();
    hash = *h;
  }
  if (u.role && !u.tenant_slug) return Error::bad_request("give --tenant with --role");
  if (u.email || u.name || u.password) {
    auto st = s.update_agent(a->id, u.email.value_or(a->email), u.name.value_or(a->name), hash);
    if (!st && st.error().code == Errc::kConflict)
      return Error::conflict("an agent with email " + *u.email + " exists");
    if (!st) return st.error();
    a->email = u.email.value_or(a->email);
    a->name = u.name.value_or(a->name);
  }
  if (u.max_chats) {
    if (auto st = s.set_max_chats(a->id, *u.max_chats); !st) return st.error();
    a->max_chats = *u.max_chats;
  }
  if (u.owner) {
    TRY_OK(s.set_owner(a->id, *u.owner));
    a->owner = *u.owner;
  }
  if (u.tenant_slug) {
    auto role = parse_role(u.role.value_or("agent"));
    if (!role) return Error::bad_request("role must be agent, supervisor or admin");
    auto t = tenant_for(s, *u.tenant_slug);
    if (!t) return t.error();
    if (auto st = s.set_membership(a->id, t->id, *role); !st) return st.error();
  }
  return a;
}

Result<Agent> create_agent(Store& s, const NewAgent& in, bool fast_hash) {
  TRY_OK(mail::check_address(in.email));
  if (!name_fits(in.name, 100)) return Error::bad_request("agent name must be 1-100 characters, not blank");
  if (!proto::one_line(in.name)) return Error::bad_request("agent name must be one line without control characters");
  if (in.password.size() < 8) return Error::bad_request("password must be at least 8 characters");
  auto role = parse_role(in.role);
  if (!role) return Error::bad_request("role must be agent, supervisor or admin");
  if (in.max_chats < 0 || in.max_chats > limits::kMaxChatsPerAgent) {
    return Error::bad_request("max chats must be 1 to " + std::to_string(limits::kMaxChatsPerAgent) +
                              " (0: the tenant default)");
  }
  std::optional<Tenant> tenant;
  if (!in.tenant_slug.empty()) {
    auto t = tenant_for(s, in.tenant_slug);
    if (!t) return t.error();
    tenant = *t;
  }
  Result<std::string> hash =
      in.password_hash.empty() ? crypto::hash_password(in.password, fast_hash) : Result<std::string>(in.password_hash);
  if (!hash) return hash.error();
  auto a = s.create_agent(in.email, in.name, *hash, now_ms());
  if (!a && a.error().code == Errc::kConflict) return Error::conflict("an agent with email " + in.email + " exists");
  if (!a) return a;
  if (in.max_chats != a->max_chats) {
    if (auto m = s.set_max_chats(a->id, in.max_chats); !m) return m.error();
    a->max_chats = in.max_chats;
  }
  if (tenant) {
    if (auto m = s.set_membership(a->id, tenant->id, *role); !m) return m.error();
  }
  if (in.owner) {
    TRY_OK(s.set_owner(a->id, true));
    a->owner = true;
  }
  return a;
}

namespace {
Result<Team> team_named(Store& s, Id tenant, const std::string& name, const std::string& tenant_label) {
  auto teams = s.teams_of_tenants({tenant});
  if (!teams) return teams.error();
  for (auto& t : *teams) {
    if (t.name == name) return t;
  }
  return Error::not_found("no team '" + name + "' in " + tenant_label);
}
}  // namespace

Result<Team> create_team(Store& s, const std::string& tenant_slug, const std::string& name) {
  if (!name_fits(name, 60)) return Error::bad_request("team name must be 1-60 characters, not blank");
  auto t = tenant_for(s, tenant_slug);
  if (!t) return t.error();
  return s.create_team(t->id, name);  // a taken name or too many teams: conflict
}

Status add_team_member(Store& s, const std::string& tenant_slug, const std::string& team,
                       const std::string& agent_email) {
  auto t = tenant_for(s, tenant_slug);
  if (!t) return t.error();
  auto tm = team_named(s, t->id, team, tenant_slug);
  if (!tm) return tm.error();
  auto a = s.agent_by_email(agent_email);
  if (!a) return Error::not_found("no agent " + agent_email);
  auto st = s.add_team_member(tm->id, a->id);
  if (!st && st.error().code == Errc::kBadRequest)
    return Error::bad_request(agent_email + " does not serve " + tenant_slug);
  return st;
}

Status set_site_team(Store& s, const std::string& site_key, const std::string& team) {
  auto site = s.site_by_key(site_key);
  if (!site) return Error::not_found("no site with key " + site_key);
  if (team.empty()) return s.set_site_team(site->id, std::nullopt);
  auto tm = team_named(s, site->tenant_id, team, "the site's tenant");
  if (!tm) return tm.error();
  return s.set_site_team(site->id, tm->id);
}

Result<rules::RuleSet> set_rules(Store& s, const std::string& site_key, const std::string& json) {
  auto site = s.site_by_key(site_key);
  if (!site) return Error::not_found("no site with key " + site_key);
  auto rs = rules::parse(json);
  if (!rs) return rs.error();
  if (auto st = s.set_site_rules(site->id, json); !st) return st.error();
  return rs;
}

Status set_default_max_chats(Store& s, const std::string& tenant_slug, int max_chats) {
  auto t = tenant_for(s, tenant_slug);
  if (!t) return t.error();
  return s.set_tenant_default_max_chats(t->id, max_chats);
}

Result<std::string> set_hours(Store& s, const std::string& tenant_slug, const std::string& hours) {
  auto t = tenant_for(s, tenant_slug);
  if (!t) return t.error();
  std::string text;
  if (hours != "always") {
    auto h = parse_hours(hours);
    if (!h) return h.error();
    text = h->text();
  }
  if (auto st = s.set_tenant_hours(t->id, text); !st) return st.error();
  return text;
}

std::string embed_snippet(const std::string& base_url, const Site& site) {
  return "<script async src=\"" + base_url + "/widget.js\" data-site=\"" + site.key + "\"></script>";
}

Result<std::string> token_secret(Store& s) {
  auto v = s.setting("visitor_token_secret");
  if (!v) return v.error();
  if (*v) return **v;
  std::string secret = crypto::random_token(32);
  if (auto st = s.set_setting("visitor_token_secret", secret); !st) return st.error();
  return secret;
}

Result<std::string> demo_site_key(Store& s) {
  auto v = s.setting("demo_site_key");
  if (!v) return v.error();
  if (!*v) return Error::not_found("no demo site");
  return **v;
}

namespace {

// The demo's desk: each shop's policy card and a few canned answers (docs/desk.md), and one
// workspace-wide answer.
constexpr const char* kDemoCannedEramaa = R"({"canned":[
 {"shortcut":"toimitus","title":"Toimitusehdot","texts":{
  "fi":"Toimitamme 2–4 arkipäivässä, yli 79 € tilaukset ilman toimituskuluja. Asiakaspalvelumme palvelee tänään {hours.today}. – {agent.name}, {site.name}",
  "sv":"Vi levererar på 2–4 vardagar, fri frakt för beställningar över 79 €. Vår kundtjänst är öppen i dag {hours.today}. – {agent.name}, {site.name}",
  "en":"We deliver in 2–4 working days, free shipping on orders over €79. Our customer service is open today {hours.today}. – {agent.name}, {site.name}"}},
 {"shortcut":"palautus","title":"Palautus ja vaihto","texts":{
  "fi":"Käyttämättömät tuotteet voi palauttaa 30 päivän sisällä. Palautuslomake löytyy tilausvahvistuksesta.",
  "sv":"Oanvända produkter kan returneras inom 30 dagar. Returblanketten finns i orderbekräftelsen.",
  "en":"Unused products can be returned within 30 days. The return form is in your order confirmation."}},
 {"shortcut":"teltta","title":"Teltan valinta","texts":{
  "fi":"Kerrotko, montako henkeä telttaan tulee ja retkeiletkö kesällä vai ympäri vuoden? Suosittelen sen perusteella sopivan mallin.",
  "en":"How many people will sleep in the tent, and do you camp in summer or all year round? I'll suggest the right model."}},
 {"shortcut":"tunnistus","title":"Vahva tunnistautuminen","texts":{
  "fi":"Tilaus- ja maksutietoja emme voi käsitellä chatissa. Kirjaudu Oma tili -palveluun pankkitunnuksilla, niin näet tilauksesi tiedot siellä.",
  "sv":"Vi kan inte behandla beställnings- och betalningsuppgifter i chatten. Logga in på Mitt konto med bankkoder för att se din beställning.",
  "en":"We cannot handle order or payment details in chat. Log in to My account with your bank credentials to see your order."}}]})";
constexpr const char* kDemoCannedPyorapaja = R"({"canned":[
 {"shortcut":"huolto","title":"Huollon ajanvaraus","texts":{
  "fi":"Huoltoajan voit varata verkkosivuiltamme. Perushuolto maksaa 59 € ja kestää yleensä kaksi arkipäivää.",
  "en":"You can book a service online. A basic service costs €59 and usually takes two working days."}},
 {"shortcut":"toimitus","title":"Pyörän toimitus","texts":{
  "fi":"Pyörät toimitetaan koottuina 5–7 arkipäivässä.","en":"Bikes are delivered assembled in 5–7 working days."}}]})";
constexpr const char* kDemoCannedWorkspace = R"({"canned":[
 {"shortcut":"kiitos","title":"Kiitos ja hyvää päivänjatkoa","texts":{
  "fi":"Kiitos yhteydenotosta ja hyvää päivänjatkoa!","sv":"Tack för att du hörde av dig och ha en fin dag!",
  "en":"Thank you for contacting us, and have a nice day!"}}]})";
constexpr const char* kDemoPolicyEramaa =
    "**Chatissa saa:** neuvoa tuotevalinnassa, kertoa saatavuuden, toimitus- ja palautusehdot.\n"
    "**Ei chatissa:** tilaus-, maksu- tai henkilötietoja. Ohjaa vahvaa tunnistautumista vaativat asiat "
    "Oma tili -palveluun: https://eramaa.example/oma-tili\n\n"
    "- Toimitus 2–4 arkipäivää, yli 79 € ilmainen\n- Palautusoikeus 30 päivää\n- Hintatakuu 14 päivää\n\n"
    "Myy: kysy retken tarve ja tarjoa sopivaa lisävarustetta (makuualusta, retkikeitin).";
constexpr const char* kDemoPolicyPyorapaja =
    "**Chatissa saa:** neuvoa pyörän koossa ja huollossa, varata huoltoajan.\n"
    "**Takuuasiat** takuulomakkeella: lähetä kanavakortti Takuulomake\n\n- Toimitus 5–7 arkipäivää koottuna\n"
    "- Perushuolto 59 €";

// Channel cards: where a matter the chat may not handle continues (docs/channels.md).
constexpr const char* kDemoCardsEramaa = R"([
 {"id":"oma-tili","title":"Tämä vaatii vahvan tunnistautumisen",
  "text":"Tilauksesi, maksusi ja henkilötietosi hoidetaan turvallisesti Oma tili -palvelussa pankkitunnuksilla.",
  "url":"https://eramaa.example/oma-tili","label":"Jatka Oma tili -palvelussa","channel":"Oma tili"},
 {"id":"palautus","title":"Palautus ja vaihto","text":"Tee palautusilmoitus verkossa, niin saat palautuskoodin.",
  "url":"https://eramaa.example/palautus","label":"Tee palautusilmoitus","channel":"Palautuslomake"}])";
constexpr const char* kDemoCardsPyorapaja = R"([
 {"id":"takuu","title":"Takuuasiat hoidetaan lomakkeella","text":"Liitä kuva ja ostokuitti, niin vastaamme 2 arkipäivässä.",
  "url":"https://pyorapaja.example/takuu","label":"Avaa takuulomake","channel":"Takuulomake"}])";

Status seed_demo_desk(Store& s, Millis now) {
  for (auto [slug, canned, policy, color, cards] :
       {std::tuple{kDemoTenant, kDemoCannedEramaa, kDemoPolicyEramaa, "#1d5c3f", kDemoCardsEramaa},
        std::tuple{"pyorapaja", kDemoCannedPyorapaja, kDemoPolicyPyorapaja, "#9a4a12", kDemoCardsPyorapaja}}) {
    auto t = TRY(s.tenant_by_slug(slug));
    TRY(desk::import_canned(s, t.id, TRY(desk::parse_canned_file(canned, t.id, now))));
    TRY_OK(s.set_tenant_desk(t.id, color, policy));
    TRY_OK(s.set_tenant_cards(t.id, desk::cards_text(TRY(desk::parse_cards(boost::json::parse(cards))))));
  }
  TRY(desk::import_canned(s, std::nullopt, TRY(desk::parse_canned_file(kDemoCannedWorkspace, std::nullopt, now))));
  return {};
}

}  // namespace

Result<Demo> seed_demo(Database& db) {
  auto existing = TRY(db.tenants());
  Demo demo;
  demo.agent_email = kDemoAgentEmail;
  demo.agent_password = kDemoAgentPassword;
  if (!existing.empty()) {
    auto key = demo_site_key(db);
    if (key) demo.site_key = *key;
    if (auto k2 = db.setting("demo_site_key_2"); k2 && *k2) demo.site_key_2 = **k2;
    return demo;
  }
  return in_transaction<Demo>(db, [&](Store& s) -> Result<Demo> {
    TRY(create_tenant(s, kDemoTenant, "Erämaa Outdoor Oy"));
    auto site = TRY(create_site(s, {kDemoTenant,
                                    "Erämaa Outdoor verkkokauppa",
                                    "Tervetuloa Erämaa Outdooriin! Mitä tuotteita olet etsimässä?",
                                    {"fi", "sv", "en"}}));
    SiteUpdate greetings;
    greetings.greetings = {{"sv", "Välkommen till Erämaa Outdoor! Vad letar du efter?"},
                           {"en", "Welcome to Erämaa Outdoor! What are you looking for?"}};
    site = TRY(update_site(s, site.key, greetings));
    // The articles' classic: a visitor lingering on a tent page gets a helping hand.
    TRY(set_rules(s, site.key, kDemoRules));
    TRY(create_agent(s, {kDemoAgentEmail, "Aino Virtanen", kDemoAgentPassword, kDemoTenant, "supervisor"}, true));
    // A second client company with its own agent: the demo agent must never see its chats.
    TRY(create_tenant(s, "pyorapaja", "Pyöräpaja Oy"));
    auto site2 =
        TRY(create_site(s, {"pyorapaja", "Pyöräpaja", "Hei! Miten voimme auttaa pyöräasioissa?", {"fi", "en"}}));
    TRY(create_agent(s, {"agentti@pyorapaja.demo", "Pekka Pyöräilijä", kDemoAgentPassword, "pyorapaja", "agent"},
                     true));
    // The outsourcing company's owner: creates tenants, admin of both, serves no chats.
    NewAgent owner;
    owner.email = kDemoOwnerEmail;
    owner.name = "Outi Omistaja";
    owner.password = kDemoAgentPassword;
    owner.owner = true;
    TRY(create_agent(s, owner, true));
    TRY_OK(s.set_setting("demo_site_key", site.key));
    TRY_OK(s.set_setting("demo_site_key_2", site2.key));
    TRY_OK(seed_demo_desk(s, now_ms()));
    Demo d = demo;
    d.created = true;
    d.site_key = site.key;
    d.site_key_2 = site2.key;
    return d;
  });
}

}  // namespace tiski::admin
