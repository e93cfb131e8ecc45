// The text modes (--extract, --input grep, --input diff) through the reader itself, and the
// progress counter's agreement with it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fetchpool/input/input_count.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

struct Seen {
  std::string input;
  std::uint64_t line;
  std::uint32_t column;
  std::string url;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << s.input << ":" << s.line << ":" << s.column << " " << s.url;
}

std::vector<Seen> Read(const InputOptions& in, OriginNames& names,
                       const UrlKeySet* baseline = nullptr) {
  std::vector<Seen> seen;
  const ReadOutcome out =
      ReadUrls(in,
               {.submit =
                    [&](Job job) {
                      seen.push_back({std::string(job.origin.input), job.origin.line,
                                      job.origin.column, job.origin.url});
                      return true;
                    },
                .names = &names,
                .baseline = baseline},
               {});
  EXPECT_TRUE(out.error.ok()) << out.error.message();
  EXPECT_EQ(out.urls, seen.size());
  return seen;
}

TEST(TextInputsTest, ExtractKeepsEachUrlsLineAndColumn) {
  testing::TempDir dir;
  InputOptions in;
  in.mode = InputMode::kExtract;
  in.files = {dir.Write("a.md",
                        "# Title\n"
                        "See [docs](https://docs.example/a) and <https://b.example/>.\n"
                        "\n"
                        "K\xC3\xB6ln: https://c.example/k\xC3\xB6ln, done\n")};
  OriginNames names;
  EXPECT_EQ(Read(in, names),
            (std::vector<Seen>{{in.files[0], 2, 12, "https://docs.example/a"},
                               {in.files[0], 2, 41, "https://b.example/"},
                               {in.files[0], 4, 7, "https://c.example/k\xC3\xB6ln"}}));
}

TEST(TextInputsTest, GrepOutputPointsAtTheGreppedFiles) {
  testing::TempDir dir;
  InputOptions in;
  in.mode = InputMode::kGrep;
  in.files = {dir.Write("grep.txt",
                        "docs/a.md:3:see https://a.example/x and https://a.example/y\n"
                        "docs/b.md:10:7:  https://b.example/\n"
                        "docs/b.md:10:30:  https://b.example/\n"  // rg --vimgrep, again
                        "docs/b.md-11-context https://ctx.example/\n"
                        "Binary file docs/c.png matches\n")};
  OriginNames names;
  EXPECT_EQ(Read(in, names), (std::vector<Seen>{{"docs/a.md", 3, 5, "https://a.example/x"},
                                                {"docs/a.md", 3, 29, "https://a.example/y"},
                                                {"docs/b.md", 10, 3, "https://b.example/"},
                                                {in.files[0], 4, 22, "https://ctx.example/"}}));
  EXPECT_EQ(names.size(), 2u);
}

TEST(TextInputsTest, DiffReadsOnlyAddedLines) {
  testing::TempDir dir;
  InputOptions in;
  in.mode = InputMode::kDiff;
  in.files = {dir.Write("pr.diff",
                        "diff --git a/docs/a.md b/docs/a.md\n"
                        "--- a/docs/a.md\n"
                        "+++ b/docs/a.md\n"
                        "@@ -4,2 +4,3 @@\n"
                        " keep https://kept.example/\n"
                        "-gone https://removed.example/\n"
                        "+new [x](https://added.example/) here\n"
                        "+and https://also.example/\n")};
  OriginNames names;
  EXPECT_EQ(Read(in, names), (std::vector<Seen>{{"docs/a.md", 5, 9, "https://added.example/"},
                                                {"docs/a.md", 6, 5, "https://also.example/"}}));
}

TEST(TextInputsTest, AnOverlongLineIsOneFailedJob) {
  testing::TempDir dir;
  InputOptions in;
  in.mode = InputMode::kExtract;
  in.files = {dir.Write("big.html", "https://a.example/ " + std::string(kMaxTextLineBytes, 'x') +
                                        " https://lost.example/\nhttps://b.example/\n")};
  std::vector<Job> jobs;
  OriginNames names;
  ReadUrls(in,
           {.submit =
                [&](Job job) {
                  jobs.push_back(std::move(job));
                  return true;
                },
            .names = &names},
           {});
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_TRUE(jobs[0].origin.url.starts_with("https://a.example/ xxx"));
  EXPECT_TRUE(jobs[0].origin.url.ends_with("..."));
  EXPECT_EQ(jobs[0].target.invalid, "line too long (over 1048576 bytes): its URLs were not read");
  EXPECT_EQ(jobs[1].origin.url, "https://b.example/");
  EXPECT_EQ(jobs[1].origin.line, 2u);
}

// The progress line's total must be what the reader submits, in every mode, sharded or not,
// with --baseline-skip or not.
TEST(TextInputsTest, TheCounterAgreesWithTheReaderInEveryMode) {
  testing::TempDir dir;
  std::string doc, grep, diff = "--- a/d.md\n+++ b/d.md\n@@ -1,0 +1,300 @@\n";
  for (int i = 0; i < 300; ++i) {
    const std::string n = std::to_string(i);
    const std::string line = "t https://h" + n + ".example/a <https://h.example/" + n +
                             "> [x](https://h.example/p" + n + ")";
    doc += line + "\n";
    grep += "d.md:" + n + "1:" + line + "\n";
    if (i % 7 == 0) grep += "d.md:" + n + "1:9:" + line + "\n";  // a vimgrep repeat
    diff += "+" + line + "\n";
  }
  doc += std::string(kMaxTextLineBytes + 5, 'y');  // overlong, no final newline
  UrlKeySet baseline;
  for (int i = 0; i < 300; i += 3) baseline.Insert("https://h.example/" + std::to_string(i));
  for (const auto& [mode, text] : std::vector<std::pair<InputMode, std::string>>{
           {InputMode::kExtract, doc}, {InputMode::kGrep, grep}, {InputMode::kDiff, diff}}) {
    InputOptions in;
    in.mode = mode;
    in.files = {dir.Write("input", text)};
    for (const char* shard : {"", "2/3"}) {
      for (bool skip : {false, true}) {
        in.shard = *shard ? Shard::Parse(shard) : std::nullopt;
        in.baseline_skip = skip;
        OriginNames names;
        const std::size_t read = Read(in, names, &baseline).size();
        EXPECT_EQ(CountUrls(in, &baseline, {}), std::optional<std::uint64_t>(read))
            << static_cast<int>(mode) << " " << shard << " " << skip;
        if (!*shard && !skip) {
          EXPECT_GE(read, 900u);
        }
      }
    }
  }
}

}  // namespace
}  // namespace fetchpool
