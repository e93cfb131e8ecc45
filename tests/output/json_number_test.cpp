#include "fetchpool/output/json_number.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fetchpool/output/json_lines_reader.hpp"
#include "fetchpool/output/json_lines_sink.hpp"

namespace fetchpool {
namespace {

TEST(JsonNumberTest, IntegersKeepTheirTypeAndDoublesAreCorrectlyRounded) {
  EXPECT_EQ(ParseJsonNumber("12"), ColumnValue(std::uint64_t{12}));
  EXPECT_EQ(ParseJsonNumber("-3"), ColumnValue(std::int64_t{-3}));
  EXPECT_EQ(ParseJsonNumber("18446744073709551615"),
            ColumnValue(std::uint64_t{18446744073709551615ULL}));
  EXPECT_EQ(ParseJsonNumber("18446744073709551616"), ColumnValue(18446744073709551616.0))
      << "too large for 64 bits: a double, as RapidJSON gives it";
  EXPECT_FALSE(ParseJsonNumber("1e999").has_value());
  // Long mantissas and extreme exponents, where a fast conversion may miss by one unit in the
  // last place: each must be the double strtod (correctly rounded in glibc) gives.
  for (const std::string text :
       {"0.1", "1.2345678901234567e+21", "2.2250738585072011e-308", "9007199254740993.0",
        "7.038531e-26", "0.30000000000000004", "123456789012345.678", "4.9406564584124654e-324",
        "1.7976931348623157e+308", "-0.0", "89255.0e-22", "3.518437208883201171875e13"}) {
    const std::optional<ColumnValue> got = ParseJsonNumber(text);
    ASSERT_TRUE(got.has_value()) << text;
    const double* d = std::get_if<double>(&*got);
    ASSERT_NE(d, nullptr) << text;
    EXPECT_EQ(*d, std::strtod(text.c_str(), nullptr)) << text;
  }
}

TEST(JsonNumberTest, AResultWithLongNumbersIsAFixedPointOfWriteReadWrite) {
  Result r;
  r.origin.line = 1;
  r.origin.url = "http://h/";
  r.transfer.timings = {.dns_ms = 1.2345678901234567e+21,
                        .connect_ms = 7.038531e-26,
                        .tls_ms = 123456789012345.678,
                        .first_byte_ms = 0.1,
                        .total_ms = 9007199254740993.0};
  SinkBuffers buffers;
  JsonLinesSink sink(buffers);
  sink.Add(r);
  std::string line = buffers.out.substr(0, buffers.out.find('\n'));
  const std::string written = line;
  JsonLineRecord record;
  ASSERT_TRUE(JsonLineReader().Read(line, record).ok());
  SinkBuffers again;
  JsonLinesSink sink_again(again);
  sink_again.Add(record.result.result);
  EXPECT_EQ(again.out.substr(0, again.out.find('\n')), written);
}

// What the JSON Lines fuzzer found: an 81-digit dns_ms read by RapidJSON's fast conversion came
// back one unit in the last place off, so writing it again gave another line.
TEST(JsonNumberTest, TheFuzzersLongNumberReadsBackToTheSameLine) {
  std::string line =
      R"({"type":"result","index":1,"url":"http://h/a","ok":false,"status":503,"dns_ms":)"
      "18000000000000000000000000000000000000000000000000000000000000000001294000899}";
  JsonLineRecord first;
  ASSERT_TRUE(JsonLineReader().Read(line, first).ok());
  SinkBuffers once;
  JsonLinesSink(once).Add(first.result.result);
  std::string again = once.out.substr(0, once.out.find('\n'));
  JsonLineRecord second;
  ASSERT_TRUE(JsonLineReader().Read(again, second).ok());
  SinkBuffers twice;
  JsonLinesSink(twice).Add(second.result.result);
  EXPECT_EQ(twice.out, once.out);
}

// Also the fuzzer's: milliseconds beyond what the microseconds of a Result hold are refused, not
// overflowed.
TEST(JsonNumberTest, MillisecondsBeyondMicrosecondsAreRefused) {
  std::string huge = R"({"type":"result","index":0,"url":"http://h/a","ms":139501803333333333})";
  JsonLineRecord record;
  const Status s = JsonLineReader().Read(huge, record);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("\"ms\" has a value of the wrong type"), std::string::npos)
      << s.message();
  // The largest that fits reads back, in a line as the sink writes it.
  Result r;
  r.origin.line = 1;
  r.origin.url = "http://h/a";
  r.transfer.elapsed = std::chrono::milliseconds(9223372036854775);
  SinkBuffers buffers;
  JsonLinesSink(buffers).Add(r);
  std::string line = buffers.out.substr(0, buffers.out.find('\n'));
  const Status ok = JsonLineReader().Read(line, record);
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(record.result.result.transfer.elapsed, r.transfer.elapsed);
}

}  // namespace
}  // namespace fetchpool
