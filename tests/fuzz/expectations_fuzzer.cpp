// Per-line checks: ParseExpectations on the text after a URL, then BodyChecker on a body that
// arrives in two chunks, then the verdict on what it observed. Input: CHECKS '\0' CUT BODY, where
// the byte CUT splits BODY. A parsed sha256 is 64 lower-case hex digits, max-ms is positive, and
// the streamed facts and the verdict agree with a plain search and a one-shot SHA-256 of the
// whole body, wherever the chunks split it.
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "fetchpool/core/expectations.hpp"
#include "fetchpool/core/result.hpp"
#include "fetchpool/verdict/verdict.hpp"
#include "fuzz_check.hpp"

namespace {

std::string Sha256Hex(std::string_view body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(body.data(), body.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 15];
  }
  return hex;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input = fetchpool::fuzz::AsView(data, size);
  const std::string_view checks = input.substr(0, input.find('\0'));
  input.remove_prefix(std::min(input.size(), checks.size() + 1));
  const std::size_t cut_byte = input.empty() ? 0 : static_cast<unsigned char>(input[0]);
  const std::string_view body = input.empty() ? input : input.substr(1);
  const std::size_t cut = body.empty() ? 0 : cut_byte % (body.size() + 1);

  fetchpool::Expectations expect;
  const std::string why = fetchpool::ParseExpectations(checks, expect);
  if (!why.empty()) {
    FUZZ_CHECK(why.find('\n') == std::string::npos);  // one line: tokens never hold whitespace
    return 0;
  }
  if (expect.max_ms) FUZZ_CHECK(*expect.max_ms > 0);
  if (expect.status) FUZZ_CHECK(!expect.status->empty());
  if (!expect.sha256.empty()) {
    FUZZ_CHECK(expect.sha256.size() == 64);
    FUZZ_CHECK(expect.sha256.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  if (expect.contains) FUZZ_CHECK(expect.contains->size() <= expect.contains_text.size());

  auto job_checks = std::make_unique<fetchpool::Expectations>(expect);
  fetchpool::BodyChecker checker;
  checker.Reset(job_checks.get());
  checker.Consume(body.substr(0, cut));
  checker.Consume(body.substr(cut));
  fetchpool::Job job;
  job.checks.expect = std::move(job_checks);
  fetchpool::Result r = fetchpool::MakeResult(job);
  checker.Observe(r.transfer.body);
  const bool contains_ok =
      !expect.contains || body.find(*expect.contains) != std::string_view::npos;
  const bool sha_ok = expect.sha256.empty() || expect.sha256 == Sha256Hex(body);
  FUZZ_CHECK(r.transfer.body.contains_found == (expect.contains && contains_ok));
  if (!expect.sha256.empty()) FUZZ_CHECK(r.transfer.body.sha256 == Sha256Hex(body));

  // The verdict on those facts agrees with the plain search and the one-shot digest.
  const long status = expect.status ? 100 : 200;
  r.transfer.http_status = status;
  const fetchpool::VerdictOptions options;
  fetchpool::Judge(options).Decide(job, r);
  const std::string& verdict = r.verdict.error;
  const bool status_ok = !expect.status || expect.status->Contains(status);
  FUZZ_CHECK(r.verdict.ok == (status_ok && contains_ok && sha_ok));
  FUZZ_CHECK(verdict.empty() == r.verdict.ok);
  if (status_ok && !contains_ok) FUZZ_CHECK(verdict.starts_with("check contains="));
  if (status_ok && contains_ok && !sha_ok) FUZZ_CHECK(verdict.starts_with("check sha256="));
  return 0;
}
