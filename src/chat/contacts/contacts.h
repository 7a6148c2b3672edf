// Contacts: one person across channels and sites of a tenant (docs/contacts.md).
//
// A contact is told apart by keys: a site's verified customer id ("identity", "<site key>:<id>"),
// an email address and a phone number, each key one contact's within the tenant. A visitor (a
// browser, an email sender, an API caller) joins a contact when something it gives matches a
// key, never across tenants:
//   - a verified identify joins by the identity, and the identity's email;
//   - the leave-a-message form joins by the email typed (not verified: the console shows how
//     each key came, and an agent can split a wrong join);
//   - an email sender joins by its address; an API caller by the keys its bridge gives.
// An unverified identify joins nothing (anyone can type anything into a page's script).
//
// attach() never merges two contacts by itself: a visitor that already has a contact keeps
// it and only gains the keys nobody has; merging is an agent's decision (audited).
//
// Threading: pure functions and store jobs (run on the store thread).
#pragma once

#include <boost/json/object.hpp>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace tiski::contacts {

inline constexpr std::string_view kIdentity = "identity";
inline constexpr std::string_view kEmail = "email";
inline constexpr std::string_view kPhone = "phone";
// A key's value at most (an identity: a site key, ':' and a customer id of at most 200 bytes).
inline constexpr std::size_t kMaxKeyBytes = 300;

// A key in its stored form, or bad_request naming what is wrong: emails in lower case (a valid
// address), phones as '+' and digits (7 to 15 digits; spaces, dashes, dots and brackets
// dropped), identities as "<site key>:<id>".
Result<ContactKey> make_key(std::string_view kind, std::string_view value);
ContactKey identity_key(std::string_view site_key, std::string_view external_id);
// The same from JSON {"kind", "value"}; and a body's "keys" list of at most `max` (an empty list
// when absent, unless `required`: then at least one).
Result<ContactKey> key_from_json(const boost::json::value& v);
Result<std::vector<ContactKey>> keys_from_json(const boost::json::object& body, std::size_t max, bool required);

// Joins the visitor to a contact by `keys` (the first key some contact has wins: give them
// strongest first) or to a new contact named `name`, and adds the keys nobody has to its
// contact. The contact's id; 0 when there are no keys and the visitor has no contact.
Result<Id> attach(Store& st, const Visitor& v, const std::vector<ContactKey>& keys, std::string_view name, Millis now);

}  // namespace tiski::contacts
