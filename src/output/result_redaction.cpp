#include "fetchpool/output/result_redaction.hpp"

namespace fetchpool {
namespace {

void RedactInPlace(std::string& url) {
  if (UrlHasSecret(url)) url = RedactUrl(url);
}

}  // namespace

void RedactResult(Result& result, const SecretSet& secrets) {
  RedactInPlace(result.url);
  RedactInPlace(result.effective_url);
  for (Result::Redirect& hop : result.redirects) RedactInPlace(hop.url);
  if (!result.error.empty() && !secrets.empty()) secrets.Scrub(result.error);
}

}  // namespace fetchpool
