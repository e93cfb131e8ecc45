#include "fetchpool/input/url_extractor.hpp"

#include <libxml/HTMLparser.h>

#include <array>
#include <cstring>
#include <vector>

#include "fetchpool/util/text.hpp"
#include "fetchpool/util/utf8.hpp"

namespace fetchpool {
namespace {

constexpr std::size_t kNone = std::string_view::npos;

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsAsciiPunct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

// A roff font change (\fB, \f(CW) right before `at`: the URL after it still starts a word.
bool AfterRoffFont(std::string_view line, std::size_t at) {
  return (at >= 3 && line[at - 3] == '\\' && line[at - 2] == 'f') ||
         (at >= 5 && line.substr(at - 5, 3) == "\\f(");
}

// Where the next word-starting "http://" or "https://" at or after `from` begins; `rest` is
// where its "//" ends.
std::size_t NextScheme(std::string_view line, std::size_t from, std::size_t& rest) {
  for (std::size_t sep = line.find("://", from); sep != kNone; sep = line.find("://", sep + 1)) {
    std::size_t start = kNone;
    if (sep >= 5 && EqualsIgnoreCase(line.substr(sep - 5, 5), "https")) {
      start = sep - 5;
    } else if (sep >= 4 && EqualsIgnoreCase(line.substr(sep - 4, 4), "http")) {
      start = sep - 4;
    }
    if (start == kNone || start < from) continue;
    const bool mid_word = start > 0 && (IsAsciiAlnum(line[start - 1]) || line[start - 1] == '+' ||
                                        line[start - 1] == '-' || line[start - 1] == '.');
    if (mid_word && !AfterRoffFont(line, start)) continue;  // "git+https://", "xhttp://"
    rest = sep + 3;
    return start;
  }
  return kNone;
}

// The length of a character at line[i] that ends a bare URL although it is not ASCII: Unicode
// spaces, curly and angle quotes, an ellipsis, CJK punctuation. 0 for any other.
std::size_t UnicodeStop(std::string_view line, std::size_t i) {
  const std::size_t left = line.size() - i;
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(line[i + k]); };
  if (left >= 2 && b(0) == 0xc2) return b(1) == 0xa0 || b(1) == 0xab || b(1) == 0xbb ? 2 : 0;
  if (left < 3) return 0;
  if (b(0) == 0xe2 && b(1) == 0x80) {
    const unsigned char c = b(2);
    const bool stop =
        c <= 0x8b || (c >= 0x98 && c <= 0x9f) || c == 0xa6 || c == 0xa8 || c == 0xa9 || c == 0xaf;
    return stop ? 3 : 0;
  }
  if (b(0) == 0xe2 && b(1) == 0x81 && b(2) == 0x9f) return 3;  // medium mathematical space
  if (b(0) == 0xe3 && b(1) == 0x80 && b(2) <= 0x82) return 3;  // ideographic space, 、 。
  if (b(0) == 0xef && b(1) == 0xbc && (b(2) == 0x88 || b(2) == 0x89 || b(2) == 0x8c)) return 3;
  return 0;
}

// One character of a URL as written, and what it stands for.
struct Unit {
  std::size_t end = 0;    // just past its bytes in the line
  std::string_view text;  // what it decodes to; empty for a zero-width roff escape
  bool escaped = false;   // written with a backslash: kept as it is, never trimmed or paired
};

// A backslash escape at line[at]: its length and meaning, or length 0 when it is none a URL can
// hold (it then ends the URL). Markdown escapes ASCII punctuation; roff writes '-' as \-, puts
// zero-width \& \% \: \/ \, and font changes (\fB, \f(CW, \f[CW]) anywhere, and '~' as \(ti.
struct Escape {
  std::size_t length = 0;
  std::string_view text;
};

Escape EscapeAt(std::string_view line, std::size_t at) {
  if (at + 1 >= line.size()) return {};
  const std::string_view rest = line.substr(at + 1);
  switch (rest[0]) {
    case '&':
    case '%':
    case ':':
    case '/':
    case ',':
      return {2, ""};
    case 'f':
      if (rest.size() >= 4 && rest[1] == '(') return {5, ""};
      if (rest.size() >= 2 && rest[1] == '[') {
        const std::size_t close = rest.find(']', 2);
        return close == kNone ? Escape{} : Escape{close + 2, ""};
      }
      return rest.size() >= 2 ? Escape{3, ""} : Escape{};
    default:
      break;
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kRoffNames = {{
      {"(ti", "~"},
      {"[ti]", "~"},
      {"(at", "@"},
      {"[at]", "@"},
      {"(ha", "^"},
      {"[ha]", "^"},
  }};
  for (const auto& [name, text] : kRoffNames) {
    if (rest.starts_with(name)) return {name.size() + 1, text};
  }
  if (IsAsciiPunct(rest[0])) return {2, rest.substr(0, 1)};
  return {};
}

// Reads URL characters from `at` until one that ends a bare URL. Returns the byte it stopped at
// ('\0' at the end of the line).
char ScanUnits(std::string_view line, std::size_t at, std::vector<Unit>& units) {
  int parens = 0;
  int brackets = 0;
  while (at < line.size()) {
    const char c = line[at];
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || std::strchr("<>\"`|", c) != nullptr) return c;
    if (c == ')' || c == ']') {
      int& depth = c == ')' ? parens : brackets;
      if (depth == 0) return c;
      --depth;
    }
    if (c == '(') ++parens;
    if (c == '[') ++brackets;
    if (c == '\\') {
      const Escape e = EscapeAt(line, at);
      if (e.length == 0) return c;
      at += e.length;
      units.push_back({at, e.text, true});
      continue;
    }
    std::size_t n = 1;
    if (u >= 0x80) {
      if (UnicodeStop(line, at) > 0) return c;
      n = std::max<std::size_t>(Utf8SequenceLength(line, at), 1);
    }
    units.push_back({at + n, line.substr(at, n), false});
    at += n;
  }
  return '\0';
}

// Drops what readers take as the sentence around a bare URL: trailing . , : ; ! ? ' " * _ ~, a
// trailing entity (&amp;), and zero-width escapes left at the end.
void TrimBare(std::vector<Unit>& units) {
  while (!units.empty()) {
    const Unit& last = units.back();
    if (last.text.empty()) {
      units.pop_back();
      continue;
    }
    if (last.escaped || last.text.size() != 1) return;
    const char c = last.text[0];
    if (c == ';') {
      std::size_t k = units.size() - 1;
      while (k > 0 && !units[k - 1].escaped && units[k - 1].text.size() == 1 &&
             IsAsciiAlnum(units[k - 1].text[0])) {
        --k;
      }
      if (k > 0 && k + 1 < units.size() && units[k - 1].text == "&" && !units[k - 1].escaped) {
        units.resize(k - 1);
        continue;
      }
    }
    if (std::strchr(".,:;!?'\"*_~", c) == nullptr) return;
    units.pop_back();
  }
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// The code point an entity's name (between '&' and ';') stands for: &#38; &#x26; or a named
// one from libxml2's HTML table; 0 when it is none.
std::uint32_t EntityValue(std::string_view name) {
  if (name.empty()) return 0;
  std::uint32_t cp = 0;
  if (name[0] == '#') {
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 7) return 0;
    for (char c : digits) {
      const int d = c >= '0' && c <= '9'          ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
      if (d < 0) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
    }
  } else {
    std::array<char, 40> buf{};
    if (name.size() >= buf.size()) return 0;
    name.copy(buf.data(), name.size());
    const htmlEntityDesc* entity = htmlEntityLookup(reinterpret_cast<const xmlChar*>(buf.data()));
    if (entity == nullptr) return 0;
    cp = entity->value;
  }
  const bool surrogate = cp >= 0xd800 && cp <= 0xdfff;
  return cp == 0 || surrogate || cp > 0x10ffff ? 0 : cp;
}

std::string DecodeEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t semi = text[i] == '&' ? text.find(';', i + 1) : kNone;
    const std::uint32_t cp = semi != kNone ? EntityValue(text.substr(i + 1, semi - i - 1)) : 0;
    if (cp == 0) {
      out += text[i];
      continue;
    }
    AppendUtf8(out, cp);
    i = semi;
  }
  return out;
}

enum class Context { kBare, kAngle, kLink, kReference, kAttribute };

bool IsReferenceDefinition(std::string_view line, std::size_t start) {
  std::size_t k = start;
  while (k > 0 && (line[k - 1] == ' ' || line[k - 1] == '\t')) --k;
  if (k < 2 || line.substr(k - 2, 2) != "]:") return false;
  const std::size_t indent = line.find_first_not_of(' ');
  return indent <= 3 && line[indent] == '[';
}

// Whether the attribute whose '=' is at line[eq] is a srcset (a list of "URL WIDTH" pairs).
bool IsSrcset(std::string_view line, std::size_t eq) {
  std::size_t end = eq;
  while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
  constexpr std::string_view kSrcset = "srcset";
  return end >= kSrcset.size() &&
         EqualsIgnoreCase(line.substr(end - kSrcset.size(), kSrcset.size()), kSrcset);
}

Context ContextAt(std::string_view line, std::size_t start) {
  if (start == 0) return Context::kBare;
  const char prev = line[start - 1];
  if (prev == '<') return Context::kAngle;
  if (prev == '(' && start >= 2 && line[start - 2] == ']') return Context::kLink;
  if (prev == '"' || prev == '\'') {
    std::size_t k = start - 1;
    while (k > 0 && (line[k - 1] == ' ' || line[k - 1] == '\t')) --k;
    // srcset="URL 1x, URL 2x" holds several URLs: each is read as a bare one.
    if (k > 0 && line[k - 1] == '=' && line.find(prev, start) != kNone && !IsSrcset(line, k - 1)) {
      return Context::kAttribute;
    }
  }
  return IsReferenceDefinition(line, start) ? Context::kReference : Context::kBare;
}

// An attribute value: up to its closing quote, trailing white space dropped, entities decoded.
bool ReadAttribute(std::string_view line, std::size_t start, std::size_t rest, FoundUrl& found) {
  const std::size_t close = line.find(line[start - 1], rest);
  std::string_view value = line.substr(start, close - start);
  while (!value.empty() && std::strchr(" \t\r\n\f", value.back()) != nullptr) {
    value.remove_suffix(1);
  }
  if (value.size() <= rest - start) return false;
  found.offset = start;
  found.length = value.size();
  found.url = DecodeEntities(value);
  return true;
}

}  // namespace

bool FindUrl(std::string_view line, std::size_t from, FoundUrl& found) {
  std::vector<Unit> units;
  for (std::size_t rest = 0, start = NextScheme(line, from, rest); start != kNone;
       start = NextScheme(line, rest, rest)) {
    const Context context = ContextAt(line, start);
    if (context == Context::kAttribute) {
      if (ReadAttribute(line, start, rest, found)) return true;
      continue;
    }
    units.clear();
    const char stop = ScanUnits(line, rest, units);
    const bool autolink = context == Context::kAngle && stop == '>';
    if (context == Context::kBare || (context == Context::kAngle && !autolink)) TrimBare(units);
    bool any = false;
    for (const Unit& u : units) any = any || !u.text.empty();
    if (!any) continue;  // "https://" alone is no URL
    found.offset = start;
    found.length = units.back().end - start;
    found.url.assign(line.substr(start, rest - start));
    for (const Unit& u : units) found.url.append(u.text);
    return true;
  }
  return false;
}

std::uint32_t ColumnOf(std::string_view line, std::size_t offset) {
  std::uint32_t column = 1;
  for (std::size_t i = 0; i < offset && i < line.size(); ++column) {
    i += std::max<std::size_t>(Utf8SequenceLength(line, i), 1);
  }
  return column;
}

}  // namespace fetchpool
