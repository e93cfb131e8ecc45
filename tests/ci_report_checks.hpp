// Helpers for the CI report tests: each report is read back by a real consumer, a JSON Schema
// validator (python3-jsonschema, the shared schemas) or two Markdown renderers (python3-markdown
// with its tables extension, and cmark-gfm, which GitHub's renderer is built on).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/subprocess.hpp"

namespace fetchpool::testing {

// ../shared/schemas beside the repository.
inline std::filesystem::path SchemaDir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "shared" /
         "schemas";
}
inline const char kSarifSchema[] = "sarif-schema-2.1.0.json";
inline const char kCodeQualitySchema[] = "gitlab-codequality.schema.json";

// Validates the JSON file at `path` against the schema named `schema` (its own draft). Returns
// the document; a parse or validation error fails the calling test (and returns null).
inline nlohmann::json ValidatedJson(const std::string& path, const std::string& schema) {
  static const char kScript[] = R"(
import json, sys
import jsonschema
schema = json.load(open(sys.argv[2], encoding='utf-8'))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
doc = json.load(open(sys.argv[1], encoding='utf-8'))
errors = ['%s: %s' % ('/'.join(map(str, e.absolute_path)), e.message)
          for e in cls(schema).iter_errors(doc)]
print(json.dumps({'errors': errors[:20], 'doc': doc}))
)";
  const ProcessResult py =
      RunProcess({"/usr/bin/python3", "-c", kScript, path, (SchemaDir() / schema).string()}, "",
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
  static const char kScript[] = R"(
import html.parser, json, subprocess, sys
import markdown
text = open(sys.argv[1], encoding='utf-8').read()
outputs = {
  'python': markdown.markdown(text, extensions=['tables']),
  'gfm': subprocess.run(['cmark-gfm', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough',
                         '-e', 'tagfilter', '--to', 'html'], input=text, capture_output=True,
                        text=True, check=True).stdout,
}
class Walk(html.parser.HTMLParser):
  def __init__(self):
    super().__init__(convert_charrefs=True)
    self.tags, self.headings, self.tables, self.paragraphs, self.links = [], [], [], [], []
    self.text, self.row, self.in_head = None, None, False
  def handle_starttag(self, tag, attrs):
    self.tags.append(tag)
    if tag == 'a': self.links.append(dict(attrs).get('href', ''))
    if tag == 'table': self.tables.append({'header': [], 'rows': []})
    if tag == 'thead': self.in_head = True
    if tag == 'tr': self.row = []
    if tag in ('td', 'th', 'h2', 'h3', 'p'): self.text = ''
  def handle_endtag(self, tag):
    if tag in ('td', 'th'):
      self.row.append(self.text.strip()); self.text = None
    elif tag == 'thead':
      self.in_head = False
    elif tag == 'tr':
      t = self.tables[-1]
      if self.in_head: t['header'] = self.row
      else: t['rows'].append(self.row)
    elif tag in ('h2', 'h3'):
      self.headings.append(self.text.strip()); self.text = None
    elif tag == 'p' and self.text is not None:
      self.paragraphs.append(self.text.strip()); self.text = None
  def handle_data(self, data):
    if self.text is not None: self.text += data
w = {}
for name, out in outputs.items():
  p = Walk()
  p.feed(out)
  w[name] = {'tags': sorted(set(p.tags)), 'headings': p.headings, 'tables': p.tables,
             'paragraphs': p.paragraphs, 'links': p.links, 'html': out}
print(json.dumps(w))
)";
  const ProcessResult py =
      RunProcess({"/usr/bin/python3", "-c", kScript, path}, "", std::chrono::seconds(60));
  EXPECT_EQ(py.exit_code, 0) << "python3-markdown or cmark-gfm missing, or failed: " << py.err;
  if (py.exit_code != 0) return nullptr;
  return nlohmann::json::parse(py.out);
}

}  // namespace fetchpool::testing
