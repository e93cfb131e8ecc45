#include "fetchpool/config/config_values.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>

#include "fetchpool/util/text.hpp"
#include "fetchpool/util/units.hpp"

namespace fetchpool {
namespace {

constexpr double kOneYear = 365 * 86400.0;

bool HasControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// A key or section name as a message quotes it: one line, control characters escaped.
std::string OneLine(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
  }
  return out;
}

}  // namespace

Status ConfigReader::Fail(int line, std::string_view where, std::string_view key,
                          std::string_view what) const {
  std::string place(where);
  if (!key.empty()) place += place.empty() ? std::string(key) : " " + std::string(key);
  return Status::Error(
      fmt::format("{}:{}: {}{}{}", path_, line, OneLine(place), place.empty() ? "" : ": ", what));
}

Status ConfigReader::Expected(const ConfigValue& value, std::string_view where,
                              std::string_view key, std::string_view expected) const {
  return Fail(value.line, where, key,
              fmt::format("expected {}, got {}", expected, value.TypeName()));
}

Status ConfigReader::String(const ConfigValue& value, std::string_view where, std::string_view key,
                            std::string& out) const {
  if (value.type != ConfigValue::Type::kString) return Expected(value, where, key, "a string");
  const EnvRefProblem problem = ExpandEnvRefs(value.text, getenv_, &out);
  if (problem.kind != EnvRefProblem::Kind::kNone) {
    return Fail(value.line, where, key, problem.message);
  }
  if (HasControl(out)) return Fail(value.line, where, key, "expected no control characters");
  return Status::Ok();
}

Status ConfigReader::Text(const ConfigValue& value, std::string_view where, std::string_view key,
                          std::string& out) const {
  if (value.type == ConfigValue::Type::kInteger) {
    out = std::to_string(value.integer);
    return Status::Ok();
  }
  return String(value, where, key, out);
}

Status ConfigReader::Headers(const ConfigValue& value, std::string_view where,
                             HostOverrides& out) const {
  if (value.type != ConfigValue::Type::kArray) {
    return Expected(value, where, "headers", "an array of \"Name: value\" strings");
  }
  std::vector<std::string> lines;
  for (const ConfigValue& item : value.items) {
    std::string line;
    if (Status s = String(item, where, "headers", line); !s.ok()) return s;
    secrets_.AddHeader(line);
    // Not echoed: the line may be a secret that lacks only its colon.
    if (!IsHeaderLine(line)) {
      return Fail(item.line, where, "headers", "expected \"Name: value\", \"Name:\" or \"Name;\"");
    }
    lines.push_back(std::move(line));
  }
  out.headers = std::move(lines);
  return Status::Ok();
}

Status ConfigReader::Seconds(const ConfigValue& value, std::string_view where, std::string_view key,
                             std::optional<double>& out) const {
  double seconds = 0;
  if (value.type == ConfigValue::Type::kInteger) {
    seconds = static_cast<double>(value.integer);
  } else if (value.type == ConfigValue::Type::kFloat) {
    seconds = value.number;
  } else {
    return Expected(value, where, key, "a number of seconds");
  }
  if (!std::isfinite(seconds) || seconds <= 0 || seconds > kOneYear) {
    return Fail(value.line, where, key, "expected a number of seconds above 0, at most a year");
  }
  out = seconds;
  return Status::Ok();
}

Status ConfigReader::CaFile(const ConfigValue& value, std::string_view where,
                            HostOverrides& out) const {
  std::string path;
  if (Status s = String(value, where, "cacert", path); !s.ok()) return s;
  if (path.empty()) return Fail(value.line, where, "cacert", "expected a file name");
  if (!path.starts_with('/')) path = dir_ + "/" + path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || ::access(path.c_str(), R_OK) != 0) {
    return Fail(value.line, where, "cacert",
                fmt::format("cannot read '{}': {}", path, ErrnoText(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return Fail(value.line, where, "cacert", fmt::format("'{}' is not a file", path));
  }
  out.cacert = std::move(path);
  return Status::Ok();
}

Status ConfigReader::HostKey(const ConfigValue& value, std::string_view where, std::string_view key,
                             HostOverrides& out) const {
  if (key == "headers") return Headers(value, where, out);
  if (key == "timeout") return Seconds(value, where, key, out.timeout_s);
  if (key == "connect-timeout") return Seconds(value, where, key, out.connect_timeout_s);
  if (key == "stall-timeout") return Seconds(value, where, key, out.stall_timeout_s);
  if (key == "cacert") return CaFile(value, where, out);
  if (key == "insecure") {
    if (value.type != ConfigValue::Type::kBoolean)
      return Expected(value, where, key, "true or false");
    out.insecure = value.boolean;
    return Status::Ok();
  }
  if (key == "per-host") {
    if (value.type != ConfigValue::Type::kInteger) {
      return Expected(value, where, key, "an integer from 1 to 1024");
    }
    if (value.integer < 1 || value.integer > 1024) {
      return Fail(value.line, where, key,
                  fmt::format("expected an integer from 1 to 1024, got {}", value.integer));
    }
    out.per_host = static_cast<int>(value.integer);
    return Status::Ok();
  }
  std::string text;
  if (key == "user") {
    if (Status s = String(value, where, key, text); !s.ok()) return s;
    secrets_.AddCredentials(text);
    if (text.find(':') == std::string::npos)
      return Fail(value.line, where, key, "expected \"USER:PASSWORD\"");
    out.user = std::move(text);
    return Status::Ok();
  }
  if (Status s = Text(value, where, key, text); !s.ok()) return s;
  if (key == "accept") {
    out.accept = StatusSet::Parse(text);
    if (!out.accept)
      return Fail(
          value.line, where, key,
          fmt::format("'{}' is not a list of statuses (expected e.g. \"200-299,304\")", text));
  } else if (key == "warn") {
    out.warn = WarnSpec::Parse(text);
    if (!out.warn)
      return Fail(
          value.line, where, key,
          fmt::format(
              "'{}' is not a list of statuses and error kinds (expected e.g. \"403,5xx,timeout\")",
              text));
  } else if (key == "per-host-rate") {
    out.per_host_interval = ParseRate(text);
    if (!out.per_host_interval)
      return Fail(
          value.line, where, key,
          fmt::format("'{}' is not a rate (expected N, \"N/s\", \"N/m\" or \"N/h\", N > 0)", text));
  }
  return Status::Ok();
}

}  // namespace fetchpool
