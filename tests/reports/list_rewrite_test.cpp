// --rewrite's copy of a list: only the moved URLs change, byte for byte.
#include "fetchpool/reports/list_rewrite.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <memory>
#include <vector>

#include "fetchpool/core/result.hpp"
#include "fetchpool/reports/rewrite_sink.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

using testing::ReadFile;
using testing::TempDir;

TEST(ListRewriteTest, ReplacesOnlyTheMovedUrlsAndKeepsEveryOtherByte) {
  TempDir dir;
  const std::string list =
      "\xEF\xBB\xBFhttp://a/old\n"  // a BOM before the first URL
      "# a comment http://a/old\n"
      "\n"
      "   \thttp://b/moved   status=200 contains=x\r\n"  // indentation, checks, CRLF
      "http://c/kept\n"
      "http://d/last";  // no final newline
  const std::string in = dir.Write("urls.txt", list);
  const std::vector<UrlReplacement> moved = {{1, "http://a/old", "https://a/new"},
                                             {4, "http://b/moved", "https://b/moved/"},
                                             {6, "http://d/last", "http://d/x?y#z"}};
  ASSERT_TRUE(RewriteList(in, dir / "fixed.txt", moved).ok());
  EXPECT_EQ(ReadFile(dir / "fixed.txt"),
            "\xEF\xBB\xBFhttps://a/new\n"
            "# a comment http://a/old\n"
            "\n"
            "   \thttps://b/moved/   status=200 contains=x\r\n"
            "http://c/kept\n"
            "http://d/x?y#z");
  EXPECT_EQ(ReadFile(in), list) << "the input is untouched";
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"fixed.txt", "urls.txt"})) << "no temp left";
}

TEST(ListRewriteTest, RewritesTheListInPlaceWithItsPermissions) {
  TempDir dir;
  const std::string in = dir.Write("urls.txt", "http://a/old\n");
  ASSERT_EQ(::chmod(in.c_str(), 0640), 0);
  const std::vector<UrlReplacement> moved = {{1, "http://a/old", "http://a/new"}};
  ASSERT_TRUE(RewriteList(in, in, moved).ok());
  EXPECT_EQ(ReadFile(in), "http://a/new\n");
  struct stat st {};
  ASSERT_EQ(::stat(in.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST(ListRewriteTest, AListThatChangedMeanwhileIsNotWritten) {
  TempDir dir;
  const std::string in = dir.Write("urls.txt", "http://a/other\n");
  std::vector<UrlReplacement> moved = {{1, "http://a/old", "http://a/new"}};
  Status s = RewriteList(in, dir / "fixed.txt", moved);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("changed during the run"), std::string::npos) << s.message();
  moved = {{7, "http://a/old", "http://a/new"}};
  EXPECT_FALSE(RewriteList(in, dir / "fixed.txt", moved).ok());
  EXPECT_EQ(dir.List(), std::vector<std::string>{"urls.txt"});
}

TEST(ListRewriteTest, AnUnwritablePlaceIsRefusedUpFront) {
  TempDir dir;
  EXPECT_TRUE(CheckRewritable(dir / "fixed.txt").ok());
  EXPECT_FALSE(CheckRewritable(dir / "missing/fixed.txt").ok());
  const Status directory = CheckRewritable(dir.path());
  EXPECT_FALSE(directory.ok());
  EXPECT_NE(directory.message().find("Is a directory"), std::string::npos) << directory.message();
  EXPECT_EQ(dir.List(), std::vector<std::string>{}) << "the probe leaves nothing";
}

InputOptions Lists(std::vector<std::string> files) {
  InputOptions input;
  input.files = std::move(files);
  return input;
}

TEST(RewriteSinkTest, RefusesStdinPipesAndSeveralListsForOneFile) {
  TempDir dir;
  const std::string a = dir.Write("a.txt", "http://a/\n");
  const std::string b = dir.Write("b.txt", "http://b/\n");
  std::unique_ptr<ResultSink> sink;
  EXPECT_FALSE(RewriteSink::Create(Lists({}), dir / "out", "", &sink).ok());
  EXPECT_FALSE(RewriteSink::Create(Lists({a, "-"}), "", ".fixed", &sink).ok());
  const Status several = RewriteSink::Create(Lists({a, b}), dir / "out", "", &sink);
  EXPECT_FALSE(several.ok());
  EXPECT_NE(several.message().find("--rewrite-suffix"), std::string::npos) << several.message();
  EXPECT_FALSE(RewriteSink::Create(Lists({a, a + ".fixed"}), "", ".fixed", &sink).ok())
      << "a copy must not overwrite another input";
  const Status fifo = RewriteSink::Create(Lists({"/dev/null"}), dir / "out", "", &sink);
  EXPECT_FALSE(fifo.ok()) << "a device (or a pipe) cannot be read a second time";
  EXPECT_NE(fifo.message().find("regular file"), std::string::npos) << fifo.message();
  EXPECT_TRUE(RewriteSink::Create(Lists({a, b}), "", ".fixed", &sink).ok());
}

TEST(RewriteSinkTest, RefusesInputsThatAreNotUrlLists) {
  TempDir dir;
  const std::string doc = dir.Write("guide.md", "See <http://a/>.\n");
  std::unique_ptr<ResultSink> sink;
  InputOptions extract = Lists({doc});
  extract.mode = InputMode::kExtract;
  const Status s = RewriteSink::Create(extract, "", ".fixed", &sink);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--input extract"), std::string::npos) << s.message();
  InputOptions sitemap = Lists({doc});
  sitemap.sitemaps = {"https://example.com/sitemap.xml"};
  EXPECT_FALSE(RewriteSink::Create(sitemap, "", ".fixed", &sink).ok());
  EXPECT_EQ(dir.List(), std::vector<std::string>{"guide.md"}) << "nothing written";
}

TEST(RewriteSinkTest, WritesEachListBesideItWithItsOwnMovedUrls) {
  TempDir dir;
  const std::string a = dir.Write("a.txt", "http://a/1\nhttp://a/2\n");
  const std::string b = dir.Write("b.txt", "http://b/1\n");
  std::unique_ptr<ResultSink> sink;
  ASSERT_TRUE(RewriteSink::Create(Lists({a, b}), "", ".fixed", &sink).ok());
  auto moved = [](const std::string& input, std::uint64_t line, std::string url, std::string to,
                  Relocation how) {
    Result r;
    r.origin.input = input;
    r.origin.line = line;
    r.origin.url = std::move(url);
    r.verdict.ok = true;
    r.verdict.relocation = how;
    r.verdict.moved_to = std::move(to);
    return r;
  };
  sink->Add(moved(b, 1, "http://b/1", "http://b/one", Relocation::kMoved));
  sink->Add(moved(a, 2, "http://a/2", "http://a/two", Relocation::kMoved));
  sink->Add(moved(a, 1, "http://a/1", "https://a/1", Relocation::kUpgraded));
  const Summary summary;
  const LatencyStats latency;
  ASSERT_TRUE(sink->Finish({.summary = summary, .latency = latency}).ok());
  EXPECT_EQ(ReadFile(a + ".fixed"), "http://a/1\nhttp://a/two\n") << "upgrades stay as they are";
  EXPECT_EQ(ReadFile(b + ".fixed"), "http://b/one\n");
}

}  // namespace
}  // namespace fetchpool
