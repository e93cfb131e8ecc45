#include "fetchpool/fanin/run_preview.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "fetchpool/output/json_lines_reader.hpp"
#include "fetchpool/util/unique_fd.hpp"

namespace fetchpool {
namespace {

constexpr std::size_t kGlance = std::size_t{64} * 1024;

// Up to kGlance bytes of the file at `offset`.
std::string ReadAt(int fd, off_t offset) {
  std::string buf(kGlance, '\0');
  const ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
  buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return buf;
}

void Glance(int fd, off_t size, RunPreview& preview) {
  JsonLineReader reader;
  JsonLineRecord record;
  std::string head = ReadAt(fd, 0);
  if (const std::size_t nl = head.find('\n'); nl != std::string::npos) {
    head.resize(nl);
    if (reader.Read(head, record).ok() && record.type == JsonLineRecord::Type::kRun) {
      preview.first = std::move(record.run);
    }
  }
  const off_t from = std::max<off_t>(0, size - static_cast<off_t>(kGlance));
  const std::string tail = ReadAt(fd, from);
  // Whole lines only (the first may have begun before `from`), the last one first.
  std::vector<std::string_view> lines;
  for (std::size_t at = 0, nl; (nl = tail.find('\n', at)) != std::string::npos; at = nl + 1) {
    if (at > 0 || from == 0) lines.emplace_back(tail.data() + at, nl - at);
  }
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!it->starts_with(R"({"type":"end")")) continue;
    std::string line(*it);
    if (reader.Read(line, record).ok() && record.type == JsonLineRecord::Type::kEnd) {
      preview.last_end = std::move(record.end);
    }
    break;
  }
}

}  // namespace

std::vector<RunPreview> PreviewRuns(const std::vector<std::string>& files) {
  std::vector<RunPreview> previews;
  for (const std::string& name : files) {
    if (name == "-") continue;
    InputFd in{::open(name.c_str(), O_RDONLY | O_CLOEXEC)};
    struct stat st {};
    if (in.fd < 0 || ::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    RunPreview preview{.file = name};
    Glance(in.fd, st.st_size, preview);
    previews.push_back(std::move(preview));
  }
  return previews;
}

std::optional<RunLedger> LedgerOfPreviews(const std::vector<std::string>& files,
                                          const std::vector<RunPreview>& previews) {
  if (files.empty() || previews.size() != files.size()) return std::nullopt;
  if (!std::all_of(previews.begin(), previews.end(),
                   [](const RunPreview& p) { return p.single(); })) {
    return std::nullopt;
  }
  RunLedger ledger;
  for (const RunPreview& p : previews) {
    ledger.Begin(*p.first, p.file + ":1");
    ledger.last()->end = p.last_end;
    ledger.End();
  }
  return ledger;
}

}  // namespace fetchpool
