#pragma once

#include <curl/curl.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "fetchpool/util/mutex.hpp"
#include "fetchpool/util/status.hpp"

namespace fetchpool {

// curl_global_init/cleanup for the lifetime of the object. Create it on the main thread before
// any other thread exists, and destroy it after they are all joined (libcurl's rule).
// Thread-safety: not thread-safe by libcurl's contract; owned by main.
class CurlGlobal {
 public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
  // Whether curl_global_init succeeded, and libcurl's reason when it did not.
  const Status& status() const { return status_; }

 private:
  Status status_;
};

namespace detail {
struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct ShareDeleter {
  void operator()(CURLSH* s) const { curl_share_cleanup(s); }
};
}  // namespace detail

// Move-only owners of libcurl's C handles. An easy handle is used by one thread at a time.
using EasyHandle = std::unique_ptr<CURL, detail::EasyDeleter>;

// Thread-compatible: build it on one thread, then hand get() to libcurl (which may be called
// from any thread).
class Slist {
 public:
  Slist() = default;
  // Returns false when libcurl could not allocate; the list is unchanged then.
  bool Append(const std::string& line);
  curl_slist* get() const { return list_.get(); }

 private:
  std::unique_ptr<curl_slist, detail::SlistDeleter> list_;
};

// A CURLSH sharing DNS cache and TLS sessions between the workers' easy handles, with one mutex
// per lock kind. (libcurl does not support sharing the connection cache across threads.)
// Thread-safe: libcurl calls the lock callbacks from any worker; the object itself must outlive
// every easy handle attached to it. The mutexes guard libcurl's shared data, none of ours, so
// nothing here is GUARDED_BY them.
class ShareHandle {
 public:
  ShareHandle();
  ShareHandle(ShareHandle&&) noexcept = default;
  // No move assignment: curl_share_cleanup calls the lock callbacks, so the old locks must
  // outlive the old handle.
  ShareHandle& operator=(ShareHandle&&) = delete;
  CURLSH* get() const { return handle_.get(); }

 private:
  // Heap-allocated so the address libcurl holds stays valid when the handle moves.
  std::unique_ptr<std::array<Mutex, CURL_LOCK_DATA_LAST>> locks_;
  std::unique_ptr<CURLSH, detail::ShareDeleter> handle_;
};

}  // namespace fetchpool
