// --config: ParseConfigText on arbitrary bytes, then what the run makes of it. It never crashes
// or exhausts the stack (however deep the nesting), a refusal is one line naming the file, and
// an accepted file's host patterns are in their normal form, unique, and looked up the way they
// read: a host gets the most specific section that matches it. ${NAME} expansion undoes
// EscapeEnvRefs, and a missing variable is one the text names.
#include <cstdint>
#include <map>
#include <string>

#include "fetchpool/config/config_file.hpp"
#include "fetchpool/config/env_refs.hpp"
#include "fetchpool/hosts/host_pattern.hpp"
#include "fetchpool/hosts/host_policies.hpp"
#include "fetchpool/util/text.hpp"
#include "fuzz_check.hpp"

namespace {

const char* Env(const char* name) {
  static const std::map<std::string, std::string> env = {
      {"TOKEN", "tok-12345"}, {"A", "x$y"}, {"EMPTY", ""}};
  const auto it = env.find(name);
  return it == env.end() ? nullptr : it->second.c_str();
}

// How specific a pattern is: an exact name beats every wildcard, a longer domain a shorter one.
std::size_t Rank(const fetchpool::HostPattern& p) {
  return p.wildcard ? p.name.size() : std::string::npos;
}

void CheckLookups(const fetchpool::ConfigFile& file) {
  fetchpool::Options options;
  options.config.hosts = file.hosts;
  const fetchpool::HostPolicies policies(options);
  for (const fetchpool::HostSection& s : file.hosts) {
    const auto p = fetchpool::ParseHostPattern(s.pattern, nullptr);
    FUZZ_CHECK(p.has_value());
    FUZZ_CHECK(p->Text() == s.pattern);
    for (const fetchpool::HostSection& other : file.hosts) {
      FUZZ_CHECK(&other == &s || other.pattern != s.pattern);
    }
    const std::string host = p->wildcard ? "zz." + p->name : p->name;
    FUZZ_CHECK(p->Matches(host));
    FUZZ_CHECK(!p->wildcard || !p->Matches(p->name));
    const fetchpool::HostPolicy& got = policies.For(host);
    const auto chosen = fetchpool::ParseHostPattern(got.section, nullptr);
    FUZZ_CHECK(chosen.has_value() && chosen->Matches(host));
    for (const fetchpool::HostSection& other : file.hosts) {
      const auto o = fetchpool::ParseHostPattern(other.pattern, nullptr);
      FUZZ_CHECK(!o->Matches(host) || Rank(*o) <= Rank(*chosen));
    }
  }
}

void CheckEnvRefs(std::string_view text) {
  std::string out;
  FUZZ_CHECK(fetchpool::ExpandEnvRefs(fetchpool::EscapeEnvRefs(text), Env, &out).kind ==
             fetchpool::EnvRefProblem::Kind::kNone);
  FUZZ_CHECK(out == text);
  const fetchpool::EnvRefProblem p = fetchpool::ExpandEnvRefs(text, Env, &out);
  if (p.kind == fetchpool::EnvRefProblem::Kind::kMissing) {
    FUZZ_CHECK(text.find("${" + p.name + "}") != std::string_view::npos);
    FUZZ_CHECK(Env(p.name.c_str()) == nullptr);
  }
  if (p.kind == fetchpool::EnvRefProblem::Kind::kNone) {
    // Escaping what came out and expanding again changes nothing: no reference survives.
    std::string again;
    FUZZ_CHECK(fetchpool::ExpandEnvRefs(fetchpool::EscapeEnvRefs(out), Env, &again).kind ==
               fetchpool::EnvRefProblem::Kind::kNone);
    FUZZ_CHECK(again == out);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fetchpool::fuzz::AsView(data, size);
  CheckEnvRefs(text);
  if (const auto pattern = fetchpool::ParseHostPattern(text, nullptr)) {
    FUZZ_CHECK(fetchpool::ParseHostPattern(pattern->Text(), nullptr) == pattern);
  }
  fetchpool::ConfigFile file;
  const fetchpool::Status s = fetchpool::ParseConfigText(text, "f.toml", Env, &file);
  if (!s.ok()) {
    FUZZ_CHECK(s.message().starts_with("f.toml"));
    FUZZ_CHECK(s.message().find('\n') == std::string::npos);
    return 0;
  }
  for (const fetchpool::HostSection& section : file.hosts) {
    if (!section.set.headers) continue;
    for (const std::string& line : *section.set.headers) {
      FUZZ_CHECK(fetchpool::IsHeaderLine(line));
      const std::string value(fetchpool::TrimAsciiSpace(line.substr(line.find_first_of(":;") + 1)));
      if (value.size() >= fetchpool::SecretSet::kMinLength) {
        FUZZ_CHECK(file.secrets.Scrubbed(value).find(value) == std::string::npos);
      }
    }
  }
  CheckLookups(file);
  return 0;
}
