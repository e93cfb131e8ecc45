#include "fetchpool/config/config_document.hpp"

#include <fmt/format.h>

// The one file that includes toml++: header-only, so the binary needs no libtomlplusplus.so
// (and with it no shared libstdc++ at start-up), and without exceptions: errors are values.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include <algorithm>

namespace fetchpool {
namespace {

// toml++'s message quotes what it saw, which may be a line break or another control character:
// the message must stay one line.
std::string OneLine(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
  }
  return out;
}

int LineOf(const toml::source_region& source) { return static_cast<int>(source.begin.line); }

ConfigValue Convert(const toml::node& node);

ConfigValue ConvertTable(const toml::table& table) {
  ConfigValue out;
  out.type = ConfigValue::Type::kTable;
  out.line = LineOf(table.source());
  for (const auto& [key, node] : table) {
    ConfigValue value = Convert(node);
    value.key_line = key.source().begin.line > 0 ? LineOf(key.source()) : value.line;
    out.entries.push_back({std::string(key.str()), std::move(value)});
  }
  // toml++ keeps keys sorted; messages and precedence read better in file order.
  std::stable_sort(out.entries.begin(), out.entries.end(), [](const auto& a, const auto& b) {
    return a.value.key_line < b.value.key_line;
  });
  return out;
}

ConfigValue Convert(const toml::node& node) {
  ConfigValue out;
  out.line = LineOf(node.source());
  switch (node.type()) {
    case toml::node_type::table:
      return ConvertTable(*node.as_table());
    case toml::node_type::array:
      out.type = ConfigValue::Type::kArray;
      for (const toml::node& item : *node.as_array()) out.items.push_back(Convert(item));
      break;
    case toml::node_type::string:
      out.type = ConfigValue::Type::kString;
      out.text = node.value<std::string>().value_or("");
      break;
    case toml::node_type::integer:
      out.type = ConfigValue::Type::kInteger;
      out.integer = node.value<std::int64_t>().value_or(0);
      break;
    case toml::node_type::floating_point:
      out.type = ConfigValue::Type::kFloat;
      out.number = node.value<double>().value_or(0);
      break;
    case toml::node_type::boolean:
      out.type = ConfigValue::Type::kBoolean;
      out.boolean = node.value<bool>().value_or(false);
      break;
    case toml::node_type::date:
      out.type = ConfigValue::Type::kOther;
      out.text = "a date";
      break;
    case toml::node_type::time:
      out.type = ConfigValue::Type::kOther;
      out.text = "a time";
      break;
    default:
      out.type = ConfigValue::Type::kOther;
      out.text = "a date-time";
      break;
  }
  return out;
}

}  // namespace

std::string ConfigValue::TypeName() const {
  switch (type) {
    case Type::kString:
      return "a string";
    case Type::kInteger:
      return "an integer";
    case Type::kFloat:
      return "a float";
    case Type::kBoolean:
      return "a boolean";
    case Type::kArray:
      return "an array";
    case Type::kTable:
      return "a table";
    case Type::kOther:
      break;
  }
  return text;
}

Status ParseConfigDocument(std::string_view text, const std::string& path, ConfigValue* root) {
  toml::parse_result parsed = toml::parse(text, std::string_view(path));
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    return Status::Error(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                     e.source().begin.column, OneLine(e.description())));
  }
  *root = ConvertTable(parsed.table());
  root->line = 1;
  return Status::Ok();
}

}  // namespace fetchpool
