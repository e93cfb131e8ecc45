#pragma once

#include <optional>
#include <string_view>

#include "fetchpool/core/error_kind.hpp"

namespace fetchpool {

// What the CI reports (SARIF, Code Quality, Markdown, annotations) say about one error kind: a
// rule in SARIF's sense, with a stable id ("http-status", "timeout", "connection", ...).
struct ReportRule {
  std::string_view id;           // SARIF ruleId and Code Quality check_name
  std::string_view name;         // SARIF rule name (PascalCase)
  std::string_view description;  // one sentence
};

// Every spelling of an error kind comes from one table (src/error_kinds.cpp), so a new kind is
// named once for machines, people, reports and --warn.

// A stable machine name for each error kind ("http_status", "timeout", ...); "" for kNone.
// JSON, CSV, the state file and every report use these.
const char* ErrorKindName(ErrorKind kind);

// A person's name for a failure kind: "timeout", "connection failed", "HTTP status" …
const char* ErrorKindLabel(ErrorKind kind);

// The kind whose ErrorKindName is `name`; kOther for a name no kind has (a newer state file).
ErrorKind ErrorKindNamed(std::string_view name);

// The rule for `kind`; every kind has one (kNone and kAborted too, though no report shows them).
const ReportRule& RuleFor(ErrorKind kind);

// The kind a --warn item names, by its machine name or its rule id ("connect", "connection"),
// ASCII lower case. Only kinds that are verdicts on a URL: never kNone or kAborted.
std::optional<ErrorKind> WarnableKindNamed(std::string_view name);

}  // namespace fetchpool
