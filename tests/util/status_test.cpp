#include "fetchpool/util/status.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <thread>
#include <vector>

namespace fetchpool {
namespace {

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_TRUE(Status().ok());
  const Status e = Status::Error("cannot read 'x': is a directory");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.message(), "cannot read 'x': is a directory");
  EXPECT_EQ(e.errno_code(), 0);
  const Status n = Status::FromErrno("cannot open 'x'", ENOENT);
  EXPECT_EQ(n.message(), "cannot open 'x': No such file or directory");
  EXPECT_EQ(n.errno_code(), ENOENT);
}

TEST(StatusTest, ErrnoTextIsSafeFromManyThreads) {
  std::vector<std::jthread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 1000; ++i) {
        const int err = t % 2 == 0 ? ENOSPC : EACCES;
        EXPECT_EQ(ErrnoText(err), err == ENOSPC ? "No space left on device" : "Permission denied");
      }
    });
  }
  threads.clear();
  EXPECT_EQ(ErrnoText(123456), "Unknown error 123456");
}

}  // namespace
}  // namespace fetchpool
