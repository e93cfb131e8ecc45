#include "fetchpool/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>

#include "fetchpool/bounded_queue.hpp"
#include "fetchpool/curl_handles.hpp"
#include "fetchpool/dispatcher.hpp"
#include "fetchpool/fetcher.hpp"
#include "fetchpool/job.hpp"
#include "fetchpool/junit_report.hpp"
#include "fetchpool/output_dir.hpp"
#include "fetchpool/pacer.hpp"
#include "fetchpool/printer.hpp"
#include "fetchpool/run_deadline.hpp"
#include "fetchpool/signals.hpp"
#include "fetchpool/url_reader.hpp"
#include "fetchpool/version.hpp"
#include "fetchpool/worker_pool.hpp"

namespace fetchpool {
namespace {

bool UseColor(ColorMode mode) {
  if (mode != ColorMode::kAuto) return mode == ColorMode::kAlways;
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || no_color[0] == '\0');
}

FetchOptions ToFetchOptions(const Options& o, const OutputDir* output_dir) {
  FetchOptions f;
  f.connect_timeout_s = o.connect_timeout_s;
  f.timeout_s = o.timeout_s;
  f.stall_timeout_s = o.stall_timeout_s;
  f.max_redirects = o.max_redirects;
  f.user_agent = o.user_agent.value_or(fmt::format("fetchpool/{}", kVersion));
  f.collect_details = o.format != OutputFormat::kText || o.verbosity == Verbosity::kVerbose;
  f.output_dir = output_dir;
  f.headers = o.headers;
  f.user = o.user;
  f.accept = o.accept;
  f.follow = o.follow;
  f.insecure = o.insecure;
  f.cacert = o.cacert;
  f.proxy = o.proxy;
  f.http_version = o.http_version == HttpVersion::kHttp11  ? CURL_HTTP_VERSION_1_1
                   : o.http_version == HttpVersion::kHttp2 ? CURL_HTTP_VERSION_2_0
                                                           : CURL_HTTP_VERSION_NONE;
  f.max_size = o.max_size;
  f.head = o.head;
  return f;
}

PrinterOptions ToPrinterOptions(const Options& o) {
  PrinterOptions p;
  p.format = o.format;
  p.color = o.format == OutputFormat::kText && UseColor(o.color);
  p.verbosity = o.verbosity;
  p.progress =
      o.verbosity != Verbosity::kSilent && o.progress.value_or(::isatty(STDERR_FILENO) == 1);
  return p;
}

// Enough queued work to keep every worker busy, small enough that memory stays flat.
std::size_t QueueCapacity(int workers) {
  return std::max<std::size_t>(64, 2 * static_cast<std::size_t>(workers));
}

// Jobs that may wait for a busy host or a retry before the reader feels back-pressure.
std::size_t PendingCapacity(int workers) {
  return std::max<std::size_t>(1024, 16 * static_cast<std::size_t>(workers));
}

// How far --ordered may run ahead of the oldest unprinted URL.
std::size_t ReorderCapacity(int workers) {
  return std::max<std::size_t>(256, 16 * static_cast<std::size_t>(workers));
}

DispatchOptions ToDispatchOptions(const Options& o) {
  DispatchOptions d;
  d.retry = {.retries = o.retries, .wait_s = o.retry_wait_s, .max_wait_s = o.retry_max_wait_s};
  d.per_host = o.per_host;
  d.max_failures = o.max_failures;
  d.max_pending = PendingCapacity(o.workers);
  d.max_fresh = QueueCapacity(o.workers);
  return d;
}

// "; 3 transfers in progress were aborted", or nothing when none was.
std::string AbortedNote(const Summary& summary) {
  if (summary.aborted == 0) return {};
  return fmt::format("; {} transfer{} in progress {} aborted", summary.aborted,
                     summary.aborted == 1 ? "" : "s", summary.aborted == 1 ? "was" : "were");
}

}  // namespace

int Run(const Options& options) {
  const auto start = std::chrono::steady_clock::now();
  if (std::string problem = CheckInputsReadable(options.inputs); !problem.empty()) {
    fmt::print(stderr, "fetchpool: {}\n", problem);
    return 2;
  }
  std::unique_ptr<JUnitReport> junit;
  if (!options.junit_path.empty()) {
    std::string error;
    junit = JUnitReport::Create(options.junit_path, error);
    if (!junit) {
      fmt::print(stderr, "fetchpool: {}\n", error);
      return 2;
    }
  }
  // An unusable DIR is the user's mistake: say so before anything is fetched.
  std::unique_ptr<OutputDir> output_dir;
  if (!options.save.dir.empty()) {
    std::string error;
    output_dir = OutputDir::Open(options.save, error);
    if (!output_dir) {
      fmt::print(stderr, "fetchpool: {}\n", error);
      return 2;
    }
  }
  CurlGlobal curl;
  if (!curl.ok()) {
    fmt::print(stderr, "fetchpool: libcurl could not be initialised\n");
    return 2;
  }

  std::stop_source stop;
  SignalWatcher signals(stop);  // first: every thread started below inherits its signal mask
  ShareHandle share;
  BoundedQueue<Job> jobs(QueueCapacity(options.workers));
  BoundedQueue<Result> results(QueueCapacity(options.workers));

  std::optional<ReorderWindow> window;
  if (options.ordered) window.emplace(ReorderCapacity(options.workers));
  std::atomic<std::int64_t> input_total{-1};  // known once the reader reaches the end

  std::optional<RunDeadline> deadline;
  if (options.max_time_s > 0) {
    deadline.emplace(stop, start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                       std::chrono::duration<double>(options.max_time_s)));
  }
  std::optional<Pacer> pacer;
  if (options.rate_interval.count() > 0) {
    pacer.emplace(std::chrono::duration_cast<Pacer::Clock::duration>(options.rate_interval));
  }
  Dispatcher dispatcher(jobs, ToDispatchOptions(options), stop.get_token());

  ReadOutcome read;
  std::jthread reader([&] {
    // The dispatcher's token also stops the reader once --max-failures wants no more input.
    read = ReadUrls(options.inputs, jobs, dispatcher.input_token(),
                    {.window = window ? &*window : nullptr, .shard = Shard::Parse(options.shard)});
    input_total.store(static_cast<std::int64_t>(read.urls), std::memory_order_relaxed);
    jobs.close();
  });
  WorkerPool pool(options.workers, ToFetchOptions(options, output_dir.get()), share.get(),
                  dispatcher, pacer ? &*pacer : nullptr, results, stop.get_token());
  if (pool.size() == 0) stop.request_stop();

  Printer printer(STDOUT_FILENO, STDERR_FILENO, ToPrinterOptions(options), start,
                  window ? &*window : nullptr, std::move(junit));
  printer.Drain(results, stop, input_total);
  pool.Join();
  reader.join();
  const bool out_of_time = deadline && deadline->fired();
  deadline.reset();
  const std::string junit_error = printer.Finish();

  const Summary& summary = printer.summary();
  if (printer.broken() && printer.write_errno() != EPIPE) {
    fmt::print(stderr, "fetchpool: cannot write output: {}\n",
               std::strerror(printer.write_errno()));
  }
  if (!read.error.empty()) fmt::print(stderr, "fetchpool: {}\n", read.error);
  if (!junit_error.empty()) fmt::print(stderr, "fetchpool: {}\n", junit_error);
  if (const int sig = signals.received(); sig != 0) {
    if (summary.aborted > 0) fmt::print(stderr, "fetchpool: interrupted{}\n", AbortedNote(summary));
    return 128 + sig;
  }
  if (out_of_time) {
    fmt::print(stderr, "fetchpool: stopped by --max-time after {:g}s{}\n", options.max_time_s,
               AbortedNote(summary));
  }
  const bool stopped_early = dispatcher.stopped_early();
  if (stopped_early) {
    fmt::print(stderr,
               "fetchpool: stopped early after {} failure{} (--max-failures); URLs not yet "
               "started were skipped\n",
               options.max_failures, options.max_failures == 1 ? "" : "s");
  }
  if (pool.size() == 0) return 2;
  if (!read.error.empty() || !junit_error.empty()) return 2;
  if (out_of_time || stopped_early || printer.broken() || summary.failed > 0) return 1;
  return 0;
}

}  // namespace fetchpool
