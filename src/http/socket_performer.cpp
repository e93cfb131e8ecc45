#include "fetchpool/http/socket_performer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace fetchpool {

SocketPerformer::SocketPerformer(std::stop_token stop, long max_connections)
    : stop_(std::move(stop)), wakeup_(stop_), multi_(curl_multi_init()) {
  fds_.push_back({.fd = wakeup_.fd(), .events = POLLIN, .revents = 0});
  if (!multi_) return;
  CURLM* m = multi_.get();
  curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &SocketPerformer::OnSocket);
  curl_multi_setopt(m, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &SocketPerformer::OnTimer);
  curl_multi_setopt(m, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, max_connections);
}

// The multi handle closes its kept connections through the easy handle's close-socket callback,
// so the fetcher destroys this first, while its easy handle is still alive.
SocketPerformer::~SocketPerformer() { multi_.reset(); }

int SocketPerformer::OnSocket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto* p = static_cast<SocketPerformer*>(self);
  auto it = std::find_if(p->fds_.begin() + 1, p->fds_.end(),
                         [fd](const pollfd& f) { return f.fd == fd; });
  if (what == CURL_POLL_REMOVE) {
    if (it != p->fds_.end()) p->fds_.erase(it);
    return 0;
  }
  const short events = static_cast<short>(((what & CURL_POLL_IN) != 0 ? POLLIN : 0) |
                                          ((what & CURL_POLL_OUT) != 0 ? POLLOUT : 0));
  if (it != p->fds_.end()) {
    it->events = events;
    return 0;
  }
  try {
    p->fds_.push_back({.fd = fd, .events = events, .revents = 0});
  } catch (...) {
    return -1;  // no exception may cross libcurl; -1 fails the transfer
  }
  return 0;
}

int SocketPerformer::OnTimer(CURLM*, long timeout_ms, void* self) {
  auto* p = static_cast<SocketPerformer*>(self);
  if (timeout_ms < 0) {
    p->timer_.reset();
  } else {
    p->timer_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

int SocketPerformer::NextTimeout(bool& for_libcurl) const {
  constexpr std::chrono::milliseconds kIdleTick{1000};  // the stall guard looks this often
  for_libcurl = false;
  if (!timer_) return static_cast<int>(kIdleTick.count());
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(*timer_ - std::chrono::steady_clock::now());
  if (left > kIdleTick) return static_cast<int>(kIdleTick.count());
  for_libcurl = true;
  return static_cast<int>(std::max<std::int64_t>(left.count(), 0));
}

bool SocketPerformer::Step(const std::function<bool()>& idle) {
  bool for_libcurl = false;
  const int timeout = NextTimeout(for_libcurl);
  for (pollfd& f : fds_) f.revents = 0;
  const int n = ::poll(fds_.data(), fds_.size(), timeout);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (stop_.stop_requested()) return false;
  int running = 0;
  if (n == 0) {
    if (!for_libcurl) return idle();
    timer_.reset();  // fired; libcurl sets the next one
    curl_multi_socket_action(multi_.get(), CURL_SOCKET_TIMEOUT, 0, &running);
    return true;
  }
  // Copied first: libcurl's socket callback may change the list while we walk it.
  std::vector<pollfd> ready;
  for (std::size_t i = 1; i < fds_.size(); ++i) {
    if (fds_[i].revents != 0) ready.push_back(fds_[i]);
  }
  for (const pollfd& f : ready) {
    int flags = 0;
    if ((f.revents & (POLLIN | POLLHUP)) != 0) flags |= CURL_CSELECT_IN;
    if ((f.revents & POLLOUT) != 0) flags |= CURL_CSELECT_OUT;
    if ((f.revents & (POLLERR | POLLNVAL)) != 0) flags |= CURL_CSELECT_ERR;
    curl_multi_socket_action(multi_.get(), f.fd, flags, &running);
  }
  return true;
}

CURLcode SocketPerformer::Perform(CURL* easy, const std::function<bool()>& idle) {
  if (!multi_) return CURLE_OUT_OF_MEMORY;
  if (curl_multi_add_handle(multi_.get(), easy) != CURLM_OK) return CURLE_FAILED_INIT;
  int running = 0;
  curl_multi_socket_action(multi_.get(), CURL_SOCKET_TIMEOUT, 0, &running);
  CURLcode result = CURLE_ABORTED_BY_CALLBACK;  // unless it finishes: a stop, or `idle` said so
  for (;;) {
    int queued = 0;
    bool done = false;
    while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) {
        result = msg->data.result;
        done = true;
      }
    }
    if (done || !Step(idle)) break;
  }
  curl_multi_remove_handle(multi_.get(), easy);
  return result;
}

}  // namespace fetchpool
