#pragma once

#include <memory>
#include <vector>

#include "fetchpool/core/options.hpp"
#include "fetchpool/output/result_sink.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// Creates the report files the options ask for (--junit, --markdown, --sarif, --codequality,
// --html, --rewrite) and adds their sinks to `reports`, in that order. The one place a report flag
// meets its sink. Called before anything is fetched: a report that cannot be created is a setup
// failure.
Status AddReportSinks(const Options& options, std::vector<std::unique_ptr<ResultSink>>& reports);
// The same for `fetchpool report`, without --rewrite (a run's own): `inputs` are the URL lists the
// runs read, `workers` theirs in all (0: unknown).
Status AddReportSinks(const OutputOptions& output, const std::vector<std::string>& inputs,
                      int workers, std::vector<std::unique_ptr<ResultSink>>& reports);

// Refuses a report path (or --rewrite's) that names the same file as another report's, and a
// report path that names one of `inputs`: writing there would overwrite what the run reads.
// (--rewrite may name its own input: that is rewriting the list in place.) AddReportSinks checks
// this first; `fetchpool report` also calls it for the files it reads.
Status CheckReportPaths(const OutputOptions& output, const std::vector<std::string>& inputs);

}  // namespace fetchpool
