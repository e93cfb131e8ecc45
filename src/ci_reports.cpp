#include "fetchpool/ci_reports.hpp"

#include "fetchpool/codequality_sink.hpp"
#include "fetchpool/markdown_sink.hpp"
#include "fetchpool/sarif_sink.hpp"

namespace fetchpool {

Status AddCiReports(const Options& options, std::vector<std::unique_ptr<ResultSink>>& reports) {
  const OutputOptions& o = options.output;
  std::unique_ptr<ResultSink> sink;
  if (!o.markdown_path.empty()) {
    if (Status s = MarkdownSink::Create(o.markdown_path, &sink); !s.ok()) return s;
    reports.push_back(std::move(sink));
  }
  if (!o.sarif_path.empty()) {
    if (Status s = SarifSink::Create(o.sarif_path, &sink); !s.ok()) return s;
    reports.push_back(std::move(sink));
  }
  if (!o.codequality_path.empty()) {
    Status s = CodeQualitySink::Create(o.codequality_path, options.input.files, &sink);
    if (!s.ok()) return s;
    reports.push_back(std::move(sink));
  }
  return Status::Ok();
}

}  // namespace fetchpool
