#include "fetchpool/state/state_scrub.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fetchpool/state/url_key.hpp"
#include "fetchpool/util/argv_redaction.hpp"
#include "fetchpool/util/redact.hpp"

namespace fetchpool {
namespace {

// The long options of fetchpool up to state version 4, which could be spelt with one dash
// ("-user=..."): how the command lines those versions recorded are to be read.
constexpr std::array<std::string_view, 56> kLongOptionsBefore5 = {"accept",
                                                                  "annotate",
                                                                  "cacert",
                                                                  "codequality",
                                                                  "color",
                                                                  "connect-timeout",
                                                                  "content-disposition",
                                                                  "continue",
                                                                  "fail-after",
                                                                  "format",
                                                                  "head",
                                                                  "header",
                                                                  "help",
                                                                  "host-stats",
                                                                  "html",
                                                                  "http1.1",
                                                                  "http2",
                                                                  "insecure",
                                                                  "json",
                                                                  "junit",
                                                                  "markdown",
                                                                  "max-cache-age",
                                                                  "max-failures",
                                                                  "max-redirs",
                                                                  "max-size",
                                                                  "max-time",
                                                                  "mirror-paths",
                                                                  "no-adaptive",
                                                                  "no-follow",
                                                                  "no-progress",
                                                                  "on-exists",
                                                                  "ordered",
                                                                  "output-dir",
                                                                  "per-host",
                                                                  "per-host-rate",
                                                                  "progress",
                                                                  "proxy",
                                                                  "quiet",
                                                                  "rate",
                                                                  "resume",
                                                                  "retries",
                                                                  "retry-max-wait",
                                                                  "retry-wait",
                                                                  "sarif",
                                                                  "shard",
                                                                  "silent",
                                                                  "stall-timeout",
                                                                  "state",
                                                                  "stats",
                                                                  "timeout",
                                                                  "user",
                                                                  "user-agent",
                                                                  "verbose",
                                                                  "version",
                                                                  "warn",
                                                                  "workers"};

std::string_view BlobOf(sqlite3_value* value) {
  const auto* bytes = static_cast<const char*>(sqlite3_value_blob(value));
  return {bytes == nullptr ? "" : bytes, static_cast<std::size_t>(sqlite3_value_bytes(value))};
}

void HasSecret(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  sqlite3_result_int(ctx, UrlHasSecret(BlobOf(argv[0])) ? 1 : 0);
}

void RedactUrlFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  const std::string url = RedactUrl(BlobOf(argv[0]));
  sqlite3_result_blob64(ctx, url.data(), url.size(), SQLITE_TRANSIENT);
}

void UrlKeyOfRedacted(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  sqlite3_result_int64(ctx, UrlKey(RedactUrl(BlobOf(argv[0]))));
}

// A JSON array of arguments, redacted; text that is no such array is kept only if it holds no
// URL secret (it cannot be read as a command line, so it goes whole otherwise).
void RedactArgumentsFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  const std::string_view text = BlobOf(argv[0]);
  std::string out;
  try {
    const nlohmann::json parsed = nlohmann::json::parse(text);
    const auto args = parsed.get<std::vector<std::string>>();
    const RedactedArguments redacted = RedactArguments(args, [](std::string_view name) {
      return std::find(kLongOptionsBefore5.begin(), kLongOptionsBefore5.end(), name) !=
             kLongOptionsBefore5.end();
    });
    out = nlohmann::json(redacted.args)
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (...) {
    out = "[\"***\"]";
  }
  sqlite3_result_text64(ctx, out.data(), out.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

}  // namespace

const char* const kScrubSecretsSql = R"sql(
UPDATE runs SET arguments = fetchpool_redact_arguments(arguments);
CREATE TEMP TABLE scrub_urls AS
  SELECT id, fetchpool_redact_url(url) AS url, fetchpool_url_key_of_redacted(url) AS url_key
  FROM urls WHERE fetchpool_url_has_secret(url);
CREATE INDEX temp.scrub_urls_by_url ON scrub_urls(url);
CREATE TEMP TABLE scrub_keep AS
  SELECT s.id AS id,
         (SELECT c.id FROM urls c
          WHERE (c.url_key = s.url_key AND c.url = s.url)
             OR c.id IN (SELECT t.id FROM scrub_urls t WHERE t.url = s.url)
          ORDER BY coalesce(c.last_checked, -1) DESC, c.id DESC LIMIT 1) AS keep
  FROM scrub_urls s;
UPDATE results SET url_id = (SELECT k.keep FROM scrub_keep k WHERE k.id = results.url_id)
  WHERE url_id IN (SELECT id FROM scrub_keep WHERE keep != id);
DELETE FROM urls WHERE id IN (SELECT id FROM scrub_keep WHERE keep != id);
UPDATE urls SET url = (SELECT s.url FROM scrub_urls s WHERE s.id = urls.id),
                url_key = (SELECT s.url_key FROM scrub_urls s WHERE s.id = urls.id)
  WHERE id IN (SELECT id FROM scrub_urls);
DROP TABLE scrub_keep;
DROP TABLE scrub_urls;
)sql";

Status RegisterScrubFunctions(Database& db) {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  const bool ok =
      sqlite3_create_function(db.get(), "fetchpool_url_has_secret", 1, kFlags, nullptr, HasSecret,
                              nullptr, nullptr) == SQLITE_OK &&
      sqlite3_create_function(db.get(), "fetchpool_redact_url", 1, kFlags, nullptr,
                              RedactUrlFunction, nullptr, nullptr) == SQLITE_OK &&
      sqlite3_create_function(db.get(), "fetchpool_url_key_of_redacted", 1, kFlags, nullptr,
                              UrlKeyOfRedacted, nullptr, nullptr) == SQLITE_OK &&
      sqlite3_create_function(db.get(), "fetchpool_redact_arguments", 1, kFlags, nullptr,
                              RedactArgumentsFunction, nullptr, nullptr) == SQLITE_OK;
  return ok ? Status::Ok() : Status::Error("cannot register the state's scrub functions");
}

Status WipeOldPages(Database& db) {
  if (Status s = db.Exec("VACUUM"); !s.ok()) return s;
  std::int64_t busy = 0;
  return db.QueryInt("PRAGMA wal_checkpoint(TRUNCATE)", &busy);
}

}  // namespace fetchpool
