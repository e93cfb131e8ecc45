#pragma once

#include <zlib.h>

#include <array>
#include <cstddef>
#include <string>

namespace fetchpool {

// Reads a descriptor's bytes, gunzipped when they start with gzip's magic (so sitemap.xml and
// sitemap.xml.gz read alike, whatever their names), through zlib's inflate with a fixed buffer:
// memory stays flat however large the file. Multi-member gzip files (concatenated) are read whole.
// Before each read it waits in poll() on the descriptor and on `wake_fd` (StopWakeup), so a pipe
// that never sends anything cannot hold a stop back.
// Thread-compatible: one owner. Move-less: zlib's stream points into the object.
class GzipSource {
 public:
  GzipSource(int fd, int wake_fd) : fd_(fd), wake_fd_(wake_fd) {}
  ~GzipSource();
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  // Up to `size` bytes into `out`: the count, 0 at the end, -1 on an error or a stop (error()
  // then says which).
  int Read(char* out, int size);
  const std::string& error() const { return error_; }

 private:
  // Refills the raw buffer; false at the end of the descriptor or on failure.
  bool Fill();
  int Fail(std::string why);

  int fd_;
  int wake_fd_;
  std::array<unsigned char, std::size_t{64} * 1024> raw_{};
  std::size_t raw_begin_ = 0;
  std::size_t raw_end_ = 0;
  bool eof_ = false;
  bool started_ = false;  // the first bytes were seen: gzip or not is known
  bool gzip_ = false;
  bool inflating_ = false;  // inflateInit2 done
  z_stream zs_{};
  std::string error_;
};

}  // namespace fetchpool
