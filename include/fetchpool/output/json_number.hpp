#pragma once
// A JSON number's text as the cell a column reads: what RapidJSON's own conversion would give,
// but correctly rounded, so a double written as its shortest text comes back as the same double.

#include <optional>
#include <string_view>

#include "fetchpool/output/result_columns.hpp"

namespace fetchpool {

// "12" -> uint64 12, "-3" -> int64 -3, "1.5" or "1e3" or an integer too large for 64 bits ->
// double. nullopt when `text` is not a number a double can hold ("1e999").
std::optional<ColumnValue> ParseJsonNumber(std::string_view text);

}  // namespace fetchpool
