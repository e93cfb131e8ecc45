#include "fetchpool/util/fd_limit.hpp"

#include <gtest/gtest.h>

namespace fetchpool {
namespace {

TEST(FdLimitTest, HeldConnectionsShareHalfTheDescriptors) {
  EXPECT_EQ(HeldConnectionsPerWorker(1024, 16), 24u);     // (1024 - 256) / 2 / 16
  EXPECT_EQ(HeldConnectionsPerWorker(1 << 20, 16), 64u);  // at most 64
  EXPECT_EQ(HeldConnectionsPerWorker(1024, 1024), 1u);    // at least 1
  EXPECT_EQ(HeldConnectionsPerWorker(100, 8), 1u);
}

TEST(FdLimitTest, TheSoftLimitIsRaisedToTheHardOne) {
  EXPECT_GE(RaiseOpenFileLimit(), 1024u);
  EXPECT_EQ(RaiseOpenFileLimit(), RaiseOpenFileLimit());
}

}  // namespace
}  // namespace fetchpool
