#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fetchpool/core/input_options.hpp"
#include "fetchpool/output/result_sink.hpp"
#include "fetchpool/reports/list_rewrite.hpp"

namespace fetchpool {

// --rewrite FILE and --rewrite-suffix SUFFIX: after the run, a copy of each input list with every
// moved URL (Relocation::kMoved, ok or warned) replaced by where it moved to (list_rewrite.hpp).
// Holds only the moved URLs until then.
// Thread-compatible: owned by the printer.
class RewriteSink final : public ResultSink {
 public:
  // `input.files` as on the command line. `path`: the copy of the one input; `suffix`: each
  // input's copy is INPUT + SUFFIX. Refuses stdin (it cannot be read again), inputs that are not
  // URL lists (--extract, --input grep|diff, --sitemap), several inputs with `path`, and a copy
  // that would overwrite another input or could not be created.
  static Status Create(const InputOptions& input, const std::string& path,
                       const std::string& suffix, std::unique_ptr<ResultSink>* out);

  void Add(const Result& result) override;
  // Writes every copy, the lists unchanged where nothing moved; an interrupted run fixes what it
  // saw.
  Status Finish(const RunTotals& totals) override;

 private:
  struct Target {
    std::string input;
    std::string output;
    std::vector<UrlReplacement> moved;
  };
  explicit RewriteSink(std::vector<Target> targets) : targets_(std::move(targets)) {}

  std::vector<Target> targets_;
};

}  // namespace fetchpool
