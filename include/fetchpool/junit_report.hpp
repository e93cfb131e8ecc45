#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "fetchpool/job.hpp"
#include "fetchpool/report.hpp"

namespace fetchpool {

// Writes a JUnit XML report (one testcase per URL) that CI systems display. Test cases stream to
// a temporary file beside the target, so memory stays flat; Finish() writes the totals header,
// appends the cases and renames the result into place.
// Thread-compatible: owned by the printer.
class JUnitReport {
 public:
  // Returns null and sets `error` when the report file cannot be created.
  static std::unique_ptr<JUnitReport> Create(const std::string& path, std::string& error);
  ~JUnitReport();
  JUnitReport(const JUnitReport&) = delete;
  JUnitReport& operator=(const JUnitReport&) = delete;

  void Add(const Result& result);
  // Returns an empty string, or why the report could not be written.
  std::string Finish(const Summary& summary);

 private:
  JUnitReport(std::string path, std::string cases_path, std::FILE* cases);

  std::string path_;
  std::string cases_path_;
  std::FILE* cases_;
  bool finished_ = false;
};

// Escapes text for XML 1.0 attribute or element content: markup characters become entities;
// bytes XML cannot carry (control characters, invalid UTF-8) become the visible text "\xNN".
std::string XmlEscape(std::string_view text);

}  // namespace fetchpool
