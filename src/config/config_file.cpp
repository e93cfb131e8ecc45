#include "fetchpool/config/config_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "fetchpool/config/config_document.hpp"
#include "fetchpool/config/config_scan.hpp"
#include "fetchpool/config/config_values.hpp"
#include "fetchpool/hosts/host_pattern.hpp"
#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {
namespace {

std::string KeyList(bool top) {
  std::string list;
  for (const std::string_view key : kHostKeys)
    list += fmt::format("{}{}", list.empty() ? "" : ", ", key);
  return top ? list + ", proxy, [hosts.\"NAME\"]" : list;
}

// Reads one table (the top level, or a section) into `out`.
Status ReadTable(const ConfigValue& table, const ConfigReader& reader, std::string_view where,
                 bool top, HostOverrides& out, std::optional<std::string>* proxy) {
  for (const auto& [key, value] : table.entries) {
    if (top && key == "hosts") continue;
    if (top && key == "proxy") {
      std::string text;
      if (Status s = reader.String(value, where, key, text); !s.ok()) return s;
      reader.secrets().Add(text);
      *proxy = std::move(text);
      continue;
    }
    if (std::find(std::begin(kHostKeys), std::end(kHostKeys), key) == std::end(kHostKeys)) {
      return reader.Fail(value.key_line, where, key,
                         fmt::format("unknown key (expected one of: {})", KeyList(top)));
    }
    if (Status s = reader.HostKey(value, where, key, out); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ReadSections(const ConfigValue& hosts, const ConfigReader& reader, ConfigFile& out) {
  if (hosts.type != ConfigValue::Type::kTable) {
    return reader.Fail(hosts.key_line, "", "hosts",
                       fmt::format("expected sections [hosts.\"NAME\"], got {}", hosts.TypeName()));
  }
  for (const auto& [name, section] : hosts.entries) {
    const std::string where = fmt::format("[hosts.\"{}\"]", name);
    if (section.type != ConfigValue::Type::kTable) {
      return reader.Fail(section.key_line, "", fmt::format("hosts.\"{}\"", name),
                         fmt::format("expected a section of settings, got {}", section.TypeName()));
    }
    std::string why;
    const std::optional<HostPattern> pattern = ParseHostPattern(name, &why);
    if (!pattern) return reader.Fail(section.key_line, where, "", why);
    const std::string text = pattern->Text();
    for (const HostSection& other : out.hosts) {
      if (other.pattern == text) {
        return reader.Fail(section.key_line, where, "",
                           fmt::format("the same host as the section on line {}", other.line));
      }
    }
    HostSection s{.pattern = text, .set = {}, .line = section.key_line};
    if (Status st = ReadTable(section, reader, where, false, s.set, nullptr); !st.ok()) return st;
    out.hosts.push_back(std::move(s));
  }
  return Status::Ok();
}

std::string DirectoryOf(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Status ParseConfigText(std::string_view text, const std::string& path, const GetEnv& getenv,
                       ConfigFile* out) {
  if (Status s = ScanConfigText(text, path); !s.ok()) return s;
  ConfigValue root;
  if (Status s = ParseConfigDocument(text, path, &root); !s.ok()) return s;
  ConfigFile file;
  const ConfigReader reader(path, DirectoryOf(path), getenv, file.secrets);
  if (Status s = ReadTable(root, reader, "", true, file.defaults, &file.proxy); !s.ok()) return s;
  for (const auto& [key, value] : root.entries) {
    if (key != "hosts") continue;
    if (Status s = ReadSections(value, reader, file); !s.ok()) return s;
  }
  *out = std::move(file);
  return Status::Ok();
}

Status LoadConfigFile(const std::string& path, const GetEnv& getenv, ConfigFile* out) {
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Status::FromErrno(fmt::format("--config: cannot read '{}'", path), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return Status::Error(fmt::format("--config: '{}' is not a regular file", path));
  }
  std::string text;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(fmt::format("--config: cannot read '{}'", path), errno);
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxConfigBytes) break;  // ScanConfigText refuses it
  }
  return ParseConfigText(text, path, getenv, out);
}

}  // namespace fetchpool
