#include "fetchpool/config/config_file.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "fetchpool/config/config_scan.hpp"

namespace fetchpool {
namespace {

const char* Env(const char* name) {
  static const std::map<std::string, std::string> env = {{"GITHUB_TOKEN", "ghp_secret1"},
                                                         {"MIRROR_PASSWORD", "mirror-pw2"}};
  const auto it = env.find(name);
  return it == env.end() ? nullptr : it->second.c_str();
}

Status Parse(std::string_view text, ConfigFile* out) {
  return ParseConfigText(text, "c.toml", Env, out);
}

// The message for `text`, which must be refused.
std::string Error(std::string_view text) {
  ConfigFile file;
  const Status s = Parse(text, &file);
  EXPECT_FALSE(s.ok()) << text;
  return s.message();
}

TEST(ConfigFileTest, TheIssuesExampleReads) {
  ConfigFile file;
  const Status s = Parse(R"(per-host = 4                      # the defaults
[hosts."api.github.com"]
headers = ["Authorization: Bearer ${GITHUB_TOKEN}"]
[hosts."*.internal.example"]
user = "ci:${MIRROR_PASSWORD}"
accept = "200-299,401"
per-host = 2
)",
                         &file);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(file.defaults.per_host, 4);
  ASSERT_EQ(file.hosts.size(), 2u);
  EXPECT_EQ(file.hosts[0].pattern, "api.github.com");
  EXPECT_EQ(file.hosts[0].line, 2);
  EXPECT_EQ(*file.hosts[0].set.headers,
            (std::vector<std::string>{"Authorization: Bearer ghp_secret1"}));
  EXPECT_EQ(file.hosts[1].pattern, "*.internal.example");
  EXPECT_EQ(*file.hosts[1].set.user, "ci:mirror-pw2");
  EXPECT_TRUE(file.hosts[1].set.accept->Contains(401));
  EXPECT_EQ(file.hosts[1].set.per_host, 2);
  EXPECT_EQ(file.secrets.Scrubbed("ghp_secret1 mirror-pw2"), "*** ***");
}

TEST(ConfigFileTest, EveryHostKeyHasItsType) {
  ConfigFile file;
  const Status s = Parse(R"(
timeout = 2.5
connect-timeout = 3
stall-timeout = 4
insecure = true
warn = "403,5xx,timeout"
per-host-rate = "2/s"
accept = 200
proxy = "http://proxy.example:3128"
headers = ["X-A: 1", "X-B:", "X-C;"]
)",
                         &file);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(file.defaults.timeout_s, 2.5);
  EXPECT_EQ(file.defaults.connect_timeout_s, 3.0);
  EXPECT_EQ(file.defaults.stall_timeout_s, 4.0);
  EXPECT_EQ(file.defaults.insecure, true);
  EXPECT_EQ(file.defaults.per_host_interval, std::chrono::milliseconds(500));
  EXPECT_TRUE(file.defaults.accept->Contains(200));
  EXPECT_FALSE(file.defaults.accept->Contains(201));
  EXPECT_EQ(file.proxy, "http://proxy.example:3128");
  EXPECT_EQ(file.defaults.headers->size(), 3u);
}

TEST(ConfigFileTest, UnknownKeysWrongTypesAndBadPatternsSayFileLineAndWhatWasExpected) {
  EXPECT_EQ(Error("per-host = 4\nperhost = 2\n"),
            "c.toml:2: perhost: unknown key (expected one of: headers, user, accept, warn, "
            "per-host, per-host-rate, timeout, connect-timeout, stall-timeout, insecure, cacert, "
            "proxy, [hosts.\"NAME\"])");
  EXPECT_EQ(Error("\nper-host = \"four\"\n"),
            "c.toml:2: per-host: expected an integer from 1 to 1024, got a string");
  EXPECT_EQ(Error("per-host = 0\n"),
            "c.toml:1: per-host: expected an integer from 1 to 1024, got 0");
  EXPECT_EQ(Error("[hosts.\"a.example\"]\ntimeout = \"5\"\n"),
            "c.toml:2: [hosts.\"a.example\"] timeout: expected a number of seconds, got a string");
  EXPECT_EQ(Error("[hosts.\"a.example\"]\nproxy = \"http://p\"\n").substr(0, 44),
            "c.toml:2: [hosts.\"a.example\"] proxy: unknown");
  EXPECT_EQ(Error("[hosts.\"a.example:443\"]\n"),
            "c.toml:1: [hosts.\"a.example:443\"]: expected a host name without a port (a "
            "section applies to every port of its host)");
  EXPECT_EQ(Error("[hosts.\"https://a.example/\"]\n"),
            "c.toml:1: [hosts.\"https://a.example/\"]: expected a host name, not a URL (e.g. "
            "\"api.github.com\")");
  EXPECT_EQ(Error("[hosts.\"a.*.example\"]\n"),
            "c.toml:1: [hosts.\"a.*.example\"]: expected '*' only as a leading \"*.\", e.g. "
            "\"*.example.com\"");
  EXPECT_EQ(Error("[hosts.\"A.example\"]\n[hosts.\"a.example\"]\n"),
            "c.toml:2: [hosts.\"a.example\"]: the same host as the section on line 1");
  EXPECT_EQ(Error("headers = \"X-A: 1\"\n"),
            "c.toml:1: headers: expected an array of \"Name: value\" strings, got a string");
  EXPECT_EQ(Error("headers = [\"Bearer xyz\"]\n"),
            "c.toml:1: headers: expected \"Name: value\", \"Name:\" or \"Name;\"");
  EXPECT_EQ(Error("hosts = 3\n"),
            "c.toml:1: hosts: expected sections [hosts.\"NAME\"], got an integer");
  EXPECT_EQ(Error("insecure = 1\n"), "c.toml:1: insecure: expected true or false, got an integer");
  EXPECT_EQ(Error("accept = \"nope\"\n"),
            "c.toml:1: accept: 'nope' is not a list of statuses (expected e.g. \"200-299,304\")");
  EXPECT_EQ(Error("user = \"nocolon\"\n"), "c.toml:1: user: expected \"USER:PASSWORD\"");
}

TEST(ConfigFileTest, AMissingVariableIsNamed) {
  EXPECT_EQ(
      Error("[hosts.\"api.github.com\"]\nheaders = [\"Authorization: Bearer ${NOPE_TOKEN}\"]\n"),
      "c.toml:2: [hosts.\"api.github.com\"] headers: environment variable NOPE_TOKEN is not "
      "set");
  EXPECT_EQ(Error("user = \"a:$PASSWORD\"\n"),
            "c.toml:1: user: '$' starts ${NAME} (write $$ for a '$')");
}

TEST(ConfigFileTest, HostileFilesAreClearErrors) {
  // Truncated.
  EXPECT_TRUE(Error("[hosts.\"a.example\"]\nheaders = [\"X-A: 1\"").starts_with("c.toml:2:"));
  EXPECT_TRUE(Error("[hosts.\"a.exa").starts_with("c.toml:1:"));
  // Invalid UTF-8, in a value and in a key.
  EXPECT_TRUE(Error("user = \"a:\xff\xfe\"\n").starts_with("c.toml:1:"));
  EXPECT_TRUE(Error("[hosts.\"\xc3\"]\n").starts_with("c.toml:1:"));
  // 1 MB of nesting, of each kind the parser recurses on.
  const std::string arrays = "x = " + std::string(500000, '[') + std::string(500000, ']');
  EXPECT_EQ(Error(arrays), "c.toml:1: brackets nested more than 32 levels deep");
  std::string tables = "x = ";
  for (int i = 0; i < 100000; ++i) tables += "{a=";
  EXPECT_EQ(Error(tables), "c.toml:1: brackets nested more than 32 levels deep");
  std::string dotted = "[a";
  for (int i = 0; i < 300000; ++i) dotted += ".a";
  EXPECT_EQ(Error(dotted + "]\n"), "c.toml:1: a dotted key of more than 32 parts");
  std::string key = "a";
  for (int i = 0; i < 200000; ++i) key += ".\"q\"";
  EXPECT_EQ(Error(key + " = 1\n"), "c.toml:1: a dotted key of more than 32 parts");
  EXPECT_EQ(Error(std::string(kMaxConfigBytes + 1, '#')),
            "c.toml: larger than 1024 KiB; a config file is a few lines");
}

TEST(ConfigFileTest, StringsAndCommentsDoNotCountAsNesting) {
  ConfigFile file;
  const std::string deep_text(2000, '[');
  const std::string text = "# " + std::string(100, '.') + "\nuser = \"a:" + deep_text +
                           "\"\nheaders = ['''X-A: " + std::string(100, '{') + "''']\n";
  const Status s = Parse(text, &file);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ConfigFileTest, ARelativeCacertIsRelativeToTheFile) {
  ConfigFile file;
  const Status s =
      ParseConfigText("cacert = \"nope.pem\"\n", "/nonexistent/dir/c.toml", Env, &file);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.message().starts_with(
      "/nonexistent/dir/c.toml:1: cacert: cannot read '/nonexistent/dir/nope.pem'"))
      << s.message();
}

TEST(ConfigFileTest, AMissingFileIsOneLine) {
  ConfigFile file;
  const Status s = LoadConfigFile("/nonexistent/c.toml", Env, &file);
  EXPECT_EQ(s.message(), "--config: cannot read '/nonexistent/c.toml': No such file or directory");
}

}  // namespace
}  // namespace fetchpool

namespace fetchpool {
namespace {

// toml++ 3.3's whitespace test has undefined behaviour for many non-ASCII characters (U+00A1 to
// U+0499 among them); the scan keeps every place it would run on one from the parser.
TEST(ConfigScanTest, KeepsNonAsciiFromWhereTheParserMishandlesIt) {
  EXPECT_EQ(ScanConfigText("a.b\xd0\x9c = 1\n", "c.toml").message(),
            "c.toml:1: a non-ASCII character outside a string (quote a key that has one)");
  EXPECT_EQ(ScanConfigText("x = 1 \xc3\xa9\n", "c.toml").message(),
            "c.toml:1: a non-ASCII character outside a string (quote a key that has one)");
  EXPECT_TRUE(ScanConfigText("x = \"\"\"a\\\xc3\xa9\"\"\"\n", "c.toml")
                  .message()
                  .starts_with("c.toml:1: a non-ASCII character right after a backslash"));
  EXPECT_TRUE(ScanConfigText("x = \"\"\"a \\  \n\n   \xc3\xa9\"\"\"\n", "c.toml")
                  .message()
                  .starts_with("c.toml:1: a non-ASCII character right after a backslash"));
  // Everywhere else non-ASCII text is fine: strings, quoted keys, comments.
  EXPECT_TRUE(ScanConfigText("# caf\xc3\xa9\n\"cl\xc3\xa9\" = \"\xd0\x9c\xd0\xb8\xd1\x80\"\n"
                             "y = '''\xc3\xa9'''\nz = \"\"\"\xc3\xa9 \\\n  ok \xc3\xa9\"\"\"\n",
                             "c.toml")
                  .ok());
}

}  // namespace
}  // namespace fetchpool
