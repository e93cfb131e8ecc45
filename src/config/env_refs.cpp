#include "fetchpool/config/env_refs.hpp"

#include <fmt/format.h>

namespace fetchpool {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameByte(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

EnvRefProblem Syntax(std::string message) {
  return {.kind = EnvRefProblem::Kind::kSyntax, .name = {}, .message = std::move(message)};
}

}  // namespace

EnvRefProblem ExpandEnvRefs(std::string_view text, const GetEnv& getenv, std::string* out) {
  out->clear();
  out->reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t dollar = text.find('$', at);
    out->append(text.substr(at, dollar - at));
    if (dollar == std::string_view::npos) break;
    const std::string_view rest = text.substr(dollar + 1);
    if (rest.starts_with('$')) {
      out->push_back('$');
      at = dollar + 2;
      continue;
    }
    if (!rest.starts_with('{')) {
      return Syntax("'$' starts ${NAME} (write $$ for a '$')");
    }
    const std::size_t close = rest.find('}');
    const std::string_view name = rest.substr(1, close == std::string_view::npos ? 0 : close - 1);
    bool valid = close != std::string_view::npos && !name.empty() && IsNameStart(name.front());
    for (const char c : name) valid = valid && IsNameByte(c);
    if (!valid) {
      return Syntax("expected ${NAME} with NAME of letters, digits and '_' (write $$ for a '$')");
    }
    const std::string key(name);
    const char* value = getenv ? getenv(key.c_str()) : nullptr;
    if (value == nullptr) {
      return {.kind = EnvRefProblem::Kind::kMissing,
              .name = key,
              .message = fmt::format("environment variable {} is not set", key)};
    }
    if (value[0] == '\0') {
      return {.kind = EnvRefProblem::Kind::kEmpty,
              .name = key,
              .message = fmt::format("environment variable {} is empty", key)};
    }
    out->append(value);
    at = dollar + 1 + close + 1;
  }
  return {};
}

std::string EscapeEnvRefs(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    out.push_back(c);
    if (c == '$') out.push_back('$');
  }
  return out;
}

}  // namespace fetchpool
