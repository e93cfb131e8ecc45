#include "fetchpool/printer.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace fetchpool {
namespace {

using namespace std::chrono_literals;
constexpr std::size_t kFlushAt = 64 * 1024;
constexpr auto kProgressTick = 100ms;
// While results stream in, wait for a batch (or this long) instead of waking per result; a line
// still reaches a pipe within a few milliseconds.
constexpr std::size_t kBatch = 32;
constexpr auto kLinger = 5ms;
constexpr auto kIdleWait = std::chrono::hours(24);

}  // namespace

Printer::Printer(int out_fd, int err_fd, const PrinterOptions& options,
                 std::chrono::steady_clock::time_point start, ReorderWindow* window,
                 std::unique_ptr<JUnitReport> junit)
    : out_fd_(out_fd),
      err_fd_(err_fd),
      options_(options),
      start_(start),
      window_(window),
      junit_(std::move(junit)),
      formatter_(MakeFormatter(
          options.format,
          {.color = options.color, .verbose = options.verbosity == Verbosity::kVerbose})),
      progress_(err_fd) {
  buffer_.reserve(kFlushAt * 2);
  if (options_.verbosity != Verbosity::kSilent) formatter_->Begin(buffer_);
}

void Printer::Drain(BoundedQueue<Result>& results, std::stop_source& stop,
                    const std::atomic<std::int64_t>& input_total) {
  bool streaming = false;
  for (;;) {
    std::optional<Result> result = results.try_pop();
    if (!result) {
      Flush();  // nothing waiting: let whoever reads our output see what we have
      if (broken_) stop.request_stop();
      const auto wait = streaming ? kLinger : options_.progress ? kProgressTick : kIdleWait;
      result =
          results.pop_batch_until(std::chrono::steady_clock::now() + wait, streaming ? kBatch : 1);
      streaming = result.has_value();
      if (!result && results.closed() && results.size() == 0) break;
    }
    if (result) Accept(std::move(*result));
    if (buffer_.size() >= kFlushAt) Flush();
    if (options_.progress) {
      const std::int64_t total = input_total.load(std::memory_order_relaxed);
      progress_.Update(summary_, total >= 0 ? std::optional<std::uint64_t>(total) : std::nullopt,
                       std::chrono::steady_clock::now() - start_);
    }
  }
  // After a stop some earlier results never come; print the rest in order anyway.
  for (auto& [seq, waiting] : waiting_) Emit(waiting);
  waiting_.clear();
  Flush();
  if (broken_) stop.request_stop();
}

void Printer::Accept(Result result) {
  if (window_ == nullptr) return Emit(result);
  if (result.seq != next_seq_) {
    waiting_.emplace(result.seq, std::move(result));
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
  window_->Release(released);
}

void Printer::Emit(const Result& result) {
  if (result.error_kind == ErrorKind::kAborted) {
    ++summary_.aborted;
    return;
  }
  ++summary_.total;
  ++(result.ok ? summary_.ok : summary_.failed);
  if (result.attempts > 1) summary_.retries += static_cast<std::uint64_t>(result.attempts - 1);
  latency_.Add(result.elapsed);
  if (junit_) junit_->Add(result);
  if (broken_ || options_.verbosity == Verbosity::kSilent) return;
  if (options_.verbosity == Verbosity::kQuiet && result.ok) return;
  formatter_->Add(buffer_, result);
}

std::string Printer::Finish() {
  summary_.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  progress_.Clear();
  if (options_.verbosity != Verbosity::kSilent && !broken_) {
    if (!formatter_->End(buffer_, summary_, latency_)) {
      // This format keeps stdout machine-only (CSV); the person still gets the summary.
      WriteAll(err_fd_, FormatSummary(summary_));
    }
  }
  Flush();
  return junit_ ? junit_->Finish(summary_) : std::string();
}

void Printer::Flush() {
  if (broken_ || buffer_.empty()) {
    buffer_.clear();
    return;
  }
  progress_.Clear();
  WriteAll(out_fd_, buffer_);
  buffer_.clear();
}

void Printer::WriteAll(int fd, const std::string& text) {
  std::size_t done = 0;
  while (!broken_ && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd out{fd, POLLOUT, 0};  // someone made our output non-blocking; wait for room
      ::poll(&out, 1, -1);
    } else if (errno != EINTR) {
      if (fd != out_fd_) return;  // stderr trouble is not worth stopping for
      broken_ = true;
      write_errno_ = errno;
    }
  }
}

}  // namespace fetchpool
