#include "support/polite_server.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace fetchpool::testing {
namespace {

std::string HostWithoutPort(const std::string& host) {
  const auto colon = host.rfind(':');
  return colon == std::string::npos ? host : host.substr(0, colon);
}

std::string HttpDate(std::time_t when) {
  std::tm tm{};
  gmtime_r(&when, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

void SetRetryAfter(httplib::Response& res, RetryAfterForm form, int seconds) {
  if (form == RetryAfterForm::kSeconds) res.set_header("Retry-After", std::to_string(seconds));
  // A date names a whole second: one from now plus `seconds`, so the wait is at least that.
  if (form == RetryAfterForm::kDate) {
    res.set_header("Retry-After", HttpDate(std::time(nullptr) + seconds + 1));
  }
}

RetryAfterForm FormOf(const std::string& text) {
  if (text == "date") return RetryAfterForm::kDate;
  if (text == "none") return RetryAfterForm::kNone;
  return RetryAfterForm::kSeconds;
}

}  // namespace

class PoliteServer::Impl {
 public:
  Impl(const std::vector<std::string>& addresses, PoliteServerOptions options) : options_(options) {
    for (const std::string& address : addresses) {
      auto server = std::make_unique<Server>();
      server->address = address;
      auto& http = server->http;
      http.new_task_queue = [] { return new httplib::ThreadPool(64); };
      http.set_keep_alive_max_count(1000);
      http.set_tcp_nodelay(true);
      http.Get(R"(/limited(/.*)?)", [this](const auto& req, auto& res) { Limited(req, res); });
      http.Get("/refuse", [this](const auto& req, auto& res) { Refuse(req, res); });
      http.Get(R"(/ok(/.*)?)", [this](const auto& req, auto& res) { Ok(req, res); });
      http.Get("/ready", [](const auto&, auto& res) { res.set_content("", "text/plain"); });
      server->port = http.bind_to_any_port(address);
      if (server->port <= 0) throw std::runtime_error("PoliteServer: cannot bind " + address);
      Server* raw = server.get();
      server->thread = std::thread([raw] { raw->http.listen_after_bind(); });
      while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      WaitUntilAnswering(address, server->port);
      servers_.push_back(std::move(server));
    }
  }

  // is_running() turns true before the pool's threads exist; a first answer proves they do, so
  // a test's first requests are not held up behind the server's own start-up.
  static void WaitUntilAnswering(const std::string& address, int port) {
    httplib::Client probe(address, port);
    for (int i = 0; i < 500 && !probe.Get("/ready"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  ~Impl() {
    for (auto& s : servers_) s->http.stop();
    for (auto& s : servers_) s->thread.join();
  }

  std::string url(std::size_t i, std::string_view path) const {
    return "http://" + servers_.at(i)->address + ":" + std::to_string(servers_.at(i)->port) +
           std::string(path);
  }
  const std::string& address(std::size_t i) const { return servers_.at(i)->address; }

  std::vector<Arrival> arrivals() const {
    std::lock_guard lock(mu_);
    return arrivals_;
  }
  std::vector<Clock::time_point> arrivals_at(std::string_view host) const {
    std::lock_guard lock(mu_);
    std::vector<Clock::time_point> out;
    for (const Arrival& a : arrivals_) {
      if (a.host == host) out.push_back(a.at);
    }
    return out;
  }
  std::size_t count(int status) const {
    std::lock_guard lock(mu_);
    return static_cast<std::size_t>(std::count_if(
        arrivals_.begin(), arrivals_.end(), [&](const Arrival& a) { return a.status == status; }));
  }
  int max_at_once(std::string_view host) const {
    std::lock_guard lock(mu_);
    auto it = peak_.find(std::string(host));
    return it == peak_.end() ? 0 : it->second;
  }

 private:
  struct Server {
    std::string address;
    int port = 0;
    httplib::Server http;
    std::thread thread;
  };
  struct HostState {
    int in_flight = 0;
    bool started = false;
    Clock::time_point last_accepted{};
  };

  // Records the arrival and returns its index, to fill in the status.
  std::size_t Record(const httplib::Request& req, const std::string& host) {
    std::string target = req.path;
    if (!req.params.empty()) {
      target += '?';
      bool first = true;
      for (const auto& [k, v] : req.params) {
        target += (first ? "" : "&") + k + "=" + v;
        first = false;
      }
    }
    arrivals_.push_back({host, std::move(target), Clock::now(), 0});
    return arrivals_.size() - 1;
  }

  void Hold() { std::this_thread::sleep_for(options_.hold); }

  void Limited(const httplib::Request& req, httplib::Response& res) {
    const std::string host = HostWithoutPort(req.get_header_value("Host"));
    {
      std::lock_guard lock(mu_);
      const std::size_t i = Record(req, host);
      HostState& h = hosts_[host];
      const Clock::time_point now = arrivals_[i].at;
      const bool too_many = options_.max_at_once > 0 && h.in_flight >= options_.max_at_once;
      const bool too_soon = options_.min_interval.count() > 0 && h.started &&
                            now - h.last_accepted < options_.min_interval;
      if (too_many || too_soon) {
        arrivals_[i].status = 429;
        res.status = 429;
        SetRetryAfter(res, options_.retry_after, options_.retry_after_s);
        res.set_content("slow down", "text/plain");
        return;
      }
      arrivals_[i].status = 200;
      h.started = true;
      h.last_accepted = now;
      peak_[host] = std::max(peak_[host], ++h.in_flight);
    }
    Hold();
    {
      // Before the answer goes out, so the client's next request never finds this one counted.
      std::lock_guard lock(mu_);
      --hosts_[host].in_flight;
    }
    res.set_content("ok", "text/plain");
  }

  void Refuse(const httplib::Request& req, httplib::Response& res) {
    const std::string host = HostWithoutPort(req.get_header_value("Host"));
    const std::string key = req.get_param_value("key");
    const int times = req.has_param("times") ? std::stoi(req.get_param_value("times")) : 1;
    const int status = req.has_param("status") ? std::stoi(req.get_param_value("status")) : 429;
    const int ra = req.has_param("ra") ? std::stoi(req.get_param_value("ra")) : 1;
    {
      std::lock_guard lock(mu_);
      const std::size_t i = Record(req, host);
      if (refused_[key] < times) {
        ++refused_[key];
        arrivals_[i].status = status;
        res.status = status;
        SetRetryAfter(res, FormOf(req.get_param_value("form")), ra);
        res.set_content("refused", "text/plain");
        return;
      }
      arrivals_[i].status = 200;
    }
    Hold();
    res.set_content("ok", "text/plain");
  }

  void Ok(const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(mu_);
      arrivals_[Record(req, HostWithoutPort(req.get_header_value("Host")))].status = 200;
    }
    Hold();
    res.set_content("ok", "text/plain");
  }

  const PoliteServerOptions options_;
  std::vector<std::unique_ptr<Server>> servers_;
  mutable std::mutex mu_;
  std::vector<Arrival> arrivals_;
  std::map<std::string, HostState> hosts_;
  std::map<std::string, int> peak_;
  std::map<std::string, int> refused_;
};

PoliteServer::PoliteServer(const std::vector<std::string>& addresses, PoliteServerOptions options)
    : impl_(std::make_unique<Impl>(addresses, options)) {}
PoliteServer::~PoliteServer() = default;

std::string PoliteServer::url(std::size_t index, std::string_view path) const {
  return impl_->url(index, path);
}
const std::string& PoliteServer::address(std::size_t index) const { return impl_->address(index); }
std::vector<PoliteServer::Arrival> PoliteServer::arrivals() const { return impl_->arrivals(); }
std::vector<PoliteServer::Clock::time_point> PoliteServer::arrivals_at(
    std::string_view host) const {
  return impl_->arrivals_at(host);
}
std::size_t PoliteServer::count(int status) const { return impl_->count(status); }
int PoliteServer::max_at_once(std::string_view host) const { return impl_->max_at_once(host); }

}  // namespace fetchpool::testing
