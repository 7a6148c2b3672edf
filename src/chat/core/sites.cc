#include "chat/core/sites.h"

#include "util/log.h"

namespace tiski {

void Sites::put(const Site& site) {
  auto& info = by_key_[site.key];
  info.site = site;
  keys_[site.id] = site.key;
  auto rs = rules::parse(site.rules);
  if (!rs) {
    log::error("stored rules do not parse; the site invites nobody",
               {{"site", site.id}, {"error", rs.error().message}});
    info.rules.reset();
    return;
  }
  set_rules(site.id, std::move(rs).value());
}

void Sites::set_rules(Id site, rules::RuleSet rs) {
  auto key = keys_.find(site);
  if (key == keys_.end()) return;
  auto& info = by_key_[key->second];
  if (rs.rules.empty()) {
    info.rules.reset();
  } else {
    info.rules = std::make_shared<const rules::RuleSet>(std::move(rs));
  }
}

const Sites::Info* Sites::by_key(const std::string& key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &it->second;
}

const Sites::Info* Sites::by_id(Id id) const {
  auto key = keys_.find(id);
  return key == keys_.end() ? nullptr : by_key(key->second);
}

}  // namespace tiski
