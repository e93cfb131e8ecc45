#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace fetchpool {

// The file names that origins read from the input itself (grep's PATH, a diff's "+++ b/PATH", a
// sitemap's location) point into. Jobs and results view them (Job::input), so every name is
// kept, once, until the run ends: the cost is one copy per distinct name, not per URL.
// Thread-safety: Intern on one thread (the reader). A view it returned may be read on any
// thread, while this lives: names never move (the set's nodes stay put) and are never changed.
class OriginNames {
 public:
  std::string_view Intern(std::string_view name) {
    if (name == last_) return last_;  // lines of one file come together
    auto it = names_.find(name);
    if (it == names_.end()) it = names_.emplace(name).first;
    last_ = *it;
    return last_;
  }

  std::size_t size() const { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> names_;
  std::string_view last_;
};

}  // namespace fetchpool
