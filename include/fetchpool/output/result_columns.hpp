#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "fetchpool/core/result.hpp"

namespace fetchpool {

// One cell of a result record; null where the result has no such value. A std::string only for
// a value made for the record (duplicate_of's origin).
using ColumnValue = std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double,
                                 std::string_view, std::string>;

// A result record read back (json_lines_reader.hpp): the Result, and the name of its input,
// which Result only views (the reader keeps the names).
struct ReadResult {
  Result result;
  std::string input;
  // The cert_* cells, read into this until CompleteRead decides whether they make a certificate.
  std::shared_ptr<CertificateFacts> certificate;
};

// The columns of a result record, defined once for JSON Lines and CSV (in this order), and for
// reading JSON Lines back (`fetchpool report`).
struct ResultColumn {
  const char* name;
  ColumnValue (*value)(const Result& result);
  // Sets what `value` wrote back into `out`; false when the cell has a type the column never
  // writes.
  bool (*read)(const ColumnValue& cell, ReadResult& out);
};

std::span<const ResultColumn> ResultColumns();

// After every cell of a result record was read: what cells mean together. The cert_* cells make
// Result's certificate when they hold its expiry; with --each-address (address_count) `ip` is
// the result's address.
void CompleteRead(ReadResult& out);

}  // namespace fetchpool
