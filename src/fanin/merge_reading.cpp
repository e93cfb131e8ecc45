#include "fetchpool/fanin/merge_reading.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <thread>

#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {

void MergeReading::Read(const std::vector<std::string>& files, unsigned threads,
                        const std::function<bool(Result)>& emit, const std::stop_token& stop) {
  const std::vector<std::string> sources = files.empty() ? std::vector<std::string>{"-"} : files;
  per_source.resize(sources.size());
  std::vector<Status> errors(sources.size());
  std::stop_source reading;  // the first failure stops every reader
  const std::stop_callback forward(stop, [&reading] { reading.request_stop(); });
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < sources.size() && !reading.stop_requested();) {
      const std::string& name = sources[i];
      InputFd in{name == "-" ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC)};
      errors[i] = in.fd < 0 ? Status::FromErrno(fmt::format("cannot open '{}'", name), errno)
                            : ReadRuns(in.fd, name, per_source[i], emit, reading.get_token());
      if (!errors[i].ok()) reading.request_stop();
    }
  };
  {
    std::vector<std::jthread> pool;
    const std::size_t n = std::clamp<std::size_t>(threads, 1, sources.size());
    for (std::size_t t = 1; t < n; ++t) pool.emplace_back(work);
    work();
  }
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (!errors[i].ok() && error.ok()) error = errors[i];
    all.ledger.Append(per_source[i].ledger);
    for (const HostStatsRow& row : per_source[i].hosts.Rows()) all.hosts.Merge(row);
    all.results += per_source[i].results;
    all.urls += per_source[i].urls;
  }
}

}  // namespace fetchpool
