#include "fetchpool/engine/pipeline.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <optional>
#include <thread>

#include "fetchpool/engine/dispatcher.hpp"
#include "fetchpool/engine/pacer.hpp"
#include "fetchpool/engine/run_deadline.hpp"
#include "fetchpool/engine/worker_pool.hpp"
#include "fetchpool/hosts/host_policies.hpp"
#include "fetchpool/input/input_count.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "fetchpool/output/printer.hpp"
#include "fetchpool/output/printer_setup.hpp"
#include "fetchpool/util/bounded_queue.hpp"

namespace fetchpool {
namespace {

// Why a run did not get through its shard (JSON Lines' end record), or "" when it did.
std::string StoppedBy(bool out_of_time, bool stopped_early, bool stopped, const Status& read_error,
                      const Summary& summary) {
  if (out_of_time) return "max-time";
  if (stopped_early) return "max-failures";
  if (stopped) return "stopped";  // a signal, a closed stdout, no worker thread
  if (!read_error.ok()) return "input";
  if (summary.aborted > 0) return "aborted";
  return {};
}

// For the progress line: a total from the start when the inputs are regular files. The
// reader's own count (at the end of the input) wins over this one.
std::jthread CountInBackground(const InputOptions& input, const UrlKeySet* baseline,
                               std::atomic<std::int64_t>& total, Fault& fault) {
  return std::jthread([&input, baseline, &total, &fault](const std::stop_token& counting) {
    fault.Guard("the progress counter", [&] {
      if (const std::optional<std::uint64_t> n = CountUrls(input, baseline, counting)) {
        std::int64_t unknown = -1;
        total.compare_exchange_strong(unknown, static_cast<std::int64_t>(*n),
                                      std::memory_order_relaxed);
      }
    });
  });
}

// A config's sections may set --accept and --warn per host; without sections, the run's own.
Judge::PerHost PerHostVerdict(const HostPolicies* policies) {
  if (policies == nullptr || policies->size() <= 1) return {};
  return [policies](std::string_view host) -> const VerdictOptions& {
    return policies->For(host).verdict;
  };
}

// One run's parts and threads: reader -> dispatcher -> worker pool -> printer -> sinks. An
// exception in any of them (Fault) stops the run, and every thread is still joined: the reader
// closes the input and the pool whatever happened, and a printer that failed closes the results
// queue, so no worker waits to hand it a result.
// Thread-safety: built and run by one thread (the printer's); the reader and the workers touch
// only the thread-safe parts (dispatcher, pool, queue, window, fault).
class Pipeline {
 public:
  Pipeline(const RunConfig& config, PipelineIo& io, std::stop_source stop)
      : config_(config),
        options_(config.options),
        io_(io),
        stop_(std::move(stop)),
        fault_(stop_),
        dispatcher_(options_.dispatch, config.capacity, stop_.get_token(), Notes(), SteadyClock(),
                    io.policies),
        results_(config.results_capacity),
        pool_({.workers = options_.pool.workers,
               .head = options_.fetch.head,
               .each_address = options_.fetch.each_address,
               .pacer = pacer_ ? &*pacer_ : nullptr,
               .judge = &judge_,
               .fault = &fault_,
               .start = io.start},
              std::move(io.make_fetcher), dispatcher_, results_, stop_.get_token()) {}

  PipelineOutcome Run() {
    reader_ = std::jthread([this] { Read(); });
    PrinterSetup setup = MakePrinterSetup(options_.output,
                                          {.out_fd = io_.out_fd,
                                           .err_fd = io_.err_fd,
                                           .out_is_terminal = io_.out_is_terminal,
                                           .err_is_terminal = io_.err_is_terminal},
                                          window_ ? &*window_ : nullptr, io_.start);
    setup.stdout_sink.run = io_.run;
    setup.track_changes = config_.track_changes;
    setup.dedup = options_.input.dedup;
    setup.duplicates_window = duplicates_ ? &*duplicates_ : nullptr;
    setup.notes = notes_ ? &*notes_ : nullptr;
    setup.secrets = &options_.secrets;
    setup.each_address = options_.fetch.each_address;
    setup.max_p95_ms = options_.verdict.max_p95_ms;
    std::optional<Printer> printer;
    try {
      if (setup.progress)
        counter_ = CountInBackground(options_.input, io_.baseline, input_total_, fault_);
      printer.emplace(setup, std::move(io_.reports), stop_.get_token());
      printer->Drain(results_, stop_, input_total_);
    } catch (...) {
      fault_.Record("the printer", std::current_exception());
      results_.close();  // no worker may wait to hand a result to a printer that is gone
    }
    if (counter_.joinable()) {
      counter_.request_stop();
      counter_.join();
    }
    reader_.join();  // before Join: the reader is the one that starts workers
    pool_.Join();
    return Conclude(printer);
  }

 private:
  HostNotes* Notes() {
    if (config_.host_notes) notes_.emplace();  // -v: pauses
    return notes_ ? &*notes_ : nullptr;
  }

  // The reader thread: lines to jobs, into the dispatcher (or, answered by --state, straight to
  // the printer). Workers start as jobs arrive: a one-URL run needs one transfer thread.
  void Read() {
    fault_.Guard("the reader", [&] {
      std::size_t submitted = 0;
      Status screen_error;
      // A job the screen answers (--state: cached, or done by the resumed run) skips the
      // dispatcher and goes straight to the printer; the pool closes `results_` only after
      // StopGrowing below, so these pushes always come first. A job's URL is validated only
      // once the screen has passed it on: one answered from the state was valid when recorded.
      auto submit = [&](Job job) {
        if (io_.screen != nullptr) {
          std::optional<Result> ready;
          screen_error = io_.screen->Screen(job, ready);
          if (!screen_error.ok()) return false;
          if (ready) return results_.push(std::move(*ready), dispatcher_.input_token());
        }
        ValidateJob(job);
        if (!dispatcher_.Submit(std::move(job))) return false;
        // --each-address: a name has a few addresses, each a job of its own.
        ++submitted;
        return Grow(options_.fetch.each_address ? 4 * submitted : submitted);
      };
      // The dispatcher's input token also stops the reader once --max-failures wants no more.
      read_ = ReadUrls(options_.input,
                       {.submit = submit,
                        .deliver = Deliver(),
                        .window = window_ ? &*window_ : nullptr,
                        .names = &names_,
                        .baseline = io_.baseline,
                        .fetch_sitemap = io_.fetch_sitemap},
                       dispatcher_.input_token());
      if (!screen_error.ok() && read_.error.ok()) read_.error = std::move(screen_error);
      input_total_.store(static_cast<std::int64_t>(read_.urls), std::memory_order_relaxed);
    });
    dispatcher_.CloseInput();
    pool_.StopGrowing();
  }

  // Results the reader makes itself (--dedup duplicates, sitemaps' own fetches) skip the
  // dispatcher; like the screen's, they precede the pool's closing of `results_`. A duplicate
  // takes a `duplicates_` slot first, given back once the printer has printed it.
  std::function<bool(Result)> Deliver() {
    return [this](Result result) {
      const std::stop_token input = dispatcher_.input_token();
      if (result.duplicate_of && duplicates_ && !duplicates_->Acquire(input)) return false;
      return results_.push(std::move(result), input);
    };
  }

  // Starts workers up to `wanted`; false when none could start (nothing would ever fetch).
  bool Grow(std::size_t wanted) {
    Status s = pool_.Grow(wanted);
    if (s.ok()) return true;
    if (pool_error_.ok()) pool_error_ = std::move(s);
    if (pool_.size() > 0) return true;
    stop_.request_stop();
    return false;
  }

  // After every thread has left: the host statistics, the summary and the reports, unless an
  // exception stopped the run (then only its message is reported).
  PipelineOutcome Conclude(std::optional<Printer>& printer) {
    PipelineOutcome outcome;
    outcome.out_of_time = deadline_ && deadline_->fired();
    deadline_.reset();
    outcome.fault = fault_.message();
    if (!outcome.fault.empty() || !printer) return outcome;
    fault_.Guard("the printer", [&] {
      if (options_.dispatch.host_stats) printer->AddHostStats(dispatcher_.HostStats());
      const RunEnd end = EndOf(outcome.out_of_time, printer->summary());
      outcome.report_error =
          printer->Finish({.interrupted = stop_.stop_requested() || dispatcher_.stopped_early(),
                           .end = io_.run != nullptr ? &end : nullptr});
    });
    outcome.fault = fault_.message();
    outcome.summary = printer->summary();
    outcome.read_error = std::move(read_.error);
    outcome.write_error = printer->write_error();
    outcome.stopped_early = dispatcher_.stopped_early();
    outcome.no_workers = !pool_error_.ok() && pool_.size() == 0;
    outcome.pool_error = std::move(pool_error_);
    return outcome;
  }

  // JSON Lines' end record: how the run ended and which list it read (the reader's digest).
  RunEnd EndOf(bool out_of_time, const Summary& summary) {
    RunEnd end{.id = io_.run != nullptr ? io_.run->id : std::string(),
               .list = std::move(read_.list),
               .urls = read_.urls};
    end.stopped_by = StoppedBy(out_of_time, dispatcher_.stopped_early(), stop_.stop_requested(),
                               read_.error, summary);
    end.finished = end.stopped_by.empty();
    return end;
  }

  const RunConfig& config_;
  const Options& options_;
  PipelineIo& io_;
  std::stop_source stop_;
  Fault fault_;
  std::optional<RunDeadline> deadline_ =
      config_.max_time
          ? std::optional<RunDeadline>(std::in_place, stop_, io_.start + *config_.max_time)
          : std::nullopt;
  std::optional<Pacer> pacer_ =
      options_.pool.rate_interval.count() > 0
          ? std::optional<Pacer>(
                std::in_place,
                std::chrono::duration_cast<Clock::duration>(options_.pool.rate_interval),
                SteadyClock())
          : std::nullopt;
  std::optional<ReorderWindow> window_ =
      config_.reorder_capacity > 0
          ? std::optional<ReorderWindow>(std::in_place, config_.reorder_capacity)
          : std::nullopt;
  // --dedup without --ordered: duplicates wait at the printer for their first, this many at most.
  std::optional<ReorderWindow> duplicates_ =
      config_.duplicates_capacity > 0
          ? std::optional<ReorderWindow>(std::in_place, config_.duplicates_capacity)
          : std::nullopt;
  OriginNames names_;  // the documents jobs came from (grep, diff, sitemaps): results view them
  std::optional<HostNotes> notes_;
  const Judge judge_{options_.verdict, PerHostVerdict(io_.policies)};
  Dispatcher dispatcher_;
  BoundedQueue<Result> results_;
  std::atomic<std::int64_t> input_total_{-1};  // known once the reader reaches the end
  WorkerPool pool_;
  ReadOutcome read_;
  Status pool_error_;  // the system refused a worker thread
  std::jthread reader_;
  std::jthread counter_;
};

}  // namespace

PipelineOutcome RunPipeline(const RunConfig& config, PipelineIo io, std::stop_source stop) {
  Pipeline pipeline(config, io, std::move(stop));
  return pipeline.Run();
}

}  // namespace fetchpool
