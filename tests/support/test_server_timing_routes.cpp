// TestServer routes that are slow or broken on purpose: /delay, /drip,
// /stall-after-headers, /endless and /truncated.
#include <cstdint>
#include <memory>
#include <string>

#include "support/test_server_impl.hpp"

namespace fetchpool::testing {
namespace {

using httplib::Request;
using httplib::Response;
using test_server_internal::BadRequest;
using test_server_internal::kOctetStream;
using test_server_internal::kTextPlain;
using test_server_internal::Millis;
using test_server_internal::ParseU64;
using test_server_internal::tls_connection;
using test_server_internal::U64Param;
using test_server_internal::Xs;

constexpr std::size_t kEndlessChunk = 16 * 1024;

}  // namespace

void TestServer::Impl::RegisterTimingRoutes() {
  http_.Get(R"(/delay/(\d+))", [this](const Request& req, Response& res) {
    std::uint64_t ms = 0;
    if (!ParseU64(req.matches[1].str(), ms)) return BadRequest(res, "bad delay");
    Pause(tls_connection->fd, Millis(ms));
    res.status = 200;
    res.set_content("ok", kTextPlain);
  });

  http_.Get("/truncated", [](const Request&, Response& res) {
    res.status = 200;
    res.set_content_provider(1000, kOctetStream,
                             [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               // Returning false makes httplib abandon the response and we close.
                               if (offset >= 100) return false;
                               return sink.write(Xs().data(), 100 - offset);
                             });
  });

  http_.Get("/drip", [this](const Request& req, Response& res) {
    std::uint64_t bytes = 0;
    std::uint64_t interval_ms = 0;
    if (!U64Param(req, "bytes", 10, bytes) || !U64Param(req, "interval_ms", 100, interval_ms)) {
      return BadRequest(res, "bad drip parameters");
    }
    const int fd = tls_connection->fd;
    auto sent = std::make_shared<std::uint64_t>(0);
    res.status = 200;
    res.set_chunked_content_provider(
        kOctetStream, [this, fd, bytes, interval_ms, sent](std::size_t, httplib::DataSink& sink) {
          if (*sent == bytes) {
            sink.done();
            return true;
          }
          if (*sent > 0 && !Pause(fd, Millis(interval_ms))) return false;
          ++*sent;
          return sink.write("x", 1);
        });
  });

  http_.Get("/stall-after-headers", [this](const Request&, Response& res) {
    const int fd = tls_connection->fd;
    res.status = 200;
    // httplib calls the provider again while it returns true without data.
    res.set_chunked_content_provider(kOctetStream, [this, fd](std::size_t, httplib::DataSink&) {
      return Pause(fd, milliseconds(1000));
    });
  });

  http_.Get("/endless", [this](const Request&, Response& res) {
    res.status = 200;
    res.set_chunked_content_provider(kOctetStream, [this](std::size_t, httplib::DataSink& sink) {
      return !stopping_ && sink.write(Xs().data(), kEndlessChunk);
    });
  });
}

}  // namespace fetchpool::testing
