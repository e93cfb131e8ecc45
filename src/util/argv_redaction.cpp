#include "fetchpool/util/argv_redaction.hpp"

#include <functional>
#include <optional>
#include <string_view>

#include "fetchpool/util/text.hpp"
#include "fetchpool/util/url.hpp"

namespace fetchpool {
namespace {

enum class Secret { kNone, kUser, kHeader, kProxy };

// Long options whose value is, or may hold, a secret; and every other long option that takes a
// value (so the value is skipped, not taken for an option).
Secret SecretOfLong(std::string_view name) {
  if (name == "user") return Secret::kUser;
  if (name == "header") return Secret::kHeader;
  if (name == "proxy") return Secret::kProxy;
  return Secret::kNone;
}

// Short options that take a value; u and H are the secret ones.
constexpr std::string_view kShortWithValue = "woHAu";

std::string RedactValue(Secret kind, std::string_view value, SecretSet& secrets) {
  switch (kind) {
    case Secret::kUser: {
      secrets.AddCredentials(value);
      const std::size_t colon = value.find(':');
      return colon == std::string_view::npos
                 ? std::string(kRedacted)
                 : std::string(value.substr(0, colon + 1)) + std::string(kRedacted);
    }
    case Secret::kHeader: {
      if (value.starts_with('@')) return std::string(value);  // a file name
      secrets.AddHeader(value);
      const std::size_t colon = value.find(':');
      if (colon == std::string_view::npos) {
        return IsHeaderLine(value) ? std::string(value) : std::string(kRedacted);  // "Name;"
      }
      if (TrimOws(value.substr(colon + 1)).empty()) return std::string(value);  // "Name:"
      return std::string(value.substr(0, colon + 1)) + " " + std::string(kRedacted);
    }
    case Secret::kProxy:
    case Secret::kNone:
      break;
  }
  // Only what is meant as a URL: "bot (admin@example.com)" is no user information.
  if (kind != Secret::kProxy && value.find("://") == std::string_view::npos) {
    return std::string(value);
  }
  if (UrlHasSecret(value)) {
    const UrlHandle h = ParseUrl(value, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME);
    if (h) secrets.Add(UrlPart(h.get(), CURLUPART_PASSWORD));
    if (h) secrets.Add(PercentDecode(UrlPart(h.get(), CURLUPART_PASSWORD)));
  }
  return RedactUrl(value);
}

// For "-xyz": the secret kind of the short option that takes a value, where its value starts in
// `arg` (npos: in the next argument), or nullopt when no short option here takes a value.
struct ShortValue {
  Secret kind = Secret::kNone;
  std::size_t value_at = std::string_view::npos;
};
std::optional<ShortValue> FindShortValue(std::string_view arg) {
  for (std::size_t i = 1; i < arg.size(); ++i) {
    if (kShortWithValue.find(arg[i]) == std::string_view::npos) continue;
    const Secret kind = arg[i] == 'u'   ? Secret::kUser
                        : arg[i] == 'H' ? Secret::kHeader
                                        : Secret::kNone;
    return ShortValue{kind, i + 1 < arg.size() ? i + 1 : std::string_view::npos};
  }
  return std::nullopt;
}

}  // namespace

RedactedArguments RedactArguments(const std::vector<std::string>& args,
                                  const std::function<bool(std::string_view)>& is_long_name) {
  RedactedArguments out;
  std::optional<Secret> pending;  // the previous argument was an option awaiting this value
  bool options_ended = false;
  for (const std::string& arg : args) {
    if (pending) {
      out.args.push_back(RedactValue(*pending, arg, out.secrets));
      pending.reset();
      continue;
    }
    if (options_ended || arg.size() < 2 || arg[0] != '-') {
      out.args.push_back(options_ended ? arg : RedactValue(Secret::kNone, arg, out.secrets));
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      out.args.push_back(arg);
      continue;
    }
    const std::string_view body = std::string_view(arg).substr(arg[1] == '-' ? 2 : 1);
    const std::size_t eq = body.find('=');
    const std::string_view name = body.substr(0, eq);
    const Secret kind = SecretOfLong(name);
    // One dash: a long option only when the parser would take it as one (cli.cpp).
    if (arg[1] == '-' || (name.size() > 1 && is_long_name(name))) {
      if (eq != std::string_view::npos) {
        const std::size_t value_at = arg.size() - body.size() + eq + 1;
        out.args.push_back(arg.substr(0, value_at) +
                           RedactValue(kind, std::string_view(arg).substr(value_at), out.secrets));
      } else {
        out.args.push_back(arg);
        if (kind != Secret::kNone) pending = kind;
      }
      continue;
    }
    const std::optional<ShortValue> value = FindShortValue(arg);
    if (!value || value->value_at == std::string_view::npos) {
      out.args.push_back(arg);
      if (value) pending = value->kind;
      continue;
    }
    out.args.push_back(
        arg.substr(0, value->value_at) +
        RedactValue(value->kind, std::string_view(arg).substr(value->value_at), out.secrets));
  }
  return out;
}

}  // namespace fetchpool
