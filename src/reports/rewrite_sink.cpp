#include "fetchpool/reports/rewrite_sink.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>

namespace fetchpool {

Status RewriteSink::Create(const InputOptions& input, const std::string& path,
                           const std::string& suffix, std::unique_ptr<ResultSink>* out) {
  // A found URL need not be its line's first word, nor spelled there as fetched (an entity, a
  // grep line naming another file, a sitemap on the web): only URL lists are rewritten.
  if (input.mode != InputMode::kLines || !input.sitemaps.empty()) {
    return Status::Error(fmt::format("--rewrite rewrites URL lists; it cannot be combined with {}",
                                     input.sitemaps.empty()
                                         ? "--input " + NameOf(kInputModeNames, input.mode)
                                         : std::string("--sitemap")));
  }
  const std::vector<std::string>& inputs = input.files;
  if (inputs.empty() || std::find(inputs.begin(), inputs.end(), "-") != inputs.end()) {
    return Status::Error(
        "--rewrite needs the URL list in a file (standard input cannot be read a second time)");
  }
  if (!path.empty() && inputs.size() > 1) {
    return Status::Error(fmt::format(
        "--rewrite FILE takes one input list, not {}: use --rewrite-suffix SUFFIX to write "
        "each list's copy beside it as LIST+SUFFIX",
        inputs.size()));
  }
  for (const std::string& input : inputs) {
    // A pipe or a device (<(cmd), /dev/stdin) is drained by the run: its copy would be empty.
    // A missing file is left to the reader to report.
    struct stat st {};
    if (::stat(input.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      return Status::Error(fmt::format(
          "--rewrite needs the URL list in a regular file ('{}' cannot be read a second time)",
          input));
    }
  }
  std::vector<Target> targets;
  for (const std::string& input : inputs) {
    if (std::any_of(targets.begin(), targets.end(),
                    [&](const Target& t) { return t.input == input; })) {
      continue;  // named twice: one copy
    }
    Target t{.input = input, .output = path.empty() ? input + suffix : path};
    for (const std::string& other : inputs) {
      if (other != input && other == t.output) {
        return Status::Error(fmt::format(
            "--rewrite: the copy of '{}' would overwrite the input '{}'", input, other));
      }
    }
    if (Status s = CheckRewritable(t.output); !s.ok()) return s;
    targets.push_back(std::move(t));
  }
  out->reset(new RewriteSink(std::move(targets)));
  return Status::Ok();
}

void RewriteSink::Add(const Result& r) {
  if (r.verdict.relocation != Relocation::kMoved || r.verdict.moved_to.empty()) return;
  for (Target& t : targets_) {
    if (t.input == r.origin.input) {
      t.moved.push_back({r.origin.line, r.origin.url, r.verdict.moved_to});
      return;
    }
  }
}

Status RewriteSink::Finish(const RunTotals& /*totals*/) {
  Status first;
  for (Target& t : targets_) {
    std::sort(t.moved.begin(), t.moved.end(),
              [](const UrlReplacement& a, const UrlReplacement& b) { return a.line < b.line; });
    // A list named twice on the command line has each line checked twice.
    t.moved.erase(std::unique(t.moved.begin(), t.moved.end(),
                              [](const UrlReplacement& a, const UrlReplacement& b) {
                                return a.line == b.line;
                              }),
                  t.moved.end());
    Status s = RewriteList(t.input, t.output, t.moved);
    if (first.ok()) first = std::move(s);
  }
  return first;
}

}  // namespace fetchpool
