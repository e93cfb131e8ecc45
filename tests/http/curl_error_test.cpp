#include "fetchpool/http/curl_error.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace fetchpool {
namespace {

ErrorDescription Describe(CurlFailure f, FetchOptions o = {}) { return DescribeCurlFailure(f, o); }

TEST(CurlErrorTest, RefusedAndOtherConnectErrorsNameTheCause) {
  EXPECT_EQ(Describe({.code = CURLE_COULDNT_CONNECT, .os_errno = ECONNREFUSED}).message,
            "connection refused");
  const ErrorDescription unreachable =
      Describe({.code = CURLE_COULDNT_CONNECT, .os_errno = ENETUNREACH});
  EXPECT_EQ(unreachable.kind, ErrorKind::kConnect);
  EXPECT_EQ(unreachable.message, "could not connect: network is unreachable");
}

TEST(CurlErrorTest, TimeoutsSayWhichLimitWasHit) {
  FetchOptions o;
  o.timeout_s = 2;
  o.connect_timeout_s = 0.5;
  EXPECT_EQ(Describe({.code = CURLE_OPERATION_TIMEDOUT, .elapsed_s = 2.0}, o).message,
            "timed out after 2.0s");
  EXPECT_EQ(Describe({.code = CURLE_OPERATION_TIMEDOUT, .elapsed_s = 0.5}, o).message,
            "connect timed out after 0.5s");
  const ErrorDescription d = Describe({.code = CURLE_OPERATION_TIMEDOUT,
                                       .detail = "Operation timed out",
                                       .elapsed_s = 1,
                                       .connected = true},
                                      o);
  EXPECT_EQ(d.kind, ErrorKind::kTimeout);
  EXPECT_EQ(d.message, "operation timed out");
}

TEST(CurlErrorTest, TruncatedBodiesSayHowMuchArrived) {
  EXPECT_EQ(Describe({.code = CURLE_PARTIAL_FILE, .content_length = 100, .bytes = 40}).message,
            "truncated body: got 40 of 100 bytes");
  EXPECT_EQ(Describe({.code = CURLE_PARTIAL_FILE, .bytes = 40}).message,
            "truncated body: connection closed after 40 bytes");
}

TEST(CurlErrorTest, KindsForTheRest) {
  FetchOptions o;
  o.max_redirects = 3;
  o.max_size = 1024;
  EXPECT_EQ(Describe({.code = CURLE_RECV_ERROR, .os_errno = ECONNRESET}).message,
            "connection reset by peer");
  EXPECT_EQ(Describe({.code = CURLE_GOT_NOTHING}).kind, ErrorKind::kEmptyReply);
  EXPECT_EQ(Describe({.code = CURLE_TOO_MANY_REDIRECTS}, o).message,
            "too many redirects (more than 3)");
  EXPECT_EQ(Describe({.code = CURLE_WRITE_ERROR, .too_large = true}, o).message,
            "body larger than 1.0KB");
  EXPECT_EQ(
      Describe({.code = CURLE_UNSUPPORTED_PROTOCOL, .detail = "Protocol \"ftp\" disabled"}).message,
      "redirect refused: protocol \"ftp\" disabled");
  const ErrorDescription tls =
      Describe({.code = CURLE_PEER_FAILED_VERIFICATION, .detail = "SSL: no alternative name"});
  EXPECT_EQ(tls.kind, ErrorKind::kTls);
  EXPECT_EQ(tls.message, "TLS error: SSL: no alternative name") << "acronyms keep their case";
  const ErrorDescription lookup =
      Describe({.code = CURLE_COULDNT_RESOLVE_HOST, .detail = "Could not resolve host: x"});
  EXPECT_EQ(lookup.kind, ErrorKind::kResolve) << "libcurl cannot tell NXDOMAIN from a failure";
  EXPECT_EQ(lookup.message, "DNS lookup failed: x");
  EXPECT_EQ(Describe({.code = CURLE_ABORTED_BY_CALLBACK}).kind, ErrorKind::kAborted);
}

// libcurl's own words for a proxy refusing CONNECT; the helper once made it "cONNECT".
TEST(CurlErrorTest, ProxyTunnelMessageKeepsItsCapitals) {
  EXPECT_EQ(
      Describe({.code = CURLE_COULDNT_CONNECT, .detail = "CONNECT tunnel failed, response 403"})
          .message,
      "CONNECT tunnel failed, response 403");
}

}  // namespace
}  // namespace fetchpool
