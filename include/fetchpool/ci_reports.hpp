#pragma once

#include <memory>
#include <vector>

#include "fetchpool/options.hpp"
#include "fetchpool/result_sink.hpp"
#include "fetchpool/status.hpp"

namespace fetchpool {

// Creates the CI report files the options ask for (--markdown, --sarif, --codequality) and adds
// their sinks to `reports`. Called before anything is fetched: a report that cannot be created
// is a setup failure.
Status AddCiReports(const Options& options, std::vector<std::unique_ptr<ResultSink>>& reports);

}  // namespace fetchpool
