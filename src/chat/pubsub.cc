#include "chat/pubsub.h"

#include <algorithm>

namespace tiski {

std::string topic_conv(Id conv) { return "c:" + std::to_string(conv); }
std::string topic_visitor(Id visitor) { return "v:" + std::to_string(visitor); }
std::string topic_tenant(Id tenant) { return "t:" + std::to_string(tenant); }
std::string topic_avail(Id tenant) { return "a:" + std::to_string(tenant); }
std::string topic_live(Id tenant) { return "l:" + std::to_string(tenant); }

void LocalPubSub::subscribe(const std::string& topic, Subscriber* s) {
  auto& subs = topics_[topic];
  if (std::find(subs.begin(), subs.end(), s) == subs.end()) subs.push_back(s);
}

void LocalPubSub::unsubscribe(const std::string& topic, Subscriber* s) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return;
  auto& subs = it->second;
  subs.erase(std::remove(subs.begin(), subs.end(), s), subs.end());
  if (subs.empty()) topics_.erase(it);
}

void LocalPubSub::publish(const std::string& topic, const Envelope& e, const Subscriber* except) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return;
  // Copy: a delivery may close a slow connection, which unsubscribes it while we iterate.
  std::vector<Subscriber*> subs = it->second;
  for (Subscriber* s : subs) {
    if (s != except) s->deliver(e);
  }
}

}  // namespace tiski
