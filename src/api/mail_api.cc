// The email channel's inbound door (docs/channels.md): a mail provider (or a small relay in
// front of one) posts each email that reached the tenant's address, as raw RFC 5322 text, with
// the tenant's API token (write scope):
//   POST /api/tenants/{id}/mail/inbound[?site=KEY]     body: the email, up to 20 MB
// 201: stored ({conversation, message, duplicate, contact}; the same email again is 200 and
// duplicate); 202 {"ignored": why}: an auto-reply, bounce or list mail, never a conversation
// (no loops); 400/413 with the reason for a malformed or oversized email, which is logged.
// Parsing runs on the reports thread (read-only, off the message path), so a 20 MB email never
// delays a chat message.
#include <boost/json/array.hpp>

#include "api/api.h"
#include "chat/protocol.h"
#include "mail/inbound.h"
#include "mail/mime.h"
#include "util/log.h"

namespace tiski::api {
namespace {

// The text an email leaves in the conversation: its new text, or what it carried.
std::string body_of(const mail::InboundMail& m) {
  if (!m.text.empty()) return m.text;
  std::string names;
  for (const auto& a : m.attachments)
    names += (names.empty() ? "" : ", ") + (a.filename.empty() ? a.content_type : a.filename);
  return names.empty() ? "[—]" : "[" + names + "]";
}

void store(Services& s, const Call& c, const mail::InboundMail& m, const std::string& site_key) {
  Conversations::EmailMessage e;
  e.tenant = c.tenant;
  for (const auto& ref : m.references) {
    if (auto conv = mail::thread_of(s.chat.mail_identity(), ref)) {
      e.thread = *conv;
      break;
    }
  }
  e.from = m.from;
  e.name = m.from_name;
  e.subject = m.subject;
  e.message_id = m.message_id;
  e.body = body_of(m);
  store_job<Site>(
      s.store,
      [tenant = c.tenant, site_key](Store& st) -> Result<Site> {
        if (!site_key.empty()) {
          auto site = st.site_by_key(site_key);
          if (!site || site->tenant_id != tenant) return Error::bad_request("'site' is not a site of this tenant");
          return site;
        }
        auto sites = TRY(st.sites_of(tenant));
        if (sites.empty()) return Error::conflict("the tenant has no site yet: create one first");
        return sites.front();
      },
      [&s, c, e = std::move(e)](Result<Site> site) mutable {
        if (!site) return c.fail(site.error());
        e.site = site->id;
        s.chat.email_message(std::move(e), [c](const Result<Conversations::ChannelSent>& r) {
          if (!r) return c.fail(r.error());
          boost::json::object out{{"conversation", proto::conversation_json(r->conv)},
                                  {"message", {{"seq", r->msg.seq}, {"at", r->msg.at}}},
                                  {"duplicate", r->duplicate},
                                  {"contact", r->contact}};
          c.reply(Response::json(r->duplicate ? 200 : 201, out));
        });
      });
}

void inbound(Services& s, const Call& c) {
  auto site = c.req.query_text("site");
  if (!site) return c.fail(site.error());
  std::string site_key = site->value_or("");
  auto raw = std::make_shared<std::string>(c.req.body);
  store_job<mail::InboundMail>(
      s.reports, [raw](Store&) { return mail::parse_inbound(*raw); },
      [&s, c, site_key, bytes = raw->size()](Result<mail::InboundMail> m) {
        if (!m) {
          log::warn("inbound email refused", {{"tenant", c.tenant}, {"bytes", bytes}, {"error", m.error().message}});
          return c.fail(m.error());
        }
        if (!m->automatic.empty()) {
          log::info("inbound email ignored: a machine's",
                    {{"tenant", c.tenant}, {"from", m->from}, {"why", m->automatic}});
          return c.reply(Response::json(202, {{"ignored", m->automatic}}));
        }
        store(s, c, *m, site_key);
      });
}

}  // namespace

void add_mail_routes(Routes& routes, Services& s) {
  routes.add(Method::kPost, "/api/tenants/{id}/mail/inbound", [&s](const Call& c) { inbound(s, c); });
}

}  // namespace tiski::api
