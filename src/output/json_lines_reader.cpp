#include "fetchpool/output/json_lines_reader.hpp"

#include <fmt/format.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <climits>
#include <optional>
#include <utility>
#include <vector>

#include "fetchpool/output/json_number.hpp"
#include "fetchpool/output/run_records.hpp"

namespace fetchpool {
namespace {

using Type = JsonLineRecord::Type;

std::optional<std::uint64_t> Unsigned(const ColumnValue& v) {
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return *u;
  if (const auto* i = std::get_if<std::int64_t>(&v); i != nullptr && *i >= 0) {
    return static_cast<std::uint64_t>(*i);
  }
  return std::nullopt;
}

std::optional<double> Double(const ColumnValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return static_cast<double>(*u);
  return std::nullopt;
}

std::optional<std::string_view> Text(const ColumnValue& v) {
  if (const auto* s = std::get_if<std::string_view>(&v)) return *s;
  if (std::holds_alternative<std::nullptr_t>(v)) return std::string_view();
  return std::nullopt;
}

template <typename T>
bool SetUnsigned(const ColumnValue& v, T& field) {
  const std::optional<std::uint64_t> u = Unsigned(v);
  if (u) field = static_cast<T>(*u);
  return u.has_value();
}

bool SetDouble(const ColumnValue& v, double& field) {
  const std::optional<double> d = Double(v);
  if (d) field = *d;
  return d.has_value();
}

bool SetText(const ColumnValue& v, std::string& field) {
  const std::optional<std::string_view> s = Text(v);
  if (s) field.assign(*s);
  return s.has_value();
}

bool SetBool(const ColumnValue& v, bool& field) {
  const auto* b = std::get_if<bool>(&v);
  if (b != nullptr) field = *b;
  return b != nullptr;
}

// One key of a run record; unknown keys are skipped (true).
bool ReadRunKey(std::string_view key, const ColumnValue& v, RunHeader& h) {
  if (key == "run") return SetText(v, h.id);
  if (key == "fetchpool") return SetText(v, h.version);
  if (key == "shard") return SetUnsigned(v, h.shard);
  if (key == "shards") return SetUnsigned(v, h.shards);
  if (key == "workers") return SetUnsigned(v, h.workers);
  if (key == "state") return SetBool(v, h.state);
  if (key == "started") {
    const std::optional<std::string_view> text = Text(v);
    const std::optional<std::int64_t> ms = text ? ParseUtcMs(*text) : std::nullopt;
    if (ms) h.started_ms = *ms;
    return ms.has_value();
  }
  return true;
}

bool ReadEndKey(std::string_view key, const ColumnValue& v, RunEnd& e) {
  if (key == "run") return SetText(v, e.id);
  if (key == "finished") return SetBool(v, e.finished);
  if (key == "stopped_by") return SetText(v, e.stopped_by);
  if (key == "list") return SetText(v, e.list.digest);
  if (key == "list_urls") return SetUnsigned(v, e.list.urls);
  if (key == "urls") return SetUnsigned(v, e.urls);
  if (key == "results") return SetUnsigned(v, e.results);
  return true;
}

bool ReadSummaryKey(std::string_view key, const ColumnValue& v, Summary& s) {
  if (key == "total") return SetUnsigned(v, s.total);
  if (key == "ok") return SetUnsigned(v, s.ok);
  if (key == "failed") return SetUnsigned(v, s.failed);
  if (key == "warned") return SetUnsigned(v, s.warned);
  if (key == "retries") return SetUnsigned(v, s.retries);
  if (key == "elapsed_s") return SetDouble(v, s.elapsed_s);
  if (key == "urls") {  // --each-address
    s.show_urls = true;
    return SetUnsigned(v, s.urls);
  }
  if (key == "max_p95_ms") {  // the run's own --max-p95 verdict, with the next three
    std::uint64_t ms = 0;
    if (!SetUnsigned(v, ms) || ms > static_cast<std::uint64_t>(LONG_MAX)) return false;
    s.max_p95_ms = static_cast<long>(ms);
    return true;
  }
  if (key == "answered") return SetUnsigned(v, s.answered);
  if (key == "answered_p95_ms") return SetDouble(v, s.answered_p95_ms);
  if (key == "over_budget") return SetBool(v, s.over_budget);
  return true;
}

bool ReadHostKey(std::string_view key, const ColumnValue& v, HostStatsRow& r) {
  if (key == "host") return SetText(v, r.host);
  if (key == "requests") return SetUnsigned(v, r.requests);
  if (key == "ok") return SetUnsigned(v, r.ok);
  if (key == "failed") return SetUnsigned(v, r.failed);
  if (key == "http_429") return SetUnsigned(v, r.http_429);
  if (key == "http_503") return SetUnsigned(v, r.http_503);
  if (key == "paused_s") return SetDouble(v, r.paused_s);
  if (key == "p50_ms") return SetDouble(v, r.p50_ms);
  if (key == "p95_ms") return SetDouble(v, r.p95_ms);
  if (key == "bytes") return SetUnsigned(v, r.bytes);
  if (key == "max_us") {
    std::uint64_t max = 0;
    if (!SetUnsigned(v, max)) return false;
    r.latency.RaiseMax(max);
  }
  return true;
}

// The columns' names as string_views, measured once (not a strlen per key).
const std::vector<std::string_view>& ColumnNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const ResultColumn& c : ResultColumns()) out.emplace_back(c.name);
    return out;
  }();
  return names;
}

// RapidJSON's SAX events for one line. Top-level scalars go to the record of the line's type;
// those that come before "type" wait for it. Of the nested values only the run record's
// "files", the host record's "latency_us" pairs and a result's "redirects" are read.
// Thread-compatible.
class Handler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Handler> {
 public:
  explicit Handler(JsonLineRecord& out) : out_(out) {}

  bool Null() { return Value(nullptr); }
  bool Bool(bool b) { return Value(b); }
  // Numbers come as their text (kParseNumbersAsStringsFlag), converted exactly.
  bool RawNumber(const char* s, rapidjson::SizeType n, bool /*copy*/) {
    const std::optional<ColumnValue> number = ParseJsonNumber(std::string_view(s, n));
    return number ? Value(*number) : Fail("a number too large for a double");
  }
  bool String(const char* s, rapidjson::SizeType n, bool /*copy*/) {
    return Value(std::string_view(s, n));
  }
  bool StartObject() {
    if (depth_ == 0 && started_) return Fail("more than one value on the line");
    started_ = true;
    ++depth_;
    if (depth_ == 3 && array_ == Array::kRedirects)
      out_.result.result.transfer.redirects.emplace_back();
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool /*copy*/) {
    if (depth_ == 1) key_ = std::string_view(s, n);
    if (depth_ == 3) inner_key_ = std::string_view(s, n);
    return true;
  }
  bool EndObject(rapidjson::SizeType /*members*/) {
    --depth_;
    if (depth_ == 0 && !typed_) return Fail("a record without \"type\"");
    return true;
  }
  bool StartArray() {
    if (depth_ == 0) return Fail("not an object");
    ++depth_;
    if (depth_ == 2) {
      array_ = key_ == "files"        ? Array::kFiles
               : key_ == "latency_us" ? Array::kLatency
               : key_ == "redirects"  ? Array::kRedirects
                                      : Array::kNone;
      if (array_ == Array::kFiles) out_.run.files.clear();
    }
    if (depth_ == 3 && array_ == Array::kLatency) pair_.clear();
    return true;
  }
  bool EndArray(rapidjson::SizeType /*elements*/) {
    if (depth_ == 3 && array_ == Array::kLatency) {
      if (pair_.size() != 2) return Fail("\"latency_us\" holds [us, count] pairs");
      out_.host.latency.AddBucket(pair_[0], pair_[1]);
    }
    --depth_;
    return true;
  }

  const std::string& problem() const { return problem_; }

 private:
  enum class Array { kNone, kFiles, kLatency, kRedirects };

  bool Value(const ColumnValue& v) {
    if (depth_ == 0) return Fail("not an object");
    if (depth_ == 2 && array_ == Array::kFiles) {
      const auto* s = std::get_if<std::string_view>(&v);
      if (s == nullptr) return Fail("\"files\" holds names");
      out_.run.files.emplace_back(*s);
      return true;
    }
    if (depth_ == 3 && array_ == Array::kLatency) {
      const std::optional<std::uint64_t> u = Unsigned(v);
      if (!u) return Fail("\"latency_us\" holds [us, count] pairs");
      pair_.push_back(*u);
      return true;
    }
    if (depth_ == 3 && array_ == Array::kRedirects) return RedirectValue(v);
    if (depth_ != 1) return true;
    if (key_ == "type") return SetType(v);
    if (!typed_) {
      waiting_.emplace_back(key_, v);
      return true;
    }
    return Dispatch(key_, v);
  }

  // One key of a {"status":301,"url":"..."} hop; others are skipped.
  bool RedirectValue(const ColumnValue& v) {
    RedirectHop& hop = out_.result.result.transfer.redirects.back();
    bool ok = true;
    if (inner_key_ == "status") {
      const std::optional<std::uint64_t> status = Unsigned(v);
      if (status) hop.http_status = static_cast<long>(*status);
      ok = status.has_value();
    } else if (inner_key_ == "url") {
      const auto* url = std::get_if<std::string_view>(&v);
      if (url != nullptr) hop.location.assign(*url);
      ok = url != nullptr;
    }
    return ok || Fail("\"redirects\" holds {\"status\": N, \"url\": \"...\"} hops");
  }

  bool SetType(const ColumnValue& v) {
    const auto* name = std::get_if<std::string_view>(&v);
    if (name == nullptr || typed_) return Fail("\"type\" must be one string");
    typed_ = true;
    if (*name == "result") {
      out_.type = Type::kResult;
    } else if (*name == "run") {
      out_.type = Type::kRun;
    } else if (*name == "end") {
      out_.type = Type::kEnd;
    } else if (*name == "summary") {
      out_.type = Type::kSummary;
    } else if (*name == "host") {
      out_.type = Type::kHost;
    }
    for (const auto& [key, value] : waiting_) {
      if (!Dispatch(key, value)) return false;
    }
    waiting_.clear();
    return true;
  }

  bool Dispatch(std::string_view key, const ColumnValue& v) {
    bool ok = true;
    switch (out_.type) {
      case Type::kResult:
        ok = ReadColumn(key, v);
        break;
      case Type::kRun:
        ok = ReadRunKey(key, v, out_.run);
        break;
      case Type::kEnd:
        ok = ReadEndKey(key, v, out_.end);
        break;
      case Type::kSummary:
        ok = ReadSummaryKey(key, v, out_.summary);
        break;
      case Type::kHost:
        ok = ReadHostKey(key, v, out_.host);
        break;
      case Type::kOther:
        break;
    }
    return ok || Fail(fmt::format("\"{}\" has a value of the wrong type", key));
  }

  // Columns usually come in their own order, so the next one is tried first.
  bool ReadColumn(std::string_view key, const ColumnValue& v) {
    const std::span<const ResultColumn> columns = ResultColumns();
    const std::vector<std::string_view>& names = ColumnNames();
    std::size_t at =
        next_column_ < names.size() && key == names[next_column_] ? next_column_ : names.size();
    for (std::size_t i = 0; at == names.size() && i < names.size(); ++i) {
      if (key == names[i]) at = i;
    }
    if (at == columns.size()) return true;  // a newer column
    next_column_ = at + 1;
    if (at < 64) seen_ |= std::uint64_t{1} << at;
    return columns[at].read(v, out_.result);
  }

  bool Fail(std::string why) {
    if (problem_.empty()) problem_ = std::move(why);
    return false;
  }

 public:
  std::uint64_t seen() const { return seen_; }

 private:
  JsonLineRecord& out_;
  int depth_ = 0;
  bool started_ = false;
  bool typed_ = false;
  std::string_view key_;
  std::string_view inner_key_;  // a key inside a "redirects" hop
  Array array_ = Array::kNone;
  std::vector<std::uint64_t> pair_;
  std::vector<std::pair<std::string_view, ColumnValue>> waiting_;
  std::size_t next_column_ = 0;
  std::uint64_t seen_ = 0;  // bit i: column i was read
  std::string problem_;
};

// The columns a result record cannot do without.
Status CheckRequired(std::uint64_t seen) {
  const std::span<const ResultColumn> columns = ResultColumns();
  for (std::size_t i = 0; i < columns.size() && i < 64; ++i) {
    const std::string_view name = columns[i].name;
    if ((name == "index" || name == "url" || name == "ok") &&
        (seen & (std::uint64_t{1} << i)) == 0) {
      return Status::Error(fmt::format("a result record without \"{}\"", name));
    }
  }
  return Status::Ok();
}

}  // namespace

Status JsonLineReader::Read(std::string& line, JsonLineRecord& out) {
  out.type = Type::kOther;
  out.result = ReadResult{};
  out.run = RunHeader{};
  out.end = RunEnd{};
  out.summary = Summary{};
  out.host = HostStatsRow{};
  Handler handler(out);
  rapidjson::Reader reader;
  rapidjson::InsituStringStream in(line.data());
  const rapidjson::ParseResult parsed =
      reader.Parse<rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag>(in,
                                                                                        handler);
  if (!handler.problem().empty()) return Status::Error(handler.problem());
  if (parsed.IsError()) {
    return Status::Error(fmt::format("not JSON: {} (at byte {})",
                                     rapidjson::GetParseError_En(parsed.Code()),
                                     parsed.Offset() + 1));
  }
  if (out.type == Type::kResult) {
    CompleteRead(out.result);
    return CheckRequired(handler.seen());
  }
  return Status::Ok();
}

}  // namespace fetchpool
