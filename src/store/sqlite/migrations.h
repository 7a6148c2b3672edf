// The SQLite schema, as migrations applied in order at open (PRAGMA user_version counts them).
// Never edit a shipped one: add the next.
#pragma once

#include <span>

namespace tiski::sqlite {

std::span<const char* const> migrations();

}  // namespace tiski::sqlite
