// --extract against real documents (tests/input/corpus): every URL, its line and column, as
// listed by hand in NAME.expected.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "fetchpool/input/url_reader.hpp"

namespace fetchpool {
namespace {

const std::string kCorpus = std::string(FETCHPOOL_SOURCE_DIR) + "/tests/input/corpus/";

std::vector<std::string> Expected(const std::string& name) {
  std::ifstream in(kCorpus + name + ".expected");
  EXPECT_TRUE(in) << name;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Extracted(const std::string& name) {
  InputOptions in;
  in.mode = InputMode::kExtract;
  in.files = {kCorpus + name};
  std::vector<std::string> found;
  OriginNames names;
  const ReadOutcome out =
      ReadUrls(in,
               {.submit =
                    [&](Job job) {
                      EXPECT_EQ(job.origin.input, in.files[0]);
                      EXPECT_EQ(job.target.invalid, "") << job.origin.url;
                      found.push_back(std::to_string(job.origin.line) + ":" +
                                      std::to_string(job.origin.column) + " " + job.origin.url);
                      return true;
                    },
                .names = &names},
               {});
  EXPECT_TRUE(out.error.ok()) << out.error.message();
  return found;
}

class UrlCorpusTest : public ::testing::TestWithParam<std::string> {};

TEST_P(UrlCorpusTest, FindsExactlyTheListedUrlsWhereTheyAre) {
  EXPECT_EQ(Extracted(GetParam()), Expected(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(RealDocuments, UrlCorpusTest,
                         ::testing::Values("nodejs-BUILDING.md", "nodejs-GOVERNANCE.md",
                                           "libxslt-internals.html", "rg.1"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace fetchpool
