// Blocking abusive visitors (docs/roles.md, "Abuse"): an agent blocks the visitor of a
// conversation, for a time or until lifted, by visitor and optionally by the address they are
// connected from now (addresses are not kept otherwise); the tenant's supervisors list the
// active blocks and lift them. A blocked visitor's widget says only that chat is not available.
#include <boost/json/array.hpp>

#include "api/api.h"
#include "util/limits.h"
#include "util/time.h"

namespace tiski::api {
namespace {

boost::json::object block_json(const Block& b) {
  return {{"id", b.id},
          {"tenant", b.tenant_id},
          {"visitor", b.visitor_id},
          {"visitor_no", b.visitor_number},
          {"conv", b.conv_id},
          {"by_address", !b.ip.empty()},
          {"ip", b.ip},
          {"reason", b.reason},
          {"created_by", b.created_by},
          {"created_at", b.created_at},
          {"expires_at", b.expires_at ? boost::json::value(b.expires_at) : nullptr}};
}

// The block as the audit log keeps it: without the address (a visitor's address is personal data
// and an erasure clears it from the block, but the audit log is kept).
boost::json::object block_audit_json(const Block& b) {
  auto o = block_json(b);
  o.erase("ip");
  return o;
}

// POST {"hours": 1..8784 (default 24) | "forever": true, "ip": bool, "reason": "..."}.
struct BlockAsk {
  Block block;
  bool by_address = false;  // the visitor's address is filled in where their sockets are
};
Result<BlockAsk> block_of(std::string_view body) {
  auto o = TRY(json_object(body, R"({"hours": 24, "ip": true, "reason": "..."})"));
  Block b;
  bool by_address = false;
  int hours = 24;
  bool forever = false;
  for (const auto& [k, v] : o) {
    if (k == "hours" && v.is_int64()) {
      if (v.as_int64() < 1 || v.as_int64() > limits::kMaxBlockHours)
        return Error::bad_request("hours must be 1 to " + std::to_string(limits::kMaxBlockHours));
      hours = static_cast<int>(v.as_int64());
    } else if (k == "forever" && v.is_bool()) {
      forever = v.as_bool();
    } else if (k == "ip" && v.is_bool()) {
      by_address = v.as_bool();
    } else if (k == "reason" && v.is_string()) {
      if (v.as_string().size() > limits::kMaxBlockReason)
        return Error::bad_request("reason is at most " + std::to_string(limits::kMaxBlockReason) + " bytes");
      b.reason = std::string(v.as_string());
    } else {
      return Error::bad_request("unknown or mistyped field '" + std::string(k).substr(0, 40) +
                                "': hours is a number, forever and ip true or false, reason a string");
    }
  }
  b.expires_at = forever ? 0 : static_cast<Millis>(hours) * 3'600'000;  // made absolute below
  return BlockAsk{std::move(b), by_address};
}

void save_block(Services& s, const Call& c, const Block& b) {
  auto line = audit_line(c, c.tenant, "block.add", "visitor #" + std::to_string(b.visitor_number), nullptr, nullptr);
  store_job<Block>(
      s.store,
      [b, line](Store& st) mutable -> Result<Block> {
        if (TRY(st.active_blocks(b.tenant_id, b.created_at, limits::kMaxBlocksPerTenant)).size() >=
            limits::kMaxBlocksPerTenant)
          return Error::conflict("the tenant has its maximum of active blocks; lift some first");
        auto saved = TRY(st.add_block(b));
        line.detail = change_json(nullptr, block_audit_json(saved));
        TRY_OK(st.add_audit(line));
        return saved;
      },
      [&s, c](Result<Block> r) {
        if (!r) return c.fail(r.error());
        s.chat.block_added(*r);  // their sockets close now
        c.reply(Response::json(201, block_json(*r)));
      });
}

// The conversation's visitor first; by address, where they are connected from now (on this
// thread, where the sockets are), then the block.
void add_block(Services& s, const Call& c) {
  auto ask = block_of(c.req.body);
  if (!ask) return c.fail(ask.error());
  Millis now = s.chat.now();
  Block b = std::move(ask->block);
  b.created_at = now;
  b.created_by = c.who->agent.id;
  if (b.expires_at) b.expires_at += now;
  store_job<Conversation>(
      s.store, [id = *positive_number(c.req.param("id"))](Store& st) { return st.conversation(id); },
      [&s, c, b = std::move(b), by_address = ask->by_address](Result<Conversation> cv) mutable {
        if (!cv) return c.fail(cv.error());
        b.tenant_id = cv->tenant_id;
        b.conv_id = cv->id;
        b.visitor_id = cv->visitor_id;
        b.visitor_number = cv->visitor_number;
        if (by_address) {
          auto address = s.chat.visitor_address(cv->visitor_id);
          if (!address)
            return c.fail(Error::conflict(
                "the visitor is not connected now, and addresses are not kept: block the visitor without the address"));
          b.ip = *address;
        }
        save_block(s, c, b);
      });
}

void list_blocks(Services& s, const Call& c) {
  store_job<std::vector<Block>>(
      s.store, [tenant = c.tenant, now = s.chat.now()](Store& st) { return st.active_blocks(tenant, now, 500); },
      [c](Result<std::vector<Block>> r) {
        if (!r) return c.fail(r.error());
        boost::json::array out;
        for (const auto& b : *r) out.push_back(block_json(b));
        c.ok({{"tenant", c.tenant}, {"blocks", std::move(out)}});
      });
}

void lift_block(Services& s, const Call& c) {
  auto id = positive_number(c.req.param("block"));
  if (!id) return c.fail(Error::not_found("no such block"));
  auto line = audit_line(c, c.tenant, "block.lift", "block " + std::to_string(*id), nullptr, nullptr);
  store_job<Block>(
      s.store,
      [tenant = c.tenant, id = *id, by = c.who->agent.id, now = s.chat.now(),
       line](Store& st) mutable -> Result<Block> {
        auto b = TRY(st.lift_block(tenant, id, by, now));
        line.detail = change_json(block_audit_json(b), nullptr);
        TRY_OK(st.add_audit(line));
        return b;
      },
      [&s, c](Result<Block> r) {
        if (!r) return c.fail(r.error());
        s.chat.block_lifted(r->tenant_id, r->id);
        c.reply(Response::empty(204));
      });
}

}  // namespace

void add_block_routes(Routes& routes, Services& s) {
  routes.add(Method::kPost, "/api/conversations/{id}/block", [&s](const Call& c) { add_block(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/blocks", [&s](const Call& c) { list_blocks(s, c); });
  routes.add(Method::kDelete, "/api/tenants/{id}/blocks/{block}", [&s](const Call& c) { lift_block(s, c); });
}

}  // namespace tiski::api
