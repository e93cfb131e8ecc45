#include "fetchpool/input/input_count.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "fetchpool/input/url_reader.hpp"
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
  EXPECT_EQ(CountUrls(in, nullptr, {}), std::optional<std::uint64_t>(4));
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
  EXPECT_EQ(CountUrls(in, nullptr, {}), std::optional<std::uint64_t>(taken));
}

// Lines at the edges of the reader's rules: an over-long comment is still a (failed) job, and
// the shard hashes an over-long line's shown prefix, so the count must agree with ReadUrls on
// every one of them, sharded or not.
TEST(InputCountTest, AgreesWithTheReaderOnOverlongAndOddLines) {
  testing::TempDir dir;
  std::string list = "\xEF\xBB\xBFhttp://bom/\n#" + std::string(kMaxLineBytes + 10, 'c') + "\n";
  for (int i = 0; i < 60; ++i) {
    list += "  http://h/" + std::to_string(i) + "\tstatus=200\n";
    list += "http://long/" + std::to_string(i) + std::string(kMaxLineBytes, 'x') + "\n";
    list += "\v\f\r\n# http://not/" + std::to_string(i) + "\n";
  }
  list += std::string(kMaxLineBytes + 1, 'y');  // over-long, and no final newline
  InputOptions in;
  in.files = {dir.Write("a.txt", list)};
  for (const char* shard : {"", "1/3", "2/3", "3/3"}) {
    in.shard = *shard ? Shard::Parse(shard) : std::nullopt;
    std::uint64_t read = 0;
    ReadUrls(in, {.submit = [&](Job) { return ++read, true; }}, {});
    EXPECT_EQ(CountUrls(in, nullptr, {}), std::optional<std::uint64_t>(read)) << shard;
    if (!*shard) {
      EXPECT_EQ(read, 2u + 60 * 2 + 1);
    }
  }
}

TEST(InputCountTest, APipeHasNoCountUpFront) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  InputOptions in;
  in.files = {"/dev/fd/" + std::to_string(fds[0])};
  EXPECT_EQ(CountUrls(in, nullptr, {}), std::nullopt);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace fetchpool
