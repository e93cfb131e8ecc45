#pragma once

#include <libxml/xmlreader.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fetchpool/input/gzip_source.hpp"

namespace fetchpool {

// One sitemap's <loc> entries, read with libxml2's streaming xmlTextReader from a descriptor
// (gzipped or not, GzipSource): only the current node is held, so memory stays flat however many
// URLs the file lists. Reads <urlset><url><loc> and <sitemapindex><sitemap><loc> (by local name,
// whatever the namespace prefix; image and video extensions' nested <loc>s are not entries). No
// network access, no external entities, no DTD.
// Thread-compatible: one owner; libxml2 must have been initialised (xmlInitParser).
class SitemapXml {
 public:
  enum class Root { kUnknown, kUrlset, kIndex };

  SitemapXml(int fd, int wake_fd);
  SitemapXml(const SitemapXml&) = delete;
  SitemapXml& operator=(const SitemapXml&) = delete;

  // The next entry's location (trimmed) and the line its <loc> starts on. False at the end or on
  // an error (then error() is not empty).
  bool Next(std::string& location, std::uint64_t& line);
  Root root() const { return root_; }
  // "XML error at line 3: ...", "not a sitemap (the root element is <html>)", "" when fine.
  const std::string& error() const { return error_; }

 private:
  static int ReadInput(void* self, char* buffer, int size);
  static void OnError(void* self, xmlErrorPtr error);
  bool Fail(std::string why);

  struct ReaderDeleter {
    void operator()(xmlTextReader* r) const { xmlFreeTextReader(r); }
  };
  GzipSource source_;
  std::unique_ptr<xmlTextReader, ReaderDeleter> reader_;
  Root root_ = Root::kUnknown;
  std::uint64_t bytes_ = 0;  // read from the source (after gunzip)
  bool failed_ = false;      // Next has nothing more to give
  std::string error_;
};

}  // namespace fetchpool
