#include "fetchpool/engine/connection_book.hpp"

#include <algorithm>

namespace fetchpool {

ConnectionBook::ConnectionBook(int workers, std::size_t per_worker)
    : per_worker_(std::max<std::size_t>(per_worker, 1)),
      recent_(static_cast<std::size_t>(std::max(workers, 0))) {}

void ConnectionBook::Used(int worker, const std::string& host) {
  if (worker < 0 || static_cast<std::size_t>(worker) >= recent_.size() || host.empty()) return;
  std::vector<std::string>& recent = recent_[static_cast<std::size_t>(worker)];
  if (!recent.empty() && recent.front() == host) return;  // the common case: the same host again
  auto it = std::find(recent.begin(), recent.end(), host);
  if (it != recent.end()) {
    std::rotate(recent.begin(), it, it + 1);
  } else {
    if (recent.size() == per_worker_) {
      // libcurl closes its least recently used connection: so does the book.
      auto held = holder_.find(recent.back());
      if (held != holder_.end() && held->second == worker) holder_.erase(held);
      recent.pop_back();
    }
    recent.insert(recent.begin(), host);
  }
  holder_.insert_or_assign(host, worker);
}

int ConnectionBook::Holder(const std::string& host) const {
  auto it = holder_.find(host);
  return it == holder_.end() ? -1 : it->second;
}

const std::string& ConnectionBook::Last(int worker) const {
  static const std::string kNone;
  if (worker < 0 || static_cast<std::size_t>(worker) >= recent_.size()) return kNone;
  const std::vector<std::string>& recent = recent_[static_cast<std::size_t>(worker)];
  return recent.empty() ? kNone : recent.front();
}

}  // namespace fetchpool
