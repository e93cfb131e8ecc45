#include "fetchpool/pipeline.hpp"

#include <cstdlib>
#include <optional>
#include <thread>

#include "fetchpool/bounded_queue.hpp"
#include "fetchpool/dispatcher.hpp"
#include "fetchpool/pacer.hpp"
#include "fetchpool/printer.hpp"
#include "fetchpool/run_deadline.hpp"
#include "fetchpool/url_reader.hpp"
#include "fetchpool/worker_pool.hpp"

namespace fetchpool {
namespace {

// How far --ordered may run ahead of the oldest unprinted URL.
std::size_t ReorderCapacity(int workers) {
  return std::max<std::size_t>(256, 16 * static_cast<std::size_t>(workers));
}

bool UseColor(ColorMode mode, bool terminal) {
  if (mode != ColorMode::kAuto) return mode == ColorMode::kAlways;
  const char* no_color = std::getenv("NO_COLOR");
  return terminal && (no_color == nullptr || no_color[0] == '\0');
}

PrinterSetup MakePrinterSetup(const OutputOptions& o, const PipelineIo& io, ReorderWindow* window) {
  return {
      .out_fd = io.out_fd,
      .err_fd = io.err_fd,
      .stdout_sink = {.format = o.format,
                      .color =
                          o.format == OutputFormat::kText && UseColor(o.color, io.out_is_terminal),
                      .verbose = o.verbosity == Verbosity::kVerbose},
      .verbosity = o.verbosity,
      .progress = o.verbosity != Verbosity::kSilent && o.progress.value_or(io.err_is_terminal),
      .start = io.start,
      .window = window,
  };
}

// When --max-time runs out, or never.
std::optional<std::chrono::steady_clock::time_point> DeadlineOf(
    const Options& options, std::chrono::steady_clock::time_point start) {
  if (options.max_time_s <= 0) return std::nullopt;
  return start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(options.max_time_s));
}

}  // namespace

PipelineOutcome RunPipeline(const Options& options, PipelineIo io, std::stop_source stop) {
  const int workers = options.pool.workers;
  std::optional<RunDeadline> deadline;
  if (const auto when = DeadlineOf(options, io.start)) deadline.emplace(stop, *when);
  std::optional<Pacer> pacer;
  if (options.pool.rate_interval.count() > 0) {
    pacer.emplace(std::chrono::duration_cast<Pacer::Clock::duration>(options.pool.rate_interval));
  }
  std::optional<ReorderWindow> window;
  if (options.output.ordered) window.emplace(ReorderCapacity(workers));
  Dispatcher dispatcher(options.dispatch, DispatchCapacity::ForWorkers(workers), stop.get_token());
  BoundedQueue<Result> results(DispatchCapacity::ForWorkers(workers).max_fresh);
  std::atomic<std::int64_t> input_total{-1};  // known once the reader reaches the end

  ReadOutcome read;
  Status screen_error;
  std::jthread reader([&] {
    // A job the screen answers (--state: cached, or done by the resumed run) skips the
    // dispatcher and goes straight to the printer; the pool closes `results` only after the
    // reader's CloseInput, so these pushes always come first.
    auto submit = [&](Job job) {
      if (io.screen != nullptr) {
        std::optional<Result> ready;
        screen_error = io.screen->Screen(job, ready);
        if (!screen_error.ok()) return false;
        if (ready) return results.push(std::move(*ready), dispatcher.input_token());
      }
      return dispatcher.Submit(std::move(job));
    };
    // The dispatcher's input token also stops the reader once --max-failures wants no more.
    const ReadTarget target{.submit = submit, .window = window ? &*window : nullptr};
    read = ReadUrls(options.input, target, dispatcher.input_token());
    if (!screen_error.ok() && read.error.ok()) read.error = std::move(screen_error);
    input_total.store(static_cast<std::int64_t>(read.urls), std::memory_order_relaxed);
    dispatcher.CloseInput();
  });
  WorkerPool pool(
      {.workers = workers, .head = options.fetch.head, .pacer = pacer ? &*pacer : nullptr},
      std::move(io.make_fetcher), dispatcher, results, stop.get_token());
  if (pool.size() == 0) stop.request_stop();

  PrinterSetup printer_setup = MakePrinterSetup(options.output, io, window ? &*window : nullptr);
  printer_setup.track_changes = !options.state.path.empty();
  Printer printer(printer_setup, std::move(io.reports), stop.get_token());
  printer.Drain(results, stop, input_total);
  pool.Join();
  reader.join();

  PipelineOutcome outcome;
  outcome.out_of_time = deadline && deadline->fired();
  deadline.reset();
  outcome.report_error = printer.Finish();
  outcome.summary = printer.summary();
  outcome.read_error = std::move(read.error);
  outcome.write_error = printer.write_error();
  outcome.stopped_early = dispatcher.stopped_early();
  outcome.no_workers = pool.size() == 0;
  return outcome;
}

}  // namespace fetchpool
