// The soonest-expiring certificates of a run: one entry per certificate however many URLs and
// hosts came with it, soonest expiry (leaf or chain) first, bounded.
#include "fetchpool/output/certificate_digest.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

std::shared_ptr<const CertificateFacts> Cert(const std::string& id, Clock::duration leaf,
                                             std::optional<Clock::duration> chain = {}) {
  auto c = std::make_shared<CertificateFacts>();
  c->not_after = Clock::time_point{} + leaf;
  c->subject = "CN=" + id;
  c->sha256 = id;
  if (chain) {
    c->chain_not_after = Clock::time_point{} + *chain;
    c->chain_subject = "CN=intermediate of " + id;
  }
  return c;
}

Result With(std::shared_ptr<const CertificateFacts> cert, const std::string& url) {
  Result r;
  r.origin.url = url;
  r.transfer.certificate = std::move(cert);
  return r;
}

TEST(CertificateDigestTest, OneEntryPerCertificateSoonestFirst) {
  CertificateDigest digest;
  const auto late = Cert("late", 60 * 24h);
  const auto soon = Cert("soon", 3 * 24h);
  const auto chained = Cert("chained", 60 * 24h, 5 * 24h);
  for (int i = 0; i < 3; ++i) digest.Add(With(late, "https://a.test/" + std::to_string(i)));
  digest.Add(With(soon, "https://b.test/"));
  digest.Add(With(chained, "https://c.test:8443/x"));
  // The same certificate read again on another connection: the same entry (by fingerprint).
  digest.Add(With(Cert("soon", 3 * 24h), "https://user@d.test/?q"));
  digest.Add(With(nullptr, "http://plain.test/"));

  const auto& entries = digest.Soonest();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].facts->subject, "CN=soon");
  EXPECT_EQ(entries[0].urls, 2u);
  EXPECT_EQ(HostsText(entries[0]), "b.test, d.test");
  EXPECT_EQ(entries[1].facts->subject, "CN=chained") << "its intermediate expires in 5 days";
  EXPECT_EQ(ExpiringText(*entries[1].facts), "intermediate CN=intermediate of chained");
  EXPECT_EQ(HostsText(entries[1]), "c.test:8443");
  EXPECT_EQ(entries[2].facts->subject, "CN=late");
  EXPECT_EQ(entries[2].urls, 3u);
  EXPECT_EQ(HostsText(entries[2]), "a.test") << "a host is named once";
  EXPECT_EQ(ExpiringText(*entries[2].facts), "CN=late");
}

TEST(CertificateDigestTest, KeepsOnlyTheSoonestAndNamesAFewHosts) {
  CertificateDigest digest;
  for (int i = 0; i < 50; ++i) {
    const auto cert = Cert("c" + std::to_string(i), (100 - i) * 24h);
    digest.Add(With(cert, "https://h" + std::to_string(i) + ".test/"));
  }
  const auto& entries = digest.Soonest();
  ASSERT_EQ(entries.size(), CertificateDigest::kKept);
  EXPECT_EQ(entries.front().facts->subject, "CN=c49");
  EXPECT_EQ(entries.back().facts->subject, "CN=c30");

  CertificateDigest shared;
  const auto one = Cert("one", 10 * 24h);
  for (int i = 0; i < 5; ++i) shared.Add(With(one, "https://h" + std::to_string(i) + ".test/"));
  ASSERT_EQ(shared.Soonest().size(), 1u);
  EXPECT_EQ(HostsText(shared.Soonest()[0]), "h0.test, h1.test, h2.test and 2 more");
}

}  // namespace
}  // namespace fetchpool
