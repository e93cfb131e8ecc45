#include "fetchpool/engine/pipeline.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <thread>

#include "fetchpool/engine/dispatcher.hpp"
#include "fetchpool/engine/pacer.hpp"
#include "fetchpool/engine/run_deadline.hpp"
#include "fetchpool/engine/worker_pool.hpp"
#include "fetchpool/input/input_count.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "fetchpool/output/printer.hpp"
#include "fetchpool/util/bounded_queue.hpp"

namespace fetchpool {
namespace {

bool UseColor(ColorMode mode, bool terminal) {
  if (mode != ColorMode::kAuto) return mode == ColorMode::kAlways;
  // Read before any worker starts, and nothing here calls setenv.
  const char* no_color = std::getenv("NO_COLOR");  // NOLINT(concurrency-mt-unsafe)
  return terminal && (no_color == nullptr || no_color[0] == '\0');
}

// Block characters only on a UTF-8 terminal; colour as the result tags have it.
TermStyle StatsStyle(const OutputOptions& o, const PipelineIo& io) {
  const bool text = o.format == OutputFormat::kText;
  const bool terminal = text ? io.out_is_terminal : io.err_is_terminal;
  return {.unicode = terminal && LocaleIsUtf8(),
          .color = text && UseColor(o.color, io.out_is_terminal),
          .width = TerminalWidth(text ? io.out_fd : io.err_fd)};
}

PrinterSetup MakePrinterSetup(const OutputOptions& o, const PipelineIo& io, ReorderWindow* window) {
  return {
      .out_fd = io.out_fd,
      .err_fd = io.err_fd,
      .stdout_sink = {.format = o.format,
                      .color =
                          o.format == OutputFormat::kText && UseColor(o.color, io.out_is_terminal),
                      .verbose = o.verbosity == Verbosity::kVerbose,
                      .github_annotations = o.annotate == AnnotateMode::kGithub,
                      .stats = o.stats || o.verbosity == Verbosity::kVerbose
                                   ? std::optional<TermStyle>(StatsStyle(o, io))
                                   : std::nullopt},
      .verbosity = o.verbosity,
      .progress = o.verbosity != Verbosity::kSilent && o.progress.value_or(io.err_is_terminal),
      .start = io.start,
      .window = window,
      .progress_style = {.unicode = io.err_is_terminal && LocaleIsUtf8(),
                         .width = TerminalWidth(io.err_fd)},
  };
}

// For the progress line: a total from the start when the inputs are regular files. The
// reader's own count (at the end of the input) wins over this one.
std::jthread CountInBackground(const InputOptions& input, std::atomic<std::int64_t>& total) {
  return std::jthread([&input, &total](const std::stop_token& counting) {
    if (const std::optional<std::uint64_t> n = CountUrls(input, counting)) {
      std::int64_t unknown = -1;
      total.compare_exchange_strong(unknown, static_cast<std::int64_t>(*n),
                                    std::memory_order_relaxed);
    }
  });
}

}  // namespace

PipelineOutcome RunPipeline(const RunConfig& config, PipelineIo io, std::stop_source stop) {
  const Options& options = config.options;
  std::optional<RunDeadline> deadline;
  if (config.max_time) deadline.emplace(stop, io.start + *config.max_time);
  std::optional<Pacer> pacer;
  if (options.pool.rate_interval.count() > 0) {
    pacer.emplace(std::chrono::duration_cast<Pacer::Clock::duration>(options.pool.rate_interval));
  }
  std::optional<ReorderWindow> window;
  if (config.reorder_capacity > 0) window.emplace(config.reorder_capacity);
  std::optional<HostNotes> notes;  // -v: pauses
  if (config.host_notes) notes.emplace();
  Dispatcher dispatcher(options.dispatch, config.capacity, stop.get_token(),
                        notes ? &*notes : nullptr);
  BoundedQueue<Result> results(config.results_capacity);
  std::atomic<std::int64_t> input_total{-1};  // known once the reader reaches the end

  PrinterSetup printer_setup = MakePrinterSetup(options.output, io, window ? &*window : nullptr);
  printer_setup.notes = notes ? &*notes : nullptr;
  printer_setup.track_changes = config.track_changes;
  const Judge judge(options.verdict);
  WorkerPool pool({.workers = options.pool.workers,
                   .head = options.fetch.head,
                   .pacer = pacer ? &*pacer : nullptr,
                   .judge = &judge,
                   .start = io.start},
                  std::move(io.make_fetcher), dispatcher, results, stop.get_token());
  ReadOutcome read;
  Status pool_error;  // the system refused a worker thread
  Status screen_error;
  std::jthread reader([&] {
    std::size_t submitted = 0;
    // A job the screen answers (--state: cached, or done by the resumed run) skips the
    // dispatcher and goes straight to the printer; the pool closes `results` only after the
    // reader's StopGrowing, so these pushes always come first. A job's URL is validated only
    // once the screen has passed it on: one answered from the state was valid when recorded.
    // Workers start as jobs arrive: a one-URL run needs one transfer thread, not -w of them.
    auto submit = [&](Job job) {
      if (io.screen != nullptr) {
        std::optional<Result> ready;
        screen_error = io.screen->Screen(job, ready);
        if (!screen_error.ok()) return false;
        if (ready) return results.push(std::move(*ready), dispatcher.input_token());
      }
      ValidateJob(job);
      if (!dispatcher.Submit(std::move(job))) return false;
      if (Status s = pool.Grow(++submitted); !s.ok()) {
        if (pool_error.ok()) pool_error = std::move(s);
        if (pool.size() == 0) {  // nothing will ever fetch
          stop.request_stop();
          return false;
        }
      }
      return true;
    };
    // The dispatcher's input token also stops the reader once --max-failures wants no more.
    read = ReadUrls(options.input,
                    {.submit = submit, .window = window ? &*window : nullptr, .validate = false},
                    dispatcher.input_token());
    if (!screen_error.ok() && read.error.ok()) read.error = std::move(screen_error);
    input_total.store(static_cast<std::int64_t>(read.urls), std::memory_order_relaxed);
    dispatcher.CloseInput();
    pool.StopGrowing();
  });
  std::jthread counter;
  if (printer_setup.progress) counter = CountInBackground(options.input, input_total);

  Printer printer(printer_setup, std::move(io.reports), stop.get_token());
  printer.Drain(results, stop, input_total);
  if (counter.joinable()) {
    counter.request_stop();
    counter.join();
  }
  reader.join();  // before Join: the reader is the one that starts workers
  pool.Join();

  PipelineOutcome outcome;
  outcome.out_of_time = deadline && deadline->fired();
  deadline.reset();
  if (options.dispatch.host_stats) printer.AddHostStats(dispatcher.HostStats());
  outcome.report_error = printer.Finish(stop.stop_requested() || dispatcher.stopped_early());
  outcome.summary = printer.summary();
  outcome.read_error = std::move(read.error);
  outcome.write_error = printer.write_error();
  outcome.stopped_early = dispatcher.stopped_early();
  outcome.no_workers = !pool_error.ok() && pool.size() == 0;
  outcome.pool_error = std::move(pool_error);
  return outcome;
}

}  // namespace fetchpool
