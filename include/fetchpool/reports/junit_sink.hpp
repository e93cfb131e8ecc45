#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "fetchpool/output/result_sink.hpp"
#include "fetchpool/reports/stitched_file.hpp"

namespace fetchpool {

// --junit FILE: a JUnit XML report that CI systems display, one testcase per URL. Test cases
// stream to a temporary file, so memory stays flat; Finish writes the totals header above them
// and renames the report into place.
// Thread-compatible: owned by the printer.
class JUnitSink final : public ResultSink {
 public:
  // Fails (before anything is fetched) when the report file cannot be created.
  static Status Create(const std::string& path, std::unique_ptr<ResultSink>* out);

  void Add(const Result& result) override;
  Status Finish(const RunTotals& totals) override;

 private:
  explicit JUnitSink(std::unique_ptr<StitchedFile> file) : file_(std::move(file)) {}
  std::unique_ptr<StitchedFile> file_;
};

// Escapes text for XML 1.0 attribute or element content: markup characters become entities;
// bytes XML cannot carry (control characters, invalid UTF-8) become the visible text "\xNN".
std::string XmlEscape(std::string_view text);

}  // namespace fetchpool
