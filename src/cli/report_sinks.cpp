#include "fetchpool/cli/report_sinks.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <string_view>

#include "fetchpool/reports/codequality_sink.hpp"
#include "fetchpool/reports/html_sink.hpp"
#include "fetchpool/reports/junit_sink.hpp"
#include "fetchpool/reports/markdown_sink.hpp"
#include "fetchpool/reports/rewrite_sink.hpp"
#include "fetchpool/reports/sarif_sink.hpp"

namespace fetchpool {
namespace {

// Adds the sink `create` makes when `path` names a report.
template <typename Create>
Status AddIfAsked(const std::string& path, Create create,
                  std::vector<std::unique_ptr<ResultSink>>& reports) {
  if (path.empty()) return Status::Ok();
  std::unique_ptr<ResultSink> sink;
  if (Status s = create(path, &sink); !s.ok()) return s;
  reports.push_back(std::move(sink));
  return Status::Ok();
}

// The same file: one path, the same spelling once resolved, or (for existing files) one inode.
bool SameFile(const std::string& a, const std::string& b) {
  if (a == b) return true;
  struct stat sa {};
  struct stat sb {};
  if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0) {
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  }
  // Absolute first: weakly_canonical leaves a relative path relative when none of it exists yet.
  std::error_code ea;
  std::error_code eb;
  const std::filesystem::path ca =
      std::filesystem::weakly_canonical(std::filesystem::absolute(a, ea), ea);
  const std::filesystem::path cb =
      std::filesystem::weakly_canonical(std::filesystem::absolute(b, eb), eb);
  return !ea && !eb && ca == cb;
}

}  // namespace

Status CheckReportPaths(const OutputOptions& o, const std::vector<std::string>& inputs) {
  struct Named {
    std::string_view flag;
    const std::string& path;
  };
  const Named outputs[] = {{"--junit", o.junit_path}, {"--markdown", o.markdown_path},
                           {"--sarif", o.sarif_path}, {"--codequality", o.codequality_path},
                           {"--html", o.html_path},   {"--rewrite", o.rewrite_path}};
  for (std::size_t i = 0; i < std::size(outputs); ++i) {
    const Named& out = outputs[i];
    if (out.path.empty()) continue;
    for (std::size_t j = 0; j < i; ++j) {
      if (!outputs[j].path.empty() && SameFile(outputs[j].path, out.path)) {
        return Status::Error(fmt::format("{} and {} both name '{}': give each its own file",
                                         outputs[j].flag, out.flag, out.path));
      }
    }
    if (out.flag == "--rewrite") continue;
    for (const std::string& input : inputs) {
      if (input != "-" && SameFile(input, out.path)) {
        return Status::Error(fmt::format("{} '{}' is also an input: the report would overwrite it",
                                         out.flag, out.path));
      }
    }
  }
  return Status::Ok();
}

Status AddReportSinks(const Options& options, std::vector<std::unique_ptr<ResultSink>>& reports) {
  Status s = AddReportSinks(options.output, options.input.files, options.pool.workers, reports);
  const OutputOptions& o = options.output;
  if (s.ok() && (!o.rewrite_path.empty() || !o.rewrite_suffix.empty())) {
    std::unique_ptr<ResultSink> sink;
    s = RewriteSink::Create(options.input, o.rewrite_path, o.rewrite_suffix, &sink);
    if (s.ok()) reports.push_back(std::move(sink));
  }
  return s;
}

Status AddReportSinks(const OutputOptions& o, const std::vector<std::string>& inputs, int workers,
                      std::vector<std::unique_ptr<ResultSink>>& reports) {
  using Sink = std::unique_ptr<ResultSink>;
  Status s = CheckReportPaths(o, inputs);
  if (s.ok()) s = AddIfAsked(o.junit_path, JUnitSink::Create, reports);
  if (s.ok()) s = AddIfAsked(o.markdown_path, MarkdownSink::Create, reports);
  if (s.ok()) s = AddIfAsked(o.sarif_path, SarifSink::Create, reports);
  if (s.ok()) {
    s = AddIfAsked(
        o.codequality_path,
        [&](const std::string& path, Sink* sink) {
          return CodeQualitySink::Create(path, inputs, sink);
        },
        reports);
  }
  if (s.ok()) {
    s = AddIfAsked(
        o.html_path,
        [&](const std::string& path, Sink* sink) { return HtmlSink::Create(path, workers, sink); },
        reports);
  }
  return s;
}

}  // namespace fetchpool
