#include "fetchpool/fanin/run_stream.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "fetchpool/output/json_lines_reader.hpp"
#include "fetchpool/util/redact.hpp"
#include "fetchpool/util/shard.hpp"
#include "fetchpool/util/stop_wakeup.hpp"

namespace fetchpool {
namespace {

constexpr std::size_t kReadSize = std::size_t{256} * 1024;
// A result record holds one input line (at most 64 KiB, escaped up to six times over) and a few
// more strings of that kind: a longer line is not ours.
constexpr std::size_t kMaxRecordBytes = std::size_t{16} * 1024 * 1024;

// Reads one source line by line and files each record.
// Thread-compatible: one per source, on the reading thread.
class RunStream {
 public:
  RunStream(const std::string& name, MergeBook& book, const std::function<bool(Result)>& emit)
      : name_(name == "-" ? "<stdin>" : name), book_(book), emit_(emit) {}

  Status Read(int fd, const std::stop_token& stop);

 private:
  Status Line(std::string_view text, bool complete);
  Status File(JsonLineRecord& record);
  Status Begin(RunHeader& header);
  Status Result(ReadResult& read);
  Status Check(const LedgerRun& run, const fetchpool::Result& r, const std::string& input) const;
  Status End(const RunEnd& end);
  Status Fail(std::string_view why) const {
    return Status::Error(fmt::format("{}:{}: {}", name_, number_, why));
  }
  std::string Here() const { return fmt::format("{}:{}", name_, number_); }

  std::string name_;
  MergeBook& book_;
  const std::function<bool(fetchpool::Result)>& emit_;
  JsonLineReader reader_;
  JsonLineRecord record_;
  std::string pending_;  // a line not yet ended
  std::string line_;     // the line being parsed (in place)
  std::uint64_t number_ = 0;
  bool stopped_ = false;            // emit refused
  std::vector<std::string> twice_;  // the current run's files named more than once
};

Status RunStream::Read(int fd, const std::stop_token& stop) {
  StopWakeup wakeup(stop);
  std::string buf(kReadSize, '\0');
  pollfd fds[2] = {{fd, POLLIN, 0}, {wakeup.fd(), POLLIN, 0}};
  for (;;) {
    if (stop.stop_requested() || stopped_) return Status::Ok();
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(fmt::format("cannot read '{}'", name_), errno);
    }
    if (fds[1].revents != 0) return Status::Ok();
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Status::FromErrno(fmt::format("cannot read '{}'", name_), errno);
    }
    if (n == 0) break;
    std::string_view data(buf.data(), static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = data.find('\n')) != std::string_view::npos;) {
      Status s = pending_.empty() ? Line(data.substr(0, nl), true)
                                  : Line((pending_ += data.substr(0, nl)), true);
      pending_.clear();
      if (!s.ok() || stopped_) return s;
      data.remove_prefix(nl + 1);
    }
    pending_ += data;
    if (pending_.size() > kMaxRecordBytes) {
      ++number_;
      return Fail(
          fmt::format("a line over {} MiB: not fetchpool's JSON Lines", kMaxRecordBytes >> 20));
    }
  }
  return pending_.empty() ? Status::Ok() : Line(pending_, false);
}

Status RunStream::Line(std::string_view text, bool complete) {
  ++number_;
  if (text.find_first_not_of(" \t\r") == std::string_view::npos) return Status::Ok();
  line_.assign(text);
  if (Status s = reader_.Read(line_, record_); !s.ok()) {
    // A run killed while writing leaves half a line: the run is unfinished, which the ledger
    // says; anything else unreadable is not ours to guess at.
    return complete ? Fail(s.message()) : Status::Ok();
  }
  return File(record_);
}

Status RunStream::File(JsonLineRecord& record) {
  using Type = JsonLineRecord::Type;
  switch (record.type) {
    case Type::kResult:
      return Result(record.result);
    case Type::kRun:
      return Begin(record.run);
    case Type::kEnd:
      return End(record.end);
    case Type::kSummary:  // right after its run's end record
      if (LedgerRun* run = book_.ledger.last(); run != nullptr && run->end && !run->summary) {
        run->summary = record.summary;
      }
      return Status::Ok();
    case Type::kHost:
      if (LedgerRun* run = book_.ledger.current()) run->hosts = true;
      book_.hosts.Merge(record.host);
      return Status::Ok();
    case Type::kOther:
      return Status::Ok();
  }
  return Status::Ok();
}

Status RunStream::Begin(RunHeader& header) {
  // No run splits a list more ways than --shard allows; the ledger walks every K of an N, so a
  // hostile N must not get that far.
  if (header.shards == 0 || header.shard == 0 || header.shard > header.shards ||
      header.shards > Shard::kMaxCount) {
    return Fail(fmt::format("a run record with shard {}/{}", header.shard, header.shards));
  }
  twice_.clear();
  for (std::size_t i = 0; i < header.files.size(); ++i) {
    if (std::count(header.files.begin(), header.files.end(), header.files[i]) > 1) {
      twice_.push_back(header.files[i]);
    }
  }
  book_.origins = OriginSet();  // one run's lines at a time: other runs are told apart by shard
  book_.ledger.Begin(std::move(header), Here());
  return Status::Ok();
}

// A result must be one of its run's: from a file it read, in its shard, once per line.
Status RunStream::Check(const LedgerRun& run, const fetchpool::Result& r,
                        const std::string& input) const {
  const RunHeader& h = run.header;
  // A merged run read from stdin does not know its files up front (and says so: none).
  if (!h.files.empty() && std::find(h.files.begin(), h.files.end(), input) == h.files.end()) {
    return Fail(fmt::format("a result from '{}', which {} did not read", input, run.where));
  }
  // A URL with a password was written redacted: its shard, a hash of the URL as given, cannot
  // be worked out again (its line still may have one result only).
  if (h.shards > 1 && !UrlWasRedacted(r.origin.url)) {
    const std::uint64_t shard = Shard::Of(Shard::Hash(r.origin.url), h.shards);
    if (shard != h.shard) {
      return Fail(fmt::format(
          "{} belongs to shard {}/{}, not to the run's {}/{} (split by another fetchpool "
          "version, or edited)",
          r.origin.url, shard, h.shards, h.shard, h.shards));
    }
  }
  return Status::Ok();
}

Status RunStream::Result(ReadResult& read) {
  fetchpool::Result& r = read.result;
  LedgerRun* run = book_.ledger.current();
  if (run != nullptr) {
    if (Status s = Check(*run, r, read.input); !s.ok()) return s;
  } else {
    book_.ledger.Orphan(Here());
  }
  // --each-address: a line has a result per address; its first stands for the line.
  const bool checkable = std::find(twice_.begin(), twice_.end(), read.input) == twice_.end() &&
                         r.origin.address_index == 0;
  if (checkable &&
      !book_.origins.Insert(run != nullptr ? run->header.id : "", read.input, r.origin.line)) {
    return Fail(fmt::format(
        "line {} of '{}' ({}) has a result already: overlapping results are never merged",
        r.origin.line, read.input, r.origin.url));
  }
  if (run != nullptr) {
    CountResult(r, run->counted);  // as the run's printer counted it for its summary
  }
  r.origin.input = *book_.names.insert(std::move(read.input)).first;
  ++book_.results;
  if (r.origin.address_index == 0) ++book_.urls;
  if (!emit_(std::move(r))) stopped_ = true;
  return Status::Ok();
}

Status RunStream::End(const RunEnd& end) {
  LedgerRun* run = book_.ledger.current();
  if (run == nullptr || run->header.id != end.id) {
    return Fail(fmt::format(
        "the end of run {} {}: runs interleave (GNU parallel --line-buffer?); keep each run's "
        "lines together (parallel's default --group) or give each shard its own file",
        end.id, run == nullptr ? "comes outside it" : "comes inside run " + run->header.id));
  }
  run->end = end;
  book_.ledger.End();
  return Status::Ok();
}

}  // namespace

Status ReadRuns(int fd, const std::string& name, MergeBook& book,
                const std::function<bool(Result)>& emit, const std::stop_token& stop) {
  return RunStream(name, book, emit).Read(fd, stop);
}

}  // namespace fetchpool
