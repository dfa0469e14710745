// `cellchain-verify bundle` on bundles written from a synthetic signed log:
// what an auditor sees (report, failure lines naming the record) and what a
// script sees (exit statuses 0 / 1 / 2, which stream carries what). The exit
// statuses are checked on the built executable (CELLCHAIN_VERIFY_BIN).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/verify/verify.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/files.h"
#include "services/common/testing/run_binary.h"
#include "services/common/testing/status_matchers.h"
#include "services/ledger/bundle.h"
#include "services/ledger/keyring.h"
#include "services/ledger/verifier_testing.h"
#include "services/ledger/witness.h"

namespace cellchain::verify {
namespace {

namespace fs = std::filesystem;

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

using Outcome = cellchain::testing::RunOutcome;
using cellchain::testing::ReadFileOrEmpty;
using cellchain::testing::WriteFileBytes;

// Runs the built binary with `args`.
Outcome Exec(const std::vector<std::string>& args) {
  return cellchain::testing::RunBinary(CELLCHAIN_VERIFY_BIN, args);
}

class BundleCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::path(::testing::TempDir()) /
           absl::StrCat("bundle_command_test_", getpid(), "_", ++counter);
    fs::remove_all(dir_);
    CC_ASSERT_OK_AND_ASSIGN(log_, ledger::testing::SyntheticLog::Create());
    for (int i = 0; i < 9; ++i) {
      CC_ASSERT_OK(log_->Append(
          i % 3 == 2 ? "qc" : "donor", i % 3 == 2 ? "qc_sample" : "donor_lot",
          absl::StrCat("e", i % 3), absl::StrCat("step_", i)));
      if (i % 4 == 3) CC_ASSERT_OK(log_->Checkpoint());
    }
    CC_ASSERT_OK(log_->Checkpoint());  // Sizes 4, 8, 9.
    ledger::VerifyInput input = log_->Input();
    CC_ASSERT_OK(ledger::WriteBundle(log_->WholeLogBundle(input, "whole log"),
                                     dir_.string()));
    // QA's keyring: both services' keys, kept apart from the bundle.
    std::vector<std::pair<std::string, std::string>> keys;
    for (const ledger::SigningKeyInfo& key : input.keys) {
      keys.emplace_back(key.service, key.public_key);
    }
    CC_ASSERT_OK_AND_ASSIGN(ledger::Keyring keyring, ledger::Keyring::Of(keys));
    keyring_ = dir_.string() + ".keyring";
    std::ofstream(keyring_) << keyring.Format();
    // One that lists donor's key only.
    CC_ASSERT_OK_AND_ASSIGN(ledger::Keyring donor_only,
                            ledger::Keyring::Of({keys[0]}));
    ASSERT_EQ(keys[0].first, "donor");
    donor_keyring_ = dir_.string() + ".donor-keyring";
    std::ofstream(donor_keyring_) << donor_only.Format();
  }

  void TearDown() override {
    fs::remove_all(dir_);
    fs::remove(keyring_);
    fs::remove(donor_keyring_);
  }

  std::string vkey() const { return log_->log_signer().verifier().KeyString(); }
  std::string dir() const { return dir_.string(); }
  const std::string& Id(size_t i) const { return log_->records()[i].record_id; }

  Outcome RunInProcess(const std::vector<std::string>& args, bool terminal) {
    std::istringstream in;
    std::ostringstream out, err;
    RunOptions options;
    options.err_is_terminal = terminal;
    Outcome outcome;
    outcome.exit_code = verify::Run(args, in, out, err, options);
    outcome.out = out.str();
    outcome.err = err.str();
    return outcome;
  }

  fs::path dir_;
  std::string keyring_;
  std::string donor_keyring_;
  std::unique_ptr<ledger::testing::SyntheticLog> log_;
};

TEST_F(BundleCommandTest, AGoodBundleWithATrustedKeyExitsZero) {
  Outcome o = Exec({"bundle", "--vkey", vkey(), "--keyring", keyring_, dir()});

  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_THAT(o.err, IsEmpty());  // No warning; no progress bar off a tty.
  EXPECT_THAT(o.out, HasSubstr(absl::StrCat("record keys     2 trusted in ",
                                            keyring_)));
  EXPECT_THAT(o.out, StartsWith(absl::StrCat("bundle          ", dir(),
                                             " (cellchain-bundle/1)\n")));
  EXPECT_THAT(o.out, HasSubstr("scope           the whole log from index 0"));
  EXPECT_THAT(o.out, HasSubstr(absl::StrCat(vkey(), " (given with --vkey)")));
  EXPECT_THAT(o.out, HasSubstr("9 records, 3 entities, 2 signing keys, 3 "
                               "checkpoints (3 verified, latest tree size 9)"));
  EXPECT_THAT(o.out, HasSubstr("SIGNATURE                       9        0"));
  EXPECT_THAT(o.out, HasSubstr("CHECKPOINT_ROOT                 3        0"));
  EXPECT_THAT(o.out, Not(HasSubstr("FAIL")));
  EXPECT_THAT(o.out, HasSubstr("\nVALID: every check holds\n"));
}

TEST_F(BundleCommandTest, WithoutVkeyItWarnsThatTheKeyIsTheBundlesOwn) {
  Outcome o = Exec({"bundle", dir()});

  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_THAT(o.err, HasSubstr("warning: no --vkey given"));
  EXPECT_THAT(o.out, HasSubstr("taken from the bundle itself"));
}

TEST_F(BundleCommandTest, WithoutKeyringItWarnsThatTheRecordKeysAreTheBundles) {
  Outcome o = Exec({"bundle", "--vkey", vkey(), dir()});

  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_THAT(o.err, HasSubstr("warning: no --keyring given"));
  EXPECT_THAT(o.out, HasSubstr("record keys     taken from the bundle itself"));
}

TEST_F(BundleCommandTest, AKeyTheKeyringDoesNotListExitsOneNamingItsRecords) {
  Outcome o =
      Exec({"bundle", "--vkey", vkey(), "--keyring", donor_keyring_, dir()});

  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_THAT(o.out, HasSubstr("of service \"qc\" is not in the trusted "
                               "keyring"));
  // Records 2, 5 and 8 are qc's.
  EXPECT_THAT(o.out, HasSubstr(absl::StrCat("FAIL SIGNATURE record ", Id(2))));
  EXPECT_THAT(o.out, HasSubstr(absl::StrCat("FAIL SIGNATURE record ", Id(8))));
  EXPECT_THAT(o.out, Not(HasSubstr(absl::StrCat("record ", Id(0), " "))));
}

// A checkpoint file QA kept (cellchain audit checkpoint --save) of `note`.
std::string SaveCheckpoint(const std::string& path, const std::string& vkey,
                           const std::string& note) {
  absl::StatusOr<ledger::Witnessed> witnessed =
      ledger::Advance(std::nullopt, vkey, note, {});
  EXPECT_TRUE(witnessed.ok()) << witnessed.status();
  std::ofstream(path) << ledger::FormatWitnessed(*witnessed);
  return path;
}

TEST_F(BundleCommandTest, ABundleShorterThanACheckpointKeptOutsideExitsOne) {
  // QA kept the checkpoint of size 9; the bundle holds those 9: fine.
  const std::string same = SaveCheckpoint(dir_.string() + ".kept9", vkey(),
                                          log_->Input().checkpoints.back());
  Outcome o = Exec({"bundle", "--vkey", vkey(), "--keyring", keyring_,
                    "--since", same, dir()});
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;

  // The log grew to 12 and QA kept that checkpoint; the bundle exported
  // afterwards (from a database someone truncated) holds only 9.
  for (int i = 9; i < 12; ++i) {
    CC_ASSERT_OK(log_->Append("donor", "donor_lot", "e9", "step_late"));
  }
  CC_ASSERT_OK(log_->Checkpoint());
  const std::string later = SaveCheckpoint(dir_.string() + ".kept12", vkey(),
                                           log_->Input().checkpoints.back());
  o = Exec({"bundle", "--vkey", vkey(), "--keyring", keyring_, "--since", later,
            dir()});
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_THAT(o.out, HasSubstr("FAIL CHECKPOINT_ROOT checkpoint 12: the "
                               "checkpoint covers 12 records but the log "
                               "holds 9: records were deleted"));
  fs::remove(same);
  fs::remove(later);
}

TEST_F(BundleCommandTest, AnUnreadableKeyringExitsTwo) {
  Outcome o = Exec({"bundle", "--keyring", dir_.string() + ".none", dir()});

  EXPECT_EQ(o.exit_code, 2) << o.out << o.err;
  EXPECT_THAT(o.err, HasSubstr("--keyring"));
}

TEST_F(BundleCommandTest, ATamperedRecordExitsOneAndIsNamed) {
  const fs::path file = dir_ / "records" / "000000000004.bin";
  std::string bytes = ReadFileOrEmpty(file);
  bytes[bytes.size() - 5] ^= 0x01;
  WriteFileBytes(file, bytes);

  Outcome o = Exec({"bundle", "--vkey", vkey(), dir()});

  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_THAT(o.out,
              HasSubstr(absl::StrCat("FAIL SIGNATURE record ", Id(4),
                                     " (log index 4, entity donor_lot/e1): "
                                     "signature does not verify")));
  EXPECT_THAT(o.out, HasSubstr("\nINVALID: "));
  EXPECT_THAT(o.err, HasSubstr("cellchain-verify: invalid: "));
}

TEST_F(BundleCommandTest, ADeletedRecordExitsOneAndTheBundleCountsDisagree) {
  std::string index = ReadFileOrEmpty(dir_ / "records" / "index.jsonl");
  // Drop line 6 (log index 5) and its files.
  size_t begin = 0;
  for (int i = 0; i < 5; ++i) begin = index.find('\n', begin) + 1;
  size_t end = index.find('\n', begin) + 1;
  index.erase(begin, end - begin);
  WriteFileBytes(dir_ / "records" / "index.jsonl", index);
  fs::remove(dir_ / "records" / "000000000005.bin");
  fs::remove(dir_ / "records" / "000000000005.sig");

  Outcome o = Exec({"bundle", "--vkey", vkey(), dir()});

  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_THAT(o.out, HasSubstr("FAIL BUNDLE manifest.json declares 9 records, "
                               "the bundle holds 8"));
  EXPECT_THAT(o.out, HasSubstr(absl::StrCat("FAIL LOG_INDEX record ", Id(6),
                                            " (log index 6")));
}

TEST_F(BundleCommandTest, AnotherLogsKeyExitsOne) {
  CC_ASSERT_OK_AND_ASSIGN(
      ledger::NoteSigner other,
      ledger::NoteSigner::Generate(ledger::testing::kTestOrigin));
  Outcome o = Exec({"bundle", "--vkey", other.verifier().KeyString(), dir()});

  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_THAT(o.out, HasSubstr("FAIL CHECKPOINT_SIGNATURE checkpoint 9"));
}

TEST_F(BundleCommandTest, UsageAndUnreadableBundlesExitTwo) {
  Outcome no_dir = Exec({"bundle", "--vkey", vkey()});
  EXPECT_EQ(no_dir.exit_code, 2);
  EXPECT_THAT(no_dir.err, HasSubstr("missing DIR"));
  EXPECT_THAT(no_dir.out, IsEmpty());

  Outcome bad_key = Exec({"bundle", "--vkey", "nonsense", dir()});
  EXPECT_EQ(bad_key.exit_code, 2);
  EXPECT_THAT(bad_key.err, HasSubstr("--vkey nonsense"));

  Outcome missing = Exec({"bundle", (dir_ / "absent").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot read the bundle"));
  EXPECT_THAT(missing.out, IsEmpty());

  Outcome threads = Exec({"bundle", "--threads", "0", dir()});
  EXPECT_EQ(threads.exit_code, 2);

  fs::remove(dir_ / "keys" / "keys.json");
  Outcome broken = Exec({"bundle", "--vkey", vkey(), dir()});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_THAT(broken.err, HasSubstr("keys.json"));
}

TEST_F(BundleCommandTest, HelpListsTheCommand) {
  Outcome help = Exec({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("bundle"));
  EXPECT_THAT(help.out, HasSubstr("check an exported audit bundle offline"));

  Outcome usage = Exec({"bundle", "--help"});
  EXPECT_EQ(usage.exit_code, 0);
  EXPECT_THAT(usage.out, HasSubstr("usage: cellchain-verify bundle"));
}

TEST_F(BundleCommandTest, DrawsAProgressBarOnlyOnATerminal) {
  Outcome terminal = RunInProcess({"bundle", "--vkey", vkey(), "--keyring",
                                   keyring_, "--threads", "2", dir()},
                                  /*terminal=*/true);
  EXPECT_EQ(terminal.exit_code, 0) << terminal.err;
  EXPECT_THAT(terminal.err, HasSubstr("\rverifying records"));
  EXPECT_THAT(terminal.err, HasSubstr("100%  9/9"));
  // Erased before the report, which goes to stdout untouched.
  EXPECT_THAT(terminal.err, ::testing::EndsWith("\r\x1b[K"));
  EXPECT_THAT(terminal.out, Not(HasSubstr("\r")));

  Outcome pipe =
      RunInProcess({"bundle", "--vkey", vkey(), "--keyring", keyring_, dir()},
                   /*terminal=*/false);
  EXPECT_EQ(pipe.exit_code, 0);
  EXPECT_THAT(pipe.err, IsEmpty());
  EXPECT_EQ(pipe.out, terminal.out);
}

TEST_F(BundleCommandTest, ASubsetSaysWhatItCannotShow) {
  // Keep records 4.. only: a subset (its manifest rewritten accordingly).
  fs::path subset = dir_.string() + "_subset";
  fs::remove_all(subset);
  CC_ASSERT_OK_AND_ASSIGN(ledger::Bundle bundle, ledger::ReadBundle(dir()));
  bundle.complete = false;
  bundle.query = "records from index 4";
  bundle.records.erase(bundle.records.begin(), bundle.records.begin() + 4);
  bundle.inclusion_proofs.erase(bundle.inclusion_proofs.begin(),
                                bundle.inclusion_proofs.begin() + 4);
  CC_ASSERT_OK(ledger::WriteBundle(bundle, subset.string()));

  Outcome o = Exec({"bundle", "--vkey", vkey(), subset.string()});
  fs::remove_all(subset);

  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_THAT(o.out, HasSubstr("a subset of the log (a query's result)"));
  EXPECT_THAT(o.out, HasSubstr("3 entity chains start before the bundle's "
                               "first record of the entity"));
  EXPECT_THAT(o.out, HasSubstr("not that the query's result is complete"));
}

// A bundle is untrusted input: its text must not reach the terminal raw,
// where an ESC could retitle the window or clear the screen, and a CR or LF
// forge a line of the report.
TEST_F(BundleCommandTest, TextFromTheBundleIsPrintedEscaped) {
  fs::path forged = dir_.string() + "_forged";
  fs::remove_all(forged);
  CC_ASSERT_OK_AND_ASSIGN(ledger::Bundle bundle, ledger::ReadBundle(dir()));
  bundle.query = "all\x1b]0;owned\x07\x1b[2J\r\nVALID: every check holds\t\x7f";
  bundle.records[4].entity_id = "e1\x1b[8m\nFAIL nothing";
  CC_ASSERT_OK(ledger::WriteBundle(bundle, forged.string()));

  Outcome o = Exec({"bundle", "--vkey", vkey(), forged.string()});
  fs::remove_all(forged);

  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_THAT(o.out, HasSubstr("query           all\\x1b]0;owned\\x07\\x1b[2J"
                               "\\r\\nVALID: every check holds\\t\\x7f\n"));
  EXPECT_THAT(o.out, HasSubstr("e1\\x1b[8m\\nFAIL nothing"));
  EXPECT_THAT(o.out, Not(HasSubstr("\nVALID: every check holds")));
  EXPECT_THAT(o.out, Not(HasSubstr("\nFAIL nothing")));
  for (const std::string* text : {&o.out, &o.err}) {
    EXPECT_EQ(text->find_first_of("\x1b\r\x07\x7f"), std::string::npos)
        << *text;
  }
}

}  // namespace
}  // namespace cellchain::verify
