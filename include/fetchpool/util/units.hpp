#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fetchpool {

// A byte count with an optional 1024-based suffix: "500", "64K", "10M", "1.5G" (also "10MB",
// "10MiB", any case). At least one byte, at most 2^62. nullopt otherwise.
std::optional<std::uint64_t> ParseByteSize(std::string_view text);

// A request rate "N", "N/s", "N/m" or "N/h" (N a positive number, per second by default), as
// the interval between two starts. nullopt unless at least one start per day and at most one
// million per second.
std::optional<std::chrono::nanoseconds> ParseRate(std::string_view text);

// A duration "90s", "30m", "6h" or "2d" (a positive whole number and one unit; a bare number is
// seconds), for --max-cache-age. nullopt otherwise, and beyond 100 years.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);

// "0.9KB" for 922 bytes: one decimal, 1024-based, KB below 1 MiB, then MB, then GB.
std::string FormatSize(std::uint64_t bytes);

}  // namespace fetchpool
