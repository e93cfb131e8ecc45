// JSON Lines of made-up runs for the fanin tests: shards of a list of URLs, written by the same
// sink and record writers a run uses.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fetchpool/fanin/run_stream.hpp"
#include "fetchpool/input/list_digest.hpp"
#include "fetchpool/output/json_lines_sink.hpp"
#include "fetchpool/output/run_records.hpp"
#include "fetchpool/util/shard.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool::testing {

// "http://h/0" ... : a list of `n` URLs, every tenth failing.
inline std::vector<std::string> ListOf(int n, const std::string& prefix = "http://h/") {
  std::vector<std::string> urls;
  for (int i = 0; i < n; ++i) urls.push_back(prefix + std::to_string(i));
  return urls;
}

inline ListIdentity IdentityOf(const std::vector<std::string>& urls) {
  ListDigest digest;
  for (const std::string& u : urls) digest.Add(u);
  return digest.Finish();
}

struct FakeRun {
  std::uint64_t shard = 1;
  std::uint64_t shards = 1;
  bool end = true;  // write the end and summary records
  bool finished = true;
  bool quiet = false;  // only the failures' result records, as -q writes them
  std::string id;      // default: a new one
  // --each-address: each URL's results, one per address (127.0.0.2 ...); 0: without the flag.
  std::uint16_t addresses = 0;
};

// The JSON Lines a run of shard K/N over `urls` (read from "urls.txt") would write.
inline std::string RunText(const std::vector<std::string>& urls, const FakeRun& f) {
  const RunHeader header{.id = f.id.empty() ? NewRunId() : f.id,
                         .version = "test",
                         .shard = f.shard,
                         .shards = f.shards,
                         .files = {"urls.txt"},
                         .workers = 2,
                         .started_ms = 1'000'000,
                         .state = false};
  SinkBuffers buffers;
  JsonLinesSink sink(buffers, std::nullopt, &header);
  Summary summary;
  const Shard shard = *Shard::Parse(std::to_string(f.shard) + "/" + std::to_string(f.shards));
  std::uint64_t urls_in_shard = 0;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    if (!shard.Takes(urls[i])) continue;
    ++urls_in_shard;
    Result r;
    r.origin.line = i + 1;
    r.origin.url = urls[i];
    r.origin.input = "urls.txt";
    r.verdict.ok = i % 10 != 0;
    r.transfer.http_status = r.verdict.ok ? 200 : 404;
    r.verdict.error = r.verdict.ok ? "" : "HTTP 404";
    r.verdict.error_kind = r.verdict.ok ? ErrorKind::kNone : ErrorKind::kHttpStatus;
    r.transfer.elapsed = std::chrono::microseconds(1000 + i);
    for (std::uint16_t a = 0; a < std::max<std::uint16_t>(f.addresses, 1); ++a) {
      if (f.addresses > 0) {
        r.origin.address = "127.0.0." + std::to_string(a + 2);
        r.origin.address_index = a;
        r.origin.address_count = f.addresses;
      }
      CountResult(r, summary);
      if (!f.quiet || !r.verdict.ok) sink.Add(r);
    }
  }
  summary.show_urls = f.addresses > 0;
  if (!f.end) return buffers.out;
  const RunEnd end{.id = header.id,
                   .finished = f.finished,
                   .stopped_by = f.finished ? "" : "max-time",
                   .list = IdentityOf(urls),
                   .urls = urls_in_shard};
  summary.elapsed_s = 1.5;
  const LatencyStats latency;
  EXPECT_TRUE(sink.Finish({.summary = summary, .latency = latency, .end = &end}).ok());
  return buffers.out;
}

// Reads `text` as fetchpool report reads one file.
inline Status ReadText(const std::string& text, MergeBook& book, std::vector<Result>* results,
                       const std::string& name = "runs.jsonl") {
  TempDir dir;
  const std::string path = dir.Write(name, text);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const Status s = ReadRuns(
      fd, name, book,
      [&](Result r) {
        if (results != nullptr) results->push_back(std::move(r));
        return true;
      },
      std::stop_token());
  ::close(fd);
  return s;
}

}  // namespace fetchpool::testing
