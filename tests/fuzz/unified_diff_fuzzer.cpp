// The unified diff reader (--input diff): arbitrary bytes as a diff, line by line. Every added
// line it reports must be an input line that starts with '+', its text the rest of that line,
// numbered within the new-side range of the last "@@ -a,b +c,d @@" header before it (so no
// origin points past the new file), at most d of them per hunk; its URLs (through TextUrls,
// as the reader sees them) are that text at their columns.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

#include "fetchpool/input/text_urls.hpp"
#include "fetchpool/input/unified_diff.hpp"
#include "fetchpool/util/utf8.hpp"
#include "fuzz_check.hpp"

namespace {

struct Hunk {
  std::uint64_t start = 0;
  std::uint64_t count = 0;
  std::uint64_t added = 0;
};

// The new side of a hunk header, parsed here on its own: "@@ -a[,b] +c[,d] @@".
std::optional<Hunk> NewSide(std::string_view line) {
  if (!line.starts_with("@@ -")) return std::nullopt;
  const std::size_t plus = line.find(" +");
  if (plus == std::string_view::npos) return std::nullopt;
  Hunk h;
  const char* p = line.data() + plus + 2;
  const char* end = line.data() + line.size();
  auto [q, ec] = std::from_chars(p, end, h.start);
  if (ec != std::errc() || q == p) return std::nullopt;
  h.count = 1;
  if (q < end && *q == ',') {
    auto [r, ec2] = std::from_chars(q + 1, end, h.count);
    if (ec2 != std::errc() || r == q + 1) return std::nullopt;
  }
  return h;
}

std::size_t OffsetOf(std::string_view line, std::uint32_t column) {
  std::size_t at = 0;
  for (std::uint32_t c = 1; c < column && at < line.size(); ++c) {
    at += std::max<std::size_t>(fetchpool::Utf8SequenceLength(line, at), 1);
  }
  return at;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input = fetchpool::fuzz::AsView(data, size);
  fetchpool::UnifiedDiff diff;
  fetchpool::TextUrls urls(fetchpool::InputMode::kDiff, nullptr);
  std::optional<Hunk> hunk;
  std::uint64_t number = 0;
  while (!input.empty()) {
    const std::size_t nl = input.find('\n');
    const std::string_view line = input.substr(0, nl);
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);
    if (const std::optional<Hunk> h = NewSide(line)) hunk = h;
    const std::optional<fetchpool::UnifiedDiff::Added> added = diff.Line(line);
    if (added) {
      FUZZ_CHECK(line.starts_with('+'));
      FUZZ_CHECK(added->text == line.substr(1));
      FUZZ_CHECK(!added->path.empty());
      FUZZ_CHECK(hunk.has_value());
      FUZZ_CHECK(added->line >= hunk->start && added->line < hunk->start + hunk->count);
      FUZZ_CHECK(++hunk->added <= hunk->count);
    }
    // The reader's own path: the same diff through TextUrls, whose URLs lie in the added text.
    const fetchpool::LineCutter::Line cut{line, false, ++number};
    bool any = false;
    urls.Line(cut, [&](fetchpool::LineUrl&& found) {
      any = true;
      FUZZ_CHECK(added.has_value());
      FUZZ_CHECK(found.line == added->line);
      const std::string_view text = line.substr(1);
      const std::size_t at = OffsetOf(text, found.column);
      fetchpool::FoundUrl again;
      FUZZ_CHECK(fetchpool::FindUrl(text, at, again) && again.offset == at &&
                 again.url == found.url);
      return true;
    });
    if (any) FUZZ_CHECK(added.has_value());
  }
  return 0;
}
