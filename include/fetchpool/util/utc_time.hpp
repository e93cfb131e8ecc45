#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fetchpool {

// A moment as ISO 8601 in UTC, to the second: "2026-12-09T10:44:21Z".
std::string IsoUtc(std::chrono::system_clock::time_point t);
// Its date alone: "2026-12-09".
std::string IsoUtcDate(std::chrono::system_clock::time_point t);
// IsoUtc's text back ("2026-12-09T10:44:21Z"); nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> ParseIsoUtc(std::string_view text);

}  // namespace fetchpool
