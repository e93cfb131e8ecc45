#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "fetchpool/output/result_sink.hpp"

namespace fetchpool {

// --annotate github: after each failed or warned URL's line, a GitHub Actions workflow command
//   ::error file=PATH,line=N[,col=C],title=fetchpool::URL — REASON   (::warning for a warning)
// that the runner turns into an annotation on that line of the URL list, or of the document the
// URL was found in (grep's PATH, a diff's file, a sitemap). PATH is the name as given or found;
// stdin has no file=. REASON is FullReason's (duplicate, baseline notes included). Wraps the text
// sink, writing into the same buffers, so annotations sit among the result lines in their order. A
// run cut short ends with one more ::warning that says so (the annotations cover only what
// finished). Thread-compatible: owned by the printer.
std::unique_ptr<ResultSink> MakeGithubAnnotationSink(std::unique_ptr<ResultSink> inner,
                                                     SinkBuffers& buffers);

// The workflow command for `result` (with its newline), or "" for an ok or aborted result.
std::string GithubAnnotation(const Result& result);

// "::warning title=fetchpool interrupted::The run was stopped…\n" for an interrupted run, else "".
std::string GithubInterruptedAnnotation(const RunTotals& totals);

// GitHub's escaping (@actions/core): '%', CR and LF in a command's data...
std::string EscapeGithubData(std::string_view text);
// ...and also ':' and ',' in a property value.
std::string EscapeGithubProperty(std::string_view text);

}  // namespace fetchpool
