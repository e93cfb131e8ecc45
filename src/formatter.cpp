#include "fetchpool/formatter.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <nlohmann/json.hpp>

namespace fetchpool {
namespace {

long Ms(const Result& r) { return static_cast<long>(r.elapsed.count() / 1000); }

class TextFormatter final : public Formatter {
 public:
  explicit TextFormatter(const FormatterOptions& o) : options_(o) {}

  void Add(std::string& out, const Result& r) override {
    AppendTextLine(out, r, options_.color);
    if (options_.verbose && !r.effective_url.empty()) {
      out.pop_back();  // the newline: the details go on the same line
      // ... and before " -> PATH" (-o), so the line reads URL -> where it led [IP] -> saved file.
      std::string saved;
      if (!r.saved_path.empty()) {
        saved = " -> ";
        AppendEscaped(saved, r.saved_path);
        out.resize(out.size() - saved.size());
      }
      if (r.effective_url != r.url) {
        out += " -> ";
        AppendEscaped(out, r.effective_url);
      }
      if (!r.ip.empty()) fmt::format_to(std::back_inserter(out), " [{}]", r.ip);
      out += saved;
      out += '\n';
    }
  }

  bool End(std::string& out, const Summary& s, const LatencyStats& latency) override {
    if (options_.verbose && latency.count() > 0) out += FormatLatencyLine(latency);
    out += FormatSummary(s);
    return true;
  }

 private:
  FormatterOptions options_;
};

nlohmann::ordered_json NullIfEmpty(const std::string& s) {
  return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
}

// Every line must parse whatever bytes the input held: invalid UTF-8 becomes U+FFFD.
void AppendJson(std::string& out, const nlohmann::ordered_json& j) {
  out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  out += '\n';
}

double Round3(double v) { return static_cast<double>(std::llround(v * 1000.0)) / 1000.0; }

class JsonLinesFormatter final : public Formatter {
 public:
  void Add(std::string& out, const Result& r) override {
    nlohmann::ordered_json j = {
        {"type", "result"},
        {"url", r.url},
        {"index", r.line},
        {"ok", r.ok},
        {"status", r.http_status > 0 ? nlohmann::ordered_json(r.http_status)
                                     : nlohmann::ordered_json(nullptr)},
        {"bytes", r.bytes},
        {"ms", Ms(r)},
        {"attempts", r.attempts},
        {"error", NullIfEmpty(r.error)},
        {"error_kind", r.ok ? nlohmann::ordered_json(nullptr)
                            : nlohmann::ordered_json(ErrorKindName(r.error_kind))},
        {"effective_url", NullIfEmpty(r.effective_url)},
        {"ip", NullIfEmpty(r.ip)},
        {"dns_ms", Round3(r.timings.dns_ms)},
        {"connect_ms", Round3(r.timings.connect_ms)},
        {"tls_ms", Round3(r.timings.tls_ms)},
        {"first_byte_ms", Round3(r.timings.first_byte_ms)},
        {"total_ms", Round3(r.timings.total_ms)},
        {"saved_to", NullIfEmpty(r.saved_path)},
        {"skipped", r.skipped},
    };
    AppendJson(out, j);
  }

  bool End(std::string& out, const Summary& s, const LatencyStats& latency) override {
    AppendJson(out, {
                        {"type", "summary"},
                        {"total", s.total},
                        {"ok", s.ok},
                        {"failed", s.failed},
                        {"retries", s.retries},
                        {"elapsed_s", Round3(s.elapsed_s)},
                        {"p50_ms", Round3(latency.PercentileMs(0.50))},
                        {"p90_ms", Round3(latency.PercentileMs(0.90))},
                        {"p99_ms", Round3(latency.PercentileMs(0.99))},
                        {"max_ms", Round3(latency.MaxMs())},
                    });
    return true;
  }
};

// RFC 4180: a field with a comma, quote, CR or LF (or surrounding spaces) is quoted, and quotes
// inside are doubled.
void AppendCsvField(std::string& out, std::string_view field) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

class CsvFormatter final : public Formatter {
 public:
  void Begin(std::string& out) override {
    out +=
        "index,url,ok,status,bytes,ms,attempts,error,error_kind,effective_url,ip,dns_ms,"
        "connect_ms,tls_ms,first_byte_ms,total_ms,saved_to\r\n";
  }

  void Add(std::string& out, const Result& r) override {
    auto it = std::back_inserter(out);
    fmt::format_to(it, "{},", r.line);
    AppendCsvField(out, r.url);
    fmt::format_to(it, ",{},", r.ok ? "true" : "false");
    if (r.http_status > 0) fmt::format_to(it, "{}", r.http_status);
    fmt::format_to(it, ",{},{},{},", r.bytes, Ms(r), r.attempts);
    AppendCsvField(out, r.error);
    out += ',';
    if (!r.ok) out += ErrorKindName(r.error_kind);
    out += ',';
    AppendCsvField(out, r.effective_url);
    out += ',';
    AppendCsvField(out, r.ip);
    fmt::format_to(it, ",{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},", r.timings.dns_ms,
                   r.timings.connect_ms, r.timings.tls_ms, r.timings.first_byte_ms,
                   r.timings.total_ms);
    AppendCsvField(out, r.saved_path);
    out += "\r\n";
  }

  bool End(std::string&, const Summary&, const LatencyStats&) override { return false; }
};

}  // namespace

std::unique_ptr<Formatter> MakeFormatter(OutputFormat format, const FormatterOptions& options) {
  switch (format) {
    case OutputFormat::kJsonLines:
      return std::make_unique<JsonLinesFormatter>();
    case OutputFormat::kCsv:
      return std::make_unique<CsvFormatter>();
    case OutputFormat::kText:
      break;
  }
  return std::make_unique<TextFormatter>(options);
}

std::string FormatLatencyLine(const LatencyStats& l) {
  return fmt::format("Latency: p50 {:.0f}ms, p90 {:.0f}ms, p99 {:.0f}ms, max {:.0f}ms\n",
                     l.PercentileMs(0.50), l.PercentileMs(0.90), l.PercentileMs(0.99), l.MaxMs());
}

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kNone:
      return "";
    case ErrorKind::kInvalidUrl:
      return "invalid_url";
    case ErrorKind::kHttpStatus:
      return "http_status";
    case ErrorKind::kResolve:
      return "resolve";
    case ErrorKind::kConnect:
      return "connect";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kStalled:
      return "stalled";
    case ErrorKind::kTruncated:
      return "truncated";
    case ErrorKind::kReset:
      return "reset";
    case ErrorKind::kEmptyReply:
      return "empty_reply";
    case ErrorKind::kTooManyRedirects:
      return "too_many_redirects";
    case ErrorKind::kDisallowedRedirect:
      return "disallowed_redirect";
    case ErrorKind::kTls:
      return "tls";
    case ErrorKind::kTooLarge:
      return "too_large";
    case ErrorKind::kCheckFailed:
      return "check_failed";
    case ErrorKind::kAborted:
      return "aborted";
    case ErrorKind::kSaveFailed:
      return "save_failed";
    case ErrorKind::kOther:
      return "other";
  }
  return "other";
}

}  // namespace fetchpool
