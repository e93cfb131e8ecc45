// --annotate github: GitHub Actions workflow commands and their escaping.
#include "fetchpool/output/annotation_sink.hpp"

#include <gtest/gtest.h>

#include "ci_report_samples.hpp"

namespace fetchpool {
namespace {

TEST(GithubAnnotationTest, OneWorkflowCommandPerFailedOrWarnedUrl) {
  Result fail = Failure("http://h/missing", ErrorKind::kHttpStatus, "HTTP 404", 7, "docs/urls.txt");
  EXPECT_EQ(
      GithubAnnotation(fail),
      "::error file=docs/urls.txt,line=7,title=fetchpool::http://h/missing \u2014 HTTP 404\n");
  fail.verdict.warning = true;
  EXPECT_EQ(GithubAnnotation(fail),
            "::warning file=docs/urls.txt,line=7,title=fetchpool::"
            "http://h/missing \u2014 HTTP 404\n");
  Result from_stdin =
      Failure("http://h/", ErrorKind::kConnect, "connection refused", 2, kStdinName);
  EXPECT_EQ(GithubAnnotation(from_stdin),
            "::error line=2,title=fetchpool::http://h/ \u2014 connection refused\n");
  EXPECT_EQ(GithubAnnotation(Ok("http://h/", 1ms)), "");
  EXPECT_EQ(GithubAnnotation(Failure("http://h/", ErrorKind::kAborted, "aborted")), "");
}

TEST(GithubAnnotationTest, EscapesAsGithubDocuments) {
  EXPECT_EQ(EscapeGithubData("a%b\rc\nd:e,f"), "a%25b%0Dc%0Ad:e,f");
  EXPECT_EQ(EscapeGithubProperty("a%b\rc\nd:e,f"), "a%25b%0Dc%0Ad%3Ae%2Cf");
  Result r = Failure(kHostileUrl, ErrorKind::kOther, "bad\r\nreason 100%", 3, "a,b:c%.txt");
  const std::string line = GithubAnnotation(r);
  EXPECT_TRUE(line.starts_with("::error file=a%2Cb%3Ac%25.txt,line=3,title=fetchpool::")) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line, whatever the input";
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << "control bytes are shown as \\xNN";
  EXPECT_NE(line.find("\\x0d\\x0areason 100%25"), std::string::npos) << line;
}

TEST(GithubAnnotationTest, FollowsEachTextLineOnStdout) {
  SinkBuffers buffers;
  std::unique_ptr<ResultSink> sink =
      MakeStdoutSink({.format = OutputFormat::kText, .github_annotations = true}, buffers);
  sink->Add(Ok("http://h/ok", 1ms));
  sink->Add(Failure("http://h/x", ErrorKind::kHttpStatus, "HTTP 500", 2));
  Summary s;
  LatencyStats l;
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = l}).ok());
  EXPECT_EQ(buffers.out,
            "[OK]   http://h/ok (0.0KB, 1ms)\n"
            "[FAIL] http://h/x (HTTP 500, 5ms)\n"
            "::error file=urls.txt,line=2,title=fetchpool::http://h/x \u2014 HTTP 500\n"
            "Summary: 0 total, 0 ok, 0 failed, 0.00s elapsed\n");
}

TEST(GithubAnnotationTest, AnInterruptedRunEndsWithAWarningThatSaysSo) {
  Summary s;
  s.total = 3;
  s.aborted = 2;
  LatencyStats l;
  EXPECT_EQ(GithubInterruptedAnnotation({.summary = s, .latency = l}), "") << "not interrupted";
  EXPECT_EQ(GithubInterruptedAnnotation({.summary = s, .latency = l, .interrupted = true}),
            "::warning title=fetchpool interrupted::The run was stopped before it finished: only "
            "the 3 URLs that finished were checked (2 in progress were aborted).\n");
  SinkBuffers buffers;
  std::unique_ptr<ResultSink> sink =
      MakeStdoutSink({.format = OutputFormat::kText, .github_annotations = true}, buffers);
  ASSERT_TRUE(sink->Finish({.summary = s, .latency = l, .interrupted = true}).ok());
  EXPECT_TRUE(buffers.out.starts_with("::warning title=fetchpool interrupted::")) << buffers.out;
  EXPECT_NE(buffers.out.find("\nSummary: "), std::string::npos) << "before the summary";
}

}  // namespace
}  // namespace fetchpool
