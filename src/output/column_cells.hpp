#pragma once
// The reading side of result_columns.cpp: one cell of a record back into a Result field. Each
// Set* returns false when the cell has a type the column never writes.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>

#include "fetchpool/output/result_columns.hpp"

namespace fetchpool::column_cells {

// JSON numbers come back as whichever of the three types fits them.
inline std::optional<std::uint64_t> Unsigned(const ColumnValue& v) {
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return *u;
  if (const auto* i = std::get_if<std::int64_t>(&v); i != nullptr && *i >= 0) {
    return static_cast<std::uint64_t>(*i);
  }
  return std::nullopt;
}

inline std::optional<std::int64_t> Signed(const ColumnValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  const std::optional<std::uint64_t> u = Unsigned(v);
  if (!u || *u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*u);
}

inline std::optional<int> Int(const ColumnValue& v) {
  const std::optional<std::int64_t> i = Signed(v);
  if (!i || *i > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(*i);
}

inline std::optional<double> Double(const ColumnValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const std::optional<std::int64_t> i = Signed(v)) return static_cast<double>(*i);
  return std::nullopt;
}

template <typename T, typename Convert>
inline bool Set(const ColumnValue& v, T& field, Convert convert) {
  const auto got = convert(v);
  if (got) field = static_cast<T>(*got);
  return got.has_value();
}

inline bool SetBool(const ColumnValue& v, bool& field) {
  const auto* b = std::get_if<bool>(&v);
  if (b != nullptr) field = *b;
  return b != nullptr;
}

// A text cell: null reads as empty, as TextOrNull writes it.
inline bool SetText(const ColumnValue& v, std::string& field) {
  if (std::holds_alternative<std::nullptr_t>(v)) {
    field.clear();
    return true;
  }
  const auto* s = std::get_if<std::string_view>(&v);
  if (s != nullptr) field.assign(*s);
  return s != nullptr;
}

// A number that is null when absent (status, failing_since_ms).
template <typename T>
inline bool SetNumberOrNull(const ColumnValue& v, T& field) {
  if (std::holds_alternative<std::nullptr_t>(v)) {
    field = 0;
    return true;
  }
  return Set(v, field, Signed);
}

}  // namespace fetchpool::column_cells
