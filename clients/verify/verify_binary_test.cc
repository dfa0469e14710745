// Runs the built cellchain-verify executable (CELLCHAIN_VERIFY_BIN, set by
// CMake) and checks what a script sees: exit statuses 0 / 1 / 2 and which
// stream carries the output.
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/files.h"
#include "services/common/testing/run_binary.h"
#include "services/ledger/known_answers_testing.h"

namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Outcome = cellchain::testing::RunOutcome;
using cellchain::ledger::testing::kConsistencyProof;
using cellchain::ledger::testing::kInclusionProof;
using cellchain::ledger::testing::kLeaf5Hash;
using cellchain::ledger::testing::kPeterNote;
using cellchain::ledger::testing::kPeterVkey;
using cellchain::ledger::testing::kRoot6;
using cellchain::ledger::testing::kRoot8;

std::string TempPath(const std::string& name) {
  return absl::StrCat(::testing::TempDir(), "/verify_binary_test_", getpid(),
                      "_", name);
}

std::string WriteFile(const std::string& name, const std::string& data) {
  std::string path = TempPath(name);
  cellchain::testing::WriteFileBytes(path, data);
  return path;
}

// Runs the binary with `args`, stdin from `stdin_path`.
Outcome Exec(const std::vector<std::string>& args,
             const std::string& stdin_path = "/dev/null") {
  return cellchain::testing::RunBinary(CELLCHAIN_VERIFY_BIN, args, stdin_path);
}

// Runs the binary with `args` but for args[index] = value.
Outcome ExecWith(std::vector<std::string> args, size_t index,
                 const std::string& value) {
  args[index] = value;
  return Exec(args);
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

  ExpectInvalid(ExecWith(args, 9, kRoot6));  // the wrong root
  ExpectUsage(ExecWith(args, 3, "+5"));      // not a number
}

TEST(VerifyBinaryTest, Consistency) {
  std::vector<std::string> args = {"rfc6962", "consistency", "--size1",
                                   "6",       "--size2",     "8",
                                   "--root1", kRoot6,        "--root2",
                                   kRoot8,    "--proof",     kConsistencyProof};
  Outcome valid = Exec(args);
  EXPECT_EQ(valid.exit_code, 0) << valid.err;

  ExpectInvalid(ExecWith(args, 11,  // a proof too short
                         std::string(kConsistencyProof).substr(0, 64)));
  ExpectUsage(ExecWith(args, 7, std::string(kRoot6).substr(1)));  // odd hex
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
