#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace fetchpool {

// A moment as ISO 8601 in UTC, to the second: "2026-12-09T10:44:21Z".
std::string IsoUtc(std::chrono::system_clock::time_point t);
// The same of a broken-down UTC time (gmtime's, or a certificate's), whatever its year.
std::string IsoUtc(const std::tm& utc);
// Its date alone: "2026-12-09".
std::string IsoUtcDate(std::chrono::system_clock::time_point t);
// Unix seconds as a moment, held to 1970..2262 (system_clock's nanoseconds end in 2262, and the
// time left from now must still be countable): a certificate valid until 9999 reads as valid
// until 2262, without an overflow.
std::chrono::system_clock::time_point FromUnixSeconds(std::int64_t unix_seconds);
// IsoUtc's text back ("2026-12-09T10:44:21Z"), through FromUnixSeconds; nullopt for anything
// else.
std::optional<std::chrono::system_clock::time_point> ParseIsoUtc(std::string_view text);

}  // namespace fetchpool
