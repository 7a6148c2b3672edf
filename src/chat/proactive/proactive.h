// Proactive: what visitors do on the shops' pages and what the agents see of it — the facts
// each tab reports (pages, idleness, cart, the visit), the sites' invitation rules and the
// invitations they send, the live visitor list the consoles follow, and the buying signals in
// visitors' messages (docs/proactive.md).
//
// The gateway hands it each visitor tab's frames; it keeps its facts in the session
// (VisitorSession::prospect), stores page views and carts, publishes the live list on the
// tenant's "l:" topic and live_count on its "t:" topic, and reports presence (a visitor's first
// tab opened or last closed) on the bus for the chat lifecycle.
//
// Threading: the domain thread only.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "chat/conversations/conversations.h"
#include "chat/core/jobs.h"
#include "chat/core/session.h"
#include "chat/core/sites.h"
#include "chat/presence/presence.h"
#include "chat/proactive/facts.h"
#include "chat/proactive/signals.h"
#include "chat/pubsub.h"
#include "chat/routing/router.h"
#include "util/metrics.h"

namespace tiski {

class Proactive {
 public:
  struct PathStep {
    Interned url, title, category;
    Millis at = 0;
  };
  // One entry per visitor with a tab open, however many tabs.
  struct LiveVisitor {
    Id tenant = 0;
    Id site = 0;
    std::int64_t number = 0;
    Interned lang, url, title, category;  // the site's name comes from Sites when listed
    std::vector<PathStep> path;           // newest last, at most limits::kMaxLivePath
    Millis since = 0;                     // visit start
    Millis active_at = 0;
    int pages = 1;
    bool returning = false;
    std::shared_ptr<const Cart> cart;  // the session's (rules::Facts::cart); null: none
    Id conv = 0;
    int sessions = 0;
    Millis gone_at = 0;  // no session since
    Interned node;       // several nodes: whose tabs these are ("" = this node's)
  };

  Proactive(Jobs& jobs, EventBus& bus, PubSub& pubsub, Metrics& metrics, Presence& presence, Router& router,
            Conversations& conversations, const Sites& sites);
  void set_phrases(signals::Phrases p) { phrases_ = std::move(p); }

  // ---- a visitor's tab
  // The hello's facts (page, visit, idleness, cart) into the session; an invalid cart is an
  // error and the hello goes on without it.
  Status begin(VisitorSession& s, const proto::visitor_client::Hello& hello);
  // The hello was answered with this visitor; `shown` are their invitations of the last year,
  // `path` the visit's page views.
  void welcomed(VisitorSession& s, const Visitor& visitor, const std::vector<Invitation>& shown,
                const std::vector<PageView>& path);
  void page(VisitorSession& s, const proactive::PageIn& page, int pages);
  Status track(VisitorSession& s, const proto::visitor_client::Track& f);
  Status dismiss(VisitorSession& s, std::int64_t rule);
  void closed(VisitorSession& s);  // the tab's connection closed

  // ---- the live list, for the consoles
  std::vector<proto::SharedFrame> list_frames(const AgentIdentity& who) const;
  int live_count(Id tenant) const;
  const LiveVisitor* live(Id visitor) const;

  // Once a second: invitations, visitors gone for good, the counts.
  void tick();

  // ---- several nodes (chat/cluster/): this node's entries go out, the others' are kept here
  // too, so the list, the counts and a chat's visitor context are the same on every node.
  // `out` gets each change of this node's entries as wire JSON ({"id", "v": entry} or {"id", "gone": true}).
  void set_live_out(std::function<void(boost::json::object)> out) { live_out_ = std::move(out); }
  // Another node's entries (wire JSON); its tabs never override this node's. A visitor with a tab
  // on any node is present here too (events::VisitorPresence): a page load that lands on another
  // node is not a departure, and a waiting chat is not missed while its visitor is elsewhere.
  void remote_live(const std::string& node, const boost::json::object& entry);
  // Every entry of this node, as wire JSON (for a node that joined or came back).
  std::vector<boost::json::object> local_live() const;
  // A node is gone: its visitors leave the list.
  void node_gone(const std::string& node);

 private:
  void invite_round(Millis now);
  static bool held_out(const Site& site, std::string_view visit);
  void hold_out(const Invitation& inv);
  void live_from_session(VisitorSession& s, bool new_page);
  boost::json::object live_json(Id id, const LiveVisitor& v) const;
  void publish_live(Id visitor);
  void tell_live(Id visitor, const LiveVisitor* v);  // to the other nodes (v null: gone)
  void forget_live(std::unordered_map<Id, LiveVisitor>::iterator it);
  void publish_live_counts();
  // Whether the visitor has a tab open on this node or, as far as it has heard, on another one;
  // tell_presence publishes the change from `before`.
  bool anywhere(Id visitor) const;
  void tell_presence(Id visitor, bool before);
  void remote_tabs(Id visitor, const std::string& node, bool open);
  bool held_elsewhere(Id visitor, LiveVisitor& v);
  void conversation(const Conversation& c);
  void signals_of(const Message& m);

  Jobs& jobs_;
  EventBus& bus_;
  PubSub& pubsub_;
  Metrics& metrics_;
  Presence& presence_;
  Router& router_;
  Conversations& conversations_;
  const Sites& sites_;
  signals::Phrases phrases_;
  std::unordered_set<VisitorSession*> prospects_;  // tabs that said hello, for invitations
  std::unordered_map<Id, LiveVisitor> live_;
  std::unordered_multimap<Id, Interned> remote_tabs_;  // visitor -> other nodes with a tab of theirs
  std::unordered_map<Id, int> live_counts_;            // last published per tenant; absent = 0
  std::function<void(boost::json::object)> live_out_;
};

}  // namespace tiski
