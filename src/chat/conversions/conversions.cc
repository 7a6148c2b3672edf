#include "chat/conversions/conversions.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "util/crypto.h"
#include "util/limits.h"

namespace tiski {

namespace conversions {

namespace {

// ISO 4217 codes of current currencies (and the funds and metals shops never use left out).
constexpr std::string_view kCurrencies[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
    "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
    "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
    "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
    "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
    "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
};

}  // namespace

bool known_currency(std::string_view code) {
  return std::binary_search(std::begin(kCurrencies), std::end(kCurrencies), code);
}

Status check(const Report& r) {
  if (r.kind != "order" && r.kind != "lead") return Error::bad_request("kind must be order or lead");
  if (r.ref.empty()) return Error::bad_request("id is required: the shop's order or lead id");
  if (r.ref.size() > limits::kMaxOrderIdBytes)
    return Error::bad_request("id is longer than " + std::to_string(limits::kMaxOrderIdBytes) + " bytes");
  if (std::any_of(r.ref.begin(), r.ref.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7F; }))
    return Error::bad_request("id contains control characters");
  if (r.cents < 0 || r.cents > limits::kMaxConversionCents)
    return Error::bad_request("value must be 0 to " + std::to_string(limits::kMaxConversionCents / 100));
  bool needs_currency = r.kind == "order" || r.cents > 0;
  if (needs_currency && r.currency.empty()) return Error::bad_request("currency is required (ISO 4217, e.g. EUR)");
  if (!r.currency.empty() && !known_currency(r.currency))
    return Error::bad_request("currency '" + r.currency.substr(0, 8) + "' is not an ISO 4217 code such as EUR");
  return {};
}

Result<std::int64_t> cents_of(double value) {
  if (!std::isfinite(value) || value < 0) return Error::bad_request("value must be a number, 0 or more");
  double cents = std::round(value * 100.0);
  if (cents > static_cast<double>(limits::kMaxConversionCents))
    return Error::bad_request("value must be at most " + std::to_string(limits::kMaxConversionCents / 100));
  return static_cast<std::int64_t>(cents);
}

std::string sign(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string data(timestamp);
  data += '.';
  data += body;
  return "sha256=" + crypto::hex(crypto::hmac_sha256(secret, data));
}

Status check_signature(std::string_view secret, std::string_view timestamp, std::string_view signature,
                       std::string_view body, Millis now) {
  if (timestamp.empty() || signature.empty())
    return Error::unauthorized("the call must be signed: X-Tiski-Timestamp and X-Tiski-Signature are required");
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size())
    return Error::unauthorized("X-Tiski-Timestamp must be Unix time in seconds");
  if (seconds > (now + limits::kSignatureWindowMs) / 1000 || seconds < (now - limits::kSignatureWindowMs) / 1000)
    return Error::unauthorized("the signature is stale: X-Tiski-Timestamp is more than 5 minutes from now");
  if (!crypto::equal_ct(sign(secret, timestamp, body), signature))
    return Error::unauthorized("the signature does not match the body (HMAC-SHA256 with the site's secret)");
  return {};
}

}  // namespace conversions

void Conversions::record(Id tenant, Id site, std::optional<Id> visitor, conversions::Report r, std::string source,
                         std::function<void(Result<Recorded>)> done) {
  jobs_.run<Recorded>(
      [tenant, site, visitor, r = std::move(r), source = std::move(source)](Store& st,
                                                                            events::Recorder& rec) -> Result<Recorded> {
        Conversion c{0, tenant, site, visitor, r.kind, r.ref, r.cents, r.currency, rec.now(), source, {}, {}};
        auto out = TRY(st.record_conversion(c));
        if (!out.duplicate) TRY_OK(rec.add(events::ConversionRecorded{out.conversion, tenant, out.conversion.conv_id}));
        return out;
      },
      std::move(done));
}

}  // namespace tiski
