// TestServer routes about the response head: /status, /redirect, /redirect-to,
// /flaky, /no-head, /content-disposition and the /headers echo.
#include <cstdint>
#include <mutex>
#include <string>

#include "support/test_server_impl.hpp"

namespace fetchpool::testing {
namespace {

using httplib::Request;
using httplib::Response;
using test_server_internal::BadRequest;
using test_server_internal::kTextPlain;
using test_server_internal::ParseU64;
using test_server_internal::tls_connection;
using test_server_internal::U64Param;

}  // namespace

void TestServer::Impl::RegisterStatusRoutes() {
  http_.Get(R"(/status/(\d+))",
            [this](const Request& req, Response& res) { HandleStatus(req, res); });

  http_.Get(R"(/redirect/(\d+))", [](const Request& req, Response& res) {
    std::uint64_t n = 0;
    if (!ParseU64(req.matches[1].str(), n)) return BadRequest(res, "bad count");
    if (n == 0) {
      res.status = 200;
      res.set_content("done", kTextPlain);
      return;
    }
    res.status = 302;
    res.set_header("Location", "/redirect/" + std::to_string(n - 1));
    res.set_content("redirect", kTextPlain);
  });

  http_.Get("/redirect-to", [](const Request& req, Response& res) {
    if (!req.has_param("url")) return BadRequest(res, "missing url");
    res.status = 302;
    res.set_header("Location", req.get_param_value("url"));
    res.set_content("redirect", kTextPlain);
  });

  auto echo_headers = [](const Request& req, Response& res) {
    std::string body = req.method + " " + req.target + "\n";
    for (const auto& [name, value] : tls_connection->request_headers) {
      body += name + ": " + value + "\n";
    }
    res.status = 200;
    res.set_content(body, kTextPlain);
  };
  http_.Get("/headers", echo_headers);
  http_.Post("/headers", echo_headers);
  http_.Put("/headers", echo_headers);
  http_.Delete("/headers", echo_headers);
  http_.Options("/headers", echo_headers);

  http_.Get("/flaky", [this](const Request& req, Response& res) { HandleFlaky(req, res); });

  http_.Get("/no-head", [](const Request& req, Response& res) {
    if (req.method == "HEAD") {
      res.status = 405;
      res.set_header("Allow", "GET");
      res.set_content("method not allowed\n", kTextPlain);
      return;
    }
    res.status = 200;
    res.set_content("body", kTextPlain);
  });

  http_.Get("/content-disposition", [](const Request& req, Response& res) {
    if (!req.has_param("name")) return BadRequest(res, "missing name");
    res.status = 200;
    // Deliberately unescaped: tests feed hostile names such as "../x".
    res.set_header("Content-Disposition",
                   "attachment; filename=\"" + req.get_param_value("name") + "\"");
    res.set_content("cd", kTextPlain);
  });
}

void TestServer::Impl::HandleStatus(const httplib::Request& req, httplib::Response& res) {
  std::uint64_t status = 0;
  if (!ParseU64(req.matches[1].str(), status) || status < 100 || status > 999) {
    return BadRequest(res, "bad status");
  }
  res.status = static_cast<int>(status);
  if (req.has_param("retry_after"))
    res.set_header("Retry-After", req.get_param_value("retry_after"));
  // These statuses must not carry a body.
  if (status < 200 || status == 204 || status == 304) return;
  res.set_content("status " + std::to_string(status) + "\n", kTextPlain);
}

void TestServer::Impl::HandleFlaky(const httplib::Request& req, httplib::Response& res) {
  std::uint64_t fails = 0;
  std::uint64_t status = 0;
  if (!U64Param(req, "fails", 1, fails) || !U64Param(req, "status", 503, status) || status < 200 ||
      status > 999) {
    return BadRequest(res, "bad flaky parameters");
  }
  std::uint64_t seen = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    seen = ++flaky_counts_[req.get_param_value("key")];
  }
  if (seen > fails) {
    res.status = 200;
    res.set_content("ok", kTextPlain);
    return;
  }
  res.status = static_cast<int>(status);
  if (req.has_param("retry_after"))
    res.set_header("Retry-After", req.get_param_value("retry_after"));
  res.set_content("flaky failure " + std::to_string(seen) + "\n", kTextPlain);
}

}  // namespace fetchpool::testing
