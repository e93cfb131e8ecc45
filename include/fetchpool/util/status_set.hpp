#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fetchpool {

// A set of HTTP statuses written as "200-299,304". A plain value.
class StatusSet {
 public:
  StatusSet() = default;
  // nullopt when the text is not a comma-separated list of statuses (100-999) and ranges.
  static std::optional<StatusSet> Parse(std::string_view text);

  bool Contains(long status) const;
  // Whether any 3xx status is in the set (then a redirect is itself the expected answer).
  bool ContainsRedirect() const;
  bool empty() const { return ranges_.empty(); }
  const std::string& text() const { return text_; }

 private:
  std::vector<std::pair<long, long>> ranges_;
  std::string text_;
};

}  // namespace fetchpool
