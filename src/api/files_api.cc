// Attachments over REST (docs/attachments.md). A file is uploaded as the raw request body, its
// name and the message's cid in the query; it becomes a message of its own (the visitor's, or
// the agent's reply or internal note), acknowledged only once both the bytes and the message are
// stored. A file is served only to the agents of its tenant (through its conversation) and to the
// visitor of its conversation (their token, never for an internal note's file); pictures that
// decoded inline, everything else as a download that no browser runs.
//
//   POST /api/visitor/files?cid=&name=                      Authorization: Bearer <visitor token>
//   GET  /api/visitor/files/{file}                          Authorization: Bearer <visitor token>
//   POST /api/conversations/{id}/files?cid=&name=[&internal=1]   an agent's session
//   GET  /api/conversations/{id}/files/{file}                    an agent's session
//   GET  /api/conversations/{id}/files/{file}/view[?images=1]    an email's HTML, sanitised
#include "api/api.h"
#include "chat/protocol.h"
#include "mail/html.h"
#include "util/limits.h"
#include "util/text.h"

namespace tiski::api {
namespace {

// The upload's query: a cid like a chat message's and the file's name.
struct UploadQuery {
  std::string cid, name;
};
Result<UploadQuery> upload_query(const Call& c) {
  auto cid = TRY(c.req.query_text("cid"));
  auto name = TRY(c.req.query_text("name"));
  if (!cid || cid->empty() || cid->size() > limits::kMaxCidBytes)
    return Error::bad_request("cid (1-" + std::to_string(limits::kMaxCidBytes) + " characters) is required");
  if (!name || name->empty()) return Error::bad_request("name (the file's name) is required");
  if (name->size() > 1000) return Error::bad_request("the file's name is too long");
  if (c.req.body.empty()) return Error::bad_request("the file is empty");
  return UploadQuery{*std::move(cid), *std::move(name)};
}

std::optional<VisitorClaim> visitor_of(Services& s, const Call& c) {
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view auth = c.req.authorization;
  if (!auth.starts_with(kBearer)) return std::nullopt;
  return s.chat.check_visitor_token(auth.substr(kBearer.size()));
}

// Why a visitor call is refused: no token, or one that does not verify.
Error no_visitor(const Call& c) {
  return Error::unauthorized(c.req.authorization.empty() ? "a visitor token is required (Authorization: Bearer …)"
                                                         : "the visitor token is not valid");
}

void reply_sent(const Call& c, const Result<Conversations::Sent>& r) {
  if (!r) return c.fail(r.error());
  c.reply(Response::json(r->duplicate ? 200 : 201, {{"conv", r->msg.conv_id},
                                                    {"seq", r->msg.seq},
                                                    {"at", r->msg.at},
                                                    {"duplicate", r->duplicate},
                                                    {"m", proto::message_json(r->msg)}}));
}

// Quotes a file name for Content-Disposition: an ASCII fallback and the UTF-8 name (RFC 6266).
std::string disposition(std::string_view kind, std::string_view name) {
  std::string ascii;
  for (unsigned char ch : name)
    ascii += (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' && ch != '%') ? static_cast<char>(ch) : '_';
  return std::string(kind) + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + percent_encode(name);
}

void send_file(const Call& c, Result<Chat::FileOut> r) {
  if (!r) return c.fail(r.error());
  const auto& f = r->file;
  bool show = f.image && attachments::inline_type(f.type);
  Response res{200, show ? f.type : std::string("application/octet-stream"), std::move(r->bytes), {}};
  res.header("Content-Disposition", disposition(show ? "inline" : "attachment", f.name))
      .header("Content-Security-Policy", "default-src 'none'; sandbox")
      .header("Cache-Control", "private, max-age=86400")
      .header("ETag", "\"" + f.sha256.substr(0, 32) + "\"");
  c.reply(std::move(res));
}

void visitor_upload(Services& s, const Call& c) {
  auto claim = visitor_of(s, c);
  if (!claim) return c.fail(no_visitor(c));
  auto q = upload_query(c);
  if (!q) return c.fail(q.error());
  Chat::VisitorFiles in{*claim, c.req.ip, q->cid, "", c.req.origin, {}};
  in.uploads.push_back({q->name, c.req.body});
  s.chat.visitor_files(std::move(in), [c](const Result<Conversations::Sent>& r) { reply_sent(c, r); });
}

void visitor_download(Services& s, const Call& c) {
  auto claim = visitor_of(s, c);
  if (!claim) return c.fail(no_visitor(c));
  auto file = positive_number(c.req.param("file"));
  if (!file) return c.fail(Error::not_found("no such file"));
  s.chat.visitor_file(*claim, *file, c.req.origin, [c](Result<Chat::FileOut> r) { send_file(c, std::move(r)); });
}

void agent_upload(Services& s, const Call& c) {
  auto conv = positive_number(c.req.param("id"));
  if (!conv) return c.fail(Error::not_found("no such conversation"));
  auto q = upload_query(c);
  if (!q) return c.fail(q.error());
  auto internal = c.req.query_param("internal");
  Conversations::Reply in{*conv, q->cid, "", internal && *internal == "1", 0};
  s.chat.agent_files(*c.who, std::move(in), {{q->name, c.req.body}},
                     [c](const Result<Conversations::Sent>& r) { reply_sent(c, r); });
}

// GET …/files/{file}/view[?images=1]: an email's HTML, sanitised (mail/html.h), for the console's
// sandboxed frame: no script runs, nothing is fetched but with images=1 the web's pictures, links
// open outside the frame. X-Tiski-Remote-Images says how many pictures were left out.
void agent_view(Services& s, const Call& c) {
  auto conv = positive_number(c.req.param("id"));
  auto file = positive_number(c.req.param("file"));
  if (!conv || !file) return c.fail(Error::not_found("no such file"));
  bool images = c.req.query_param("images") == std::optional<std::string_view>("1");
  s.chat.agent_email_body(*c.who, *conv, *file, [c, images](Result<Chat::FileOut> r) {
    if (!r) return c.fail(r.error());
    auto clean = mail::sanitise_html(r->bytes, images);
    std::string csp =
        "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; style-src "
        "'unsafe-inline'; img-src data:" +
        std::string(images ? " https: http:" : "") + "; frame-ancestors 'self'";
    Response res{200, "text/html; charset=utf-8", std::move(clean.html), {}};
    res.header("Content-Security-Policy", csp)  // (nosniff: every API answer has it)
        .header("Referrer-Policy", "no-referrer")
        .header("Cache-Control", "private, no-store")
        .header("X-Tiski-Remote-Images", std::to_string(clean.remote_images));
    c.reply(std::move(res));
  });
}

void agent_download(Services& s, const Call& c) {
  auto conv = positive_number(c.req.param("id"));
  auto file = positive_number(c.req.param("file"));
  if (!conv || !file) return c.fail(Error::not_found("no such file"));
  s.chat.agent_file(*c.who, *conv, *file, [c](Result<Chat::FileOut> r) { send_file(c, std::move(r)); });
}

}  // namespace

void add_file_routes(Routes& routes, Services& s) {
  routes.add(Method::kPost, "/api/visitor/files", [&s](const Call& c) { visitor_upload(s, c); });
  routes.add(Method::kGet, "/api/visitor/files/{file}", [&s](const Call& c) { visitor_download(s, c); });
  routes.add(Method::kPost, "/api/conversations/{id}/files", [&s](const Call& c) { agent_upload(s, c); });
  routes.add(Method::kGet, "/api/conversations/{id}/files/{file}", [&s](const Call& c) { agent_download(s, c); });
  routes.add(Method::kGet, "/api/conversations/{id}/files/{file}/view", [&s](const Call& c) { agent_view(s, c); });
}

}  // namespace tiski::api
