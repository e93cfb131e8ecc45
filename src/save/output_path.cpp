#include "fetchpool/save/output_path.hpp"

#include <curl/curl.h>

#include "fetchpool/util/text.hpp"
#include "fetchpool/util/url.hpp"
#include "fetchpool/util/utf8.hpp"

namespace fetchpool {
namespace {

constexpr std::size_t kMaxExtensionBytes = 16;  // longer "extensions" are just part of the name

// Length of the printable UTF-8 character at the start of `s`, or 0 when its first byte must be
// replaced: malformed UTF-8, or a C0/C1 control or DEL (a terminal may act on any of them).
std::size_t PrintableUtf8Length(std::string_view s) {
  const std::size_t n = Utf8SequenceLength(s, 0);
  const auto c = static_cast<unsigned char>(s[0]);
  if (n == 0 || c < 0x20 || c == 0x7f) return 0;
  if (c == 0xc2 && static_cast<unsigned char>(s[1]) <= 0x9f) return 0;  // U+0080..U+009F
  return n;
}

// Cuts `name` to kMaxNameBytes, keeping a short extension and never splitting a UTF-8 sequence.
std::string Shorten(std::string name) {
  if (name.size() <= kMaxNameBytes) return name;
  std::string ext;
  if (const auto dot = name.rfind('.');
      dot != std::string::npos && dot > 0 && name.size() - dot <= kMaxExtensionBytes) {
    ext = name.substr(dot);
  }
  std::size_t cut = kMaxNameBytes - ext.size();
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xc0) == 0x80) --cut;
  name.resize(cut);
  return name + ext;
}

std::string Latin1ToUtf8(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
  }
  return out;
}

// The part after the last '/' or '\': a server's name must never pick a directory.
std::string_view Basename(std::string_view name) {
  const auto slash = name.find_last_of("/\\");
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

}  // namespace

std::string SanitizeName(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  while (!raw.empty()) {
    const std::size_t len = PrintableUtf8Length(raw);
    if (len == 0 || raw[0] == '/' || raw[0] == '\\') {
      out += '_';
      raw.remove_prefix(1);
    } else {
      out.append(raw.substr(0, len));
      raw.remove_prefix(len);
    }
  }
  if (out.empty() || out == "." || out == "..") return {};
  for (char& c : out) {
    if (c != '.' && c != '-') break;
    c = '_';
  }
  return Shorten(std::move(out));
}

std::string OutputPath::Relative() const {
  std::string out;
  for (const std::string& d : dirs) {
    out += d;
    out += '/';
  }
  return out + name;
}

std::optional<OutputPath> OutputPathFromUrl(const std::string& url, bool mirror) {
  UrlHandle u(curl_url());
  if (!u ||
      curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return std::nullopt;
  }
  // The raw path, split before decoding, so an encoded "%2F" cannot add a directory level.
  const std::string path = UrlPart(u.get(), CURLUPART_PATH);
  std::vector<std::string_view> segments;
  std::string_view rest = path;
  for (;;) {
    const auto slash = rest.find('/');
    segments.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  OutputPath out;
  out.name = SanitizeName(PercentDecode(segments.back()));
  if (out.name.empty()) out.name = "index.html";
  if (mirror) {
    std::string host = UrlPart(u.get(), CURLUPART_HOST);
    if (std::string port = UrlPart(u.get(), CURLUPART_PORT, CURLU_NO_DEFAULT_PORT); !port.empty()) {
      host += ':' + port;
    }
    out.dirs.push_back(SanitizeName(host));
    if (out.dirs.back().empty()) out.dirs.back() = "_";
    segments.pop_back();
    for (std::string_view segment : segments) {
      std::string dir = SanitizeName(PercentDecode(segment));
      if (!dir.empty()) out.dirs.push_back(std::move(dir));
    }
  }
  return out;
}

std::string NameFromContentDisposition(std::string_view value) {
  // disposition-type *( ";" name "=" ( token / quoted-string ) ), RFC 6266.
  std::string plain;
  std::string extended;
  bool have_plain = false;
  bool have_extended = false;
  auto semicolon = value.find(';');
  while (semicolon != std::string_view::npos) {
    value.remove_prefix(semicolon + 1);
    const auto eq = value.find('=');
    const auto next = value.find(';');
    if (eq == std::string_view::npos || (next != std::string_view::npos && next < eq)) {
      semicolon = next;
      continue;
    }
    const std::string_view name = TrimOws(value.substr(0, eq));
    value.remove_prefix(eq + 1);
    value = TrimOws(value);
    std::string param;
    if (!value.empty() && value.front() == '"') {
      std::size_t i = 1;
      for (; i < value.size() && value[i] != '"'; ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        param += value[i];
      }
      value.remove_prefix(i < value.size() ? i + 1 : i);
      semicolon = value.find(';');
    } else {
      semicolon = value.find(';');
      param = std::string(TrimOws(value.substr(0, semicolon)));
    }
    if (EqualsIgnoreCase(name, "filename")) {
      plain = std::move(param);
      have_plain = true;
    } else if (EqualsIgnoreCase(name, "filename*")) {
      // charset'language'percent-encoded
      const auto q1 = param.find('\'');
      const auto q2 = q1 == std::string::npos ? q1 : param.find('\'', q1 + 1);
      if (q2 == std::string::npos) continue;
      const std::string_view charset = std::string_view(param).substr(0, q1);
      std::string decoded = PercentDecode(std::string_view(param).substr(q2 + 1));
      if (EqualsIgnoreCase(charset, "utf-8")) {
        extended = std::move(decoded);
        have_extended = true;
      } else if (EqualsIgnoreCase(charset, "iso-8859-1")) {
        extended = Latin1ToUtf8(decoded);
        have_extended = true;
      }
    }
  }
  if (have_extended) {
    if (std::string name = SanitizeName(Basename(extended)); !name.empty()) return name;
  }
  if (have_plain) return SanitizeName(Basename(plain));
  return {};
}

std::string NumberedName(std::string_view name, unsigned n) {
  std::string out(name);
  if (n > 0) out += '.' + std::to_string(n);
  return out;
}

}  // namespace fetchpool
