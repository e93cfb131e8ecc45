#include "fetchpool/reports/junit_sink.hpp"

#include <fmt/format.h>

#include <iterator>

#include "fetchpool/core/error_kinds.hpp"
#include "fetchpool/output/report.hpp"
#include "fetchpool/util/utf8.hpp"

namespace fetchpool {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
      ++i;
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

Status JUnitSink::Create(const std::string& path, std::unique_ptr<ResultSink>* out) {
  std::unique_ptr<StitchedFile> file;
  if (Status s = StitchedFile::Create(path, "JUnit report", &file); !s.ok()) return s;
  out->reset(new JUnitSink(std::move(file)));
  return Status::Ok();
}

void JUnitSink::Add(const Result& r) {
  if (r.verdict.error_kind == ErrorKind::kAborted) return;
  const double seconds = static_cast<double>(r.transfer.elapsed.count()) / 1e6;
  // --each-address: a case per address.
  const std::string name = XmlEscape(
      r.origin.address.empty() ? r.origin.url : r.origin.url + " [" + r.origin.address + "]");
  std::string xml =
      fmt::format(R"(    <testcase name="{}" classname="fetchpool" time="{:.3f}")", name, seconds);
  // Where the URL is, as pytest and others write it (GitLab shows the file).
  if (r.origin.input != kStdinName)
    fmt::format_to(std::back_inserter(xml), R"( file="{}")", XmlEscape(r.origin.input));
  if (r.origin.line > 0) fmt::format_to(std::back_inserter(xml), R"( line="{}")", r.origin.line);
  const std::string reason = r.verdict.ok ? std::string() : FullReason(r);
  if (r.verdict.ok) {
    xml += "/>\n";
  } else if (r.verdict.warning) {
    // JUnit has no warning level: the case passes, and says why it was not ok.
    fmt::format_to(std::back_inserter(xml),
                   ">\n      <system-out>warning ({}): {}: {}</system-out>\n    </testcase>\n",
                   ErrorKindName(r.verdict.error_kind), name, XmlEscape(reason));
  } else {
    fmt::format_to(std::back_inserter(xml),
                   ">\n      <failure message=\"{}\" type=\"{}\">{}: {}</failure>\n"
                   "    </testcase>\n",
                   XmlEscape(reason), ErrorKindName(r.verdict.error_kind), name, XmlEscape(reason));
  }
  file_->Append(xml);
}

Status JUnitSink::Finish(const RunTotals& totals) {
  const Summary& s = totals.summary;
  const std::string head = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"fetchpool\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" "
      "time=\"{2:.3f}\">\n"
      "  <testsuite name=\"fetchpool\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" "
      "skipped=\"0\" time=\"{2:.3f}\">\n{3}",
      s.total, s.failed, s.elapsed_s,
      totals.interrupted
          ? "    <properties>\n      <property name=\"interrupted\" value=\"true\"/>\n"
            "    </properties>\n"
          : "");
  return file_->Commit(head, "  </testsuite>\n</testsuites>\n");
}

}  // namespace fetchpool
