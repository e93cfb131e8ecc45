// --accept and status=: StatusSet::Parse on arbitrary bytes. A parsed set keeps its text, holds
// only statuses 100..999, agrees with ContainsRedirect, and a canonical rewrite of it (its
// maximal ranges) parses back to the same set.
#include <cstdint>
#include <string>

#include "fetchpool/util/status_set.hpp"
#include "fuzz_check.hpp"

using fetchpool::StatusSet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fetchpool::fuzz::AsView(data, size);
  const std::optional<StatusSet> set = StatusSet::Parse(text);
  if (!set) return 0;
  FUZZ_CHECK(!set->empty());
  FUZZ_CHECK(set->text() == text);
  FUZZ_CHECK(text.find_first_not_of("0123456789,-") == std::string_view::npos);
  for (long s : {-1L, 0L, 99L, 1000L, 100000L}) FUZZ_CHECK(!set->Contains(s));
  bool any = false;
  bool redirect = false;
  std::string canonical;
  for (long s = 100; s <= 999; ++s) {
    if (!set->Contains(s)) continue;
    any = true;
    redirect = redirect || (s >= 300 && s <= 399);
    if (s > 100 && set->Contains(s - 1)) continue;  // not the start of a range
    long end = s;
    while (end < 999 && set->Contains(end + 1)) ++end;
    if (!canonical.empty()) canonical += ',';
    canonical += std::to_string(s);
    if (end != s) canonical += '-' + std::to_string(end);
  }
  FUZZ_CHECK(any);
  FUZZ_CHECK(set->ContainsRedirect() == redirect);
  const std::optional<StatusSet> again = StatusSet::Parse(canonical);
  FUZZ_CHECK(again.has_value());
  for (long s = 100; s <= 999; ++s) FUZZ_CHECK(again->Contains(s) == set->Contains(s));
  return 0;
}
