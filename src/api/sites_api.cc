// A site (a widget installation): its name, greetings, languages and look, and its proactive
// rules. Admins create them (POST /api/tenants/{id}/sites) and read their secret.
// Any agent of the site's tenant reads them; supervisors and admins change them, and the
// change applies at once (greetings from the visitors' next page load, rules in the next
// invitation round). Other tenants' sites answer 404.
//
// POST /api/sites/{key}/conversions is the shop's server reporting an order or a lead, signed
// with the site's secret (conversions::check_signature); no session.
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "api/api.h"
#include "chat/admin.h"
#include "chat/conversions/conversions.h"
#include "util/limits.h"

namespace tiski::api {
namespace {

boost::json::object texts_json(const std::map<std::string, std::string>& texts) {
  boost::json::object o;
  for (const auto& [lang, text] : texts) o[lang] = text;
  return o;
}

boost::json::object site_json(const Site& site) {
  boost::json::array langs;
  for (const auto& l : site.langs) langs.push_back(boost::json::string(l));
  return {{"site", site.key},
          {"tenant", site.tenant_id},
          {"name", site.name},
          {"greeting", site.greeting},
          {"greetings", texts_json(site.greetings)},
          {"langs", std::move(langs)},
          {"holdout", site.holdout_percent},
          {"color", site.color},
          {"position", site.position},
          {"lift", site.lift},
          {"launchers", texts_json(site.launchers)},
          {"identity_required", site.identity_required},
          {"origins", boost::json::array(site.origins.begin(), site.origins.end())},
          {"team", site.team_id ? boost::json::value(*site.team_id) : nullptr},
          {"created_at", site.created_at}};
}

// {"fi": "...", "sv": "..."} into `out`; `what` names the field in the error.
Status texts_of(const boost::json::value& val, std::string_view what, std::map<std::string, std::string>& out) {
  if (!val.is_object())
    return Error::bad_request("'" + std::string(what) + "' must be an object such as {\"sv\": \"Hej!\"}");
  for (const auto& [lang, text] : val.as_object()) {
    if (!text.is_string())
      return Error::bad_request(std::string(what) + "." + std::string(lang).substr(0, 10) + " must be a string");
    out[std::string(lang)] = std::string(text.as_string());
  }
  return {};
}

// The body of PUT /api/sites/{key}: every field optional, each of the right type.
Result<admin::SiteUpdate> site_update_of(std::string_view body) {
  auto o = TRY(json_object(body));
  admin::SiteUpdate u;
  for (const auto& [k, val] : o) {
    if (k == "name" || k == "greeting" || k == "color" || k == "position") {
      if (!val.is_string()) return Error::bad_request("'" + std::string(k) + "' must be a string");
      std::string v(val.as_string());
      (k == "name" ? u.name : k == "greeting" ? u.greeting : k == "color" ? u.color : u.position) = std::move(v);
    } else if (k == "greetings" || k == "launchers") {
      TRY_OK(texts_of(val, k, k == "greetings" ? u.greetings : u.launchers));
    } else if (k == "origins") {
      if (!val.is_array()) return Error::bad_request("'origins' must be a list such as [\"https://shop.fi\"]");
      std::vector<std::string> origins;
      for (const auto& x : val.as_array()) {
        if (!x.is_string()) return Error::bad_request("'origins' must be a list of strings");
        origins.emplace_back(x.as_string());
      }
      u.origins = std::move(origins);
    } else if (k == "langs") {
      if (!val.is_array()) return Error::bad_request("'langs' must be a list such as [\"fi\", \"sv\"]");
      std::vector<std::string> langs;
      for (const auto& l : val.as_array()) {
        if (!l.is_string()) return Error::bad_request("'langs' must be a list of strings");
        langs.emplace_back(l.as_string());
      }
      u.langs = std::move(langs);
    } else if (k == "team") {
      if (!val.is_null() && (!val.is_int64() || val.as_int64() <= 0))
        return Error::bad_request("'team' must be a team's id, or null for all of the tenant's agents");
      u.team = val.is_null() ? std::optional<Id>() : std::optional<Id>(val.as_int64());
      u.team_given = true;
    } else if (k == "identity_required") {
      if (!val.is_bool()) return Error::bad_request("'identity_required' must be true or false");
      u.identity_required = val.as_bool();
    } else if (k == "lift") {
      if (!val.is_int64() || val.as_int64() < 0 || val.as_int64() > limits::kMaxLauncherLift)
        return Error::bad_request("'lift' must be 0 to " + std::to_string(limits::kMaxLauncherLift) + " pixels");
      u.lift = static_cast<int>(val.as_int64());
    } else if (k == "holdout") {
      if (!val.is_int64()) return Error::bad_request("'holdout' must be a whole number of percent (0-50)");
      auto v = val.as_int64();
      if (v < 0 || v > limits::kMaxHoldoutPercent) return Error::bad_request("'holdout' must be 0 to 50 (percent)");
      u.holdout_percent = static_cast<int>(v);
    } else if (k != "site" && k != "tenant" && k != "created_at") {  // echoed back as read: ignored
      return Error::bad_request("unknown field '" + std::string(k).substr(0, 40) + "'");
    }
  }
  return u;
}

// The site (the route table has checked the agent's role in its tenant); a site deleted or
// moved since is not found.
Result<Site> visible_site(Store& st, const AgentIdentity& who, const std::string& key) {
  auto site = st.site_by_key(key);
  if (!site && site.error().code != Errc::kNotFound) return site.error();
  if (!site || !who.member_of(site->tenant_id)) return Error::not_found("no such site");
  return site;
}

// The body of POST /api/tenants/{id}/sites: a name, and the rest of PUT's fields but the
// holdout (a new site invites nobody until it has rules).
Result<Site> new_site_of(std::string_view body) {
  auto u = TRY(site_update_of(body));
  if (!u.name) return Error::bad_request("a site needs a 'name'");
  if (u.holdout_percent) return Error::bad_request("set 'holdout' once the site has rules (PUT)");
  if (u.team_given) return Error::bad_request("set 'team' once the site exists (PUT)");
  Site site;
  site.name = *u.name;
  site.greeting = u.greeting.value_or("");
  site.greetings = std::move(u.greetings);
  site.langs = u.langs.value_or(std::vector<std::string>{"fi", "sv", "en"});
  site.color = u.color.value_or("");
  site.position = u.position.value_or("right");
  site.lift = u.lift.value_or(0);
  site.launchers = std::move(u.launchers);
  site.identity_required = u.identity_required.value_or(false);
  site.origins = u.origins.value_or(std::vector<std::string>{});
  admin::give_default_greetings(site);
  return site;
}

void create_site(Services& s, const Call& c) {
  auto site = new_site_of(c.req.body);
  if (!site) return c.fail(site.error());
  store_job<Site>(
      s.store,
      [tenant = c.tenant, look = std::move(site).value(),
       line = audit_line(c, c.tenant, "site.create", "", nullptr, nullptr)](Store& st) mutable -> Result<Site> {
        auto made = TRY(admin::create_site(st, tenant, std::move(look)));
        line.target = "site " + made.key;
        line.detail = change_json(nullptr, site_json(made));
        TRY_OK(st.add_audit(line));
        return made;
      },
      [&s, c](const Result<Site>& site) {
        if (!site) return c.fail(site.error());
        s.chat.set_site(*site);
        c.reply(Response::json(201, site_json(*site)));
      });
}

void list_sites(Services& s, const Call& c) {
  store_job<std::vector<Site>>(
      s.store, [tenant = c.tenant](Store& st) { return st.sites_of(tenant); },
      [c](const Result<std::vector<Site>>& sites) {
        if (!sites) return c.fail(sites.error());
        boost::json::array out;
        for (const auto& x : *sites) out.push_back(site_json(x));
        c.ok({{"sites", std::move(out)}});
      });
}

// The site's secret, for the shop's server: it signs conversions and (docs/integrations.md)
// visitor identities with it. Reading it is audited.
void site_secret(Services& s, const Call& c) {
  std::string key(c.req.param("key"));
  store_job<Site>(
      s.store,
      [key, who = *c.who,
       line = audit_line(c, c.tenant, "site.secret", "site " + key, nullptr, nullptr)](Store& st) -> Result<Site> {
        auto site = TRY(visible_site(st, who, key));
        TRY_OK(st.add_audit(line));
        return site;
      },
      [c](const Result<Site>& site) {
        if (!site) return c.fail(site.error());
        c.ok({{"site", site->key}, {"secret", site->secret}});
      });
}

void site(Services& s, Call c, bool put) {
  std::optional<admin::SiteUpdate> update;
  if (put) {
    auto u = site_update_of(c.req.body);
    if (!u) return c.fail(u.error());
    update = std::move(u).value();
  }
  std::string key(c.req.param("key"));
  store_job<Site>(
      s.store,
      [key, who = *c.who, update, line = audit_line(c, c.tenant, "site.update", "site " + key, nullptr, nullptr)](
          Store& st) mutable -> Result<Site> {
        auto site = TRY(visible_site(st, who, key));
        if (!update) return site;
        auto after = TRY(admin::update_site(st, key, *update));
        line.detail = change_json(site_json(site), site_json(after));
        TRY_OK(st.add_audit(line));
        return after;
      },
      [&s, c, put](Result<Site> site) {
        if (!site) return c.fail(site.error());
        if (put) s.chat.set_site(*site);
        c.ok(site_json(*site));
      });
}

void rules(Services& s, Call c, bool put) {
  std::optional<rules::RuleSet> parsed;
  if (put) {
    auto rs = rules::parse(c.req.body);
    if (!rs) return c.fail(rs.error());
    parsed = std::move(rs).value();
  }
  std::string key(c.req.param("key"));
  std::string body = put ? c.req.body : std::string();
  store_job<Site>(
      s.store,
      [key, who = *c.who, put, body, line = audit_line(c, c.tenant, "rules.update", "site " + key, nullptr, nullptr)](
          Store& st) mutable -> Result<Site> {
        auto site = TRY(visible_site(st, who, key));
        if (put) {
          boost::system::error_code ec1, ec2;
          auto before = boost::json::parse(site.rules, ec1), after = boost::json::parse(body, ec2);
          line.detail = change_json(ec1 ? nullptr : before, ec2 ? nullptr : after);
          TRY_OK(st.add_audit(line));
          TRY_OK(st.set_site_rules(site.id, body));
          site.rules = body;
        }
        return site;
      },
      [&s, c, key, parsed](Result<Site> site) mutable {
        if (!site) return c.fail(site.error());
        if (parsed) s.chat.set_site_rules(site->id, std::move(*parsed));  // invitations follow them from now on
        boost::system::error_code ec;
        auto v = boost::json::parse(site->rules, ec);
        c.ok({{"site", key}, {"rules", ec ? boost::json::value(boost::json::array()) : v}});
      });
}

// The body of a conversion call: {"kind", "id", "value"?, "currency"?, "visitor"?}; value in
// the currency's major unit (129.90), visitor the token the widget keeps (the tiski_visitor
// cookie on the shop's domain).
struct ConversionCall {
  conversions::Report report;
  std::string visitor_token;
};
Result<ConversionCall> conversion_of(std::string_view body) {
  auto o = TRY(json_object(body));
  ConversionCall c;
  for (const auto& [k, val] : o) {
    if (k == "kind" || k == "id" || k == "currency" || k == "visitor") {
      if (!val.is_string()) return Error::bad_request("'" + std::string(k) + "' must be a string");
      std::string v(val.as_string());
      if (k == "kind") c.report.kind = v;
      if (k == "id") c.report.ref = v;
      if (k == "currency") c.report.currency = v;
      if (k == "visitor") c.visitor_token = v;
    } else if (k == "value") {
      if (!val.is_number()) return Error::bad_request("'value' must be a number such as 129.90");
      c.report.cents = TRY(conversions::cents_of(val.to_number<double>()));
    } else {
      return Error::bad_request("unknown field '" + std::string(k).substr(0, 40) + "'");
    }
  }
  TRY_OK(conversions::check(c.report));
  return c;
}

void conversion(Services& s, const Call& c) {
  std::string key(c.req.param("key"));
  store_job<Site>(
      s.store,
      [key](Store& st) -> Result<Site> {
        auto site = st.site_by_key(key);
        if (!site && site.error().code == Errc::kNotFound) return Error::not_found("no such site");
        return site;
      },
      [&s, c](Result<Site> site) {
        if (!site) return c.fail(site.error());
        // The signature before anything else is read: an unsigned call learns nothing.
        if (auto st =
                conversions::check_signature(site->secret, c.req.timestamp, c.req.signature, c.req.body, s.chat.now());
            !st) {
          return c.fail(st.error());
        }
        auto call = conversion_of(c.req.body);
        if (!call) return c.fail(call.error());
        std::optional<Id> visitor;
        if (!call->visitor_token.empty()) {
          auto claim = s.chat.check_visitor_token(call->visitor_token);
          if (!claim || claim->site != site->id)
            return c.fail(Error::bad_request("'visitor' is not a visitor token of this site"));
          visitor = claim->visitor;
        }
        s.chat.record_conversion(site->tenant_id, site->id, visitor, std::move(call->report), [c](Result<Recorded> r) {
          if (!r) return c.fail(r.error());
          const auto& v = r->conversion;
          boost::json::object o{
              {"id", v.ref}, {"kind", v.kind}, {"duplicate", r->duplicate}, {"credited", v.conv_id.has_value()}};
          c.reply(Response::json(r->duplicate ? 200 : 201, o));
        });
      });
}

}  // namespace

void add_site_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/tenants/{id}/sites", [&s](const Call& c) { list_sites(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/sites", [&s](const Call& c) { create_site(s, c); });
  routes.add(Method::kGet, "/api/sites/{key}/secret", [&s](const Call& c) { site_secret(s, c); });
  routes.add(Method::kGet, "/api/sites/{key}", [&s](Call c) { site(s, std::move(c), false); });
  routes.add(Method::kPut, "/api/sites/{key}", [&s](Call c) { site(s, std::move(c), true); });
  routes.add(Method::kGet, "/api/sites/{key}/rules", [&s](Call c) { rules(s, std::move(c), false); });
  routes.add(Method::kPut, "/api/sites/{key}/rules", [&s](Call c) { rules(s, std::move(c), true); });
  routes.add(Method::kPost, "/api/sites/{key}/conversions", [&s](const Call& c) { conversion(s, c); });
}

}  // namespace tiski::api
