// --content-disposition: a server's Content-Disposition value → the file name -o saves under.
// Whatever the server sends, the name is empty (fall back to the URL's) or safe: never '.', '..'
// or empty, no '/', '\' or control byte, valid UTF-8, no leading '.' or '-', at most 200 bytes.
// SanitizeName itself has the same property and is idempotent.
#include <cstdint>
#include <string>

#include "fetchpool/save/output_path.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using fetchpool::fuzz::IsSafeName;
  const std::string_view value = fetchpool::fuzz::AsView(data, size);
  const std::string name = fetchpool::NameFromContentDisposition(value);
  FUZZ_CHECK(name.empty() || IsSafeName(name));

  const std::string clean = fetchpool::SanitizeName(value);
  FUZZ_CHECK(clean.empty() || IsSafeName(clean));
  FUZZ_CHECK(fetchpool::SanitizeName(clean) == clean);
  // Only nothing usable gives nothing: "", "." and ".." (every other byte becomes at least '_').
  if (value != "" && value != "." && value != "..") FUZZ_CHECK(!clean.empty());
  return 0;
}
