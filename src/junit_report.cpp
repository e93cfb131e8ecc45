#include "fetchpool/junit_report.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>

#include "fetchpool/formatter.hpp"
#include "fetchpool/utf8.hpp"

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

std::unique_ptr<JUnitReport> JUnitReport::Create(const std::string& path, std::string& error) {
  std::string cases_path = path + ".cases-XXXXXX";
  const int fd = ::mkstemp(cases_path.data());
  if (fd < 0) {
    error = fmt::format("cannot write JUnit report '{}': {}", path, std::strerror(errno));
    return nullptr;
  }
  std::FILE* cases = ::fdopen(fd, "w+");
  if (cases == nullptr) {
    error = fmt::format("cannot write JUnit report '{}': {}", path, std::strerror(errno));
    ::close(fd);
    ::unlink(cases_path.c_str());
    return nullptr;
  }
  return std::unique_ptr<JUnitReport>(new JUnitReport(path, std::move(cases_path), cases));
}

JUnitReport::JUnitReport(std::string path, std::string cases_path, std::FILE* cases)
    : path_(std::move(path)), cases_path_(std::move(cases_path)), cases_(cases) {}

JUnitReport::~JUnitReport() {
  if (cases_ != nullptr) std::fclose(cases_);
  ::unlink(cases_path_.c_str());
}

void JUnitReport::Add(const Result& r) {
  if (r.error_kind == ErrorKind::kAborted) return;
  const double seconds = static_cast<double>(r.elapsed.count()) / 1e6;
  std::string xml = fmt::format(R"(    <testcase name="{}" classname="fetchpool" time="{:.3f}")",
                                XmlEscape(r.url), seconds);
  if (r.ok) {
    xml += "/>\n";
  } else {
    fmt::format_to(std::back_inserter(xml),
                   ">\n      <failure message=\"{}\" type=\"{}\">{}: {}</failure>\n"
                   "    </testcase>\n",
                   XmlEscape(r.error), ErrorKindName(r.error_kind), XmlEscape(r.url),
                   XmlEscape(r.error));
  }
  std::fwrite(xml.data(), 1, xml.size(), cases_);
}

std::string JUnitReport::Finish(const Summary& s) {
  if (finished_) return {};
  finished_ = true;
  auto fail = [&](const char* what) {
    return fmt::format("cannot write JUnit report '{}': {}: {}", path_, what, std::strerror(errno));
  };
  std::string tmp = path_ + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return fail("create");
  std::FILE* out = ::fdopen(fd, "w");
  if (out == nullptr) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail("open");
  }
  const std::string head = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"fetchpool\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" "
      "time=\"{2:.3f}\">\n"
      "  <testsuite name=\"fetchpool\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" "
      "skipped=\"0\" time=\"{2:.3f}\">\n",
      s.total, s.failed, s.elapsed_s);
  std::fwrite(head.data(), 1, head.size(), out);
  std::fflush(cases_);
  std::rewind(cases_);
  char buf[64 * 1024];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, cases_)) > 0) std::fwrite(buf, 1, n, out);
  const bool read_failed = std::ferror(cases_) != 0;
  static constexpr std::string_view kTail = "  </testsuite>\n</testsuites>\n";
  std::fwrite(kTail.data(), 1, kTail.size(), out);
  const bool write_failed = std::ferror(out) != 0 || std::fflush(out) != 0;
  ::fchmod(::fileno(out), 0644);
  if (std::fclose(out) != 0 || write_failed || read_failed) {
    ::unlink(tmp.c_str());
    return fail("write");
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail("rename");
  }
  return {};
}

}  // namespace fetchpool
