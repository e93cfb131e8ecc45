#include "fetchpool/input_count.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

TEST(InputCountTest, CountsWhatTheReaderWouldSubmit) {
  testing::TempDir dir;
  InputOptions in;
  in.files = {
      dir.Write("a.txt",
                "\xEF\xBB\xBF# comment\nhttp://a/\n\n   \r\nnot a url\n  http://b/ status=200\n"),
      dir.Write("b.txt", "http://c/")};  // no final newline
  EXPECT_EQ(CountUrls(in, {}), std::optional<std::uint64_t>(4));
}

TEST(InputCountTest, HonoursTheShard) {
  testing::TempDir dir;
  std::string list;
  std::uint64_t taken = 0;
  const Shard shard = *Shard::Parse("2/3");
  for (int i = 0; i < 300; ++i) {
    const std::string url = "http://h/" + std::to_string(i);
    list += url + "\n";
    if (shard.Takes(url)) ++taken;
  }
  InputOptions in;
  in.files = {dir.Write("a.txt", list)};
  in.shard = shard;
  EXPECT_EQ(CountUrls(in, {}), std::optional<std::uint64_t>(taken));
}

TEST(InputCountTest, APipeHasNoCountUpFront) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  InputOptions in;
  in.files = {"/dev/fd/" + std::to_string(fds[0])};
  EXPECT_EQ(CountUrls(in, {}), std::nullopt);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace fetchpool
