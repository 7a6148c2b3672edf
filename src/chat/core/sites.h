// The sites (widget installations) the domain knows: their greetings, languages and parsed
// proactive rules, by key and by id. Loaded at start-up; a key not known yet is looked up in the
// store by the gateway and added (a site created while the server runs).
//
// Threading: the domain thread only.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "chat/rules/rules.h"
#include "store/store.h"

namespace tiski {

class Sites {
 public:
  struct Info {
    Site site;
    std::shared_ptr<const rules::RuleSet> rules;  // none: the site invites nobody
  };
  // Adds or replaces a site; its stored rules are parsed (a bad row invites nobody, loudly).
  void put(const Site& site);
  void set_rules(Id site, rules::RuleSet rs);
  const Info* by_key(const std::string& key) const;
  const Info* by_id(Id id) const;

 private:
  std::unordered_map<std::string, Info> by_key_;
  std::unordered_map<Id, std::string> keys_;
};

}  // namespace tiski
