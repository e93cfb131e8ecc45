#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fetchpool/util/status.hpp"

namespace fetchpool {

// A parsed TOML document as the config loader reads it: TOML's types, each value with the line
// it was written on, tables in file order. Keeps toml++ out of everything but one file. A plain
// value.
struct ConfigEntry;

struct ConfigValue {
  enum class Type { kString, kInteger, kFloat, kBoolean, kArray, kTable, kOther };
  Type type = Type::kTable;
  std::string text;                  // kString; for kOther the TOML type ("a date")
  std::int64_t integer = 0;          // kInteger
  double number = 0;                 // kFloat
  bool boolean = false;              // kBoolean
  std::vector<ConfigValue> items;    // kArray
  std::vector<ConfigEntry> entries;  // kTable
  int line = 0;                      // where the value (a table: its header or first key) is
  int key_line = 0;                  // where its key is, for a table's entry

  // "a string", "an integer", ...: what a message says the value was.
  std::string TypeName() const;
};

// One key of a table and its value.
struct ConfigEntry {
  std::string key;
  ConfigValue value;
};

// Parses TOML text (valid UTF-8, nesting already bounded by ScanConfigText) with toml++.
// A syntax error is "PATH:LINE:COLUMN: what toml++ says".
Status ParseConfigDocument(std::string_view text, const std::string& path, ConfigValue* root);

}  // namespace fetchpool
