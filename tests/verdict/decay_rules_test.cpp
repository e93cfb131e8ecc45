// The verdict's early warnings: --cert-warn, --cert-fail and --slow turn an ok answer into a
// warning or a failure; a failure keeps its own reason; what was answered is noted for --max-p95.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fetchpool/util/utc_time.hpp"
#include "fetchpool/verdict/verdict.hpp"

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

// A certificate whose leaf expires `leaf` from now, and one of its chain `chain` from now.
std::shared_ptr<const CertificateFacts> Cert(Clock::duration leaf,
                                             std::optional<Clock::duration> chain = {}) {
  auto c = std::make_shared<CertificateFacts>();
  c->not_after = Clock::now() + leaf;
  c->subject = "CN=example.test";
  c->issuer = "CN=Test CA";
  if (chain) {
    c->chain_not_after = Clock::now() + *chain;
    c->chain_subject = "CN=Test Intermediate";
  }
  return c;
}

class DecayRulesTest : public ::testing::Test {
 protected:
  Result Decide(TransferFacts facts) {
    Job job;
    job.origin.url = "https://example.test/x";
    Result r = MakeResult(job);
    r.transfer = std::move(facts);
    Judge(options_).Decide(job, r);
    return r;
  }
  static TransferFacts Answer(std::shared_ptr<const CertificateFacts> cert = nullptr,
                              std::chrono::microseconds took = 10ms, long status = 200) {
    TransferFacts f;
    f.http_status = status;
    f.certificate = std::move(cert);
    f.took = took;
    f.elapsed = took;
    return f;
  }

  VerdictOptions options_;
};

TEST_F(DecayRulesTest, WithoutTheFlagsACertificateNearExpiryIsOk) {
  const Result r = Decide(Answer(Cert(3 * 24h + 1h)));
  EXPECT_TRUE(r.verdict.ok);
  EXPECT_TRUE(r.verdict.answered);
}

TEST_F(DecayRulesTest, CertWarnAndCertFailByDaysLeft) {
  options_.cert_warn_days = 14;
  options_.cert_fail_days = 7;
  const auto in3 = Cert(3 * 24h + 1h);
  Result r = Decide(Answer(in3));
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_FALSE(r.verdict.warning);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kCertExpiring);
  EXPECT_EQ(r.verdict.error, "certificate expires in 3 days (" + IsoUtcDate(in3->not_after) + ")");
  EXPECT_TRUE(r.verdict.answered) << "the answer came: it counts for --max-p95";

  r = Decide(Answer(Cert(10 * 24h)));
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_TRUE(r.verdict.warning);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kCertExpiring);
  EXPECT_TRUE(r.verdict.error.starts_with("certificate expires in 9 days (")) << r.verdict.error;

  EXPECT_TRUE(Decide(Answer(Cert(60 * 24h))).verdict.ok);
  EXPECT_TRUE(Decide(Answer(Cert(14 * 24h + 1h))).verdict.ok) << "14 days left: not within 14";
  EXPECT_TRUE(Decide(Answer(nullptr)).verdict.ok) << "plain http has no certificate";
}

TEST_F(DecayRulesTest, OneDayAndLessThanADaySayWhatTheyMean) {
  options_.cert_warn_days = 30;
  EXPECT_TRUE(
      Decide(Answer(Cert(24h + 1h))).verdict.error.starts_with("certificate expires in 1 day ("));
  EXPECT_TRUE(Decide(Answer(Cert(2h)))
                  .verdict.error.starts_with("certificate expires in less than a day ("));
  // Only -k lets an expired certificate through to the verdict.
  EXPECT_TRUE(
      Decide(Answer(Cert(-50h))).verdict.error.starts_with("certificate expired 2 days ago ("));
}

TEST_F(DecayRulesTest, AnIntermediateThatExpiresFirstIsNamed) {
  options_.cert_warn_days = 14;
  options_.cert_fail_days = 7;
  const auto cert = Cert(60 * 24h, 5 * 24h + 1h);
  const Result r = Decide(Answer(cert));
  EXPECT_FALSE(r.verdict.warning);
  EXPECT_EQ(r.verdict.error, "intermediate certificate expires in 5 days (" +
                                 IsoUtcDate(*cert->chain_not_after) + "): CN=Test Intermediate");
  EXPECT_TRUE(Decide(Answer(Cert(60 * 24h, 10 * 24h))).verdict.warning);
  EXPECT_TRUE(Decide(Answer(Cert(60 * 24h, 90 * 24h))).verdict.ok)
      << "a chain that outlives the leaf changes nothing";
}

TEST_F(DecayRulesTest, AFailureKeepsItsOwnReason) {
  options_.cert_fail_days = 7;
  options_.slow_ms = 100;
  const Result r = Decide(Answer(Cert(24h), 900ms, 404));
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kHttpStatus);
  EXPECT_EQ(r.verdict.error, "HTTP 404");
  EXPECT_FALSE(r.verdict.answered);
}

TEST_F(DecayRulesTest, WarnCanSoftenCertFail) {
  options_.cert_fail_days = 7;
  options_.warn = *WarnSpec::Parse("cert_expiring");
  const Result r = Decide(Answer(Cert(3 * 24h)));
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kCertExpiring);
  EXPECT_TRUE(r.verdict.warning);
}

TEST_F(DecayRulesTest, SlowWarnsAboveTheLimitOfThisAttempt) {
  options_.slow_ms = 500;
  TransferFacts f = Answer(nullptr, 700ms);
  f.elapsed = 30s;
  const Result r = Decide(f);
  EXPECT_FALSE(r.verdict.ok);
  EXPECT_TRUE(r.verdict.warning);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kSlow);
  EXPECT_EQ(r.verdict.error, "slow: 700 ms > 500 ms");
  EXPECT_TRUE(r.verdict.answered);
  EXPECT_TRUE(Decide(Answer(nullptr, 500ms)).verdict.ok) << "at the limit is not over it";
  options_.slow_ms.reset();
  EXPECT_TRUE(Decide(Answer(nullptr, 700ms)).verdict.ok);
}

TEST_F(DecayRulesTest, AnExpiringCertificateOutranksSlowness) {
  options_.slow_ms = 100;
  options_.cert_warn_days = 14;
  const Result r = Decide(Answer(Cert(3 * 24h), 900ms));
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kCertExpiring);
}

// The link moved whatever --slow and --cert-warn said of the answer (--rewrite fixes the list),
// but their warning stands; a move of an ok answer is what --warn moved warns about.
TEST_F(DecayRulesTest, ASlowOrExpiringAnswerThatMovedStillSaysWhere) {
  options_.slow_ms = 100;
  options_.warn = *WarnSpec::Parse("moved");
  TransferFacts slow = Answer(nullptr, 900ms);
  slow.redirects = {{.http_status = 301, .location = "https://example.test/y"}};
  const Result r = Decide(slow);
  EXPECT_EQ(r.verdict.error_kind, ErrorKind::kSlow);
  EXPECT_TRUE(r.verdict.warning);
  EXPECT_EQ(r.verdict.relocation, Relocation::kMoved);
  EXPECT_EQ(r.verdict.moved_to, "https://example.test/y");

  TransferFacts quick = Answer(nullptr, 10ms);
  quick.redirects = slow.redirects;
  EXPECT_EQ(Decide(quick).verdict.error_kind, ErrorKind::kMoved);

  TransferFacts refused = Answer(nullptr, 10ms, 404);
  refused.redirects = slow.redirects;
  EXPECT_EQ(Decide(refused).verdict.relocation, Relocation::kNone) << "only answers move";
}

TEST(PhaseTimingsTest, DurationsAreEachPhaseOnItsOwn) {
  const PhaseTimings fresh{
      .dns_ms = 2, .connect_ms = 3, .tls_ms = 10, .first_byte_ms = 50, .total_ms = 60};
  const PhaseDurations d = fresh.Durations();
  EXPECT_DOUBLE_EQ(d.dns, 2);
  EXPECT_DOUBLE_EQ(d.connect, 1);
  EXPECT_DOUBLE_EQ(d.tls, 7);
  EXPECT_DOUBLE_EQ(d.first_byte, 40);
  EXPECT_DOUBLE_EQ(d.transfer, 10);
  // A reused connection: no connect, no handshake.
  const PhaseTimings reused{.dns_ms = 0.1, .first_byte_ms = 20, .total_ms = 21};
  const PhaseDurations r = reused.Durations();
  EXPECT_DOUBLE_EQ(r.connect, 0);
  EXPECT_DOUBLE_EQ(r.tls, 0);
  EXPECT_DOUBLE_EQ(r.first_byte, 19.9);
}

TEST(UtcTimeTest, IsoDatesAndDaysLeft) {
  const auto t = Clock::from_time_t(1'765'276'800);  // 2025-12-09T10:40:00Z
  EXPECT_EQ(IsoUtc(t), "2025-12-09T10:40:00Z");
  EXPECT_EQ(IsoUtcDate(t), "2025-12-09");
  EXPECT_EQ(DaysLeft(t + 3 * 24h + 1s, t), 3);
  EXPECT_EQ(DaysLeft(t + 3 * 24h - 1s, t), 2);
  EXPECT_EQ(DaysLeft(t - 1s, t), -1);
}

}  // namespace
}  // namespace fetchpool
