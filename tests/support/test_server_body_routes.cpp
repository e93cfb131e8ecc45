// TestServer routes that serve bodies of known bytes: /size, /range, /norange and /bytes.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "support/test_server_impl.hpp"

namespace fetchpool::testing {
namespace {

using httplib::Request;
using httplib::Response;
using test_server_internal::BadRequest;
using test_server_internal::kChunk;
using test_server_internal::kOctetStream;
using test_server_internal::ParseU64;
using test_server_internal::Xs;

// 'a'..'z' repeated; starting at index (pos % 26) yields kChunk bytes of the
// /range pattern for any absolute position pos.
const std::string& Alphabet() {
  static const std::string* const alphabet = [] {
    auto* s = new std::string(kChunk + 26, '\0');
    for (std::size_t i = 0; i < s->size(); ++i) (*s)[i] = static_cast<char>('a' + i % 26);
    return s;
  }();
  return *alphabet;
}

bool HexDecode(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || ptr != hex.data() + i + 2) return false;
    out.push_back(static_cast<char>(value));
  }
  return true;
}

// Body of `length` bytes starting at absolute position `first` of either the
// all-'x' or the alphabet pattern, streamed in chunks when large.
void SetPatternBody(httplib::Response& res, std::uint64_t first, std::uint64_t length,
                    bool alphabet) {
  auto chunk_at = [alphabet](std::uint64_t pos) {
    return alphabet ? Alphabet().data() + pos % 26 : Xs().data();
  };
  if (length <= kChunk) {
    res.set_content(std::string(chunk_at(first), length), kOctetStream);
    return;
  }
  res.set_content_provider(
      length, kOctetStream,
      [first, chunk_at](std::size_t offset, std::size_t left, httplib::DataSink& sink) {
        return sink.write(chunk_at(first + offset), std::min(left, kChunk));
      });
}

}  // namespace

void TestServer::Impl::RegisterBodyRoutes() {
  http_.Get(R"(/size/(\d+))", [](const Request& req, Response& res) {
    std::uint64_t n = 0;
    if (!ParseU64(req.matches[1].str(), n)) return BadRequest(res, "bad size");
    res.status = 200;
    SetPatternBody(res, 0, n, /*alphabet=*/false);
  });

  http_.Get(R"(/range/(\d+))",
            [this](const Request& req, Response& res) { HandleRange(req, res); });

  http_.Get(R"(/norange/(\d+))", [](const Request& req, Response& res) {
    std::uint64_t n = 0;
    if (!ParseU64(req.matches[1].str(), n)) return BadRequest(res, "bad size");
    res.status = 200;
    SetPatternBody(res, 0, n, /*alphabet=*/true);
  });

  http_.Get("/bytes", [](const Request& req, Response& res) {
    std::string body;
    if (!HexDecode(req.get_param_value("hex"), body)) return BadRequest(res, "bad hex");
    res.status = 200;
    res.set_content(body, kOctetStream);
  });
}

void TestServer::Impl::HandleRange(const httplib::Request& req, httplib::Response& res) {
  std::uint64_t n = 0;
  if (!ParseU64(req.matches[1].str(), n)) return BadRequest(res, "bad size");
  res.set_header("Accept-Ranges", "bytes");
  std::uint64_t first = 0;
  std::uint64_t last = n == 0 ? 0 : n - 1;
  bool partial = false;
  bool unsatisfiable = false;
  // Single "bytes=a-", "bytes=a-b" or "bytes=-suffix"; anything else (several
  // ranges, other units, garbage) is ignored as RFC 9110 allows.
  const std::string header = req.get_header_value("Range");
  std::string_view spec = header;
  constexpr std::string_view kUnit = "bytes=";
  if (spec.substr(0, kUnit.size()) == kUnit && spec.find(',') == std::string_view::npos) {
    spec.remove_prefix(kUnit.size());
    auto dash = spec.find('-');
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    if (dash == 0 && ParseU64(spec.substr(1), b)) {
      partial = true;
      unsatisfiable = b == 0 || n == 0;
      first = n - std::min(b, n);
    } else if (dash != std::string_view::npos && ParseU64(spec.substr(0, dash), a)) {
      std::string_view tail = spec.substr(dash + 1);
      if (tail.empty() || (ParseU64(tail, b) && b >= a)) {
        partial = true;
        unsatisfiable = a >= n;
        first = a;
        if (!tail.empty()) last = std::min(b, last);
      }
    }
  }
  if (unsatisfiable) {
    res.status = 416;
    res.set_header("Content-Range", "bytes */" + std::to_string(n));
    return;
  }
  res.status = partial ? 206 : 200;
  if (partial) {
    res.set_header("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(last) +
                                        "/" + std::to_string(n));
  }
  SetPatternBody(res, first, n == 0 ? 0 : last - first + 1, /*alphabet=*/true);
}

}  // namespace fetchpool::testing
