// The API channel (docs/channels.md): a bridge for another source (a social-media inbox, a
// phone system) writes its customers' messages into the tenant's inbox with an API token; the
// agents' replies go back out through the tenant's webhooks (message.created, author "agent").
//   POST /api/tenants/{id}/channel/messages
//        {thread, body, cid, name?, lang?, site?, keys?: [{kind, value}]}
// thread: the source's id for the person ("whatsapp:+358401234567"); cid: the bridge's id for
// the message, so a retried POST is stored once (200 with duplicate: true; 201 the first time).
#include <boost/json/array.hpp>

#include "api/api.h"
#include "chat/contacts/contacts.h"
#include "chat/protocol.h"
#include "util/limits.h"

namespace tiski::api {
namespace {

constexpr std::size_t kThreadBytes = 200;
constexpr std::size_t kSenderNameBytes = 100;
constexpr std::size_t kChannelKeys = 10;

// A required or optional text field, checked for type, length and (when `line`) control
// characters; bad_request naming the field.
Result<std::string> text_field(const boost::json::object& o, std::string_view key, std::size_t max, bool required,
                               bool line = true) {
  const auto* v = o.if_contains(key);
  if (!v) {
    if (required) return Error::bad_request("'" + std::string(key) + "' is required");
    return std::string();
  }
  if (!v->is_string()) return Error::bad_request("'" + std::string(key) + "' must be text");
  std::string_view raw = v->as_string();
  if (raw.size() > max)
    return Error::too_large("'" + std::string(key) + "' is at most " + std::to_string(max) + " bytes");
  std::string clean = proto::clean_text(raw);
  if (line && (clean != raw || clean.find('\n') != std::string::npos))
    return Error::bad_request("'" + std::string(key) + "' must be one line without control characters");
  if (required && clean.find_first_not_of(" \t\n") == std::string::npos)
    return Error::bad_request("'" + std::string(key) + "' must not be empty");
  return clean;
}

Result<Conversations::ChannelMessage> parse(const Call& c) {
  auto o = TRY(json_object(c.req.body, R"({"thread": "whatsapp:+358401234567", "cid": "m1", "body": "Hei!"})"));
  static constexpr std::string_view kKnown[] = {"thread", "body", "cid", "name", "lang", "site", "keys"};
  for (const auto& [k, v] : o) {
    if (std::find(std::begin(kKnown), std::end(kKnown), k) == std::end(kKnown))
      return Error::bad_request("unknown field '" + std::string(k).substr(0, 40) + "'");
  }
  Conversations::ChannelMessage m;
  m.tenant = c.tenant;
  m.thread = TRY(text_field(o, "thread", kThreadBytes, true));
  m.cid = TRY(text_field(o, "cid", limits::kMaxCidBytes, true));
  m.body = TRY(text_field(o, "body", limits::kMaxMessageBytes, true, false));
  m.name = TRY(text_field(o, "name", kSenderNameBytes, false));
  m.lang = TRY(text_field(o, "lang", 2, false));
  if (m.lang.empty()) m.lang = "fi";
  if (m.lang != "fi" && m.lang != "sv" && m.lang != "en") return Error::bad_request("'lang' must be fi, sv or en");
  m.site_key = TRY(text_field(o, "site", 64, false));
  if (const auto* k = o.if_contains("keys")) {
    if (!k->is_array()) return Error::bad_request("'keys' must be a list");
    if (k->as_array().size() > kChannelKeys) return Error::too_large("at most 10 keys");
    for (const auto& key : k->as_array()) {
      const auto* ko = key.if_object();
      const auto* kind = ko ? ko->if_contains("kind") : nullptr;
      const auto* value = ko ? ko->if_contains("value") : nullptr;
      if (!kind || !value || !kind->is_string() || !value->is_string() || ko->size() != 2)
        return Error::bad_request(R"(a key is {"kind": "email" | "phone", "value": "..."})");
      if (kind->as_string() == contacts::kIdentity)
        return Error::bad_request("identity keys come from the thread and the widget, not from 'keys'");
      m.keys.push_back(TRY(contacts::make_key(kind->as_string(), value->as_string())));
    }
  }
  return m;
}

void post_message(Services& s, const Call& c) {
  auto m = parse(c);
  if (!m) return c.fail(m.error());
  // The site: the one named (the tenant's), or the tenant's first.
  std::string key = m->site_key;
  store_job<Site>(
      s.store,
      [tenant = c.tenant, key](Store& st) -> Result<Site> {
        if (!key.empty()) {
          auto site = st.site_by_key(key);
          if (!site || site->tenant_id != tenant) return Error::bad_request("'site' is not a site of this tenant");
          return site;
        }
        auto sites = TRY(st.sites_of(tenant));
        if (sites.empty()) return Error::conflict("the tenant has no site yet: create one first");
        return sites.front();
      },
      [&s, c, m = *std::move(m)](Result<Site> site) mutable {
        if (!site) return c.fail(site.error());
        m.site = site->id;
        m.site_key = site->key;
        s.chat.channel_message(std::move(m), [c](const Result<Conversations::ChannelSent>& r) {
          if (!r) return c.fail(r.error());
          boost::json::object out{{"conversation", proto::conversation_json(r->conv)},
                                  {"message", {{"seq", r->msg.seq}, {"at", r->msg.at}}},
                                  {"duplicate", r->duplicate},
                                  {"contact", r->contact}};
          c.reply(Response::json(r->duplicate ? 200 : 201, out));
        });
      });
}

}  // namespace

void add_channel_routes(Routes& routes, Services& s) {
  routes.add(Method::kPost, "/api/tenants/{id}/channel/messages", [&s](const Call& c) { post_message(s, c); });
}

}  // namespace tiski::api
