// --max-size and --rate: ParseByteSize and ParseRate on arbitrary bytes. Results stay within the
// documented bounds, letter case never matters, whole numbers of bytes are exact, a K suffix
// multiplies by exactly 1024, and N/m is 60 times the interval of N/s.
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>

#include "fetchpool/util/units.hpp"
#include "fuzz_check.hpp"

namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void CheckByteSize(std::string_view text) {
  const std::optional<std::uint64_t> bytes = fetchpool::ParseByteSize(text);
  FUZZ_CHECK(fetchpool::ParseByteSize(Upper(text)) == bytes);
  if (!bytes) return;
  FUZZ_CHECK(*bytes >= 1);
  FUZZ_CHECK(*bytes <= (std::uint64_t{1} << 62));
  FUZZ_CHECK(text.find_first_not_of("0123456789.bBkKmMgGiI") == std::string_view::npos);
  const bool whole = text.find_first_not_of("0123456789") == std::string_view::npos;
  if (whole && text.size() <= 15) {  // below 2^53: a double holds it exactly
    FUZZ_CHECK(*bytes == std::stoull(std::string(text)));
    const std::optional<std::uint64_t> kib = fetchpool::ParseByteSize(std::string(text) + "K");
    FUZZ_CHECK(kib.has_value());
    FUZZ_CHECK(*kib == *bytes * 1024);
  }
}

void CheckRate(std::string_view text) {
  const std::optional<std::chrono::nanoseconds> interval = fetchpool::ParseRate(text);
  FUZZ_CHECK(fetchpool::ParseRate(Upper(text)) == interval);
  if (!interval) return;
  FUZZ_CHECK(interval->count() >= 1000);
  FUZZ_CHECK(interval->count() <= 86400LL * 1'000'000'000);
  const std::string_view count = text.substr(0, text.find('/'));
  const auto per_second = fetchpool::ParseRate(count);
  const auto per_minute = fetchpool::ParseRate(std::string(count) + "/m");
  if (per_second && per_minute) {
    const double ratio =
        static_cast<double>(per_minute->count()) / static_cast<double>(per_second->count());
    FUZZ_CHECK(std::fabs(ratio - 60.0) < 60.0 * 1e-3);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fetchpool::fuzz::AsView(data, size);
  CheckByteSize(text);
  CheckRate(text);
  return 0;
}
