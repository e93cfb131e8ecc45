// The columns issue 26 added, read back as `fetchpool report` reads them: the certificate, the
// address a result stands for (--each-address), and the summary's URL count and --max-p95
// outcome. JsonLineReaderTest.EveryResultColumnComesBackAsWritten covers the round trip.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <string>

#include "fetchpool/output/json_lines_reader.hpp"
#include "fetchpool/output/json_lines_sink.hpp"
#include "fetchpool/util/utc_time.hpp"

namespace fetchpool {
namespace {

using Type = JsonLineRecord::Type;

const std::string kResult = R"({"type":"result","index":1,"url":"https://h/","ok":true)";

Status ReadLine(std::string line, JsonLineRecord& record) {
  return JsonLineReader().Read(line, record);
}

std::string WrittenAgain(const ReadResult& read) {
  SinkBuffers buffers;
  JsonLinesSink sink(buffers);
  sink.Add(read.result);
  return buffers.out;
}

TEST(CertificateColumnsTest, IsoUtcTextReadsBackToTheSameMoment) {
  const auto t = ParseIsoUtc("2027-02-14T23:59:59Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(IsoUtc(*t), "2027-02-14T23:59:59Z");
  EXPECT_EQ(ParseIsoUtc("2027-02-14T23:59:59.123Z"), std::nullopt);
  EXPECT_EQ(ParseIsoUtc("2027-02-14"), std::nullopt);
  EXPECT_EQ(ParseIsoUtc(std::string("2027-02-14T23:59:59Z\0x", 22)), std::nullopt);
}

// RFC 5280's "no well-defined expiration" is 9999-12-31; system_clock ends in 2262. The fuzzer
// found the overflow.
TEST(CertificateColumnsTest, AnExpiryBeyondTheClocksRangeIsHeldToItsEnd) {
  const auto far = ParseIsoUtc("9999-12-31T23:59:59Z");
  ASSERT_TRUE(far.has_value());
  EXPECT_EQ(IsoUtc(*far).substr(0, 4), "2262");
  EXPECT_GT(DaysLeft(*far, std::chrono::system_clock::now()), 80'000);
  EXPECT_EQ(FromUnixSeconds(-5), std::chrono::system_clock::time_point{});
  std::tm utc{};
  utc.tm_year = 9999 - 1900;
  utc.tm_mon = 11;
  utc.tm_mday = 31;
  EXPECT_EQ(IsoUtc(utc), "9999-12-31T00:00:00Z") << "the text keeps the certificate's year";

  JsonLineRecord r;
  ASSERT_TRUE(ReadLine(kResult + R"(,"cert_expires":"9999-12-31T23:59:59Z"})", r).ok());
  const std::string again = WrittenAgain(r.result);
  EXPECT_NE(again.find(R"("cert_expires":"9999-12-31T23:59:59Z")"), std::string::npos) << again;
}

TEST(CertificateColumnsTest, ACertificateIsReadWithItsExpiryOnly) {
  JsonLineRecord r;
  ASSERT_TRUE(ReadLine(kResult + R"(,"cert_subject":"CN=h","cert_issuer":"CN=CA"})", r).ok());
  EXPECT_EQ(r.result.result.transfer.certificate, nullptr) << "no expiry, no certificate";

  ASSERT_TRUE(ReadLine(kResult + R"(,"cert_expires":"2030-01-01T00:00:00Z","cert_subject":)"
                                 R"("CN=h","cert_sha256":"ab","cert_chain_expires":null})",
                       r)
                  .ok());
  const CertificateFacts* c = r.result.result.transfer.certificate.get();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->expires, "2030-01-01T00:00:00Z");
  EXPECT_EQ(IsoUtc(c->not_after), "2030-01-01T00:00:00Z");
  EXPECT_EQ(c->subject, "CN=h");
  EXPECT_EQ(c->sha256, "ab");
  EXPECT_FALSE(c->chain_not_after.has_value());
}

TEST(CertificateColumnsTest, AnExpiryThatIsNotIsoUtcIsRefused) {
  JsonLineRecord r;
  for (const char* bad : {R"("tomorrow")", "17", "true", R"("2030-01-01")"}) {
    const Status s = ReadLine(kResult + R"(,"cert_expires":)" + bad + "}", r);
    EXPECT_NE(s.message().find("\"cert_expires\""), std::string::npos) << bad << s.message();
  }
  const Status s = ReadLine(kResult + R"(,"cert_chain_days_left":"four"})", r);
  EXPECT_NE(s.message().find("\"cert_chain_days_left\""), std::string::npos) << s.message();
}

TEST(CertificateColumnsTest, DaysLeftAreCountedAgainFromTheExpiry) {
  JsonLineRecord r;
  ASSERT_TRUE(
      ReadLine(kResult + R"(,"cert_expires":"2000-01-01T00:00:00Z","cert_days_left":999})", r)
          .ok());
  const std::string again = WrittenAgain(r.result);
  EXPECT_EQ(again.find("\"cert_days_left\":999"), std::string::npos) << again;
  EXPECT_NE(again.find("\"cert_days_left\":-"), std::string::npos) << "long expired: " << again;
}

TEST(CertificateColumnsTest, WithAnAddressCountIpIsTheResultsAddress) {
  JsonLineRecord r;
  ASSERT_TRUE(
      ReadLine(kResult + R"(,"ip":"127.0.0.3","address_index":2,"address_count":3})", r).ok());
  const Origin& o = r.result.result.origin;
  EXPECT_EQ(o.address, "127.0.0.3");
  EXPECT_EQ(o.address_index, 2);
  EXPECT_EQ(o.address_count, 3);

  ASSERT_TRUE(ReadLine(kResult + R"(,"ip":"127.0.0.3","address_index":null})", r).ok());
  EXPECT_EQ(r.result.result.origin.address, "") << "without --each-address, ip is where it went";
  EXPECT_EQ(r.result.result.transfer.ip, "127.0.0.3");

  ASSERT_TRUE(ReadLine(kResult + R"(,"ip":"127.0.0.3","address_index":4})", r).ok());
  EXPECT_EQ(r.result.result.origin.address_index, 0) << "an index without a count means nothing";
}

TEST(CertificateColumnsTest, AddressNumbersBeyondSixteenBitsAreRefused) {
  JsonLineRecord r;
  for (const char* cell :
       {R"("address_count":65536)", R"("address_index":-1)", R"("address_count":"3")"}) {
    EXPECT_FALSE(ReadLine(kResult + "," + cell + "}", r).ok()) << cell;
  }
  EXPECT_TRUE(ReadLine(kResult + R"(,"address_index":65535,"address_count":65535})", r).ok());
}

TEST(CertificateColumnsTest, TheSummaryCarriesUrlsAndTheRunsBudget) {
  JsonLineRecord r;
  ASSERT_TRUE(ReadLine(R"({"type":"summary","total":9,"ok":7,"failed":2,"urls":3,)"
                       R"("max_p95_ms":200,"answered":7,"answered_p95_ms":312.5,)"
                       R"("over_budget":true})",
                       r)
                  .ok());
  ASSERT_EQ(r.type, Type::kSummary);
  EXPECT_TRUE(r.summary.show_urls);
  EXPECT_EQ(r.summary.urls, 3u);
  EXPECT_EQ(r.summary.max_p95_ms, 200);
  EXPECT_EQ(r.summary.answered, 7u);
  EXPECT_DOUBLE_EQ(r.summary.answered_p95_ms, 312.5);
  EXPECT_TRUE(r.summary.over_budget);
  EXPECT_EQ(BudgetBreach(r.summary), "p95 of 7 answered URLs is 312 ms, over --max-p95 200 ms");

  ASSERT_TRUE(ReadLine(R"({"type":"summary","total":2,"ok":2,"failed":0})", r).ok());
  EXPECT_FALSE(r.summary.show_urls);
  EXPECT_FALSE(r.summary.max_p95_ms.has_value());
}

}  // namespace
}  // namespace fetchpool
