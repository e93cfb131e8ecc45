#include "fetchpool/http/trust_store.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace fetchpool {
namespace {

// ChooseTrustSource with these variables and no others.
TrustSource Choose(const std::string& cacert, std::map<std::string, std::string> env) {
  return ChooseTrustSource(cacert, [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

TEST(TrustStoreTest, CacertWinsOverEveryVariable) {
  const TrustSource s =
      Choose("/my.pem",
             {{"CURL_CA_BUNDLE", "/b.pem"}, {"SSL_CERT_FILE", "/f.pem"}, {"SSL_CERT_DIR", "/d"}});
  EXPECT_EQ(s, (TrustSource{.file = "/my.pem"}));
}

TEST(TrustStoreTest, CurlCaBundleWinsOverTheOpenSslVariables) {
  const TrustSource s = Choose(
      "", {{"CURL_CA_BUNDLE", "/b.pem"}, {"SSL_CERT_FILE", "/f.pem"}, {"SSL_CERT_DIR", "/d"}});
  EXPECT_EQ(s, (TrustSource{.file = "/b.pem"}));
}

TEST(TrustStoreTest, SslCertFileAndDirTogether) {
  EXPECT_EQ(Choose("", {{"SSL_CERT_FILE", "/f.pem"}, {"SSL_CERT_DIR", "/d"}}),
            (TrustSource{.file = "/f.pem", .dir = "/d"}));
  EXPECT_EQ(Choose("", {{"SSL_CERT_DIR", "/d"}}), (TrustSource{.dir = "/d"}));
}

TEST(TrustStoreTest, EmptyVariablesCountAsUnsetAndLibcurlsDefaultIsLast) {
  const TrustSource s = Choose("", {{"CURL_CA_BUNDLE", ""}, {"SSL_CERT_FILE", ""}});
  EXPECT_FALSE(s.file.empty() && s.dir.empty()) << "libcurl's built-in CA file or path";
  EXPECT_NE(s.file, "");
}

TEST(TrustStoreTest, AStoreThatCannotBeReadSaysWhyAndInstallsNothing) {
  TrustStore store(TrustSource{.file = "/no/such/bundle.pem"});
  EXPECT_TRUE(store.status().ok()) << "nothing tried yet";
  EXPECT_EQ(store.loads(), 0);
  EXPECT_FALSE(store.InstallIn(nullptr));
  EXPECT_FALSE(store.InstallIn(nullptr));
  EXPECT_EQ(store.loads(), 1) << "read once, even when it failed";
  EXPECT_NE(store.status().message().find("/no/such/bundle.pem"), std::string::npos)
      << store.status().message();
}

}  // namespace
}  // namespace fetchpool
