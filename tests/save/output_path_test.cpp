#include "fetchpool/save/output_path.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fetchpool {
namespace {

bool IsValidUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

TEST(SanitizeNameTest, KeepsOrdinaryNames) {
  EXPECT_EQ(SanitizeName("report.pdf"), "report.pdf");
  EXPECT_EQ(SanitizeName("naïve café.txt"), "naïve café.txt");
  EXPECT_EQ(SanitizeName("a..b"), "a..b");
  EXPECT_EQ(SanitizeName("file-1.tar.gz"), "file-1.tar.gz");
}

TEST(SanitizeNameTest, SeparatorsAndControlsBecomeUnderscores) {
  EXPECT_EQ(SanitizeName("a/b"), "a_b");
  EXPECT_EQ(SanitizeName("a\\b"), "a_b");
  EXPECT_EQ(SanitizeName("../../etc/passwd"), "___.._etc_passwd");
  EXPECT_EQ(SanitizeName(std::string("a\0b", 3)), "a_b");
  EXPECT_EQ(SanitizeName("a\nb\rc\td\x1b[31m\x7f"), "a_b_c_d_[31m_");
  EXPECT_EQ(SanitizeName("a\xc2\x9b"
                         "31m"),
            "a_"
            "_31m");  // C1 CSI: two bytes, two '_'
}

TEST(SanitizeNameTest, InvalidUtf8BytesBecomeUnderscores) {
  EXPECT_EQ(SanitizeName("a\xff"
                         "b"),
            "a_b");
  EXPECT_EQ(SanitizeName("\xc0\xaf"), "__");         // an overlong '/'
  EXPECT_EQ(SanitizeName("x\xed\xa0\x80"), "x___");  // a UTF-16 surrogate
  EXPECT_EQ(SanitizeName("truncated\xe2\x82"), "truncated__");
}

TEST(SanitizeNameTest, NoHiddenNamesNoOptionsNoDotDirectories) {
  EXPECT_EQ(SanitizeName(".bashrc"), "_bashrc");
  EXPECT_EQ(SanitizeName("-rf"), "_rf");
  EXPECT_EQ(SanitizeName("--help"), "__help");
  EXPECT_EQ(SanitizeName(".-.x"), "___x");
  EXPECT_EQ(SanitizeName("..."), "___");
  EXPECT_EQ(SanitizeName(""), "");
  EXPECT_EQ(SanitizeName("."), "");
  EXPECT_EQ(SanitizeName(".."), "");
}

TEST(SanitizeNameTest, LongNamesAreCutKeepingTheExtension) {
  const std::string name = SanitizeName(std::string(500, 'a') + ".html");
  EXPECT_EQ(name.size(), kMaxNameBytes);
  EXPECT_TRUE(name.ends_with("a.html"));

  const std::string no_ext = SanitizeName(std::string(300, 'b'));
  EXPECT_EQ(no_ext, std::string(kMaxNameBytes, 'b'));

  // An "extension" too long to be one is just part of the name.
  const std::string long_ext = SanitizeName("x." + std::string(300, 'c'));
  EXPECT_EQ(long_ext.size(), kMaxNameBytes);
  EXPECT_TRUE(long_ext.starts_with("x.ccc"));
}

TEST(SanitizeNameTest, CutsOnUtf8Boundaries) {
  std::string wide;
  for (int i = 0; i < 150; ++i) wide += "é";  // 2 bytes each
  wide += "€.txt";
  for (const std::string& input : {wide, "x" + wide, std::string(199, 'y') + "€€"}) {
    const std::string out = SanitizeName(input);
    EXPECT_LE(out.size(), kMaxNameBytes) << input;
    EXPECT_TRUE(IsValidUtf8(out)) << out;
  }
  EXPECT_TRUE(SanitizeName(wide).ends_with("é.txt"));
  EXPECT_EQ(SanitizeName(std::string(199, 'y') + "€€"), std::string(199, 'y'));
}

TEST(OutputPathTest, NamesComeFromTheLastPathSegment) {
  auto name = [](const std::string& url) { return OutputPathFromUrl(url, false)->name; };
  EXPECT_EQ(name("http://h/a/b/report.pdf"), "report.pdf");
  EXPECT_EQ(name("http://h/a/b.txt?x=1&y=../../z#frag"), "b.txt");
  EXPECT_EQ(name("http://h"), "index.html");
  EXPECT_EQ(name("http://h/"), "index.html");
  EXPECT_EQ(name("http://h/dir/"), "index.html");
  EXPECT_EQ(name("http://h/my%20file.txt"), "my file.txt");
  EXPECT_EQ(name("http://h/caf%C3%A9"), "café");
}

TEST(OutputPathTest, TraversalAttemptsStayOneSafeName) {
  auto name = [](const std::string& url) { return OutputPathFromUrl(url, false)->name; };
  EXPECT_EQ(name("http://h/a/../../../etc/passwd"), "passwd");  // libcurl drops dot segments
  EXPECT_EQ(name("http://h/.."), "index.html");
  EXPECT_EQ(name("http://h/%2e%2e"), "index.html");
  EXPECT_EQ(name("http://h/%2e%2e%2f%2e%2e%2fetc%2fpasswd"), "___.._etc_passwd");
  EXPECT_EQ(name("http://h/x%2F..%2F..%2Fy"), "x_.._.._y");
  EXPECT_EQ(name("http://h/%2fetc%2fpasswd"), "_etc_passwd");
  EXPECT_EQ(name("http://h/%5c..%5cwin.ini"), "_.._win.ini");
  EXPECT_EQ(name("http://h/.hidden"), "_hidden");
  EXPECT_EQ(name("http://h/%00nul"), "_nul");
  EXPECT_EQ(name("http://h/a%0Ab"), "a_b");
  EXPECT_LE(name("http://h/" + std::string(5000, 'z') + ".bin").size(), kMaxNameBytes);
}

TEST(OutputPathTest, MirrorKeepsHostAndDirectoriesEachSanitised) {
  auto path = *OutputPathFromUrl("http://Example.com:8080/a/b%2fc/%2e%2e/.git/d.txt", true);
  EXPECT_EQ(path.dirs, (std::vector<std::string>{"Example.com:8080", "a", "b_c", "_git"}));
  EXPECT_EQ(path.name, "d.txt");
  EXPECT_EQ(path.Relative(), "Example.com:8080/a/b_c/_git/d.txt");

  auto plain = *OutputPathFromUrl("https://h:443//x//y/", true);
  EXPECT_EQ(plain.dirs, (std::vector<std::string>{"h", "x", "y"}));
  EXPECT_EQ(plain.name, "index.html");

  auto ipv6 = *OutputPathFromUrl("http://[::1]:81/f", true);
  EXPECT_EQ(ipv6.dirs, (std::vector<std::string>{"[::1]:81"}));
  for (const std::string& d : path.dirs) EXPECT_EQ(d.find('/'), std::string::npos);
}

TEST(OutputPathTest, UnparsableUrlGivesNothing) {
  EXPECT_FALSE(OutputPathFromUrl("not a url", false));
}

TEST(ContentDispositionTest, PlainAndQuotedNames) {
  EXPECT_EQ(NameFromContentDisposition("attachment; filename=plain.txt"), "plain.txt");
  EXPECT_EQ(NameFromContentDisposition("attachment; filename=\"with space.txt\""),
            "with space.txt");
  EXPECT_EQ(NameFromContentDisposition("attachment;filename=\"a\\\"b.txt\""), "a\"b.txt");
  EXPECT_EQ(NameFromContentDisposition("attachment; filename=\"a;b.txt\"; size=3"), "a;b.txt");
  EXPECT_EQ(NameFromContentDisposition("attachment; FileName=\"x.bin\""), "x.bin");
  EXPECT_EQ(NameFromContentDisposition("inline"), "");
  EXPECT_EQ(NameFromContentDisposition("attachment; name=\"x\""), "");
}

TEST(ContentDispositionTest, ExtendedNameWins) {
  EXPECT_EQ(NameFromContentDisposition(
                "attachment; filename=\"naive.txt\"; filename*=UTF-8''na%C3%AFve%20file.txt"),
            "naïve file.txt");
  EXPECT_EQ(NameFromContentDisposition("attachment; filename*=utf-8'en'x.txt"), "x.txt");
  EXPECT_EQ(NameFromContentDisposition("attachment; filename*=iso-8859-1''caf%E9"), "café");
  // An unknown charset is ignored, the plain name used.
  EXPECT_EQ(NameFromContentDisposition("attachment; filename*=koi8-r''x; filename=y"), "y");
}

TEST(ContentDispositionTest, OnlyTheBasenameSanitised) {
  EXPECT_EQ(NameFromContentDisposition("attachment; filename=\"../x\""), "x");
  EXPECT_EQ(NameFromContentDisposition("attachment; filename=\"/etc/passwd\""), "passwd");
  EXPECT_EQ(NameFromContentDisposition("attachment; filename=\"..\\\\..\\\\win.ini\""), "win.ini");
  EXPECT_EQ(NameFromContentDisposition("attachment; filename*=UTF-8''..%2F..%2Fevil.sh"),
            "evil.sh");
  EXPECT_EQ(NameFromContentDisposition("attachment; filename=\"..\""), "");
  EXPECT_EQ(NameFromContentDisposition("attachment; filename=\"dir/\""), "");
  EXPECT_EQ(NameFromContentDisposition("attachment; filename=\".profile\""), "_profile");
  EXPECT_EQ(NameFromContentDisposition("attachment; filename=\"a\x1b]0;x\x07.txt\""),
            "a_]0;x_.txt");
}

TEST(NumberedNameTest, AppendsAfterTheWholeName) {
  EXPECT_EQ(NumberedName("a.tar.gz", 0), "a.tar.gz");
  EXPECT_EQ(NumberedName("a.tar.gz", 1), "a.tar.gz.1");
  EXPECT_EQ(NumberedName("index.html", 12), "index.html.12");
}

}  // namespace
}  // namespace fetchpool
