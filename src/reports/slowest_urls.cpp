#include "fetchpool/reports/slowest_urls.hpp"

#include <algorithm>

namespace fetchpool {
namespace {

// "Slower" order: longer first, then earlier in the input.
bool Slower(const SlowestUrls::Entry& a, const SlowestUrls::Entry& b) {
  if (a.elapsed != b.elapsed) return a.elapsed > b.elapsed;
  return a.seq < b.seq;
}

std::string Capped(std::string_view text) {
  return std::string(text.substr(0, SlowestUrls::kKeptBytes));
}

}  // namespace

void SlowestUrls::Add(const Result& r) {
  if (capacity_ == 0) return;
  Entry probe{.elapsed = r.transfer.elapsed, .seq = r.origin.seq};
  // With Slower as "less", the heap's top is the entry every other one is slower than.
  if (heap_.size() == capacity_ && !Slower(probe, heap_.front())) return;
  probe.input = r.origin.input;
  probe.line = r.origin.line;
  probe.column = r.origin.column;
  probe.url = Capped(r.origin.url);
  probe.reason = r.verdict.ok ? std::string() : Capped(r.verdict.error);
  probe.ok = r.verdict.ok;
  probe.warning = r.verdict.warning;
  if (heap_.size() == capacity_) {
    std::pop_heap(heap_.begin(), heap_.end(), Slower);
    heap_.back() = std::move(probe);
  } else {
    heap_.push_back(std::move(probe));
  }
  std::push_heap(heap_.begin(), heap_.end(), Slower);
}

std::vector<SlowestUrls::Entry> SlowestUrls::Sorted() const {
  std::vector<Entry> sorted = heap_;
  std::sort(sorted.begin(), sorted.end(), Slower);
  return sorted;
}

}  // namespace fetchpool
