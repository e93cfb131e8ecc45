#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <map>
#include <string>
#include <vector>

#include "fetchpool/input/sitemap_xml.hpp"
#include "fetchpool/input/url_reader.hpp"
#include "support/temp_dir.hpp"

namespace fetchpool {
namespace {

std::string Urlset(const std::vector<std::string>& locs) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"\n"
      "        xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">\n";
  for (const std::string& loc : locs) {
    xml += "  <url>\n    <loc>" + loc +
           "</loc>\n    <image:image><image:loc>https://img.example/x.png</image:loc>"
           "</image:image>\n  </url>\n";
  }
  return xml + "</urlset>\n";
}

std::string Index(const std::vector<std::string>& locs) {
  std::string xml = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& loc : locs) xml += "<sitemap><loc>" + loc + "</loc></sitemap>\n";
  return xml + "</sitemapindex>\n";
}

std::string Gzip(const std::string& text) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

struct Loc {
  std::string url;
  std::uint64_t line;
  bool operator==(const Loc&) const = default;
};

std::vector<Loc> Locs(const std::string& path, std::string* error = nullptr) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  std::vector<Loc> out;
  {
    SitemapXml xml(fd, -1);
    Loc loc;
    while (xml.Next(loc.url, loc.line)) out.push_back(loc);
    if (error != nullptr) *error = xml.error();
  }
  ::close(fd);
  return out;
}

TEST(SitemapXmlTest, ReadsEachUrlsLocAndLineButNotImageLocs) {
  testing::TempDir dir;
  const std::string path =
      dir.Write("s.xml", Urlset({"https://a.example/", "  https://a.example/q?x=1&amp;y=2  "}));
  std::string error;
  EXPECT_EQ(Locs(path, &error),
            (std::vector<Loc>{{"https://a.example/", 5}, {"https://a.example/q?x=1&y=2", 9}}));
  EXPECT_EQ(error, "");
}

TEST(SitemapXmlTest, GzippedOrNotWhateverTheName) {
  testing::TempDir dir;
  const std::string xml = Urlset({"https://gz.example/1", "https://gz.example/2"});
  EXPECT_EQ(Locs(dir.Write("s.xml", Gzip(xml))).size(), 2u);
  EXPECT_EQ(Locs(dir.Write("t.xml.gz", Gzip(xml) + Gzip(""))).size(), 2u) << "two members";
  std::string error;
  EXPECT_EQ(Locs(dir.Write("u.xml.gz", Gzip(xml).substr(0, 40)), &error).size(), 0u);
  EXPECT_NE(error, "");
}

TEST(SitemapXmlTest, WhatIsNoSitemapSaysWhy) {
  testing::TempDir dir;
  std::string error;
  Locs(dir.Write("a.html", "<html><body>404</body></html>"), &error);
  EXPECT_EQ(error, "not a sitemap (the root element is <html>)");
  Locs(dir.Write("empty.xml", ""), &error);
  EXPECT_EQ(error, "not a sitemap (the file is empty)");
  std::vector<std::string> many(300, "https://a.example/");
  EXPECT_GT(Locs(dir.Write("bad.xml", Urlset(many) + "<x>"), &error).size(), 250u)
      << "what came well before the error is read";
  EXPECT_TRUE(error.starts_with("XML error at line 1205: ")) << error;
}

TEST(SitemapXmlTest, NoEntityOrDtdIsFetchedOrExpanded) {
  testing::TempDir dir;
  const std::string secret = dir.Write("secret.txt", "SECRET");
  std::string error;
  const auto locs =
      Locs(dir.Write("xxe.xml",
                     "<?xml version=\"1.0\"?>\n<!DOCTYPE urlset [<!ENTITY x SYSTEM "
                     "\"file://" +
                         secret +
                         "\">]>\n"
                         "<urlset><url><loc>https://a.example/&x;</loc></url></urlset>"),
           &error);
  for (const Loc& loc : locs) EXPECT_EQ(loc.url.find("SECRET"), std::string::npos);
}

struct Read {
  std::vector<Job> jobs;
  std::vector<Result> results;
  std::vector<std::string> fetched;
  Status error;
};

Read ReadSitemapsOf(std::vector<std::string> sitemaps,
                    std::map<std::string, std::string> site = {}) {
  Read r;
  InputOptions in;
  in.sitemaps = std::move(sitemaps);
  OriginNames names;
  const ReadOutcome out =
      ReadUrls(in,
               {.submit =
                    [&](Job job) {
                      r.jobs.push_back(std::move(job));
                      return true;
                    },
                .deliver =
                    [&](Result res) {
                      r.results.push_back(std::move(res));
                      return true;
                    },
                .names = &names,
                .fetch_sitemap =
                    [&](const Job& job, int fd) {
                      r.fetched.push_back(job.origin.url);
                      Result res = MakeResult(job);
                      const auto it = site.find(job.origin.url);
                      if (it == site.end()) {
                        res.transfer.http_status = 404;
                        res.verdict.error_kind = ErrorKind::kHttpStatus;
                        res.verdict.error = "HTTP 404";
                        return res;
                      }
                      EXPECT_EQ(::write(fd, it->second.data(), it->second.size()),
                                static_cast<ssize_t>(it->second.size()));
                      res.verdict.ok = true;
                      res.transfer.http_status = 200;
                      return res;
                    }},
               {});
  r.error = out.error;
  EXPECT_EQ(out.urls, r.jobs.size() + r.results.size());
  for (Job& job : r.jobs) job.origin.input = std::string_view();  // `names` ends here
  for (Result& res : r.results) res.origin.input = std::string_view();
  return r;
}

TEST(SitemapReaderTest, AnIndexIsFollowedDepthFirstAndFetchedSitemapsReport) {
  testing::TempDir dir;
  const std::string index =
      dir.Write("index.xml",
                Index({"https://s.example/a.xml", "part-b.xml.gz", "https://s.example/404.xml"}));
  dir.Write("part-b.xml.gz", Gzip(Urlset({"https://b.example/1"})));
  const Read r = ReadSitemapsOf(
      {index},
      {{"https://s.example/a.xml", Urlset({"https://a.example/1", "https://a.example/2"})}});
  EXPECT_TRUE(r.error.ok()) << r.error.message();
  ASSERT_EQ(r.jobs.size(), 3u);
  EXPECT_EQ(r.jobs[0].origin.url, "https://a.example/1");
  EXPECT_EQ(r.jobs[0].origin.line, 5u);
  EXPECT_EQ(r.jobs[2].origin.url, "https://b.example/1");
  EXPECT_EQ(r.fetched,
            (std::vector<std::string>{"https://s.example/a.xml", "https://s.example/404.xml"}));
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_TRUE(r.results[0].verdict.ok);
  EXPECT_EQ(r.results[0].origin.url, "https://s.example/a.xml");
  EXPECT_EQ(r.results[0].origin.line, 2u) << "at its <loc> in the index";
  EXPECT_GT(r.results[0].origin.seq, r.jobs[1].origin.seq) << "after its URLs";
  EXPECT_FALSE(r.results[1].verdict.ok);
  EXPECT_EQ(r.results[1].verdict.error, "HTTP 404");
}

TEST(SitemapReaderTest, ALoopOfIndexesIsCutOffWithAWarning) {
  const Read r =
      ReadSitemapsOf({"https://s.example/index.xml"},
                     {{"https://s.example/index.xml", Index({"https://s.example/inner.xml"})},
                      {"https://s.example/inner.xml",
                       Index({"https://s.example/index.xml", "https://s.example/leaf.xml"})},
                      {"https://s.example/leaf.xml", Urlset({"https://leaf.example/"})}});
  ASSERT_EQ(r.jobs.size(), 1u);
  std::vector<std::string> warnings;
  for (const Result& res : r.results) {
    if (res.verdict.warning) warnings.push_back(res.origin.url + ": " + res.verdict.error);
  }
  EXPECT_EQ(warnings, (std::vector<std::string>{
                          "https://s.example/index.xml: sitemap index loop: this index is "
                          "already being read; not followed"}));
  EXPECT_EQ(r.fetched.size(), 3u) << "each fetched once";
}

TEST(SitemapReaderTest, AFetchedPageThatIsNoSitemapFails) {
  const Read r = ReadSitemapsOf({"https://s.example/sitemap.xml"},
                                {{"https://s.example/sitemap.xml", "<html>soft 404</html>"}});
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_FALSE(r.results[0].verdict.ok);
  EXPECT_EQ(r.results[0].transfer.http_status, 200);
  EXPECT_EQ(r.results[0].verdict.error,
            "not a sitemap: not a sitemap (the root element is <html>)");
}

TEST(SitemapReaderTest, AFetchedIndexMayNotPointAtLocalFiles) {
  const Read r = ReadSitemapsOf({"https://s.example/i.xml"},
                                {{"https://s.example/i.xml", Index({"/etc/passwd"})}});
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_FALSE(r.results[0].verdict.ok);
  EXPECT_EQ(r.results[0].origin.url, "/etc/passwd");
  EXPECT_EQ(r.results[0].verdict.error, "not an http(s) URL: a fetched index may only list URLs");
}

TEST(SitemapReaderTest, ABrokenLocalSitemapIsAReadError) {
  testing::TempDir dir;
  const Read r = ReadSitemapsOf({dir.Write("s.xml", "<urlset><url><loc>https://a.example/")});
  EXPECT_FALSE(r.error.ok());
  EXPECT_NE(r.error.message().find("XML error"), std::string::npos) << r.error.message();
}

}  // namespace
}  // namespace fetchpool
