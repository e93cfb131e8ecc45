// fetchpool report: a line of JSON Lines read back. Whatever bytes the line holds, reading it
// returns (ok or why not) and never crashes; a result record read back and written again is a
// fixed point: written, read and written once more, it is the same line.
// Input: the line.
#include <cstdint>
#include <string>

#include "fetchpool/output/json_lines_reader.hpp"
#include "fetchpool/output/json_lines_sink.hpp"
#include "fuzz_check.hpp"

namespace {

std::string Written(const fetchpool::ReadResult& read) {
  fetchpool::Result r = read.result;
  r.origin.input = read.input;
  fetchpool::SinkBuffers buffers;
  fetchpool::JsonLinesSink sink(buffers);
  sink.Add(r);
  return buffers.out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fetchpool;
  std::string line(fuzz::AsView(data, size));
  JsonLineReader reader;
  JsonLineRecord record;
  if (!reader.Read(line, record).ok() || record.type != JsonLineRecord::Type::kResult) return 0;
  const std::string once = Written(record.result);
  FUZZ_CHECK(once.find('\n') == once.size() - 1);
  std::string again = once.substr(0, once.size() - 1);
  JsonLineRecord back;
  FUZZ_CHECK(reader.Read(again, back).ok());
  FUZZ_CHECK(back.type == JsonLineRecord::Type::kResult);
  FUZZ_CHECK(Written(back.result) == once);
  return 0;
}
