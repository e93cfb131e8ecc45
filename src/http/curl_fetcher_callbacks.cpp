// CurlFetcher's libcurl callbacks: sockets (so a stop can shut them down), progress (the stall
// guard and the stop) and body, and the certificate each response notes; headers are in
// curl_fetcher_notes.cpp. No exception may cross libcurl from any of them.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "fetchpool/http/curl_fetcher.hpp"
#include "fetchpool/http/peer_certificate.hpp"
#include "fetchpool/util/mutex_lock.hpp"
#include "fetchpool/util/text.hpp"

namespace fetchpool {

curl_socket_t CurlFetcher::OpenSocket(void* self, curlsocktype, curl_sockaddr* address) {
  auto* fetcher = static_cast<CurlFetcher*>(self);
  const curl_socket_t fd =
      ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd == CURL_SOCKET_BAD) return fd;
  MutexLock lock(fetcher->sockets_mutex_);
  // A worker holds few sockets, so this rarely allocates; if it cannot, refusing the socket is
  // the only exception-free answer.
  try {
    fetcher->sockets_.push_back(fd);
  } catch (...) {
    ::close(fd);
    return CURL_SOCKET_BAD;
  }
  if (fetcher->stop_.stop_requested()) ::shutdown(fd, SHUT_RDWR);
  return fd;
}

int CurlFetcher::CloseSocket(void* self, curl_socket_t fd) {
  auto* fetcher = static_cast<CurlFetcher*>(self);
  MutexLock lock(fetcher->sockets_mutex_);
  std::erase(fetcher->sockets_, fd);
  return ::close(fd);
}

void CurlFetcher::ShutdownSockets() {
  MutexLock lock(sockets_mutex_);
  for (curl_socket_t fd : sockets_) ::shutdown(fd, SHUT_RDWR);
}

CURLcode CurlFetcher::Perform() {
  return performer_->Perform(easy_.get(),
                             [this] { return !Stalled(std::chrono::steady_clock::now()); });
}

bool CurlFetcher::Stalled(std::chrono::steady_clock::time_point now) {
  if (now - last_activity_ >= stall_limit_) stalled_ = true;
  return stalled_;
}

// libcurl calls this whenever it works on the transfer, and the performer asks Stalled after
// every idle second, so the stall guard fires within a second of the limit.
int CurlFetcher::OnProgress(void* self, curl_off_t, curl_off_t dlnow, curl_off_t,
                            curl_off_t ulnow) {
  auto* fetcher = static_cast<CurlFetcher*>(self);
  if (fetcher->stop_.stop_requested()) return 1;
  const auto now = std::chrono::steady_clock::now();
  const curl_off_t progress = dlnow + ulnow;
  if (progress != fetcher->last_progress_) {
    fetcher->last_progress_ = progress;
    fetcher->last_activity_ = now;
    return 0;
  }
  return fetcher->Stalled(now) ? 1 : 0;
}

size_t CurlFetcher::OnBody(char* data, size_t size, size_t count, void* self) {
  auto* fetcher = static_cast<CurlFetcher*>(self);
  const size_t n = size * count;
  if (fetcher->discard_body_) return n;  // a redirect's body: the next request has the answer
  fetcher->bytes_ += n;
  if (fetcher->options_.max_size > 0 && fetcher->bytes_ > fetcher->options_.max_size) {
    fetcher->too_large_ = true;  // also ends a body that never ends
    return 0;
  }
  for (std::size_t done = 0; fetcher->body_fd_ >= 0 && done < n;) {
    const ssize_t wrote = ::write(fetcher->body_fd_, data + done, n - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return 0;  // CURLE_WRITE_ERROR: the body could not be kept
    done += static_cast<std::size_t>(wrote);
  }
  try {
    // A short count aborts the transfer with CURLE_WRITE_ERROR; the saver keeps the real reason.
    if (fetcher->saver_ && !fetcher->saver_->Write(fetcher->easy_.get(), std::string_view(data, n),
                                                   fetcher->checker_)) {
      return 0;
    }
    fetcher->checker_.Consume(std::string_view(data, n));
    if (fetcher->suspect_ && fetcher->body_start_.size() < fetcher->notes_->body_bytes) {
      fetcher->body_start_.append(
          data, std::min(n, fetcher->notes_->body_bytes - fetcher->body_start_.size()));
    }
  } catch (...) {
    if (fetcher->saver_) fetcher->saver_->Interrupted();
    return 0;  // no exception may cross libcurl; a short count aborts with CURLE_WRITE_ERROR
  }
  return n;
}

// Each response notes its connection's certificate: the last one's is the result's, so after
// a redirect to another host it is that host's. The connection is attached to the handle only
// while the transfer runs, so this is the place to ask.
void CurlFetcher::NoteCertificate() noexcept {
  certificate_.reset();
  curl_tlssessioninfo* tls = nullptr;
  if (curl_easy_getinfo(easy_.get(), CURLINFO_TLS_SSL_PTR, &tls) != CURLE_OK || tls == nullptr ||
      tls->backend != CURLSSLBACKEND_OPENSSL || tls->internals == nullptr) {
    return;
  }
  try {
    certificate_ = PeerCertificate(static_cast<SSL*>(tls->internals));
  } catch (...) {
    // No exception may cross libcurl; the result goes without its certificate.
  }
}

}  // namespace fetchpool
