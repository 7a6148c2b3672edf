#include "chat/contacts/contacts.h"

#include <algorithm>
#include <cctype>

#include "mail/address.h"

namespace tiski::contacts {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<ContactKey> phone(std::string_view value) {
  std::string digits;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty() && i == value.find_first_not_of(' ')) {
      digits += c;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return Error::bad_request("a phone number has digits, spaces and - . ( ) only, and + first");
    }
  }
  auto n = std::ranges::count_if(digits, [](char c) { return c != '+'; });
  if (n < 7 || n > 15) return Error::bad_request("a phone number has 7 to 15 digits");
  return ContactKey{std::string(kPhone), digits};
}

}  // namespace

ContactKey identity_key(std::string_view site_key, std::string_view external_id) {
  return {std::string(kIdentity), std::string(site_key) + ":" + std::string(external_id)};
}

Result<ContactKey> make_key(std::string_view kind, std::string_view value) {
  if (kind == kEmail) {
    TRY_OK(mail::check_address(value));
    return ContactKey{std::string(kEmail), lower(value)};
  }
  if (kind == kPhone) return phone(value);
  if (kind == kIdentity) {
    auto colon = value.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon + 1 == value.size() || value.size() > kMaxKeyBytes)
      return Error::bad_request("an identity key is <site key>:<customer id>");
    return ContactKey{std::string(kIdentity), std::string(value)};
  }
  return Error::bad_request("a contact key is identity, email or phone");
}

Result<ContactKey> key_from_json(const boost::json::value& v) {
  const auto* o = v.if_object();
  const auto* kind = o ? o->if_contains("kind") : nullptr;
  const auto* value = o ? o->if_contains("value") : nullptr;
  if (!kind || !value || !kind->is_string() || !value->is_string() || o->size() != 2)
    return Error::bad_request(R"(a key is {"kind": "email" | "phone" | "identity", "value": "..."})");
  return make_key(kind->as_string(), value->as_string());
}

Result<std::vector<ContactKey>> keys_from_json(const boost::json::object& body, std::size_t max, bool required) {
  const auto* k = body.if_contains("keys");
  if (!k && !required) return std::vector<ContactKey>{};
  if (k && !k->is_array()) return Error::bad_request("'keys' must be a list");
  if (k && k->as_array().size() > max) return Error::too_large("at most " + std::to_string(max) + " keys at once");
  std::vector<ContactKey> out;
  if (k) {
    out.reserve(k->as_array().size());
    for (const auto& v : k->as_array()) out.push_back(TRY(key_from_json(v)));
  }
  if (required && out.empty()) return Error::bad_request("'keys' must list at least one key");
  return out;
}

Result<Id> attach(Store& st, const Visitor& v, const std::vector<ContactKey>& keys, std::string_view name, Millis now) {
  if (keys.empty()) return v.contact_id;
  Id contact = v.contact_id;
  if (contact == 0) {
    auto owners = TRY(st.contacts_with_keys(v.tenant_id, keys));
    contact = owners.empty() ? TRY(st.create_contact(v.tenant_id, name, now)).id : owners.front();
    TRY_OK(st.set_visitor_contact(v.tenant_id, v.id, contact));
  }
  TRY(st.add_contact_keys(v.tenant_id, contact, keys));
  if (!name.empty() && TRY(st.contact(v.tenant_id, contact)).name.empty())
    TRY_OK(st.set_contact_name(v.tenant_id, contact, name));
  return contact;
}

}  // namespace tiski::contacts
