// The inbound channels' doors (docs/channels.md), both with the tenant's API token (write):
//
// The API channel: a bridge for another source (a social-media inbox, a phone system) writes its
// customers' messages into the tenant's inbox; the agents' replies go back out through the
// tenant's webhooks (message.created, author "agent").
//   POST /api/tenants/{id}/channel/messages
//        {thread, body, cid, name?, lang?, site?, keys?: [{kind, value}]}
// thread: the source's id for the person ("whatsapp:+358401234567"); cid: the bridge's id for
// the message, so a retried POST is stored once (200 with duplicate: true; 201 the first time).
//
// The email channel: a mail provider (or a small relay in front of one) posts each email that
// reached the tenant's address, as raw RFC 5322 text:
//   POST /api/tenants/{id}/mail/inbound[?site=KEY]     body: the email, up to 20 MB
// 201/200 as above; 202 {"ignored": why}: an auto-reply, bounce or list mail, never a
// conversation (no loops); 400/413 with the reason for a malformed or oversized email, which is
// logged. Parsing runs on the reports thread (read-only, off the message path), so a 20 MB email
// never delays a chat message.
#include <boost/json/array.hpp>

#include "api/api.h"
#include "chat/contacts/contacts.h"
#include "chat/protocol.h"
#include "mail/inbound.h"
#include "mail/mime.h"
#include "util/limits.h"
#include "util/log.h"

namespace tiski::api {
namespace {

constexpr std::size_t kThreadBytes = 200;
constexpr std::size_t kSenderNameBytes = 100;
constexpr std::size_t kChannelKeys = 10;

Result<Conversations::ChannelMessage> parse(const Call& c) {
  auto o = TRY(json_object(c.req.body, R"({"thread": "whatsapp:+358401234567", "cid": "m1", "body": "Hei!"})"));
  TRY_OK(only_fields(o, {"thread", "body", "cid", "name", "lang", "site", "keys"}));
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
  m.keys = TRY(contacts::keys_from_json(o, kChannelKeys, false));
  for (const auto& key : m.keys) {
    if (key.kind == contacts::kIdentity)
      return Error::bad_request("identity keys come from the thread and the widget, not from 'keys'");
  }
  return m;
}

// The answer to a stored message: 201, or 200 when the cid (or the email's Message-ID) was
// stored before.
void reply_sent(const Call& c, const Result<Conversations::ChannelSent>& r) {
  if (!r) return c.fail(r.error());
  boost::json::object out{{"conversation", proto::conversation_json(r->conv)},
                          {"message", {{"seq", r->msg.seq}, {"at", r->msg.at}}},
                          {"duplicate", r->duplicate},
                          {"contact", r->contact}};
  c.reply(Response::json(r->duplicate ? 200 : 201, out));
}

void post_message(Services& s, const Call& c) {
  auto m = parse(c);
  if (!m) return c.fail(m.error());
  s.chat.channel_message(*std::move(m), [c](const Result<Conversations::ChannelSent>& r) { reply_sent(c, r); });
}

// ---- the email channel's door

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
        s.chat.inbound_email(*std::move(m), c.tenant, site_key,
                             [c](const Result<Conversations::ChannelSent>& r) { reply_sent(c, r); });
      });
}

// ---- steering a chat to email

// POST /api/conversations/{id}/followup {email, note, name?, cid?}: 201 {conversation, msg}.
void follow_up(Services& s, const Call& c) {
  auto id = positive_number(c.req.param("id"));
  if (!id) return c.fail(Error::not_found("no such conversation"));
  auto o =
      json_object(c.req.body, R"({"email": "matti@example.fi", "note": "Selvitän asian ja vastaan sähköpostitse."})");
  if (!o) return c.fail(o.error());
  if (auto st = only_fields(*o, {"email", "note", "name", "cid"}); !st) return c.fail(st.error());
  Conversations::FollowUp in;
  in.conv = *id;
  auto email = text_field(*o, "email", 254, true);
  auto note = text_field(*o, "note", limits::kMaxMessageBytes, true, false);
  auto name = text_field(*o, "name", kSenderNameBytes, false);
  auto cid = text_field(*o, "cid", limits::kMaxCidBytes, false);
  for (const auto* r : {&email, &note, &name, &cid})
    if (!*r) return c.fail(r->error());
  in.email = *email;
  in.note = *note;
  in.name = *name;
  in.cid = cid->empty() ? "followup-" + std::to_string(*id) : *cid;
  s.chat.follow_up(*c.who, std::move(in), [c](const Result<Conversations::Sent>& r) {
    if (!r) return c.fail(r.error());
    c.reply(Response::json(r->duplicate ? 200 : 201,
                           {{"conversation", r->msg.conv_id}, {"seq", r->msg.seq}, {"duplicate", r->duplicate}}));
  });
}

// POST /api/conversations/{id}/card {card, cid?}: 201 {conversation, seq, duplicate, m}.
void send_card(Services& s, const Call& c) {
  auto id = positive_number(c.req.param("id"));
  if (!id) return c.fail(Error::not_found("no such conversation"));
  auto o = json_object(c.req.body, R"({"card": "oma-tili"})");
  if (!o) return c.fail(o.error());
  if (auto st = only_fields(*o, {"card", "cid"}); !st) return c.fail(st.error());
  auto card = text_field(*o, "card", 32, true);
  auto cid = text_field(*o, "cid", limits::kMaxCidBytes, false);
  for (const auto* r : {&card, &cid})
    if (!*r) return c.fail(r->error());
  Conversations::CardSend in{*id, *card, cid->empty() ? "card-" + *card + "-" + std::to_string(s.chat.now()) : *cid};
  s.chat.send_card(*c.who, std::move(in), [c](const Result<Conversations::Sent>& r) {
    if (!r) return c.fail(r.error());
    c.reply(Response::json(r->duplicate ? 200 : 201, {{"conversation", r->msg.conv_id},
                                                      {"seq", r->msg.seq},
                                                      {"duplicate", r->duplicate},
                                                      {"m", proto::message_json(r->msg)}}));
  });
}

}  // namespace

void add_channel_routes(Routes& routes, Services& s) {
  routes.add(Method::kPost, "/api/conversations/{id}/card", [&s](const Call& c) { send_card(s, c); });
  routes.add(Method::kPost, "/api/conversations/{id}/followup", [&s](const Call& c) { follow_up(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/channel/messages", [&s](const Call& c) { post_message(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/mail/inbound", [&s](const Call& c) { inbound(s, c); });
}

}  // namespace tiski::api
