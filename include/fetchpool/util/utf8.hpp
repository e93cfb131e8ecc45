#pragma once

#include <cstddef>
#include <string_view>

namespace fetchpool {

// Length of the well-formed UTF-8 sequence for one character starting at text[i] (1 to 4), or
// 0 when the bytes there are not one (overlong forms, surrogates and the non-characters U+FFFE
// and U+FFFF count as malformed: neither a terminal nor XML should receive them).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i);

}  // namespace fetchpool
