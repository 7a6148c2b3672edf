#include "util/i18n.h"

#include <algorithm>

#include "util/strings_gen.h"

namespace tiski::i18n {

std::string text(std::string_view key, std::string_view lang,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  auto it = std::lower_bound(std::begin(kStrings), std::end(kStrings), key,
                             [](const Entry& e, std::string_view k) { return e.key < k; });
  if (it == std::end(kStrings) || it->key != key) return std::string(key);
  std::size_t l = lang == "sv" ? 1 : lang == "en" ? 2 : 0;
  std::string out(it->text[l]);
  for (const auto& [name, value] : values) {
    std::string mark = "{" + std::string(name) + "}";
    for (auto p = out.find(mark); p != std::string::npos; p = out.find(mark, p + value.size()))
      out.replace(p, mark.size(), value);
  }
  return out;
}

}  // namespace tiski::i18n
