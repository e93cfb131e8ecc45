// --json: one result line. Whatever bytes the URL, the reason and the input's name hold, the line
// is one line that parses as JSON, and its strings give the input back (invalid UTF-8 becomes
// U+FFFD, so only valid input round-trips byte for byte; an empty reason is null).
// Input: URL \0 reason \0 file name \0 effective URL.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "fetchpool/output/json_lines_sink.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fetchpool;
  const std::vector<std::string> f = fuzz::Fields(fuzz::AsView(data, size), 4);
  Result r;
  r.origin.url = f[0];
  r.verdict.error = f[1];
  r.verdict.error_kind = ErrorKind::kOther;
  r.origin.input = f[2];
  r.transfer.effective_url = f[3];
  SinkBuffers buffers;
  JsonLinesSink sink(buffers);
  sink.Add(r);
  const std::string& line = buffers.out;
  FUZZ_CHECK(!line.empty() && line.back() == '\n');
  FUZZ_CHECK(line.find('\n') == line.size() - 1);
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(j.is_object());
  FUZZ_CHECK(j["type"] == "result");
  auto same = [](const nlohmann::json& value, const std::string& input) {
    if (!value.is_string()) return false;
    const std::string& got = value.get_ref<const std::string&>();
    return fuzz::IsRfc3629Utf8(input) ? got == input : fuzz::IsRfc3629Utf8(got);
  };
  FUZZ_CHECK(same(j["url"], f[0]));
  FUZZ_CHECK(f[1].empty() ? j["error"].is_null() : same(j["error"], f[1]));
  FUZZ_CHECK(same(j["file"], f[2]));
  FUZZ_CHECK(f[3].empty() ? j["effective_url"].is_null() : same(j["effective_url"], f[3]));
  return 0;
}
