#include "fetchpool/output/printer.hpp"

#include <deque>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
constexpr std::size_t kFlushAt = std::size_t{64} * 1024;
constexpr auto kProgressTick = 100ms;
// While results stream in, wait for a batch (or this long) instead of waking per result; a line
// still reaches a pipe within a few milliseconds.
constexpr std::size_t kBatch = 32;
constexpr auto kLinger = 5ms;
constexpr auto kIdleWait = std::chrono::hours(24);
constexpr auto kTick = 100ms;  // for reports that want ticks (ResultSink::wants_ticks)

}  // namespace

Printer::Printer(const PrinterSetup& setup, std::vector<std::unique_ptr<ResultSink>> reports,
                 const std::stop_token& stop)
    : setup_(setup),
      out_(setup.out_fd, stop),
      err_(setup.err_fd, stop),
      reports_(std::move(reports)),
      progress_(err_, setup.progress_style) {
  buffers_.out.reserve(kFlushAt * 2);
  if (setup_.verbosity != Verbosity::kSilent) {
    stdout_sink_ = MakeStdoutSink(setup_.stdout_sink, buffers_);
  }
  summary_.show_changes = setup_.track_changes;
  for (const std::unique_ptr<ResultSink>& report : reports_)
    ticks_ = ticks_ || report->wants_ticks();
}

void Printer::Drain(BoundedQueue<Result>& results, std::stop_source& stop,
                    const std::atomic<std::int64_t>& input_total) {
  bool streaming = false;
  std::deque<Result> batch;  // taken under one lock, printed without it
  for (;;) {
    if (!results.try_take_all(batch)) {
      Flush();  // nothing waiting: let whoever reads our output see what we have
      if (broken()) stop.request_stop();
      TakeNotes();
      if (ticks_) Tick();
      auto wait = streaming                                    ? kLinger
                  : setup_.progress || setup_.notes != nullptr ? kProgressTick
                                                               : kIdleWait;
      if (ticks_) wait = std::min<decltype(wait)>(wait, kTick);
      streaming = results.take_all_until(std::chrono::steady_clock::now() + wait,
                                         streaming ? kBatch : 1, batch);
      if (!streaming && results.closed() && results.size() == 0) break;
    }
    for (; !batch.empty(); batch.pop_front()) {
      Accept(std::move(batch.front()));
      if (buffers_.out.size() >= kFlushAt) Flush();
    }
    if (setup_.progress) {
      const std::int64_t total = input_total.load(std::memory_order_relaxed);
      progress_.Update(summary_, total >= 0 ? std::optional<std::uint64_t>(total) : std::nullopt,
                       std::chrono::steady_clock::now() - setup_.start);
    }
  }
  TakeNotes();
  // After a stop some earlier results never come; print the rest in order anyway.
  for (auto& [seq, waiting] : waiting_) Emit(waiting);
  waiting_.clear();
  Flush();
  if (broken()) stop.request_stop();
}

void Printer::TakeNotes() {
  if (setup_.notes == nullptr) return;
  for (const std::string& note : setup_.notes->Take()) buffers_.err += note;
}

void Printer::AddHostStats(std::vector<HostStatsRow> rows) {
  if (!broken() && stdout_sink_) stdout_sink_->AddHostStats(rows);
  hosts_ = std::move(rows);
}

void Printer::Accept(Result result) {
  static const SecretSet kNone;
  RedactResult(result, setup_.secrets != nullptr ? *setup_.secrets : kNone);
  if (setup_.window == nullptr) return Emit(result);
  if (result.origin.seq != next_seq_) {
    waiting_.emplace(result.origin.seq, std::move(result));
    return;
  }
  Emit(result);
  std::size_t released = 1;
  ++next_seq_;
  for (auto it = waiting_.begin(); it != waiting_.end() && it->first == next_seq_;) {
    Emit(it->second);
    it = waiting_.erase(it);
    ++next_seq_;
    ++released;
  }
  setup_.window->Release(released);
}

void Printer::Emit(const Result& result) {
  if (result.verdict.error_kind == ErrorKind::kAborted) {
    ++summary_.aborted;
    return;
  }
  ++summary_.total;
  ++(result.verdict.ok ? summary_.ok : result.verdict.warning ? summary_.warned : summary_.failed);
  if (result.verdict.error_kind == ErrorKind::kBlocked) ++summary_.blocked;
  if (result.verdict.relocation == Relocation::kMoved) ++summary_.moved;
  if (result.state.change == Change::kNewFailure) ++summary_.new_failures;
  if (result.state.change == Change::kRecovered) ++summary_.recovered;
  if (result.transfer.attempts > 1)
    summary_.retries += static_cast<std::uint64_t>(result.transfer.attempts - 1);
  latency_.Add(result.transfer.elapsed);
  stats_.Add(result);
  for (const std::unique_ptr<ResultSink>& report : reports_) report->Add(result);
  if (broken() || !stdout_sink_) return;
  if (setup_.verbosity == Verbosity::kQuiet && result.verdict.ok) return;
  stdout_sink_->Add(result);
}

Status Printer::Finish(bool interrupted) {
  summary_.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_.start).count();
  progress_.Clear();
  const RunTotals totals{.summary = summary_,
                         .latency = latency_,
                         .stats = stats_,
                         .hosts = hosts_ ? &*hosts_ : nullptr,
                         .interrupted = interrupted};
  if (stdout_sink_ && !broken()) static_cast<void>(stdout_sink_->Finish(totals));
  Flush();
  Status first_failure;
  for (const std::unique_ptr<ResultSink>& report : reports_) {
    Status s = report->Finish(totals);
    if (first_failure.ok()) first_failure = std::move(s);
  }
  return first_failure;
}

void Printer::Tick() {
  for (const std::unique_ptr<ResultSink>& report : reports_) report->Tick();
}

void Printer::Flush() {
  if (broken()) {
    buffers_.out.clear();
    buffers_.err.clear();
    return;
  }
  if (buffers_.out.empty() && buffers_.err.empty()) return;
  progress_.Clear();
  Write(out_, buffers_.out);
  Write(err_, buffers_.err);
}

void Printer::Write(OutputFd& fd, std::string& text) {
  if (text.empty()) return;
  Status s = fd.Write(text);
  text.clear();
  // stderr trouble is not worth stopping for; stdout's is.
  if (!s.ok() && &fd == &out_) write_error_ = std::move(s);
}

}  // namespace fetchpool
