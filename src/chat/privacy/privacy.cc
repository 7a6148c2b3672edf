#include "chat/privacy/privacy.h"

#include <boost/json/array.hpp>
#include <limits>

#include "chat/core/hook_events.h"
#include "util/crypto.h"
#include "util/log.h"

namespace tiski::privacy {
namespace {

boost::json::object message_json(const Message& m) {
  boost::json::object o{{"seq", m.seq}, {"author", m.author}, {"name", m.author_name}, {"body", m.body}, {"at", m.at}};
  if (!m.quoted.empty()) o["quoted"] = m.quoted;
  if (!m.files.empty()) {
    boost::json::array files;
    for (const auto& f : m.files) {
      boost::json::object x{{"id", f.id}, {"name", f.name}, {"type", f.type}, {"size", f.size}};
      if (!f.refused.empty()) x["refused"] = f.refused;
      files.push_back(std::move(x));
    }
    o["files"] = std::move(files);
  }
  return o;
}

// The conversation's files with their bytes (base64), within what is left of the export's
// byte budget; beyond it a file is listed without its content ("content_omitted": true).
Result<boost::json::array> files_json(Store& st, const attachments::Files* files, Id conv, std::int64_t& bytes_left) {
  boost::json::array out;
  for (const auto& a : TRY(st.conversation_attachments(conv, kExportFiles))) {
    if (a.internal) continue;  // an internal note's: never the visitor's to see
    boost::json::object o{{"id", a.id},     {"name", a.name},     {"type", a.type},
                          {"size", a.size}, {"at", a.created_at}, {"sha256", a.sha256}};
    std::optional<std::string> content;
    if (files && a.size <= bytes_left) {
      if (auto r = files->read(a.tenant_id, a.sha256)) content = std::move(r).value();
    }
    if (content) {
      bytes_left -= a.size;
      o["content_base64"] = crypto::base64(*content);
    } else {
      o["content_omitted"] = true;
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

Result<boost::json::object> export_visitors(Store& st, Id tenant, const std::vector<Id>& visitors, Millis now,
                                            const attachments::Files* files) {
  boost::json::array people;
  bool truncated = false;
  std::int64_t file_bytes_left = kExportFileBytes;
  std::size_t lines_left = kExportLines;
  for (Id id : visitors) {
    auto v = TRY(st.visitor_by_id(id));
    if (v.tenant_id != tenant) continue;
    boost::json::array pages;
    for (const auto& p : TRY(st.page_views_of(id, kExportPages)))
      pages.push_back({{"url", p.url}, {"title", p.title}, {"category", p.category}, {"at", p.at}});
    boost::json::array convs;
    auto list = TRY(st.conversations_of_visitor(id, kExportConversations + 1));
    if (list.size() > kExportConversations) {
      truncated = true;
      list.resize(kExportConversations);
    }
    for (const auto& c : list) {
      auto o = events::conversation_json(c);
      boost::json::array lines;
      auto msgs = TRY(st.messages_page(c.id, 0, std::numeric_limits<std::int64_t>::max(), kExportMessages + 1, false));
      if (msgs.size() > kExportMessages) {  // the newest kExportMessages lines, oldest first
        truncated = true;
        msgs.erase(msgs.begin());
      }
      if (lines_left < msgs.size()) {  // the whole export's budget
        truncated = true;
        break;
      }
      lines_left -= msgs.size();
      for (const auto& m : msgs) lines.push_back(message_json(m));  // notes are not read
      o["messages"] = std::move(lines);
      o["files"] = TRY(files_json(st, files, c.id, file_bytes_left));
      o["page_url"] = c.page_url;
      o["page_title"] = c.page_title;
      convs.push_back(std::move(o));
    }
    boost::json::array orders;
    for (const auto& x : TRY(st.conversions_of_visitor(id, kExportOrders))) {
      orders.push_back({{"kind", x.kind},
                        {"id", x.ref},
                        {"cents", x.value_cents},
                        {"currency", x.currency},
                        {"at", x.at},
                        {"conversation", x.conv_id ? boost::json::value(*x.conv_id) : nullptr}});
    }
    boost::json::value identity = nullptr;
    if (!v.identity.external_id.empty())
      identity = boost::json::object{{"id", v.identity.external_id},
                                     {"name", v.identity.name},
                                     {"email", v.identity.email},
                                     {"verified", v.identity.verified}};
    boost::json::value contact = nullptr;
    if (v.contact_id) {
      auto c = TRY(st.contact(tenant, v.contact_id));
      boost::json::array keys;
      for (const auto& k : c.keys) keys.push_back({{"kind", k.kind}, {"value", k.value}});
      contact = boost::json::object{{"id", c.id}, {"name", c.name}, {"keys", std::move(keys)}};
    }
    boost::json::value cart = nullptr;
    if (v.cart)
      cart = boost::json::object{{"cents", v.cart->cents}, {"currency", v.cart->currency}, {"items", v.cart->items}};
    people.push_back({{"visitor", v.id},
                      {"number", v.number},
                      {"lang", v.lang},
                      {"first_seen", v.created_at},
                      {"last_seen", v.last_seen_at},
                      {"page", {{"url", v.page_url}, {"title", v.page_title}}},
                      {"cart", std::move(cart)},
                      {"identity", std::move(identity)},
                      {"contact", std::move(contact)},
                      {"pages", std::move(pages)},
                      {"orders", std::move(orders)},
                      {"conversations", std::move(convs)}});
  }
  return boost::json::object{
      {"tenant", tenant}, {"exported_at", now}, {"visitors", std::move(people)}, {"truncated", truncated}};
}

Result<Erased> erase(Store& st, Id tenant, const std::vector<Id>& visitors, Millis now,
                     std::vector<Conversation>* changed) {
  auto e = TRY(st.erase_visitors(tenant, visitors, now));
  // The index is rewritten only when text left it: erasing the same person again costs little.
  if (e.messages > 0 || e.conversations > 0 || e.page_views > 0) TRY_OK(st.purge_erased());
  if (changed) {
    for (Id v : visitors) {
      for (auto& c : TRY(st.conversations_of_visitor(v, kExportConversations)))
        if (c.tenant_id == tenant) changed->push_back(std::move(c));
    }
  }
  return e;
}

boost::json::object erased_json(const Erased& e) {
  return {{"visitors", e.visitors},
          {"conversations", e.conversations},
          {"messages", e.messages},
          {"files", e.files},
          {"page_views", e.page_views}};
}

Result<std::size_t> Retention::round(Store& st, std::size_t limit, Millis now) {
  std::size_t erased = 0;
  bool pages = now - last_pages_ >= kPagesEveryMs;  // old page views: hourly, they are only rows
  if (pages) last_pages_ = now;
  for (const auto& t : TRY(st.tenants())) {
    if (t.retention_days <= 0 || erased >= limit) continue;
    auto e = TRY(st.erase_closed_before(t.id, now - Millis{t.retention_days} * 86'400'000, limit - erased, pages, now));
    erased += static_cast<std::size_t>(e.conversations);
    if (e.conversations) dirty_ = true;
    if (e.conversations || e.page_views)
      log::info("retention erased old data",
                {{"tenant", t.id}, {"conversations", e.conversations}, {"page_views", e.page_views}});
  }
  // The search index is rewritten once a catch-up ends, and at most every ten minutes.
  if (erased < limit && dirty_ && now - last_purge_ >= kPurgeEveryMs) {
    TRY_OK(st.purge_erased());
    dirty_ = false;
    last_purge_ = now;
  }
  return erased;
}

}  // namespace tiski::privacy
