#include "chat/proactive/facts.h"

#include <algorithm>

#include "chat/protocol.h"
#include "util/limits.h"
#include "util/text.h"

namespace tiski::proactive {

std::optional<PageIn> page_of(const boost::json::object& f, std::string_view key) {
  const auto* p = f.if_contains(key);
  if (!p || !p->is_object()) return std::nullopt;
  const auto& o = p->as_object();
  return PageIn{clip(proto::clean_text(proto::str(o, "url")), limits::kMaxUrlBytes),
                clip(proto::clean_text(proto::str(o, "title")), limits::kMaxTitleBytes),
                clip(proto::clean_text(proto::str(o, "category")), limits::kMaxCategoryBytes)};
}

bool valid_currency(std::string_view code) {
  static constexpr std::string_view kCodes =
      "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF "
      "CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD "
      "GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR "
      "LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK "
      "PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT "
      "TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG "
      "XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL";
  if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) return false;
  for (std::size_t i = 0; i + 3 <= kCodes.size(); i += 4) {
    if (kCodes.substr(i, 3) == code) return true;
  }
  return false;
}

Result<std::optional<Cart>> cart_of(const boost::json::object& f) {
  const auto* c = f.if_contains("cart");
  if (!c || !c->is_object()) return std::optional<Cart>();
  const auto& o = c->as_object();
  std::int64_t cents = proto::int_or(o, "cents", -1);
  std::int64_t items = proto::int_or(o, "items", -1);
  std::string_view currency = proto::str(o, "currency");
  if (cents < 0 || cents > limits::kMaxCartCents || items < 0 || items > limits::kMaxCartItems) {
    return Error::bad_request("cart: cents must be 0 to " + std::to_string(limits::kMaxCartCents) + " and items 0 to " +
                              std::to_string(limits::kMaxCartItems));
  }
  if (!valid_currency(currency)) return Error::bad_request("cart.currency must be an ISO 4217 code such as EUR");
  return std::optional<Cart>(Cart{cents, std::string(currency), static_cast<int>(items)});
}

boost::json::object cart_json(const Cart& c) { return {{"cents", c.cents}, {"currency", c.currency}, {"items", c.items}}; }

void read_visit(const boost::json::object& f, Millis now, rules::Facts& facts, std::string& visit) {
  const auto* v = f.if_contains("visit");
  if (!v || !v->is_object()) {
    facts.visit_start = now;
    return;
  }
  const auto& o = v->as_object();
  visit = clip(proto::str(o, "id"), limits::kMaxCidBytes);
  std::int64_t age = std::clamp<std::int64_t>(proto::int_or(o, "age_s", 0), 0, 86'400);
  facts.visit_start = now - age * 1000;
  facts.pages = static_cast<int>(std::clamp<std::int64_t>(proto::int_or(o, "pages", 1), 1, 100'000));
  facts.referrer = clip(proto::str(o, "ref"), limits::kMaxUrlBytes);
  facts.utm_source = clip(proto::str(o, "utm_source"), limits::kMaxCategoryBytes);
  facts.utm_medium = clip(proto::str(o, "utm_medium"), limits::kMaxCategoryBytes);
  facts.utm_campaign = clip(proto::str(o, "utm_campaign"), limits::kMaxCategoryBytes);
}

void read_idle(const boost::json::object& f, Millis now, rules::Facts& facts) {
  const auto* idle = f.if_contains("idle");
  if (!idle || !idle->is_bool()) return;
  if (!idle->as_bool()) {
    facts.idle_since.reset();
    return;
  }
  Millis already = std::clamp<std::int64_t>(proto::int_or(f, "idle_ms", 0), 0, 3'600'000);
  Millis since = now - already;
  if (!facts.idle_since || since < *facts.idle_since) facts.idle_since = since;
}

}  // namespace tiski::proactive
