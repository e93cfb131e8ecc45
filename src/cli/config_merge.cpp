#include "fetchpool/cli/config_merge.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "fetchpool/cli/cli_checks.hpp"
#include "fetchpool/hosts/host_policies.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {
namespace {

constexpr std::size_t kMaxHeaderFile = std::size_t{1} << 20;

Status ReadHeaderFile(const std::string& path, std::vector<std::string>& out, SecretSet& secrets) {
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Status::FromErrno(fmt::format("-H @{}: cannot read '{}'", path, path), errno);
  std::string text;
  char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(fmt::format("-H @{}: cannot read '{}'", path, path), errno);
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxHeaderFile) {
      return Status::Error(fmt::format("-H @{}: larger than 1 MiB", path));
    }
  }
  int number = 0;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::string_view line = std::string_view(text).substr(at, end - at);
    at = end + 1;
    ++number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (TrimAsciiSpace(line).empty()) continue;
    secrets.AddHeader(line);
    if (!IsHeaderLine(line)) {
      return Status::Error(fmt::format(
          "-H @{}: {}:{}: expected \"Name: value\", \"Name:\" or \"Name;\"", path, path, number));
    }
    out.emplace_back(line);
  }
  return Status::Ok();
}

}  // namespace

Status ReadHeaderFiles(std::vector<std::string>& headers, SecretSet& secrets) {
  std::vector<std::string> out;
  for (std::string& line : headers) {
    if (!line.starts_with('@')) {
      out.push_back(std::move(line));
      continue;
    }
    if (Status s = ReadHeaderFile(line.substr(1), out, secrets); !s.ok()) return s;
  }
  headers = std::move(out);
  return Status::Ok();
}

void ApplyConfig(ConfigFile file, const std::function<bool(std::string_view)>& given, Options& o) {
  const HostOverrides& d = file.defaults;
  FetchOptions& f = o.fetch;
  if (d.headers) f.headers = MergeHeaders(*d.headers, f.headers);
  if (d.user && !given("--user")) f.user = *d.user;
  if (d.accept && !given("--accept")) o.verdict.accept = d.accept;
  if (d.warn && !given("--warn")) o.verdict.warn = *d.warn;
  if (d.per_host && !given("--per-host")) o.dispatch.per_host = *d.per_host;
  if (d.per_host_interval && !given("--per-host-rate")) {
    o.dispatch.per_host_interval = *d.per_host_interval;
  }
  if (d.connect_timeout_s && !given("--connect-timeout"))
    f.connect_timeout_s = *d.connect_timeout_s;
  if (d.timeout_s && !given("--timeout")) f.timeout_s = *d.timeout_s;
  if (d.stall_timeout_s && !given("--stall-timeout")) f.stall_timeout_s = *d.stall_timeout_s;
  if (d.insecure && !given("--insecure")) f.insecure = *d.insecure;
  if (d.cacert && !given("--cacert")) f.cacert = *d.cacert;
  if (file.proxy && !given("--proxy")) f.proxy = *file.proxy;
  o.config.hosts = std::move(file.hosts);
  o.secrets.Merge(file.secrets);
}

Status CompleteOptions(const std::function<bool(std::string_view)>& given, Options& o) {
  if (Status s = ReadHeaderFiles(o.fetch.headers, o.secrets); !s.ok()) return s;
  if (!o.config.path.empty()) {
    ConfigFile file;
    // Read before any worker starts, and nothing here calls setenv.
    const GetEnv getenv = [](const char* name) { return std::getenv(name); };  // NOLINT
    if (Status s = LoadConfigFile(o.config.path, getenv, &file); !s.ok()) return s;
    const bool proxy_from_file = file.proxy && !given("--proxy");
    ApplyConfig(std::move(file), given, o);
    if (proxy_from_file) {
      if (std::string bad = CheckProxyUrl(o.fetch.proxy); !bad.empty()) {
        return Status::Error(fmt::format("{}: proxy: {}", o.config.path, bad));
      }
    }
  }
  if (!o.fetch.netrc_file.empty()) o.fetch.netrc = true;
  return Status::Ok();
}

}  // namespace fetchpool
