// The URL extractor (--extract, and the text of --input grep|diff lines): arbitrary bytes as one
// line. Every URL found must be its line's text at its offset and at its column (counted in
// characters, as reports show it), begin with its scheme, come after the one before without
// overlap, and equal its text when nothing in it needed decoding. The same line read as grep
// output must keep these properties relative to grep's TEXT.
#include <cstdint>
#include <string>

#include "fetchpool/input/grep_line.hpp"
#include "fetchpool/input/text_urls.hpp"
#include "fetchpool/input/url_extractor.hpp"
#include "fetchpool/util/text.hpp"
#include "fetchpool/util/utf8.hpp"
#include "fuzz_check.hpp"

namespace {

// The byte offset of 1-based character column `column` (ColumnOf's inverse).
std::size_t OffsetOf(std::string_view line, std::uint32_t column) {
  std::size_t at = 0;
  for (std::uint32_t c = 1; c < column && at < line.size(); ++c) {
    at += std::max<std::size_t>(fetchpool::Utf8SequenceLength(line, at), 1);
  }
  return at;
}

void CheckLine(std::string_view line) {
  std::size_t previous_end = 0;
  fetchpool::ForEachUrl(line, [&](const fetchpool::FoundUrl& found) {
    FUZZ_CHECK(found.length > 0);
    FUZZ_CHECK(found.offset >= previous_end);
    FUZZ_CHECK(found.offset + found.length <= line.size());
    previous_end = found.offset + found.length;
    const std::string_view text = line.substr(found.offset, found.length);
    FUZZ_CHECK(fetchpool::StartsWithIgnoreCase(text, "http://") ||
               fetchpool::StartsWithIgnoreCase(text, "https://"));
    const std::size_t scheme = text.find("://") + 3;
    FUZZ_CHECK(found.url.size() > scheme);
    FUZZ_CHECK(fetchpool::EqualsIgnoreCase(std::string_view(found.url).substr(0, scheme),
                                           text.substr(0, scheme)));
    if (text.find_first_of("&\\") == std::string_view::npos) FUZZ_CHECK(found.url == text);
    // The column points at the same place, and past no end.
    const std::uint32_t column = fetchpool::ColumnOf(line, found.offset);
    FUZZ_CHECK(column >= 1 && column <= line.size() + 1);
    FUZZ_CHECK(OffsetOf(line, column) == found.offset);
    return true;
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line = fetchpool::fuzz::AsView(data, size);
  CheckLine(line);
  // As grep output: the URLs of its TEXT, with origins in TEXT's terms.
  fetchpool::TextUrls grep(fetchpool::InputMode::kGrep, nullptr);
  const fetchpool::LineCutter::Line cut{line, false, 1};
  const std::optional<fetchpool::GrepLine> g = fetchpool::ParseGrepLine(line);
  const std::string_view text = g ? g->text : line;
  grep.Line(cut, [&](fetchpool::LineUrl&& found) {
    FUZZ_CHECK(found.column >= 1);
    const std::size_t at = OffsetOf(text, found.column);
    FUZZ_CHECK(at < text.size());
    fetchpool::FoundUrl again;
    FUZZ_CHECK(fetchpool::FindUrl(text, at, again) && again.offset == at && again.url == found.url);
    if (g) FUZZ_CHECK(found.line == g->line);
    return true;
  });
  return 0;
}
