#include "fetchpool/output/annotation_sink.hpp"

#include <fmt/format.h>

#include <iterator>

#include "fetchpool/output/report.hpp"

namespace fetchpool {
namespace {

std::string Escape(std::string_view text, bool property) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Thread-safety: none, like every sink: the printer thread alone calls it.
class GithubAnnotationSink final : public ResultSink {
 public:
  GithubAnnotationSink(std::unique_ptr<ResultSink> inner, SinkBuffers& buffers)
      : inner_(std::move(inner)), buffers_(buffers) {}

  void Add(const Result& result) override {
    inner_->Add(result);
    buffers_.out += GithubAnnotation(result);
  }
  void AddHostStats(const std::vector<HostStatsRow>& rows) override { inner_->AddHostStats(rows); }
  Status Finish(const RunTotals& totals) override {
    buffers_.out += GithubInterruptedAnnotation(totals);
    return inner_->Finish(totals);
  }

 private:
  std::unique_ptr<ResultSink> inner_;
  SinkBuffers& buffers_;
};

}  // namespace

std::string EscapeGithubData(std::string_view text) { return Escape(text, false); }
std::string EscapeGithubProperty(std::string_view text) { return Escape(text, true); }

std::string GithubAnnotation(const Result& result) {
  if (result.verdict.ok || result.verdict.error_kind == ErrorKind::kAborted) return {};
  std::string out = result.verdict.warning ? "::warning " : "::error ";
  if (result.origin.input != kStdinName) {
    // The name exactly as given (GitHub undoes the escaping); it is the user's, not the list's.
    fmt::format_to(std::back_inserter(out), "file={},", EscapeGithubProperty(result.origin.input));
  }
  if (result.origin.line > 0)
    fmt::format_to(std::back_inserter(out), "line={},", result.origin.line);
  if (result.origin.line > 0 && result.origin.column > 0) {
    fmt::format_to(std::back_inserter(out), "col={},", result.origin.column);
  }
  out += "title=fetchpool::";
  // The URL and the reason come from the list and from servers: control bytes become visible
  // \xNN first, as on the text lines, so nothing reaches the log that could drive a terminal.
  std::string data;
  AppendEscaped(data, result.origin.url);
  if (!result.origin.address.empty()) {  // --each-address
    data += " [";
    AppendEscaped(data, result.origin.address);
    data += ']';
  }
  data += " \u2014 ";
  AppendEscaped(data, FullReason(result));
  out += EscapeGithubData(data);
  out += '\n';
  return out;
}

std::string GithubInterruptedAnnotation(const RunTotals& totals) {
  if (!totals.interrupted) return {};
  const Summary& s = totals.summary;
  std::string data = fmt::format(
      "The run was stopped before it finished: only the {} URL{} that finished {} checked", s.total,
      s.total == 1 ? "" : "s", s.total == 1 ? "was" : "were");
  if (s.aborted > 0) {
    fmt::format_to(std::back_inserter(data), " ({} in progress {} aborted)", s.aborted,
                   s.aborted == 1 ? "was" : "were");
  }
  return "::warning title=fetchpool interrupted::" + EscapeGithubData(data) + ".\n";
}

std::unique_ptr<ResultSink> MakeGithubAnnotationSink(std::unique_ptr<ResultSink> inner,
                                                     SinkBuffers& buffers) {
  return std::make_unique<GithubAnnotationSink>(std::move(inner), buffers);
}

}  // namespace fetchpool
