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
  if (!a || a->connections >= limits::kMaxConnectionsPerAddress) return false;
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
  switch (action) {
    case Action::kHello: return a->hellos.take(now);
    case Action::kNewVisitor: return a->new_visitors.take(now);
    case Action::kConversation: return a->conversations.take(now);
    case Action::kMessage: return a->messages.take(now);
  }
  return false;
}

bool AbuseLimits::allow_visitor(Id visitor, Action action, Millis now) {
  auto [it, fresh] = visitors_.try_emplace(visitor);
  if (fresh) {
    it->second.messages = Bucket(limits::kMessagesPerSecond, limits::kMessageBurst);
    it->second.conversations = Bucket(limits::kVisitorConversationsPerSecond, limits::kVisitorConversationBurst);
  }
  return action == Action::kConversation ? it->second.conversations.take(now) : it->second.messages.take(now);
}

bool AbuseLimits::allow_upload(const std::string& address, Id visitor, std::int64_t bytes, Millis now) {
  if (unlimited_.contains(address)) return true;
  std::int64_t whole_mb = (bytes + 999'999) / 1'000'000;  // a started megabyte counts whole
  auto mb = static_cast<double>(whole_mb);
  Address* a = find_or_add(address, now);
  if (!a || !a->uploads.take(now) || !a->upload_mb.take(now, mb)) return false;
  if (visitor == 0) return true;
  auto [it, fresh] = visitors_.try_emplace(visitor);
  if (fresh) {
    it->second.messages = Bucket(limits::kMessagesPerSecond, limits::kMessageBurst);
    it->second.conversations = Bucket(limits::kVisitorConversationsPerSecond, limits::kVisitorConversationBurst);
  }
  return it->second.uploads.take(now) && it->second.upload_mb.take(now, mb);
}

void AbuseLimits::sweep(Millis now) {
  std::erase_if(addresses_, [now](const auto& kv) {
    const Address& a = kv.second;
    return a.connections == 0 && a.hellos.full(now) && a.new_visitors.full(now) && a.conversations.full(now) &&
           a.messages.full(now) && a.uploads.full(now) && a.upload_mb.full(now);
  });
  std::erase_if(visitors_, [now](const auto& kv) {
    const auto& v = kv.second;
    return v.messages.full(now) && v.conversations.full(now) && v.uploads.full(now) && v.upload_mb.full(now);
  });
}

}  // namespace tiski
