// --format csv: the header and one row. Read back with an RFC 4180 reader, the row has exactly
// the header's number of fields, whatever the URL, reason and file name hold (commas, quotes,
// CR, LF, spaces), and those fields are the input byte for byte.
// Input: URL \0 reason \0 file name.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fetchpool/output/csv_sink.hpp"
#include "fetchpool/output/result_columns.hpp"
#include "fuzz_check.hpp"

namespace {

using Record = std::vector<std::string>;

// RFC 4180 records ending in CRLF; nullopt when the text is not valid CSV (a stray quote, an
// unterminated quoted field, or a bare CR/LF outside quotes).
std::optional<std::vector<Record>> ReadCsv(std::string_view text) {
  std::vector<Record> records;
  Record record;
  std::string field;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) return std::nullopt;
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          field += text[i];
        }
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        if (text[i] == '"') return std::nullopt;
        field += text[i++];
      }
    }
    record.push_back(std::move(field));
    field.clear();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (text.substr(i, 2) != "\r\n") return std::nullopt;
    i += 2;
    records.push_back(std::move(record));
    record.clear();
  }
  return records;
}

std::size_t Column(std::string_view name) {
  const auto columns = fetchpool::ResultColumns();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fetchpool;
  const std::vector<std::string> f = fuzz::Fields(fuzz::AsView(data, size), 3);
  Result r;
  r.origin.url = f[0];
  r.verdict.error = f[1];
  r.verdict.error_kind = ErrorKind::kOther;
  r.origin.input = f[2];
  SinkBuffers buffers;
  CsvSink sink(buffers);
  sink.Add(r);
  const std::optional<std::vector<Record>> records = ReadCsv(buffers.out);
  FUZZ_CHECK(records.has_value());
  FUZZ_CHECK(records->size() == 2);
  FUZZ_CHECK((*records)[0].size() == ResultColumns().size());
  const Record& row = (*records)[1];
  FUZZ_CHECK(row.size() == (*records)[0].size());
  FUZZ_CHECK(row[Column("url")] == f[0]);
  FUZZ_CHECK(row[Column("error")] == f[1]);
  FUZZ_CHECK(row[Column("file")] == f[2]);
  return 0;
}
