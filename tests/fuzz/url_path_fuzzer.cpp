// -o: a URL → the relative path its body is saved under (the last path segment, and with
// --mirror-paths also the host and directories). Every component is safe (see IsSafeName), so the
// path never leaves the output directory: no component is '.', '..' or empty, none holds '/'.
// The first input byte picks --mirror-paths; the rest is the URL.
#include <cstdint>
#include <string>

#include "fetchpool/save/output_path.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using fetchpool::fuzz::IsSafeName;
  if (size == 0) return 0;
  const bool mirror = (data[0] & 1) != 0;
  // Also the URLs curl would refuse as written: the reader rejects them, but a redirect or a
  // future caller must not be able to get an unsafe name out of this function either.
  const std::string url(fetchpool::fuzz::AsView(data + 1, size - 1));
  const std::optional<fetchpool::OutputPath> path = fetchpool::OutputPathFromUrl(url, mirror);
  if (!path) return 0;
  FUZZ_CHECK(IsSafeName(path->name));
  FUZZ_CHECK(mirror ? !path->dirs.empty() : path->dirs.empty());
  for (const std::string& dir : path->dirs) FUZZ_CHECK(IsSafeName(dir));
  const std::string relative = path->Relative();
  FUZZ_CHECK(!relative.empty() && relative.front() != '/');
  FUZZ_CHECK(relative.find("//") == std::string::npos);
  return 0;
}
