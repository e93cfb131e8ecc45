#pragma once

#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "fetchpool/core/fetcher.hpp"
#include "fetchpool/core/job_screen.hpp"
#include "fetchpool/core/options.hpp"
#include "fetchpool/core/run_record.hpp"
#include "fetchpool/engine/run_config.hpp"
#include "fetchpool/input/read_target.hpp"
#include "fetchpool/input/url_keys.hpp"
#include "fetchpool/output/report.hpp"
#include "fetchpool/output/result_sink.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

class HostPolicies;

// What the pipeline runs against: the fetchers, the descriptors it prints to, and the reports.
// The real run passes libcurl and stdout; tests pass fakes and pipes.
struct PipelineIo {
  FetcherFactory make_fetcher;
  int out_fd = 1;
  int err_fd = 2;
  bool out_is_terminal = false;  // --color auto
  bool err_is_terminal = false;  // the progress line's default
  std::vector<std::unique_ptr<ResultSink>> reports;
  // --state: sees each job before it is queued (reader thread); null when there is none.
  JobScreen* screen = nullptr;
  // Per-host --per-host, --per-host-rate and --warn; null: the options' own, for every host.
  const HostPolicies* policies = nullptr;
  const UrlKeySet* baseline = nullptr;  // --baseline, loaded at setup
  SitemapFetch fetch_sitemap;           // --sitemap URL: called on the reader thread
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  // JSON Lines' run record, and the id of its end record; null: neither is written.
  const RunHeader* run = nullptr;
};

// How a pipeline run ended, for the exit status and the closing notes on stderr.
struct PipelineOutcome {
  Summary summary;
  Status read_error;           // the input could not be read to the end
  Status write_error;          // stdout could not be written
  Status report_error;         // a report could not be completed
  Status pool_error;           // fewer worker threads than -w could be started
  bool out_of_time = false;    // --max-time stopped it
  bool stopped_early = false;  // --max-failures stopped it
  bool no_workers = false;     // not one worker thread could be started
  // An unexpected exception stopped the run ("unexpected error in the printer: ..."): the one
  // thing to report, with exit status 2. Empty when none did.
  std::string fault;
};

// reader -> dispatcher -> worker pool -> printer -> sinks, until the input is done and every
// result printed, or `stop` is requested (a signal, --max-time, a broken stdout, an unexpected
// exception in any thread).
PipelineOutcome RunPipeline(const RunConfig& config, PipelineIo io, std::stop_source stop);

}  // namespace fetchpool
