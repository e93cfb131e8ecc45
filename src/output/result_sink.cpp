#include "fetchpool/output/result_sink.hpp"

#include "fetchpool/output/annotation_sink.hpp"
#include "fetchpool/output/csv_sink.hpp"
#include "fetchpool/output/json_lines_sink.hpp"
#include "fetchpool/output/text_sink.hpp"

namespace fetchpool {

std::unique_ptr<ResultSink> MakeStdoutSink(const StdoutSinkOptions& options, SinkBuffers& buffers) {
  switch (options.format) {
    case OutputFormat::kJsonLines:
      return std::make_unique<JsonLinesSink>(buffers, options.stats, options.run);
    case OutputFormat::kCsv:
      return std::make_unique<CsvSink>(buffers, options.stats);
    case OutputFormat::kText:
      break;
  }
  auto text = std::make_unique<TextSink>(
      TextStyle{.color = options.color, .verbose = options.verbose}, options.stats, buffers);
  if (options.github_annotations) return MakeGithubAnnotationSink(std::move(text), buffers);
  return text;
}

}  // namespace fetchpool
