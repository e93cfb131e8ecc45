// The bounded top-N of the slowest URLs (Markdown report).
#include "fetchpool/reports/slowest_urls.hpp"

#include <gtest/gtest.h>

#include "ci_report_samples.hpp"

namespace fetchpool {
namespace {

TEST(SlowestUrlsTest, KeepsTheSlowestInBoundedMemory) {
  SlowestUrls slowest(10);
  for (std::uint64_t i = 0; i < 1000; ++i) {
    slowest.Add(
        Ok("http://h/" + std::to_string(i), std::chrono::milliseconds((i * 7919) % 1000), i));
  }
  const std::vector<SlowestUrls::Entry> top = slowest.Sorted();
  ASSERT_EQ(top.size(), 10u);
  for (std::size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(top[i].elapsed, std::chrono::milliseconds(999 - i)) << i;
  }
}

}  // namespace
}  // namespace fetchpool
