#include "fetchpool/output/result_redaction.hpp"

namespace fetchpool {
namespace {

void RedactInPlace(std::string& url) {
  if (UrlHasSecret(url)) url = RedactUrl(url);
}

}  // namespace

void RedactResult(Result& result, const SecretSet& secrets) {
  RedactInPlace(result.origin.url);
  RedactInPlace(result.transfer.effective_url);
  for (RedirectHop& hop : result.transfer.redirects) RedactInPlace(hop.location);
  if (secrets.empty()) return;
  for (std::string* text :
       {&result.verdict.error, &result.transfer.failure_detail, &result.saved.error}) {
    if (!text->empty()) secrets.Scrub(*text);
  }
  for (HeaderNote& header : result.transfer.headers) secrets.Scrub(header.value);
}

}  // namespace fetchpool
