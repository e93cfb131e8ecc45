#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fetchpool {

// What every secret is replaced with wherever fetchpool writes text.
inline constexpr std::string_view kRedacted = "***";

// A URL as fetchpool writes it anywhere (output, reports, --state, messages): the password of
// its user information replaced, "https://user:***@host/". A user name alone may be a token
// ("https://TOKEN@github.com/"), so it goes too: "https://***@host/". Everything else stays
// byte for byte, so the result is still a URL libcurl parses, and redacting twice changes
// nothing. The user information ends at the authority's last '@' (libcurl takes the first;
// hiding more is the safe side). Text without user information comes back unchanged.
std::string RedactUrl(std::string_view url);
// RedactUrl applied to each whitespace-separated word of free text (a message quoting a URL), so
// the words around a URL are never taken for its user information ("... or @FILE" stays).
std::string RedactUrlsIn(std::string_view text);
// Whether RedactUrl would change `url`.
bool UrlHasSecret(std::string_view url);
// Whether `url` holds user information RedactUrl hid (what it returns for a URL with a secret):
// the URL as given can no longer be known from it.
bool UrlWasRedacted(std::string_view url);

// The run's secret values (header values, passwords), scrubbed from free text (error messages,
// stderr) as the last line of defence: structured places (URLs, the command line) are redacted
// where they are built. Values shorter than kMinLength are not kept: "***" for every "1" or
// "gzip" would garble messages and hide nothing worth hiding.
// Thread-safety: filled during setup, then only read (any number of threads).
class SecretSet {
 public:
  static constexpr std::size_t kMinLength = 4;

  // Keeps `value` (trimmed) and, for a value of several words ("Bearer TOKEN"), its longest word.
  void Add(std::string_view value);
  // A header line "Name: value": its value is the secret.
  void AddHeader(std::string_view line);
  // "USER:PASSWORD": the password, and the pair.
  void AddCredentials(std::string_view user_password);
  void Merge(const SecretSet& other);

  bool empty() const { return values_.empty(); }
  const std::vector<std::string>& values() const { return values_; }
  // Every occurrence of every secret in `text` becomes kRedacted.
  void Scrub(std::string& text) const;
  std::string Scrubbed(std::string_view text) const;

 private:
  void Keep(std::string_view value);
  std::vector<std::string> values_;  // longest first, so a secret inside another goes with it
};

}  // namespace fetchpool
