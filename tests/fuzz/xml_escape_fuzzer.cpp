// --junit (and the HTML report's text): XmlEscape. Its output is always XML 1.0 character data
// that is also safe in a quoted attribute: well-formed UTF-8 of XML characters only, no '<',
// '>' or quote, and '&' only as the start of an entity. Unescaped again it gives the input
// back whenever the input was text XML can carry.
#include <cstdint>
#include <string>

#include "fetchpool/reports/junit_sink.hpp"
#include "fuzz_check.hpp"

namespace {

// The entity at text[i] ('&'), as the text it stands for; nullopt when it is not one.
std::optional<std::pair<std::string, std::size_t>> Entity(std::string_view text, std::size_t i) {
  static const std::pair<std::string_view, std::string_view> kNamed[] = {
      {"&amp;", "&"},  {"&lt;", "<"},  {"&gt;", ">"},   {"&quot;", "\""},
      {"&apos;", "'"}, {"&#9;", "\t"}, {"&#10;", "\n"}, {"&#13;", "\r"},
  };
  for (const auto& [entity, value] : kNamed) {
    if (text.substr(i, entity.size()) == entity) {
      return std::make_pair(std::string(value), entity.size());
    }
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fetchpool::fuzz::AsView(data, size);
  const std::string out = fetchpool::XmlEscape(input);
  FUZZ_CHECK(fetchpool::fuzz::IsUtf8(out));
  std::string back;
  for (std::size_t i = 0; i < out.size();) {
    const auto c = static_cast<unsigned char>(out[i]);
    FUZZ_CHECK(c >= 0x20 && c != 0x7f);  // XML 1.0 Char, and tab/CR/LF only as references
    FUZZ_CHECK(c != '<' && c != '>' && c != '"' && c != '\'');
    if (c == '&') {
      const auto entity = Entity(out, i);
      FUZZ_CHECK(entity.has_value());
      back += entity->first;
      i += entity->second;
      continue;
    }
    back += out[i++];
  }
  if (fetchpool::fuzz::IsUtf8(input) && !fetchpool::fuzz::HasControl(input, "\t\n\r")) {
    FUZZ_CHECK(back == input);
  }
  return 0;
}
