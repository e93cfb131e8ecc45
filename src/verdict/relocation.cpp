#include "relocation.hpp"

#include <optional>

#include "fetchpool/hosts/host_key.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/util/url.hpp"

namespace fetchpool::verdict {
namespace {

struct Parts {
  std::string scheme, user, password, host, port, path, query, fragment;
};

std::optional<Parts> Split(std::string_view url) {
  const UrlHandle h = ParseUrl(url, CURLU_NON_SUPPORT_SCHEME);
  if (!h) return std::nullopt;
  CURLU* u = h.get();
  return Parts{.scheme = AsciiLower(UrlPart(u, CURLUPART_SCHEME)),
               .user = UrlPart(u, CURLUPART_USER),
               .password = UrlPart(u, CURLUPART_PASSWORD),
               // An international name as written and its punycode from libcurl are one host.
               .host = HostKeyOfName(UrlPart(u, CURLUPART_HOST)),
               .port = UrlPart(u, CURLUPART_PORT, CURLU_DEFAULT_PORT),
               .path = UrlPart(u, CURLUPART_PATH),
               .query = UrlPart(u, CURLUPART_QUERY),
               .fragment = UrlPart(u, CURLUPART_FRAGMENT)};
}

enum class Step { kSame, kUpgrade, kMove };

// One redirect's step from `a` to `b`; fragments are not compared (they never reach a server).
Step Compare(const Parts& a, const Parts& b) {
  if (a.user != b.user || a.password != b.password || a.host != b.host || a.query != b.query) {
    return Step::kMove;
  }
  const bool same_scheme = a.scheme == b.scheme && a.port == b.port;
  // The port may change with the scheme: a server's TLS side often listens elsewhere.
  const bool https_upgrade = a.scheme == "http" && b.scheme == "https";
  if (!same_scheme && !https_upgrade) return Step::kMove;
  const bool same_path = a.path == b.path;
  const bool slash_added = b.path == a.path + "/";
  if (!same_path && !slash_added) return Step::kMove;
  return same_scheme && same_path ? Step::kSame : Step::kUpgrade;
}

}  // namespace

bool PermanentRedirect(long status) { return status == 301 || status == 308; }

Relocation Classify(std::string_view url, std::span<const RedirectHop> hops, std::string& to) {
  if (hops.empty() || !PermanentRedirect(hops.front().http_status)) return Relocation::kNone;
  const std::optional<Parts> origin = Split(url);
  if (!origin) return Relocation::kNone;
  Parts at = *origin;
  const RedirectHop* last = nullptr;
  bool moved = false;
  for (const RedirectHop& hop : hops) {
    if (!PermanentRedirect(hop.http_status)) break;
    std::optional<Parts> next = Split(hop.location);
    if (!next) break;
    moved = moved || Compare(at, *next) == Step::kMove;
    at = std::move(*next);
    last = &hop;
  }
  if (last == nullptr || Compare(*origin, at) == Step::kSame) return Relocation::kNone;
  to = last->location;
  if (at.fragment.empty() && !origin->fragment.empty()) {
    to += '#';
    to += origin->fragment;
  }
  return moved ? Relocation::kMoved : Relocation::kUpgraded;
}

}  // namespace fetchpool::verdict
