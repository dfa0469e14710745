#include "clients/cli/session.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

mode_t ModeOf(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class SessionFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ =
        std::string(tmp != nullptr ? tmp : "/tmp") + "/cli-session-test-XXXXXX";
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
};

TEST_F(SessionFileTest, WritesOnlyForItsOwnerCreatingPrivateDirectories) {
  std::string path = dir_ + "/home/.cellchain/session";
  ASSERT_TRUE(WriteSessionFile(path, "tok_ABC-123").ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ModeOf(dir_ + "/home/.cellchain"), 0700u);
  EXPECT_EQ(ModeOf(dir_ + "/home"), 0700u);
  absl::StatusOr<std::string> token = ReadSessionFile(path);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, "tok_ABC-123");
}

TEST_F(SessionFileTest, ReplacesTheOldTokenAndLeavesNoTemporaryFile) {
  std::string path = dir_ + "/session";
  ASSERT_TRUE(WriteSessionFile(path, "first").ok());
  ASSERT_TRUE(WriteSessionFile(path, "second").ok());
  EXPECT_EQ(*ReadSessionFile(path), "second");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "session");
  }
  EXPECT_EQ(files, 1);
}

TEST_F(SessionFileTest, ExistingDirectoryKeepsItsMode) {
  ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
  ASSERT_TRUE(WriteSessionFile(dir_ + "/session", "t").ok());
  EXPECT_EQ(ModeOf(dir_), 0755u);
}

TEST_F(SessionFileTest, ReadsAHandWrittenFileAndRefusesOddOnes) {
  EXPECT_TRUE(absl::IsNotFound(ReadSessionFile(dir_ + "/none").status()));
  std::ofstream(dir_ + "/crlf") << "  token-1\r\n";
  EXPECT_EQ(*ReadSessionFile(dir_ + "/crlf"), "token-1");
  std::ofstream(dir_ + "/empty") << "\n";
  EXPECT_TRUE(
      absl::IsInvalidArgument(ReadSessionFile(dir_ + "/empty").status()));
  std::ofstream(dir_ + "/two") << "token-1\ntoken-2\n";
  EXPECT_TRUE(absl::IsInvalidArgument(ReadSessionFile(dir_ + "/two").status()));
}

TEST_F(SessionFileTest, RemoveIsDoneWhenTheFileIsGone) {
  std::string path = dir_ + "/session";
  ASSERT_TRUE(WriteSessionFile(path, "t").ok());
  EXPECT_TRUE(RemoveSessionFile(path).ok());
  EXPECT_TRUE(absl::IsNotFound(ReadSessionFile(path).status()));
  EXPECT_TRUE(RemoveSessionFile(path).ok());
}

// Runs `body` with stdin read from a file holding `input`.
template <typename Body>
void WithStdin(const std::string& dir, const std::string& input, Body body) {
  std::string path = dir + "/stdin";
  std::ofstream(path) << input;
  int saved = dup(STDIN_FILENO);
  ASSERT_NE(std::freopen(path.c_str(), "r", stdin), nullptr);
  std::cin.clear();
  body();
  dup2(saved, STDIN_FILENO);
  close(saved);
  std::clearerr(stdin);
  std::cin.clear();
}

TEST_F(SessionFileTest, PasswordsFromStdinAreOneLineEach) {
  WithStdin(dir_, "current pw 1\r\nnew pw 2\n", [] {
    PasswordSource source{.env_var = "", .from_stdin = true};
    EXPECT_EQ(*ReadPassword(source, "current password", false), "current pw 1");
    EXPECT_EQ(*ReadPassword(source, "new password", true), "new pw 2");
    absl::StatusOr<std::string> none = ReadPassword(source, "more", false);
    EXPECT_TRUE(absl::IsFailedPrecondition(none.status()));
    EXPECT_THAT(none.status().message(), HasSubstr("no more lines"));
  });
}

TEST_F(SessionFileTest, PasswordFromAVariableNamesItWhenUnset) {
  setenv("CLI_SESSION_TEST_PW", "from the env 1", 1);
  PasswordSource source{.env_var = "CLI_SESSION_TEST_PW"};
  EXPECT_EQ(*ReadPassword(source, "password", false), "from the env 1");
  setenv("CLI_SESSION_TEST_PW", "", 1);
  absl::StatusOr<std::string> empty = ReadPassword(source, "password", false);
  EXPECT_TRUE(absl::IsFailedPrecondition(empty.status()));
  EXPECT_THAT(empty.status().message(), HasSubstr("CLI_SESSION_TEST_PW"));
  unsetenv("CLI_SESSION_TEST_PW");
}

TEST_F(SessionFileTest, WithoutATerminalOrASourceSaysHowToGiveIt) {
  WithStdin(dir_, "typed into a pipe\n", [] {
    absl::StatusOr<std::string> password =
        ReadPassword(PasswordSource{}, "password", false);
    EXPECT_TRUE(absl::IsFailedPrecondition(password.status()));
    EXPECT_THAT(password.status().message(),
                HasSubstr("--password-stdin or --password-env=VAR"));
    EXPECT_THAT(password.status().message(), Not(HasSubstr("pipe")));
  });
}

}  // namespace
}  // namespace cellchain::cli
