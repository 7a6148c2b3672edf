// The server's words in fi, sv and en: system lines in chats, emails. The texts are data
// (proto/strings.json, compiled into strings_gen.h by proto/gen.mjs), looked up by key.
// Thread-safe (constant data).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace tiski::i18n {

// The text of `key` in `lang` (fi, sv or en; any other language gets Finnish), with each
// {name} replaced by its value. An unknown key is a bug: it returns the key itself.
std::string text(std::string_view key, std::string_view lang,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> values = {});

}  // namespace tiski::i18n
