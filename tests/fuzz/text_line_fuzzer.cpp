// The text output: a result line and AppendEscaped. Whatever a URL list or a server sends (the
// URL, a redirect target, the reason, the IP), the line is one line of valid UTF-8 with no byte
// or character a terminal would act on, colour codes aside; text that needs no escaping is kept.
// Byte 0 picks ok/warning/colour/verbose; then URL \0 reason \0 effective URL \0 IP \0 saved path.
#include <cstdint>
#include <string>

#include "fetchpool/output/report.hpp"
#include "fuzz_check.hpp"

namespace {

// The line without fetchpool's own SGR colour codes (ESC [ digits m).
std::string WithoutColour(const std::string& line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b' && i + 1 < line.size() && line[i + 1] == '[') {
      std::size_t j = i + 2;
      while (j < line.size() &&
             (std::isdigit(static_cast<unsigned char>(line[j])) != 0 || line[j] == ';')) {
        ++j;
      }
      if (j < line.size() && line[j] == 'm') {
        i = j;
        continue;
      }
    }
    out += line[i];
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fetchpool;
  using fuzz::HasControl;
  using fuzz::IsUtf8;
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  const std::vector<std::string> f = fuzz::Fields(fuzz::AsView(data + 1, size - 1), 5);

  std::string escaped;
  AppendEscaped(escaped, f[0]);
  FUZZ_CHECK(IsUtf8(escaped));
  FUZZ_CHECK(!HasControl(escaped));
  if (IsUtf8(f[0]) && !HasControl(f[0])) FUZZ_CHECK(escaped == f[0]);

  Result r;
  r.verdict.ok = (flags & 1) != 0;
  r.verdict.warning = !r.verdict.ok && (flags & 2) != 0;
  r.origin.url = f[0];
  r.verdict.error = r.verdict.ok ? "" : f[1];
  r.verdict.error_kind = r.verdict.ok ? ErrorKind::kNone : ErrorKind::kOther;
  r.transfer.effective_url = f[2];
  r.transfer.ip = f[3];
  r.saved.path = f[4];
  std::string line;
  AppendTextLine(line, r, {.color = (flags & 4) != 0, .verbose = (flags & 8) != 0});
  FUZZ_CHECK(!line.empty() && line.back() == '\n');
  const std::string visible = WithoutColour(line);
  FUZZ_CHECK(visible.find('\n') == visible.size() - 1);
  FUZZ_CHECK(IsUtf8(visible));
  FUZZ_CHECK(!HasControl(visible, "\n"));
  return 0;
}
