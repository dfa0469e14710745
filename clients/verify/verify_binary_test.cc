// Runs the built cellchain-verify executable (CELLCHAIN_VERIFY_BIN, set by
// CMake) and checks what a script sees: exit statuses 0 / 1 / 2 and which
// stream carries the output.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

extern char** environ;

namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kRoot8[] =
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
constexpr char kRoot6[] =
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef";
// SHA-256(0x00 || 40414243): the leaf hash of leaf 5 of the test tree.
constexpr char kLeaf5Hash[] =
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658";
constexpr char kInclusionProof[] =
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b,"
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0,"
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7";
constexpr char kConsistencyProof[] =
    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a,"
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0,"
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7";
constexpr char kPeterVkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kPeterNote[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNI"
    "uGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string TempPath(const std::string& name) {
  return absl::StrCat(testing::TempDir(), "/verify_binary_test_", getpid(), "_",
                      name);
}

std::string WriteFile(const std::string& name, const std::string& data) {
  std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary) << data;
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs the binary with `args`, stdin from `stdin_path`, and collects its exit
// status and output.
Outcome Exec(const std::vector<std::string>& args,
             const std::string& stdin_path = "/dev/null") {
  const std::string bin = CELLCHAIN_VERIFY_BIN;
  const std::string out_path = TempPath("stdout");
  const std::string err_path = TempPath("stderr");
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(bin.c_str()));
  for (const std::string& arg : args) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY,
                                   0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid;
  int rc =
      posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  Outcome outcome;
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << bin << ": " << rc;
    return outcome;
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
    ADD_FAILURE() << bin << " did not exit normally";
    return outcome;
  }
  outcome.exit_code = WEXITSTATUS(status);
  outcome.out = ReadFile(out_path);
  outcome.err = ReadFile(err_path);
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return outcome;
}

void ExpectUsage(const Outcome& o) {
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_THAT(o.err, HasSubstr("usage: cellchain-verify"));
  EXPECT_THAT(o.out, IsEmpty());
}

void ExpectInvalid(const Outcome& o) {
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_THAT(o.err, HasSubstr("cellchain-verify: invalid: "));
  EXPECT_THAT(o.out, IsEmpty());
}

TEST(VerifyBinaryTest, Help) {
  Outcome help = Exec({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("rfc6962 inclusion"));
  EXPECT_THAT(help.err, IsEmpty());
  Outcome sub = Exec({"note", "--help"});
  EXPECT_EQ(sub.exit_code, 0);
  EXPECT_THAT(sub.out, HasSubstr("--vkey"));
  ExpectUsage(Exec({}));
  ExpectUsage(Exec({"frobnicate"}));
}

TEST(VerifyBinaryTest, Root) {
  Outcome empty = Exec({"rfc6962", "root"});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_EQ(empty.out,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            "\n");
  Outcome eight =
      Exec({"rfc6962", "root", "", "00", "10", "2021", "3031", "40414243",
            "5051525354555657", "606162636465666768696a6b6c6d6e6f"});
  EXPECT_EQ(eight.exit_code, 0) << eight.err;
  EXPECT_EQ(eight.out, absl::StrCat(kRoot8, "\n"));
  ExpectUsage(Exec({"rfc6962", "root", "0"}));
}

TEST(VerifyBinaryTest, Inclusion) {
  std::vector<std::string> args = {"rfc6962",     "inclusion", "--index",
                                   "5",           "--size",    "8",
                                   "--leaf-hash", kLeaf5Hash,  "--root",
                                   kRoot8,        "--proof",   kInclusionProof};
  Outcome valid = Exec(args);
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_THAT(valid.out, HasSubstr("valid"));

  std::vector<std::string> wrong_root = args;
  wrong_root[9] = kRoot6;
  ExpectInvalid(Exec(wrong_root));

  std::vector<std::string> bad_number = args;
  bad_number[3] = "+5";
  ExpectUsage(Exec(bad_number));
}

TEST(VerifyBinaryTest, Consistency) {
  std::vector<std::string> args = {"rfc6962", "consistency", "--size1",
                                   "6",       "--size2",     "8",
                                   "--root1", kRoot6,        "--root2",
                                   kRoot8,    "--proof",     kConsistencyProof};
  Outcome valid = Exec(args);
  EXPECT_EQ(valid.exit_code, 0) << valid.err;

  std::vector<std::string> short_proof = args;
  short_proof[11] = std::string(kConsistencyProof).substr(0, 64);
  ExpectInvalid(Exec(short_proof));

  std::vector<std::string> odd_hex = args;
  odd_hex[7] = std::string(kRoot6).substr(1);
  ExpectUsage(Exec(odd_hex));
}

TEST(VerifyBinaryTest, Note) {
  std::string note = WriteFile("peter.note", kPeterNote);
  Outcome valid = Exec({"note", "--vkey", kPeterVkey, note});
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_EQ(valid.out, "PeterNeumann\n");

  Outcome piped = Exec({"note", "--vkey", kPeterVkey, "-"}, note);
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.out, "PeterNeumann\n");

  std::string text = kPeterNote;
  text.replace(text.find("problem,"), 8, "problem;");
  std::string tampered = WriteFile("tampered.note", text);
  ExpectInvalid(Exec({"note", "--vkey", kPeterVkey, tampered}));

  ExpectUsage(Exec({"note", "--vkey", "not-a-key", note}));
  ExpectUsage(Exec({"note", "--vkey", kPeterVkey, TempPath("missing")}));
  unlink(note.c_str());
  unlink(tampered.c_str());
}

}  // namespace
