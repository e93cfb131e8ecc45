// Helpers for the CI report tests: each report is read back by a real consumer, a JSON Schema
// validator (python3-jsonschema, tests/schemas) or two Markdown renderers (python3-markdown
// with its tables extension, and cmark-gfm, which GitHub's renderer is built on).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/python.hpp"

namespace fetchpool::testing {

// tests/schemas (copies of the team's ../shared/schemas, so a lone clone runs every test). From
// the source directory, not __FILE__: with ccache's CCACHE_BASEDIR that is a relative path, and
// ctest runs the tests elsewhere.
inline std::filesystem::path SchemaDir() {
  return std::filesystem::path(FETCHPOOL_SOURCE_DIR) / "tests" / "schemas";
}
inline const char kSarifSchema[] = "sarif-schema-2.1.0.json";
inline const char kCodeQualitySchema[] = "gitlab-codequality.schema.json";

// Validates the JSON file at `path` against the schema named `schema` (its own draft). Returns
// the document; a parse or validation error fails the calling test (and returns null).
inline nlohmann::json ValidatedJson(const std::string& path, const std::string& schema) {
  const ProcessResult py =
      RunPythonScript("validate_json_schema.py", {path, (SchemaDir() / schema).string()}, "",
                      std::chrono::seconds(60));
  EXPECT_EQ(py.exit_code, 0) << "not valid JSON, or no python3-jsonschema: " << py.err;
  if (py.exit_code != 0) return nullptr;
  nlohmann::json out = nlohmann::json::parse(py.out);
  EXPECT_TRUE(out["errors"].empty()) << schema << ": " << out["errors"].dump(2);
  if (!out["errors"].empty()) return nullptr;
  return out["doc"];
}

// Renders the Markdown file at `path` with both renderers and returns, per renderer ("python",
// "gfm"), the headings, the tables (each {"header": [...], "rows": [[...]]}, cell text with
// entities decoded), the paragraphs' text and every HTML tag name produced. Fails the test when
// a renderer is missing or fails.
inline nlohmann::json RenderedMarkdown(const std::string& path) {
  const ProcessResult py = RunPythonScript("render_markdown.py", {path});
  EXPECT_EQ(py.exit_code, 0) << "python3-markdown or cmark-gfm missing, or failed: " << py.err;
  if (py.exit_code != 0) return nullptr;
  return nlohmann::json::parse(py.out);
}

}  // namespace fetchpool::testing
