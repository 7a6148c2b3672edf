// AbuseLimits: what one client address and one visitor may do, whatever number of tabs or
// connections they spread it over (per-connection frame limits live in the gateway's sessions).
//
// Per address (the key net/ derives: IPv4 as is, IPv6 by its /64, behind a trusted proxy the
// address it names): open WebSockets, hellos, new visitors, new conversations and messages.
// Per visitor: messages and new conversations. The numbers are in util/limits.h. Addresses in
// `unlimited` are exempt (load generators, monitoring).
//
// Memory is bounded: entries whose buckets are full again and that hold no connection are
// forgotten by sweep(); at most limits::kMaxTrackedAddresses addresses are tracked, beyond that
// new ones are refused until a sweep frees room.
//
// Several nodes (docs/scaling.md): with share() on, what this node allowed is counted per key
// and taken by the cluster once a second (take_shared); the other nodes' counts are spent from
// this node's buckets (spend_elsewhere), and addresses holding many sockets on other nodes count
// them here (connections_elsewhere). The limits hold across nodes within about a second.
//
// Threading: the network thread only. Times are passed in (milliseconds), so tests use a
// manual clock.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/store.h"
#include "util/bucket.h"
#include "util/limits.h"

namespace tiski {

class AbuseLimits {
 public:
  enum class Action { kHello, kNewVisitor, kConversation, kMessage };

  explicit AbuseLimits(std::vector<std::string> unlimited = {});

  // A WebSocket from `address` wants to open; false when the address holds its maximum (or no
  // more addresses can be tracked). Every true must be paired with a disconnect().
  bool connect(const std::string& address, Millis now);
  void disconnect(const std::string& address);
  // Takes one `action` for the address; false when over its rate.
  bool allow(const std::string& address, Action action, Millis now);
  // Per visitor, across their tabs: kMessage or kConversation.
  bool allow_visitor(Id visitor, Action action, Millis now);
  // A file of `bytes` from the address and, when not 0, the visitor (docs/attachments.md):
  // false when either is over its files or bytes.
  bool allow_upload(const std::string& address, Id visitor, std::int64_t bytes, Millis now);
  // A page view from the address by the visitor (not 0): false when either is over its rate.
  // Counted on this node only (a visitor's tabs are on one node as a rule).
  bool allow_page(const std::string& address, Id visitor, Millis now);
  // Forgets idle entries; call about once a minute.
  void sweep(Millis now);

  // ---- several nodes
  struct Shared {
    std::unordered_map<std::string, std::array<int, 4>> addresses;  // by Action
    std::unordered_map<Id, std::array<int, 2>> visitors;            // messages, conversations
    std::vector<std::pair<std::string, int>> connections;           // addresses holding many sockets here
    bool empty() const { return addresses.empty() && visitors.empty() && connections.empty(); }
  };
  void share() { sharing_ = true; }
  // What was allowed since the last call, and the addresses with at least a quarter of their
  // sockets here.
  Shared take_shared();
  // What another node allowed: spent from this node's buckets.
  void spend_elsewhere(const std::string& node, const Shared& s, Millis now);
  // Another node is gone: its sockets no longer count.
  void node_gone(const std::string& node);
  std::size_t tracked() const { return addresses_.size() + visitors_.size(); }

 private:
  struct Address {
    std::size_t connections = 0;
    Bucket hellos, new_visitors, conversations, messages;
    Bucket uploads{limits::kUploadsPerSecond, limits::kUploadBurst};
    Bucket upload_mb{limits::kUploadMegabytesPerSecond, limits::kUploadMegabyteBurst};
    Bucket pages{limits::kPageViewsPerSecondPerAddress, limits::kPageViewBurstPerAddress};
  };
  struct VisitorBuckets {
    Bucket messages, conversations;
    Bucket uploads{limits::kUploadsPerSecond, limits::kUploadBurst / 2};
    Bucket upload_mb{limits::kUploadMegabytesPerSecond, limits::kUploadMegabyteBurst / 2};
    Bucket pages{limits::kPageViewsPerSecond, limits::kPageViewBurst};
  };
  Address* find_or_add(const std::string& address, Millis now);
  VisitorBuckets& visitor_buckets(Id visitor);
  std::size_t elsewhere(const std::string& address) const;  // sockets on other nodes

  std::unordered_set<std::string> unlimited_;
  std::unordered_map<std::string, Address> addresses_;
  std::unordered_map<Id, VisitorBuckets> visitors_;
  bool sharing_ = false;
  Shared spent_;
  // address -> node -> sockets there (only addresses a node reported as holding many)
  std::unordered_map<std::string, std::unordered_map<std::string, int>> elsewhere_;
};

}  // namespace tiski
