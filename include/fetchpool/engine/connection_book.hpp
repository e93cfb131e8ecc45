#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace fetchpool {

// Which worker probably holds an open connection to which host, so the dispatcher can give a
// host's next URL to the worker already connected to it, even when the list comes back to that
// host hundreds of URLs later. Each worker's libcurl handle keeps its `per_worker` most recently
// used connections (CURLOPT_MAXCONNECTS is set to the same number), and the book mirrors that:
// a least-recently-used list of hosts per worker, and for each host the worker that used it last.
// Memory is bounded by workers × per_worker host names.
// Thread-compatible: the dispatcher guards it with its own mutex.
class ConnectionBook {
 public:
  ConnectionBook(int workers, std::size_t per_worker);

  // `worker` starts a request to `host`: its connection there is now its most recent one.
  void Used(int worker, const std::string& host);
  // The worker that used `host` last, while its connection should still be open; -1 if none.
  int Holder(const std::string& host) const;
  // The host `worker` used last; empty before its first request.
  const std::string& Last(int worker) const;

 private:
  std::size_t per_worker_;
  std::vector<std::vector<std::string>> recent_;  // per worker, most recent first
  std::unordered_map<std::string, int> holder_;
};

}  // namespace fetchpool
