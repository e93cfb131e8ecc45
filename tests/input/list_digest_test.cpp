#include "fetchpool/input/list_digest.hpp"

#include <gtest/gtest.h>

#include <string>

#include "fetchpool/input/url_reader.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

// The list identity ReadUrls gives for `text`, read as one file, with --shard `shard` (or none).
ListIdentity IdentityOf(const std::string& text, const char* shard = nullptr) {
  testing::TempDir dir;
  InputOptions input{.files = {dir.Write("urls.txt", text)}};
  if (shard != nullptr) input.shard = Shard::Parse(shard);
  const ReadOutcome out = ReadUrls(input, {.submit = [](Job) { return true; }}, {});
  EXPECT_TRUE(out.error.ok()) << out.error.message();
  return out.list;
}

TEST(ListDigestTest, EveryShardOfAListHasItsIdentity) {
  std::string text = "# links\n";
  for (int i = 0; i < 50; ++i) text += "http://h/" + std::to_string(i) + " status=200\n";
  const ListIdentity whole = IdentityOf(text);
  EXPECT_EQ(whole.urls, 50u);
  EXPECT_TRUE(whole.digest.starts_with("sha256:")) << whole.digest;
  EXPECT_EQ(whole.digest.size(), 7u + 64u);
  for (const char* shard : {"1/3", "2/3", "3/3"}) {
    EXPECT_EQ(IdentityOf(text, shard).digest, whole.digest) << shard;
    EXPECT_EQ(IdentityOf(text, shard).urls, 50u) << shard;
  }
}

TEST(ListDigestTest, LayoutDoesNotMatterButUrlsChecksAndOrderDo) {
  const std::string base = IdentityOf("http://a/\nhttp://b/ status=200\n").digest;
  EXPECT_EQ(IdentityOf("\xEF\xBB\xBF# c\n  http://a/ \r\n\nhttp://b/ status=200").digest, base);
  EXPECT_NE(IdentityOf("http://a/\nhttp://b/ status=404\n").digest, base);
  EXPECT_NE(IdentityOf("http://b/ status=200\nhttp://a/\n").digest, base);
  EXPECT_NE(IdentityOf("http://a/\nhttp://c/ status=200\n").digest, base);
}

TEST(ListDigestTest, StraightFromTheDigest) {
  ListDigest digest;
  EXPECT_EQ(digest.Finish().digest,
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
      << "nothing added: SHA-256 of nothing";
  ListDigest one;
  one.Add("abc");
  EXPECT_EQ(one.Finish().digest,
            "sha256:edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb")
      << "SHA-256 of \"abc\\n\"";
}

}  // namespace
}  // namespace fetchpool
