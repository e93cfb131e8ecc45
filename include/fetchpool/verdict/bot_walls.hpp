// Bot walls: the answers a CDN's or WAF's bot protection gives a robot instead of the page (a
// challenge, a CAPTCHA, a denial a browser would pass), recognised from the response. The verdict
// decides by this table; its tests and docs/verdicts.md read it.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "fetchpool/core/result.hpp"

namespace fetchpool::verdict {

// One sign of a bot wall: every part that is set must hold.
//   status  0: any status for a header-only sign, any suspect status (kSuspectStatuses) for a
//           sign that reads the body or a header that ordinary responses carry too.
//   header  a lower-case header name whose value contains `value` (lower case; "" for any).
//   body    lower-case text the start of the body contains (matched case-insensitively).
// A sign with a body, a status or a header ordinary responses carry ("server") is read only on a
// suspect status, so an ordinary page can never look like a wall.
struct BotWallSign {
  std::string_view provider;  // as users know it: "Cloudflare", "Akamai"...
  long status = 0;
  std::string_view header;
  std::string_view value;
  std::string_view body;
  std::string_view source;  // where the sign is documented or seen, for the docs and tests
};

// The statuses bot walls answer with when they do not say so in a header of their own.
inline constexpr long kSuspectStatuses[] = {401, 403, 429, 503};
// How much of a suspect body is kept: challenge pages put their markers in the first few KiB.
inline constexpr std::size_t kBodyBytes = 8192;

// The table, in the order signs are tried.
std::span<const BotWallSign> BotWallSigns();

// Whether the sign holds for `facts`; `body_lower` is facts.body_start in ASCII lower case.
bool SignHolds(const BotWallSign& sign, const TransferFacts& facts, std::string_view body_lower);

// Whose bot wall answered, or nullopt when the response is not recognised as one.
std::optional<std::string_view> RecognizeBotWall(const TransferFacts& facts);

// What the fetcher must note for the table (ResponseNotes), derived from it once.
const ResponseNotes& BotWallNotes();

}  // namespace fetchpool::verdict
