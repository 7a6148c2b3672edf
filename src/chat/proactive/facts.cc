#include "chat/proactive/facts.h"

#include <algorithm>

#include "chat/protocol.h"
#include "util/limits.h"
#include "util/text.h"

namespace tiski::proactive {

PageIn page_of(const proto::Page& p) {
  return PageIn{clip(proto::clean_text(p.url), limits::kMaxUrlBytes),
                clip(proto::clean_text(p.title.value_or("")), limits::kMaxTitleBytes),
                clip(proto::clean_text(p.category.value_or("")), limits::kMaxCategoryBytes)};
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
  if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return false;
  for (std::size_t i = 0; i + 3 <= kCodes.size(); i += 4) {
    if (kCodes.substr(i, 3) == code) return true;
  }
  return false;
}

Result<std::optional<Cart>> cart_of(const std::optional<proto::Cart>& c) {
  if (!c) return std::optional<Cart>();
  std::int64_t cents = c->cents;
  std::int64_t items = c->items;
  std::string_view currency = c->currency;
  if (cents < 0 || cents > limits::kMaxCartCents || items < 0 || items > limits::kMaxCartItems) {
    return Error::bad_request("cart: cents must be 0 to " + std::to_string(limits::kMaxCartCents) + " and items 0 to " +
                              std::to_string(limits::kMaxCartItems));
  }
  if (!valid_currency(currency)) return Error::bad_request("cart.currency must be an ISO 4217 code such as EUR");
  return std::optional<Cart>(Cart{cents, Interned(currency), static_cast<int>(items)});
}

boost::json::object cart_json(const Cart& c) {
  return {{"cents", c.cents}, {"currency", c.currency.view()}, {"items", c.items}};
}

void read_visit(const std::optional<proto::Visit>& v, Millis now, rules::Facts& facts, ShortString& visit) {
  if (!v) {
    facts.visit_start = now;
    return;
  }
  visit = clip(v->id, limits::kMaxCidBytes);
  std::int64_t age = std::clamp<std::int64_t>(v->age_s, 0, 86'400);
  facts.visit_start = now - age * 1000;
  facts.pages = static_cast<int>(std::clamp<std::int64_t>(v->pages, 1, 100'000));
  rules::Source src{Interned(clip(v->ref.value_or(""), limits::kMaxUrlBytes)),
                    Interned(clip(v->utm_source.value_or(""), limits::kMaxCategoryBytes)),
                    Interned(clip(v->utm_medium.value_or(""), limits::kMaxCategoryBytes)),
                    Interned(clip(v->utm_campaign.value_or(""), limits::kMaxCategoryBytes))};
  bool none = src.referrer.empty() && src.utm_source.empty() && src.utm_medium.empty() && src.utm_campaign.empty();
  facts.source = none ? nullptr : std::make_shared<const rules::Source>(std::move(src));
}

void read_idle(std::optional<bool> idle, std::optional<std::int64_t> idle_ms, Millis now, rules::Facts& facts) {
  if (!idle) return;
  if (!*idle) {
    facts.idle_since = rules::Facts::kActive;
    return;
  }
  Millis already = std::clamp<std::int64_t>(idle_ms.value_or(0), 0, 3'600'000);
  Millis since = now - already;
  if (facts.idle_since == rules::Facts::kActive || since < facts.idle_since) facts.idle_since = since;
}

}  // namespace tiski::proactive
