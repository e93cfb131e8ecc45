// Micro-benchmarks: `build/bench/fetchpool_microbench`. Per-URL costs of the parts of the
// pipeline that are fetchpool's own, to set against libcurl's ~75k instructions per transfer.
#include <benchmark/benchmark.h>

#include <string>
#include <thread>
#include <vector>

#include "fetchpool/bounded_queue.hpp"
#include "fetchpool/formatter.hpp"
#include "fetchpool/job.hpp"
#include "fetchpool/latency_stats.hpp"
#include "fetchpool/report.hpp"
#include "fetchpool/url_reader.hpp"

namespace fetchpool {
namespace {

Result SampleResult() {
  Result r;
  r.url = "http://127.0.0.1:8080/small/f01234";
  r.ok = true;
  r.http_status = 200;
  r.bytes = 1024;
  r.elapsed = std::chrono::microseconds(1234);
  r.effective_url = r.url;
  r.ip = "127.0.0.1";
  return r;
}

// One producer, N consumers through a queue sized like the jobs queue: items per second.
void BM_QueueHandoff(benchmark::State& state) {
  const int consumers = static_cast<int>(state.range(0));
  constexpr int kItems = 200000;
  for (auto _ : state) {
    BoundedQueue<Job> q(64);
    std::vector<std::jthread> threads;
    for (int c = 0; c < consumers; ++c) {
      threads.emplace_back([&] {
        while (q.pop()) {
        }
      });
    }
    for (int i = 0; i < kItems; ++i) {
      Job job;
      job.url = "http://127.0.0.1:8080/small/f01234";
      q.push(std::move(job));
    }
    q.close();
  }
  state.SetItemsProcessed(state.iterations() * kItems);
}
BENCHMARK(BM_QueueHandoff)->Arg(1)->Arg(4)->Arg(16)->UseRealTime();

void BM_ParseLine(benchmark::State& state) {
  const std::string line = "  http://127.0.0.1:8080/small/f01234\r";
  for (auto _ : state) benchmark::DoNotOptimize(ParseLine(line));
}
BENCHMARK(BM_ParseLine);

void BM_TextLine(benchmark::State& state) {
  const Result r = SampleResult();
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendTextLine(out, r, false);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_TextLine);

void BM_JsonLine(benchmark::State& state) {
  const Result r = SampleResult();
  auto formatter = MakeFormatter(OutputFormat::kJsonLines, {});
  std::string out;
  for (auto _ : state) {
    out.clear();
    formatter->Add(out, r);
    benchmark::DoNotOptimize(out.data());
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
