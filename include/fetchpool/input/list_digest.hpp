#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fetchpool/core/run_record.hpp"

namespace fetchpool {

// A list's identity (ListIdentity): SHA-256 of its URL lines in order, each trimmed and ended by
// '\n': blank lines, comments, line endings and surrounding blanks do not change it; a URL, a
// per-line check or their order does. The reader feeds it every URL line, its shard's or not, so
// every shard of a list computes the same one. Lines are buffered so the digest is updated in large
// pieces. Thread-compatible: one per reader.
class ListDigest {
 public:
  ListDigest();
  ~ListDigest();
  ListDigest(const ListDigest&) = delete;
  ListDigest& operator=(const ListDigest&) = delete;

  // One URL line (already trimmed: what the reader makes a job of).
  void Add(std::string_view url_line);
  // The identity of everything added; the digest cannot be added to afterwards.
  ListIdentity Finish();

 private:
  void Flush();
  struct Context;
  std::unique_ptr<Context> context_;
  std::string pending_;
  std::uint64_t urls_ = 0;
};

}  // namespace fetchpool
