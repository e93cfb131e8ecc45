#include "fetchpool/input/sitemap_xml.hpp"

#include <fmt/format.h>

#include <cstring>

#include "fetchpool/util/text.hpp"

namespace fetchpool {
namespace {

struct XmlFree {
  void operator()(xmlChar* p) const { xmlFree(p); }
};

std::string_view LocalName(xmlTextReaderPtr reader) {
  const xmlChar* name = xmlTextReaderConstLocalName(reader);
  return name == nullptr ? std::string_view() : reinterpret_cast<const char*>(name);
}

}  // namespace

SitemapXml::SitemapXml(int fd, int wake_fd) : source_(fd, wake_fd) {
  // BIG_LINES: line numbers past 65535 stay right. NONET: no DTD or entity is fetched.
  reader_.reset(xmlReaderForIO(
      &SitemapXml::ReadInput, nullptr, this, nullptr, nullptr,
      XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!reader_) {
    error_ = "cannot start the XML reader";
    return;
  }
  xmlTextReaderSetStructuredErrorHandler(reader_.get(), &SitemapXml::OnError, this);
}

int SitemapXml::ReadInput(void* self, char* buffer, int size) {
  auto* xml = static_cast<SitemapXml*>(self);
  try {
    const int n = xml->source_.Read(buffer, size);
    if (n < 0 && xml->error_.empty()) xml->error_ = xml->source_.error();
    if (n > 0) xml->bytes_ += static_cast<std::uint64_t>(n);
    return n;
  } catch (...) {
    return -1;  // no exception may cross libxml2: the reader stops with an error
  }
}

void SitemapXml::OnError(void* self, xmlErrorPtr error) {
  auto* xml = static_cast<SitemapXml*>(self);
  if (error == nullptr || error->level < XML_ERR_ERROR || !xml->error_.empty()) return;
  try {
    std::string message = error->message != nullptr ? error->message : "malformed";
    while (!message.empty() && std::strchr(" \n", message.back()) != nullptr) message.pop_back();
    xml->error_ = fmt::format("XML error at line {}: {}", error->line, message);
  } catch (...) {
    // No exception may cross libxml2; Next still stops on the reader's -1.
  }
}

bool SitemapXml::Fail(std::string why) {
  failed_ = true;
  if (error_.empty()) error_ = std::move(why);
  return false;
}

bool SitemapXml::Next(std::string& location, std::uint64_t& line) {
  if (!reader_ || failed_) return false;
  xmlTextReaderPtr r = reader_.get();
  for (;;) {
    // Nodes parsed before an error still come (libxml2 reports errors as it parses ahead).
    const int rc = xmlTextReaderRead(r);
    if (rc <= 0 && bytes_ == 0 && source_.error().empty()) {
      error_ = "not a sitemap (the file is empty)";
      return Fail(error_);
    }
    if (rc == 0) return root_ == Root::kUnknown && Fail("not a sitemap (no root element)");
    if (rc < 0) return Fail("XML error");
    if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT) continue;
    const int depth = xmlTextReaderDepth(r);
    const std::string_view name = LocalName(r);
    if (depth == 0) {
      if (name == "urlset") {
        root_ = Root::kUrlset;
      } else if (name == "sitemapindex") {
        root_ = Root::kIndex;
      } else {
        return Fail(fmt::format("not a sitemap (the root element is <{}>)", name));
      }
      continue;
    }
    if (depth != 2 || name != "loc") continue;
    line = static_cast<std::uint64_t>(xmlGetLineNo(xmlTextReaderCurrentNode(r)));
    const std::unique_ptr<xmlChar, XmlFree> text(xmlTextReaderReadString(r));
    location.assign(TrimAsciiSpace(text ? reinterpret_cast<const char*>(text.get()) : ""));
    return true;
  }
}

}  // namespace fetchpool
