#include "fetchpool/http/curl_handles.hpp"

namespace fetchpool {

CurlGlobal::CurlGlobal() {
  if (const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
    status_ =
        Status::Error(std::string("libcurl could not be initialised: ") + curl_easy_strerror(code));
  }
}

CurlGlobal::~CurlGlobal() {
  if (status_.ok()) curl_global_cleanup();
}

bool Slist::Append(const std::string& line) {
  curl_slist* grown = curl_slist_append(list_.get(), line.c_str());
  if (grown == nullptr) return false;
  static_cast<void>(list_.release());  // curl_slist_append returned the same head, now extended
  list_.reset(grown);
  return true;
}

namespace {

using Locks = std::array<Mutex, CURL_LOCK_DATA_LAST>;

// libcurl C callbacks: noexcept by construction, std::mutex::lock only throws on misuse. libcurl
// pairs every lock with an unlock call; clang's analysis cannot follow a lock from one function
// to another, so it skips these two.
void LockShare(CURL*, curl_lock_data data, curl_lock_access,
               void* user) noexcept NO_THREAD_SAFETY_ANALYSIS {
  (*static_cast<Locks*>(user))[data].Lock();
}

void UnlockShare(CURL*, curl_lock_data data, void* user) noexcept NO_THREAD_SAFETY_ANALYSIS {
  (*static_cast<Locks*>(user))[data].Unlock();
}

}  // namespace

ShareHandle::ShareHandle() : locks_(std::make_unique<Locks>()), handle_(curl_share_init()) {
  if (!handle_) return;
  curl_share_setopt(handle_.get(), CURLSHOPT_LOCKFUNC, LockShare);
  curl_share_setopt(handle_.get(), CURLSHOPT_UNLOCKFUNC, UnlockShare);
  curl_share_setopt(handle_.get(), CURLSHOPT_USERDATA, locks_.get());
  curl_share_setopt(handle_.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(handle_.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

}  // namespace fetchpool
