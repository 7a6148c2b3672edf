#include "chat/gateway/abuse.h"

#include <algorithm>

#include "util/limits.h"

namespace tiski {

AbuseLimits::AbuseLimits(std::vector<std::string> unlimited) : unlimited_(unlimited.begin(), unlimited.end()) {}

AbuseLimits::Address* AbuseLimits::find_or_add(const std::string& address, Millis now) {
  auto it = addresses_.find(address);
  if (it != addresses_.end()) return &it->second;
  if (addresses_.size() >= limits::kMaxTrackedAddresses) {
    sweep(now);
    if (addresses_.size() >= limits::kMaxTrackedAddresses) return nullptr;
  }
  Address a;
  a.hellos = Bucket(limits::kHellosPerSecondPerAddress, limits::kHelloBurstPerAddress);
  a.new_visitors = Bucket(limits::kNewVisitorsPerSecondPerAddress, limits::kNewVisitorBurstPerAddress);
  a.conversations = Bucket(limits::kConversationsPerSecondPerAddress, limits::kConversationBurstPerAddress);
  a.messages = Bucket(limits::kMessagesPerSecondPerAddress, limits::kMessageBurstPerAddress);
  return &addresses_.emplace(address, a).first->second;
}

bool AbuseLimits::connect(const std::string& address, Millis now) {
  if (unlimited_.contains(address)) return true;
  Address* a = find_or_add(address, now);
  if (!a || a->connections + elsewhere(address) >= limits::kMaxConnectionsPerAddress) return false;
  a->connections++;
  return true;
}

void AbuseLimits::disconnect(const std::string& address) {
  auto it = addresses_.find(address);
  if (it != addresses_.end() && it->second.connections > 0) it->second.connections--;
}

bool AbuseLimits::allow(const std::string& address, Action action, Millis now) {
  if (unlimited_.contains(address)) return true;
  Address* a = find_or_add(address, now);
  if (!a) return false;
  bool ok = false;
  switch (action) {
    case Action::kHello: ok = a->hellos.take(now); break;
    case Action::kNewVisitor: ok = a->new_visitors.take(now); break;
    case Action::kConversation: ok = a->conversations.take(now); break;
    case Action::kMessage: ok = a->messages.take(now); break;
  }
  if (ok && sharing_) spent_.addresses[address][static_cast<std::size_t>(action)]++;
  return ok;
}

AbuseLimits::VisitorBuckets& AbuseLimits::visitor_buckets(Id visitor) {
  auto [it, fresh] = visitors_.try_emplace(visitor);
  if (fresh) {
    it->second.messages = Bucket(limits::kMessagesPerSecond, limits::kMessageBurst);
    it->second.conversations = Bucket(limits::kVisitorConversationsPerSecond, limits::kVisitorConversationBurst);
  }
  return it->second;
}

bool AbuseLimits::allow_visitor(Id visitor, Action action, Millis now) {
  auto& v = visitor_buckets(visitor);
  bool conv = action == Action::kConversation;
  bool ok = conv ? v.conversations.take(now) : v.messages.take(now);
  if (ok && sharing_) spent_.visitors[visitor][conv ? 1 : 0]++;
  return ok;
}

std::size_t AbuseLimits::elsewhere(const std::string& address) const {
  auto it = elsewhere_.find(address);
  if (it == elsewhere_.end()) return 0;
  std::size_t n = 0;
  for (const auto& [node, count] : it->second) n += static_cast<std::size_t>(count);
  return n;
}

AbuseLimits::Shared AbuseLimits::take_shared() {
  Shared out = std::exchange(spent_, {});
  for (const auto& [address, a] : addresses_) {
    if (a.connections >= std::max<std::size_t>(1, limits::kMaxConnectionsPerAddress / 4))
      out.connections.emplace_back(address, static_cast<int>(a.connections));
  }
  return out;
}

void AbuseLimits::spend_elsewhere(const std::string& node, const Shared& s, Millis now) {
  for (const auto& [address, counts] : s.addresses) {
    if (unlimited_.contains(address)) continue;
    Address* a = find_or_add(address, now);
    if (!a) continue;
    a->hellos.spend(now, counts[0]);
    a->new_visitors.spend(now, counts[1]);
    a->conversations.spend(now, counts[2]);
    a->messages.spend(now, counts[3]);
  }
  for (const auto& [visitor, counts] : s.visitors) {
    auto& v = visitor_buckets(visitor);
    v.messages.spend(now, counts[0]);
    v.conversations.spend(now, counts[1]);
  }
  // The node's report names every address holding many sockets there: the others are back to 0.
  for (auto& [address, nodes] : elsewhere_) nodes.erase(node);
  for (const auto& [address, n] : s.connections) elsewhere_[address][node] = n;
  std::erase_if(elsewhere_, [](const auto& kv) { return kv.second.empty(); });
}

void AbuseLimits::node_gone(const std::string& node) {
  for (auto& [address, nodes] : elsewhere_) nodes.erase(node);
  std::erase_if(elsewhere_, [](const auto& kv) { return kv.second.empty(); });
}

bool AbuseLimits::allow_upload(const std::string& address, Id visitor, std::int64_t bytes, Millis now) {
  if (unlimited_.contains(address)) return true;
  std::int64_t whole_mb = (bytes + 999'999) / 1'000'000;  // a started megabyte counts whole
  auto mb = static_cast<double>(whole_mb);
  Address* a = find_or_add(address, now);
  if (!a || !a->uploads.take(now) || !a->upload_mb.take(now, mb)) return false;
  if (visitor == 0) return true;
  auto& v = visitor_buckets(visitor);
  return v.uploads.take(now) && v.upload_mb.take(now, mb);
}

bool AbuseLimits::allow_page(const std::string& address, Id visitor, Millis now) {
  if (unlimited_.contains(address)) return true;
  // The visitor's first: one visitor over their rate does not spend their address's.
  if (visitor != 0 && !visitor_buckets(visitor).pages.take(now)) return false;
  Address* a = find_or_add(address, now);
  return a && a->pages.take(now);
}

void AbuseLimits::sweep(Millis now) {
  std::erase_if(addresses_, [now](const auto& kv) {
    const Address& a = kv.second;
    return a.connections == 0 && a.hellos.full(now) && a.new_visitors.full(now) && a.conversations.full(now) &&
           a.messages.full(now) && a.uploads.full(now) && a.upload_mb.full(now) && a.pages.full(now);
  });
  std::erase_if(visitors_, [now](const auto& kv) {
    const auto& v = kv.second;
    return v.messages.full(now) && v.conversations.full(now) && v.uploads.full(now) && v.upload_mb.full(now) &&
           v.pages.full(now);
  });
}

}  // namespace tiski
