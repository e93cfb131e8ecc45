#include "fetchpool/cli/report_sinks.hpp"

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

}  // namespace

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
  Status s = AddIfAsked(o.junit_path, JUnitSink::Create, reports);
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
