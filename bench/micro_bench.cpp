// Micro-benchmarks: `build/bench/fetchpool_microbench`. Per-URL costs of the parts of the
// pipeline that are fetchpool's own, to set against libcurl's ~75k instructions per transfer.
#include <benchmark/benchmark.h>

#include <string>
#include <thread>
#include <vector>

#include "fetchpool/core/result.hpp"
#include "fetchpool/engine/dispatcher.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "fetchpool/output/report.hpp"
#include "fetchpool/output/result_sink.hpp"
#include "fetchpool/util/latency_stats.hpp"

namespace fetchpool {
namespace {

Result SampleResult() {
  Result r;
  r.origin.url = "http://127.0.0.1:8080/small/f01234";
  r.verdict.ok = true;
  r.transfer.http_status = 200;
  r.transfer.bytes = 1024;
  r.transfer.elapsed = std::chrono::microseconds(1234);
  r.transfer.effective_url = r.origin.url;
  r.transfer.ip = "127.0.0.1";
  return r;
}

// One reader, N workers through the dispatcher sized as a run sizes it: jobs per second.
void BM_DispatchHandoff(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  constexpr int kItems = 200000;
  for (auto _ : state) {
    std::stop_source stop;
    Dispatcher d({}, DispatchCapacity::ForWorkers(workers), stop.get_token(), nullptr,
                 SteadyClock());
    std::vector<std::jthread> threads;
    for (int c = 0; c < workers; ++c) {
      threads.emplace_back([&d, c] {
        // As WorkerPool::Work: report and take the next job in one call, wait only when none.
        std::optional<Task> task = d.Next(c);
        while (task) {
          Result r = MakeResult(task->job);
          r.verdict.ok = true;
          std::optional<Result> done;
          std::optional<Task> next = d.FinishAndTake(std::move(*task), std::move(r), done, c);
          benchmark::DoNotOptimize(done);
          task = next ? std::move(next) : d.Next(c);
        }
      });
    }
    for (int i = 0; i < kItems; ++i) {
      std::optional<Job> job = SplitLine("http://127.0.0.1:8080/small/f01234");
      ValidateJob(*job);
      d.Submit(std::move(*job));
    }
    d.CloseInput();
  }
  state.SetItemsProcessed(state.iterations() * kItems);
}
BENCHMARK(BM_DispatchHandoff)->Arg(1)->Arg(4)->Arg(16)->UseRealTime();

void BM_ParseLine(benchmark::State& state) {
  const std::string line = "  http://127.0.0.1:8080/small/f01234\r";
  for (auto _ : state) {
    std::optional<Job> job = SplitLine(line);  // as the reader, then the pipeline, do
    ValidateJob(*job);
    benchmark::DoNotOptimize(job);
  }
}
BENCHMARK(BM_ParseLine);

void BM_TextLine(benchmark::State& state) {
  const Result r = SampleResult();
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendTextLine(out, r, {});
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_TextLine);

void BM_JsonLine(benchmark::State& state) {
  const Result r = SampleResult();
  SinkBuffers buffers;
  std::unique_ptr<ResultSink> sink = MakeStdoutSink({.format = OutputFormat::kJsonLines}, buffers);
  for (auto _ : state) {
    buffers.out.clear();
    sink->Add(r);
    benchmark::DoNotOptimize(buffers.out.data());
  }
}
BENCHMARK(BM_JsonLine);

void BM_LatencyAdd(benchmark::State& state) {
  LatencyStats stats;
  std::int64_t us = 1;
  for (auto _ : state) {
    stats.Add(std::chrono::microseconds(us));
    us = (us * 7 + 13) % 5'000'000;
  }
  benchmark::DoNotOptimize(stats.count());
}
BENCHMARK(BM_LatencyAdd);

}  // namespace
}  // namespace fetchpool

BENCHMARK_MAIN();
