// The connection flags as a user gives them: on the command line or in the
// CELLCHAIN_* variables, the certificate files required, and the session
// file under the home directory unless named.
#include "clients/common/connection_flags.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/config/config.h"
#include "services/common/testing/files.h"

namespace cellchain::client {
namespace {

using ::testing::HasSubstr;

class ConnectionFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("connection_flags_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    for (const char* name : {"ca.crt", "ws.crt", "ws.key"}) {
      testing::WriteFileBytes(dir_ / name, "PEM");
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string File(const char* name) const { return (dir_ / name).string(); }

  absl::Status Load(std::vector<std::string> args,
                    std::map<std::string, std::string> env = {}) {
    loader_ = std::make_unique<config::Loader>("client", "CELLCHAIN");
    DeclareConnectionFlags(*loader_, options_);
    std::vector<const char*> argv = {"client"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    return loader_->Load(
        static_cast<int>(argv.size()), argv.data(),
        [&env](const std::string& name) -> std::optional<std::string> {
          auto found = env.find(name);
          if (found == env.end()) return std::nullopt;
          return found->second;
        });
  }

  std::filesystem::path dir_;
  std::unique_ptr<config::Loader> loader_;
  ConnectionOptions options_;
};

TEST_F(ConnectionFlagsTest, FlagsFillTheOptions) {
  ASSERT_TRUE(Load({"--target=cellchain.lab:7443", "--ca=" + File("ca.crt"),
                    "--cert=" + File("ws.crt"), "--key=" + File("ws.key"),
                    "--deadline=3s", "--session-file=/tmp/s"})
                  .ok());
  EXPECT_EQ(options_.target, "cellchain.lab:7443");
  EXPECT_EQ(options_.ca, File("ca.crt"));
  EXPECT_EQ(options_.cert, File("ws.crt"));
  EXPECT_EQ(options_.key, File("ws.key"));
  EXPECT_EQ(options_.deadline, std::chrono::milliseconds(3000));
  EXPECT_EQ(options_.session_file, "/tmp/s");
}

// A workstation is configured once, in its environment, for every client.
TEST_F(ConnectionFlagsTest, VariablesFillTheOptionsAndFlagsWin) {
  ASSERT_TRUE(
      Load({"--deadline=250ms"}, {{"CELLCHAIN_TARGET", "10.0.0.5:7443"},
                                  {"CELLCHAIN_CA", File("ca.crt")},
                                  {"CELLCHAIN_CERT", File("ws.crt")},
                                  {"CELLCHAIN_KEY", File("ws.key")},
                                  {"CELLCHAIN_DEADLINE", "20s"},
                                  {"CELLCHAIN_SESSION_FILE", "/tmp/tina"}})
          .ok());
  EXPECT_EQ(options_.target, "10.0.0.5:7443");
  EXPECT_EQ(options_.key, File("ws.key"));
  EXPECT_EQ(options_.deadline, std::chrono::milliseconds(250));
  EXPECT_EQ(options_.session_file, "/tmp/tina");
}

TEST_F(ConnectionFlagsTest, DefaultsAreTheLocalServerAndTheHomeSession) {
  const char* home = std::getenv("HOME");
  const std::string saved = home == nullptr ? "" : home;
  setenv("HOME", dir_.c_str(), 1);
  absl::Status loaded =
      Load({"--ca=" + File("ca.crt"), "--cert=" + File("ws.crt"),
            "--key=" + File("ws.key")});
  if (home == nullptr) {
    unsetenv("HOME");
  } else {
    setenv("HOME", saved.c_str(), 1);
  }
  ASSERT_TRUE(loaded.ok()) << loaded;
  EXPECT_EQ(options_.target, "127.0.0.1:7443");
  EXPECT_EQ(options_.deadline, std::chrono::milliseconds(10000));
  EXPECT_EQ(options_.session_file, (dir_ / ".cellchain/session").string());
}

TEST_F(ConnectionFlagsTest, TheCertificateFilesAreRequiredAndMustBeReadable) {
  absl::Status loaded =
      Load({"--ca=" + File("ca.crt"), "--cert=" + File("missing.crt")});
  ASSERT_EQ(loaded.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(loaded.message(), HasSubstr("--cert (CELLCHAIN_CERT)"));
  EXPECT_THAT(loaded.message(), HasSubstr("--key (CELLCHAIN_KEY)"));
}

// ConnectionFlagNames is what a client accepts on every command: exactly
// the flags DeclareConnectionFlags declares, in its order.
TEST_F(ConnectionFlagsTest, TheNamesAreTheDeclaredFlags) {
  ASSERT_TRUE(Load({"--ca=" + File("ca.crt"), "--cert=" + File("ws.crt"),
                    "--key=" + File("ws.key")})
                  .ok());
  const std::string usage = loader_->Usage();
  std::vector<std::string> declared;
  const std::regex flag("\n  --([a-z-]+)=");
  for (auto it = std::sregex_iterator(usage.begin(), usage.end(), flag);
       it != std::sregex_iterator(); ++it) {
    declared.push_back((*it)[1]);
  }
  std::vector<std::string> named(ConnectionFlagNames().begin(),
                                 ConnectionFlagNames().end());
  EXPECT_EQ(declared, named) << usage;
}

}  // namespace
}  // namespace cellchain::client
