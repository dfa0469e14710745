// The verifier on synthetic signed logs: a clean log verifies with no
// finding, and each kind of tampering a QA auditor must catch is found and
// names the record (or checkpoint) concerned.
#include "services/ledger/verifier.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cellchain/audit/v1/record.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/encoding.h"
#include "services/common/testing/status_matchers.h"
#include "services/ledger/verifier_testing.h"

namespace cellchain::ledger {

void PrintTo(const Finding& finding, std::ostream* os) {
  *os << FormatFinding(finding);
}

namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;
using ::testing::SizeIs;
using testing::SyntheticLog;

// A finding of `check` about the record with `record_id`.
auto FindingOn(Check check, const std::string& record_id) {
  return AllOf(Field(&Finding::check, check),
               Field(&Finding::record_id, record_id));
}

auto FindingOnCheckpoint(Check check, uint64_t size) {
  return AllOf(Field(&Finding::check, check),
               Field(&Finding::checkpoint_size, Optional(size)),
               Field(&Finding::record_id, ""));
}

auto WithMessage(Check check, const std::string& record_id,
                 const std::string& text) {
  return AllOf(Field(&Finding::check, check),
               Field(&Finding::record_id, record_id),
               Field(&Finding::message, HasSubstr(text)));
}

std::vector<Check> ChecksOf(const VerifyResult& result) {
  std::vector<Check> checks;
  for (const Finding& finding : result.findings) {
    checks.push_back(finding.check);
  }
  return checks;
}

// Replaces line `line` (0-based) of a signed note's text, keeping the
// signature: what an attacker with database access can do to a checkpoint.
std::string ReplaceNoteLine(const std::string& note, size_t line,
                            const std::string& replacement) {
  std::vector<std::string> lines = absl::StrSplit(note, '\n');
  lines[line] = replacement;
  return absl::StrJoin(lines, "\n");
}

class VerifierTest : public ::testing::Test {
 protected:
  // Twelve records of three entities by two services, checkpoints at 4, 8
  // and 12:
  //   0 lot_1 receive   1 lot_2 receive   2 smp_1 create    3 lot_1 process
  //   4 smp_1 result    5 lot_1 expand    6 lot_2 process   7 smp_1 review
  //   8 lot_1 freeze    9 lot_2 expand   10 smp_1 approve  11 lot_1 release
  void SetUp() override {
    CC_ASSERT_OK_AND_ASSIGN(log_, SyntheticLog::Create());
    struct Step {
      const char* service;
      const char* type;
      const char* id;
      const char* action;
    };
    const Step steps[] = {
        {"donor", "donor_lot", "lot_1", "donor_lot.receive"},
        {"donor", "donor_lot", "lot_2", "donor_lot.receive"},
        {"qc", "qc_sample", "smp_1", "qc_sample.create"},
        {"donor", "donor_lot", "lot_1", "donor_lot.process"},
        {"qc", "qc_sample", "smp_1", "qc_sample.record_result"},
        {"donor", "donor_lot", "lot_1", "donor_lot.expand"},
        {"donor", "donor_lot", "lot_2", "donor_lot.process"},
        {"qc", "qc_sample", "smp_1", "qc_sample.review"},
        {"donor", "donor_lot", "lot_1", "donor_lot.freeze"},
        {"donor", "donor_lot", "lot_2", "donor_lot.expand"},
        {"qc", "qc_sample", "smp_1", "qc_sample.approve"},
        {"donor", "donor_lot", "lot_1", "donor_lot.release"},
    };
    for (const Step& step : steps) {
      std::optional<std::string> din;
      if (std::string(step.id) == "lot_1") din = "W000024000001";
      if (std::string(step.id) == "lot_2") din = "W000024000002";
      CC_ASSERT_OK(
          log_->Append(step.service, step.type, step.id, step.action, din));
      if (log_->records().size() % 4 == 0) CC_ASSERT_OK(log_->Checkpoint());
    }
    input_ = log_->Input();
  }

  VerifyResult Run(const VerifyInput& input, int threads = 2) {
    VerifyOptions options;
    options.threads = threads;
    return Verify(input, options);
  }

  const std::string& Id(size_t position) const {
    return log_->records()[position].record_id;
  }

  std::unique_ptr<SyntheticLog> log_;
  VerifyInput input_;
};

TEST_F(VerifierTest, CleanLogVerifiesWithNoFinding) {
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_TRUE(result.ok());
  const Summary& s = result.summary;
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(s.records, 12u);
  EXPECT_EQ(s.entities, 3u);
  EXPECT_EQ(s.keys, 2u);
  EXPECT_EQ(s.checkpoints, 3u);
  EXPECT_EQ(s.checkpoints_verified, 3u);
  EXPECT_EQ(s.tree_size, 12u);
  EXPECT_EQ(s.records_beyond_checkpoint, 0u);
  EXPECT_EQ(s.count(Check::kLogIndex).checked, 12u);
  EXPECT_EQ(s.count(Check::kLeafHash).checked, 12u);
  EXPECT_EQ(s.count(Check::kColumns).checked, 12u);
  EXPECT_EQ(s.count(Check::kKeyValidity).checked, 12u);
  EXPECT_EQ(s.count(Check::kSignature).checked, 12u);
  EXPECT_EQ(s.count(Check::kEntityChain).checked, 12u);
  EXPECT_EQ(s.count(Check::kCheckpointSignature).checked, 3u);
  EXPECT_EQ(s.count(Check::kCheckpointRoot).checked, 3u);
  // Two given proofs (4->8, 8->12), and the pairs they cover.
  EXPECT_EQ(s.count(Check::kCheckpointConsistency).checked, 2u);
  EXPECT_EQ(s.count(Check::kInclusionProof).checked, 12u);
  EXPECT_EQ(s.count(Check::kCurrentState).checked, 3u);
  for (const CheckCount& count : s.checks) EXPECT_EQ(count.failed, 0u);
}

TEST_F(VerifierTest, CleanLogWithoutProofsRebuildsRootsAndConsistency) {
  VerifyResult result = Run(log_->Input(/*proofs=*/false));

  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_EQ(result.summary.count(Check::kCheckpointRoot).checked, 3u);
  // From the leaves: both roots of each successive pair rebuild.
  EXPECT_EQ(result.summary.count(Check::kCheckpointConsistency).checked, 2u);
  EXPECT_EQ(result.summary.count(Check::kInclusionProof).checked, 0u);
}

TEST_F(VerifierTest, RecordsBeyondTheLatestCheckpointAreCountedNotFailed) {
  CC_ASSERT_OK(
      log_->Append("donor", "donor_lot", "lot_3", "donor_lot.receive"));
  VerifyResult result = Run(log_->Input());

  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_EQ(result.summary.records_beyond_checkpoint, 1u);
}

TEST_F(VerifierTest, ResultDoesNotDependOnThreadCountOrInputOrder) {
  // Tamper with several records so there is something to order.
  input_.records[3].signature[0] ^= 1;
  input_.records[9].entity_id = "lot_9";
  input_.records[6].record_bytes[10] ^= 1;
  VerifyInput shuffled = input_;
  std::reverse(shuffled.records.begin(), shuffled.records.end());

  std::vector<std::string> one, many, reversed;
  for (const Finding& f : Run(input_, 1).findings) {
    one.push_back(FormatFinding(f));
  }
  for (const Finding& f : Run(input_, 8).findings) {
    many.push_back(FormatFinding(f));
  }
  for (const Finding& f : Run(shuffled, 3).findings) {
    reversed.push_back(FormatFinding(f));
  }
  EXPECT_THAT(one, Not(IsEmpty()));
  EXPECT_EQ(one, many);
  EXPECT_EQ(one, reversed);
}

TEST_F(VerifierTest, ReportsProgressOnTheCallingThreadUpToTheTotal) {
  std::vector<std::pair<std::string, uint64_t>> calls;
  std::vector<uint64_t> totals;
  VerifyOptions options;
  options.threads = 2;
  const std::thread::id caller = std::this_thread::get_id();
  bool other_thread = false;
  options.progress = [&](std::string_view phase, uint64_t done,
                         uint64_t total) {
    if (std::this_thread::get_id() != caller) other_thread = true;
    calls.emplace_back(std::string(phase), done);
    totals.push_back(total);
  };
  Verify(input_, options);

  EXPECT_FALSE(other_thread);
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls.front(), std::make_pair(std::string("records"), 0ul));
  EXPECT_EQ(totals.front(), 12u);
  EXPECT_THAT(calls, Contains(std::make_pair(std::string("records"), 12ul)));
  EXPECT_THAT(calls, Contains(std::make_pair(std::string("tree"), 12ul)));
  EXPECT_EQ(calls.back(), std::make_pair(std::string("proofs"), 12ul));
  for (size_t i = 1; i < calls.size(); ++i) {
    if (calls[i].first == calls[i - 1].first) {
      EXPECT_GE(calls[i].second, calls[i - 1].second);
    }
  }
}

// ---------------------------------------------------------------------------
// Records.

TEST_F(VerifierTest, OneChangedByteOfARecordIsFoundAndNamed) {
  // A byte inside the action text: the record still parses, says something
  // else, and its signature no longer holds.
  std::string& bytes = input_.records[5].record_bytes;
  size_t at = bytes.find("donor_lot.expand");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 10] = 'X';

  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(WithMessage(Check::kSignature, Id(5),
                                   "signature does not verify")));
  EXPECT_THAT(result.findings, Contains(FindingOn(Check::kLeafHash, Id(5))));
  EXPECT_THAT(result.findings,
              Contains(WithMessage(Check::kColumns, Id(5), "action")));
  EXPECT_THAT(result.findings,
              Contains(FindingOn(Check::kInclusionProof, Id(5))));
  // lot_1's next record (8) links to the original leaf.
  EXPECT_THAT(result.findings, Contains(FindingOn(Check::kEntityChain, Id(8))));
  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointRoot, 8)));
  EXPECT_FALSE(result.ok());
}

TEST_F(VerifierTest, ChangedBytesWithARecomputedLeafAreStillNamed) {
  // The attacker also fixes the stored leaf hash: the signature and the
  // signed checkpoints still give it away.
  StoredRecord& record = input_.records[5];
  size_t at = record.record_bytes.find("donor_lot.expand");
  ASSERT_NE(at, std::string::npos);
  record.record_bytes[at + 10] = 'X';
  record.action = "donor_lot.Xxpand";
  record.leaf_hash = HashBytes(LeafHash(record.record_bytes));

  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings, Contains(FindingOn(Check::kSignature, Id(5))));
  EXPECT_THAT(result.findings,
              Contains(FindingOn(Check::kInclusionProof, Id(5))));
  EXPECT_THAT(result.findings,
              Not(Contains(Field(&Finding::check, Check::kLeafHash))));
  EXPECT_THAT(result.findings,
              Not(Contains(Field(&Finding::check, Check::kColumns))));
}

TEST_F(VerifierTest, RecordBytesThatDoNotParseAreNamed) {
  input_.records[2].record_bytes.resize(input_.records[2].record_bytes.size() -
                                        3);
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(WithMessage(Check::kColumns, Id(2),
                                   "do not parse as an AuditRecord")));
  EXPECT_THAT(result.findings, Contains(FindingOn(Check::kSignature, Id(2))));
}

struct ColumnCase {
  const char* column;
  void (*tamper)(StoredRecord&);
};

class ChangedColumnTest : public VerifierTest,
                          public ::testing::WithParamInterface<ColumnCase> {};

TEST_P(ChangedColumnTest, IsFoundAndNamedAndNothingElseFails) {
  GetParam().tamper(input_.records[6]);
  VerifyResult result = Run(input_);

  ASSERT_THAT(result.findings, SizeIs(1));
  const Finding& finding = result.findings[0];
  EXPECT_EQ(finding.check, Check::kColumns);
  EXPECT_EQ(finding.record_id, Id(6));
  EXPECT_THAT(finding.log_index, Optional(6u));
  // Named by what the signed record says, not by the altered column.
  EXPECT_EQ(finding.entity_type, "donor_lot");
  EXPECT_EQ(finding.entity_id, "lot_2");
  EXPECT_THAT(finding.message, HasSubstr(GetParam().column));
  EXPECT_EQ(result.summary.count(Check::kColumns).failed, 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Columns, ChangedColumnTest,
    ::testing::Values(
        ColumnCase{"entity_id", [](StoredRecord& r) { r.entity_id = "lot_1"; }},
        ColumnCase{"action",
                   [](StoredRecord& r) { r.action = "donor_lot.release"; }},
        ColumnCase{"din", [](StoredRecord& r) { r.din = "W000024000009"; }},
        ColumnCase{"din", [](StoredRecord& r) { r.din.reset(); }},
        ColumnCase{"recorded_at",
                   [](StoredRecord& r) { r.recorded_at += absl::Hours(1); }},
        ColumnCase{"actor_user_id",
                   [](StoredRecord& r) { r.actor_user_id = "usr_other"; }},
        ColumnCase{"previous_entity_hash",
                   [](StoredRecord& r) { r.previous_entity_hash.clear(); }}),
    [](const ::testing::TestParamInfo<ColumnCase>& info) {
      return absl::StrCat(info.param.column, "_", info.index);
    });

TEST_F(VerifierTest, AChangedSignatureIsFoundAndNamed) {
  input_.records[7].signature[40] ^= 0x20;
  VerifyResult result = Run(input_);

  ASSERT_THAT(result.findings, SizeIs(1));
  EXPECT_THAT(result.findings[0],
              WithMessage(Check::kSignature, Id(7),
                          absl::StrCat("does not verify with key ",
                                       input_.records[7].key_id)));
  EXPECT_EQ(result.findings[0].entity_id, "smp_1");
}

TEST_F(VerifierTest, ADeletedRecordIsFoundAndNamed) {
  input_.records.erase(input_.records.begin() + 5);  // lot_1 expand
  VerifyResult result = Run(input_);

  // The gap names the record after it; lot_1's next record links to the
  // deleted one; the checkpoints over it no longer rebuild.
  EXPECT_THAT(result.findings, Contains(WithMessage(Check::kLogIndex, Id(6),
                                                    "log index 5 is missing")));
  EXPECT_THAT(result.findings, Contains(WithMessage(Check::kEntityChain, Id(8),
                                                    "is not the leaf hash")));
  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointRoot, 8)));
  EXPECT_THAT(result.findings, Contains(WithMessage(Check::kInclusionProof, "",
                                                    "no record has it")));
}

TEST_F(VerifierTest, ADeletedRecordIsFoundEvenWhenIndexesAreCompacted) {
  // The attacker renumbers the records after the deleted one.
  input_.records.erase(input_.records.begin() + 5);
  for (size_t i = 5; i < input_.records.size(); ++i) {
    input_.records[i].log_index = i;
  }
  input_.inclusion_proofs.clear();
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings, Contains(FindingOn(Check::kEntityChain, Id(8))));
  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointRoot, 8)));
  EXPECT_THAT(result.findings,
              Contains(WithMessage(Check::kCheckpointRoot, "",
                                   "covers 12 records but the log holds 11")));
}

TEST_F(VerifierTest, TheLastRecordDeletedIsFound) {
  input_.records.pop_back();
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(AllOf(FindingOnCheckpoint(Check::kCheckpointRoot, 12),
                             Field(&Finding::message,
                                   HasSubstr("records were deleted")))));
}

TEST_F(VerifierTest, TwoSwappedRecordsOfOneEntityAreFoundAndNamed) {
  std::swap(input_.records[3].log_index, input_.records[5].log_index);
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings, Contains(FindingOn(Check::kEntityChain, Id(5))));
  EXPECT_THAT(result.findings,
              Contains(FindingOn(Check::kInclusionProof, Id(3))));
  EXPECT_THAT(result.findings,
              Contains(FindingOn(Check::kInclusionProof, Id(5))));
  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointRoot, 8)));
}

TEST_F(VerifierTest, TwoSwappedRecordsOfDifferentEntitiesAreFoundAndNamed) {
  // Each entity's chain still holds: the inclusion proofs name the records.
  std::swap(input_.records[1].log_index, input_.records[2].log_index);
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(FindingOn(Check::kInclusionProof, Id(1))));
  EXPECT_THAT(result.findings,
              Contains(FindingOn(Check::kInclusionProof, Id(2))));
  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointRoot, 4)));
  EXPECT_THAT(result.findings,
              Not(Contains(Field(&Finding::check, Check::kEntityChain))));
}

TEST_F(VerifierTest, ARecordInsertedWithAForgedSignatureIsNamed) {
  // Inserted after the last checkpoint, chained correctly, with the service's
  // key id but a signature the forger could not make.
  testing::RecordSpec spec = log_->spec(11);
  spec.record_id = "rec_FORGED";
  spec.action = "donor_lot.release";
  spec.recorded_at = log_->next_time();
  spec.previous_entity_hash = log_->records()[11].leaf_hash;
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey forger,
                          crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(StoredRecord forged,
                          testing::MakeStoredRecord(spec, forger, 12));
  input_.records.push_back(forged);
  VerifyResult result = Run(input_);

  ASSERT_THAT(result.findings, SizeIs(1));
  EXPECT_THAT(result.findings[0],
              WithMessage(Check::kSignature, "rec_FORGED", "does not verify"));
  EXPECT_EQ(result.findings[0].entity_id, "lot_1");
}

TEST_F(VerifierTest, ARecordSignedByAnUnknownKeyIsNamed) {
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey rogue,
                          crypto::Ed25519PrivateKey::Generate());
  testing::RecordSpec spec = log_->spec(4);
  spec.record_id = "rec_ROGUE";
  spec.key_id = SigningKeyId("qc", rogue.PublicKeyRaw());
  spec.recorded_at = log_->next_time();
  spec.previous_entity_hash = log_->records()[10].leaf_hash;
  CC_ASSERT_OK_AND_ASSIGN(StoredRecord inserted,
                          testing::MakeStoredRecord(spec, rogue, 12));
  input_.records.push_back(inserted);
  VerifyResult result = Run(input_);

  EXPECT_THAT(
      result.findings,
      Contains(WithMessage(Check::kSignature, "rec_ROGUE",
                           absl::StrCat("unknown key \"", spec.key_id))));
  // It is now smp_1's latest record, and says another state than the row.
  EXPECT_THAT(result.findings,
              Contains(FindingOn(Check::kCurrentState, "rec_ROGUE")));
}

TEST_F(VerifierTest, ARecordInsertedMidLogIsNamedWithItsNeighbours) {
  // A forged record slipped in at index 6, the later ones shifted.
  testing::RecordSpec spec = log_->spec(5);
  spec.record_id = "rec_INSERTED";
  spec.previous_entity_hash = log_->records()[5].leaf_hash;
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey forger,
                          crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(StoredRecord inserted,
                          testing::MakeStoredRecord(spec, forger, 6));
  for (StoredRecord& record : input_.records) {
    if (record.log_index >= 6) ++record.log_index;
  }
  input_.records.push_back(inserted);
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(FindingOn(Check::kSignature, "rec_INSERTED")));
  // lot_1's next record (8) now follows the inserted one in its chain.
  EXPECT_THAT(result.findings, Contains(FindingOn(Check::kEntityChain, Id(8))));
  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointRoot, 8)));
}

TEST_F(VerifierTest, DuplicateLogIndexesAreNamed) {
  input_.records[4].log_index = 3;
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(WithMessage(Check::kLogIndex, Id(4),
                                   "log index 3 is also held by")));
}

// ---------------------------------------------------------------------------
// Keys.

TEST_F(VerifierTest, AKeyUsedBeforeItsValidFromIsNamed) {
  // The donor key claims validity from the time of record 6 on: records 0,
  // 1, 3 and 5 (donor, earlier) were signed before it.
  SigningKeyInfo& donor = input_.keys[0];
  ASSERT_EQ(donor.service, "donor");
  donor.valid_from = log_->spec(6).recorded_at;
  VerifyResult result = Run(input_);

  EXPECT_THAT(ChecksOf(result), ::testing::Each(Check::kKeyValidity));
  EXPECT_THAT(result.findings,
              ElementsAre(FindingOn(Check::kKeyValidity, Id(0)),
                          FindingOn(Check::kKeyValidity, Id(1)),
                          FindingOn(Check::kKeyValidity, Id(3)),
                          FindingOn(Check::kKeyValidity, Id(5))));
  EXPECT_THAT(result.findings[0].message, HasSubstr("valid from"));
}

TEST_F(VerifierTest, AKeyWhoseIdDoesNotMatchItsPublicKeyIsNamed) {
  // The qc key's public key swapped for the donor's, under qc's key id.
  input_.keys[1].public_key = input_.keys[0].public_key;
  VerifyResult result = Run(input_);

  EXPECT_THAT(
      result.findings,
      Contains(WithMessage(
          Check::kKeyValidity, Id(2),
          absl::StrCat("its public key's id is ",
                       SigningKeyId("qc", input_.keys[0].public_key)))));
  EXPECT_THAT(result.findings, Contains(FindingOn(Check::kSignature, Id(2))));
}

TEST_F(VerifierTest, AKeyOfAnotherServiceIsNamed) {
  input_.keys[1].service = "dose";
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(WithMessage(Check::kKeyValidity, Id(4),
                                   "belongs to service \"dose\"")));
}

// The keyring of the log's own keys, as QA would hold it.
Keyring KeyringOf(const VerifyInput& input) {
  std::vector<std::pair<std::string, std::string>> keys;
  for (const SigningKeyInfo& key : input.keys) {
    keys.emplace_back(key.service, key.public_key);
  }
  absl::StatusOr<Keyring> keyring = Keyring::Of(keys);
  EXPECT_TRUE(keyring.ok()) << keyring.status();
  return keyring.ok() ? *std::move(keyring) : Keyring();
}

TEST_F(VerifierTest, AKeyringOfTheLogsOwnKeysFindsNothing) {
  input_.keyring = KeyringOf(input_);
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_EQ(result.summary.count(Check::kSignature).checked, 12u);
}

TEST_F(VerifierTest, ARogueKeyRegisteredInTheDatabaseIsNotTrusted) {
  // An insider registers a key of their own for "qc" in the database and
  // signs a record with it, correctly chained: without a keyring that
  // verifies; with QA's keyring, the key and the record are findings.
  input_.keyring = KeyringOf(input_);
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey rogue,
                          crypto::Ed25519PrivateKey::Generate());
  SigningKeyInfo rogue_info{
      .key_id = SigningKeyId("qc", rogue.PublicKeyRaw()),
      .service = "qc",
      .public_key = rogue.PublicKeyRaw(),
      .valid_from = testing::SyntheticLog::KeysValidFrom()};
  input_.keys.push_back(rogue_info);
  testing::RecordSpec spec = log_->spec(10);
  spec.record_id = "rec_ROGUE";
  spec.key_id = rogue_info.key_id;
  spec.action = "qc_sample.approve";
  spec.recorded_at = log_->next_time();
  spec.previous_entity_hash = log_->records()[10].leaf_hash;
  CC_ASSERT_OK_AND_ASSIGN(StoredRecord inserted,
                          testing::MakeStoredRecord(spec, rogue, 12));
  input_.records.push_back(inserted);
  input_.states.clear();

  VerifyInput without_keyring = input_;
  without_keyring.keyring.reset();
  EXPECT_THAT(Run(without_keyring).findings, IsEmpty());

  VerifyResult result = Run(input_);
  EXPECT_THAT(result.findings,
              Contains(::testing::Field(
                  &Finding::message,
                  HasSubstr(absl::StrCat("key ", rogue_info.key_id,
                                         " of service \"qc\" is not in the "
                                         "trusted keyring")))));
  EXPECT_THAT(result.findings,
              Contains(WithMessage(Check::kSignature, "rec_ROGUE",
                                   "which the trusted keyring does not list")));
}

TEST_F(VerifierTest, AKeyringEntryWithAnotherPublicKeyIsNotTrusted) {
  // The database's qc key swapped for a rogue one under a forged id is
  // caught by KEY_VALIDITY already; here the keyring itself lists qc's id
  // with another key (an old keyring, a typo): nothing qc signed is trusted.
  CC_ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey other,
                          crypto::Ed25519PrivateKey::Generate());
  CC_ASSERT_OK_AND_ASSIGN(
      Keyring only_donor,
      Keyring::Of({{"donor", input_.keys[0].public_key},
                   {"qc", other.PublicKeyRaw()}}));
  input_.keyring = only_donor;
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(::testing::Field(&Finding::message,
                                        HasSubstr("not in the trusted keyring"))));
  EXPECT_THAT(result.findings, Contains(FindingOn(Check::kSignature, Id(2))));
  EXPECT_THAT(result.findings,
              ::testing::Not(Contains(FindingOn(Check::kSignature, Id(0)))));
}

TEST_F(VerifierTest, AnUnreadableKeyRowIsAFindingNotAnOutage) {
  input_.unreadable_keys.push_back("key_id \"x\": public_key is 3 bytes");
  VerifyResult result = Run(input_);

  ASSERT_THAT(result.findings, SizeIs(1));
  EXPECT_EQ(result.findings[0].check, Check::kKeyValidity);
  EXPECT_THAT(result.findings[0].message, HasSubstr("cannot be read"));
  EXPECT_EQ(result.summary.count(Check::kSignature).checked, 12u);
}

// ---------------------------------------------------------------------------
// Checkpoints.

TEST_F(VerifierTest, AnAlteredCheckpointRootIsNamed) {
  Hash other = LeafHash("other");
  input_.checkpoints[1] = ReplaceNoteLine(
      input_.checkpoints[1], 2, crypto::Base64Encode(HashBytes(other)));
  VerifyResult result = Run(input_);

  EXPECT_THAT(
      result.findings,
      Contains(AllOf(FindingOnCheckpoint(Check::kCheckpointSignature, 8),
                     Field(&Finding::message, HasSubstr("does not verify")))));
  EXPECT_EQ(result.summary.checkpoints_verified, 2u);
}

TEST_F(VerifierTest, AnAlteredCheckpointSizeIsNamed) {
  input_.checkpoints[0] = ReplaceNoteLine(input_.checkpoints[0], 1, "5");
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointSignature, 5)));
}

TEST_F(VerifierTest, AnAlteredCheckpointSignatureIsNamed) {
  std::string& note = input_.checkpoints[2];
  // The signature line's base64 ends before the final "\n"; change a
  // character in its middle.
  size_t at = note.size() - 20;
  note[at] = note[at] == 'A' ? 'B' : 'A';
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointSignature, 12)));
  // The records past the remaining checkpoints are no longer anchored.
  EXPECT_EQ(result.summary.tree_size, 8u);
  EXPECT_EQ(result.summary.records_beyond_checkpoint, 4u);
}

TEST_F(VerifierTest, ACheckpointSignedByAnotherKeyIsNamed) {
  CC_ASSERT_OK_AND_ASSIGN(NoteSigner impostor,
                          NoteSigner::Generate(testing::kTestOrigin));
  Checkpoint checkpoint{testing::kTestOrigin, 12, {}, {}};
  checkpoint.root = RootOf(log_->Leaves());
  CC_ASSERT_OK_AND_ASSIGN(input_.checkpoints[2],
                          SignCheckpoint(checkpoint, impostor));
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointSignature, 12)));
}

TEST_F(VerifierTest, NoTrustedCheckpointAtAllIsAFailure) {
  CC_ASSERT_OK_AND_ASSIGN(NoteSigner other, NoteSigner::Generate("other"));
  input_.checkpoint_verifiers = {other.verifier()};
  VerifyResult result = Run(input_);

  EXPECT_THAT(
      result.findings,
      Contains(AllOf(
          Field(&Finding::check, Check::kCheckpointSignature),
          Field(&Finding::message, HasSubstr("no checkpoint verifies")))));
}

TEST_F(VerifierTest, TwoSignedCheckpointsOfOneSizeThatDisagreeAreAFork) {
  CC_ASSERT_OK_AND_ASSIGN(std::string fork,
                          log_->SignCheckpoint(8, LeafHash("fork")));
  input_.checkpoints.push_back(fork);
  VerifyResult result = Run(input_);

  EXPECT_THAT(
      result.findings,
      Contains(AllOf(FindingOnCheckpoint(Check::kCheckpointConsistency, 8),
                     Field(&Finding::message, HasSubstr("(a fork)")))));
  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointRoot, 8)));
}

TEST_F(VerifierTest, AForkedCheckpointFailsTheConsistencyProofs) {
  // The log's key signed a checkpoint of size 10 over another history of
  // leaves 8 and 9. The proofs the honest log serves (8->10, 10->12) do not
  // lead to it.
  std::vector<Hash> leaves = log_->Leaves();
  leaves[9] = LeafHash("rewritten history");
  Hash forked_root = RootOf(std::span<const Hash>(leaves.data(), 10));
  CC_ASSERT_OK_AND_ASSIGN(std::string fork,
                          log_->SignCheckpoint(10, forked_root));
  input_.checkpoints.push_back(fork);
  testing::InMemoryTree tree(log_->Leaves());
  input_.consistency_proofs.push_back(
      {8, 10, *ConsistencyProof(8, 10, tree.Source())});
  input_.consistency_proofs.push_back(
      {10, 12, *ConsistencyProof(10, 12, tree.Source())});
  VerifyResult result = Run(input_);

  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointConsistency, 10)));
  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointConsistency, 12)));
  EXPECT_THAT(result.findings,
              Contains(FindingOnCheckpoint(Check::kCheckpointRoot, 10)));
}

TEST_F(VerifierTest, AnAlteredConsistencyProofIsNamed) {
  ASSERT_THAT(input_.consistency_proofs, SizeIs(2));
  input_.consistency_proofs[1].hashes[0][0] ^= 1;
  VerifyResult result = Run(input_);

  ASSERT_THAT(result.findings, SizeIs(1));
  EXPECT_THAT(result.findings[0],
              FindingOnCheckpoint(Check::kCheckpointConsistency, 12));
}

// ---------------------------------------------------------------------------
// Inclusion proofs.

TEST_F(VerifierTest, AnAlteredInclusionProofIsNamed) {
  input_.inclusion_proofs[9].hashes[1][5] ^= 0x80;
  VerifyResult result = Run(input_);

  ASSERT_THAT(result.findings, SizeIs(1));
  EXPECT_THAT(result.findings[0], WithMessage(Check::kInclusionProof, Id(9),
                                              "not proven in checkpoint 12"));
}

TEST_F(VerifierTest, AnInclusionProofAgainstAnUnknownSizeIsNamed) {
  input_.inclusion_proofs[3].tree_size = 11;
  VerifyResult result = Run(input_);

  ASSERT_THAT(result.findings, SizeIs(1));
  EXPECT_THAT(result.findings[0], WithMessage(Check::kInclusionProof, Id(3),
                                              "no checkpoint verifies"));
}

// ---------------------------------------------------------------------------
// Current state.

TEST_F(VerifierTest, AStateChangedBehindTheApplicationsBackIsNamed) {
  // states are sorted by entity: donor_lot/lot_1, donor_lot/lot_2,
  // qc_sample/smp_1.
  ASSERT_EQ(input_.states[1].entity_id, "lot_2");
  input_.states[1].state = "donor_lot.expand#9 edited";
  VerifyResult result = Run(input_);

  ASSERT_THAT(result.findings, SizeIs(1));
  // Named by the latest record of the entity, whose snapshot differs.
  EXPECT_THAT(result.findings[0],
              WithMessage(Check::kCurrentState, Id(9),
                          "changed behind the application's back"));
  EXPECT_EQ(result.findings[0].entity_id, "lot_2");
}

TEST_F(VerifierTest, AMissingCurrentRowIsNamed) {
  input_.states[2].state.reset();
  VerifyResult result = Run(input_);

  ASSERT_THAT(result.findings, SizeIs(1));
  EXPECT_THAT(result.findings[0],
              WithMessage(Check::kCurrentState, Id(10), "no current row"));
}

TEST_F(VerifierTest, AnEntityWithoutAnyRecordIsNamed) {
  input_.states.push_back({"donor_lot", "lot_ghost", "created by SQL"});
  VerifyResult result = Run(input_);

  ASSERT_THAT(result.findings, SizeIs(1));
  EXPECT_EQ(result.findings[0].check, Check::kCurrentState);
  EXPECT_EQ(result.findings[0].entity_id, "lot_ghost");
  EXPECT_THAT(result.findings[0].message, HasSubstr("no audit record"));
}

// ---------------------------------------------------------------------------
// Subsets (a query's result).

class SubsetTest : public VerifierTest {
 protected:
  // lot_1's records from its third one on (5, 8, 11) and smp_1's last (10):
  // both chains start mid-way.
  VerifyInput Subset(std::vector<size_t> positions) {
    VerifyInput subset = input_;
    subset.complete = false;
    subset.records.clear();
    subset.inclusion_proofs.clear();
    subset.consistency_proofs = input_.consistency_proofs;
    subset.states.clear();
    for (size_t p : positions) {
      subset.records.push_back(input_.records[p]);
      subset.inclusion_proofs.push_back(input_.inclusion_proofs[p]);
    }
    return subset;
  }
};

TEST_F(SubsetTest, AQueryResultVerifiesAndSaysWhatItCouldNotCheck) {
  VerifyResult result = Run(Subset({5, 8, 10, 11}));

  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_FALSE(result.summary.complete);
  EXPECT_EQ(result.summary.chain_starts_unchecked, 2u);
  EXPECT_EQ(result.summary.count(Check::kEntityChain).checked, 2u);
  EXPECT_EQ(result.summary.count(Check::kInclusionProof).checked, 4u);
  EXPECT_EQ(result.summary.count(Check::kCheckpointRoot).checked, 0u);
}

TEST_F(SubsetTest, AGapInAChainIsCountedNotFailed) {
  VerifyResult result = Run(Subset({0, 5, 11}));

  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_EQ(result.summary.chain_gaps_unchecked, 2u);
  EXPECT_EQ(result.summary.chain_starts_unchecked, 0u);
}

TEST_F(SubsetTest, ARecordWithoutItsInclusionProofIsNamed) {
  VerifyInput subset = Subset({5, 8});
  subset.inclusion_proofs.pop_back();
  VerifyResult result = Run(subset);

  ASSERT_THAT(result.findings, SizeIs(1));
  EXPECT_THAT(result.findings[0],
              WithMessage(Check::kInclusionProof, Id(8), "no inclusion proof"));
}

TEST_F(SubsetTest, SwappedRecordsInASubsetAreNamed) {
  VerifyInput subset = Subset({3, 5});
  std::swap(subset.records[0].log_index, subset.records[1].log_index);
  VerifyResult result = Run(subset);

  EXPECT_THAT(result.findings,
              Contains(FindingOn(Check::kInclusionProof, Id(3))));
  EXPECT_THAT(result.findings,
              Contains(FindingOn(Check::kInclusionProof, Id(5))));
  // Record 3 now comes second but 5 links to it: 5's link points forward.
  EXPECT_THAT(result.findings, Contains(FindingOn(Check::kEntityChain, Id(5))));
}

TEST_F(SubsetTest, MissingConsistencyProofsAreNamed) {
  VerifyInput subset = Subset({5});
  subset.consistency_proofs.clear();
  VerifyResult result = Run(subset);

  EXPECT_THAT(
      result.findings,
      ElementsAre(FindingOnCheckpoint(Check::kCheckpointConsistency, 8),
                  FindingOnCheckpoint(Check::kCheckpointConsistency, 12)));
}

// ---------------------------------------------------------------------------
// Formats.

TEST(FormatFindingTest, NamesTheRecordItsIndexAndEntity) {
  Finding finding;
  finding.check = Check::kSignature;
  finding.record_id = "rec_1";
  finding.log_index = 4;
  finding.entity_type = "donor_lot";
  finding.entity_id = "lot_1";
  finding.message = "signature does not verify";
  EXPECT_EQ(FormatFinding(finding),
            "SIGNATURE record rec_1 (log index 4, entity donor_lot/lot_1): "
            "signature does not verify");

  Finding checkpoint;
  checkpoint.check = Check::kCheckpointRoot;
  checkpoint.checkpoint_size = 8;
  checkpoint.message = "m";
  EXPECT_EQ(FormatFinding(checkpoint), "CHECKPOINT_ROOT checkpoint 8: m");
}

std::string Serialize(const cellchain::audit::v1::AuditRecord& record) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  record.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

cellchain::audit::v1::AuditRecord FullRecord() {
  cellchain::audit::v1::AuditRecord record;
  record.set_record_id("rec_01");
  record.set_service("dose");
  record.set_key_id("dose:0123456789abcdef");
  record.mutable_recorded_at()->set_seconds(1717228800);
  record.mutable_recorded_at()->set_nanos(123456000);
  record.mutable_actor()->set_user_id("usr_ph1");
  record.mutable_actor()->set_printed_name("P. Harmacist");
  record.set_action("dose.release");
  record.mutable_entity()->set_type("dose");
  record.mutable_entity()->set_id("dose_7");
  auto* code = record.add_isbt128();
  code->set_kind("product_code");
  code->set_value("S1234V00");
  auto* din = record.add_isbt128();
  din->set_kind("din");
  din->set_value("W000024000001");
  auto* second_din = record.add_isbt128();
  second_din->set_kind("din");
  second_din->set_value("W000024000002");
  record.set_reason("");
  record.mutable_after_state()->set_type_url("type.googleapis.com/x.Dose");
  record.mutable_after_state()->set_value(std::string("\x08\x01\x00", 3));
  record.mutable_signature()->set_printed_name("P. Harmacist");
  record.set_request_id("req-0123456789abcdef");
  record.set_previous_entity_hash(std::string(32, '\xAB'));
  return record;
}

TEST(ParseRecordFieldsTest, ReadsWhatProtobufWrote) {
  CC_ASSERT_OK_AND_ASSIGN(RecordFields fields,
                          ParseRecordFields(Serialize(FullRecord())));
  EXPECT_EQ(fields.record_id, "rec_01");
  EXPECT_EQ(fields.service, "dose");
  EXPECT_EQ(fields.key_id, "dose:0123456789abcdef");
  EXPECT_EQ(fields.recorded_at, absl::FromUnixMicros(1717228800123456));
  EXPECT_EQ(fields.actor_user_id, "usr_ph1");
  EXPECT_EQ(fields.action, "dose.release");
  EXPECT_EQ(fields.entity_type, "dose");
  EXPECT_EQ(fields.entity_id, "dose_7");
  EXPECT_THAT(fields.din, Optional(std::string("W000024000001")));
  EXPECT_EQ(fields.request_id, "req-0123456789abcdef");
  EXPECT_EQ(fields.previous_entity_hash, std::string(32, '\xAB'));
  EXPECT_TRUE(fields.has_after_state);
  EXPECT_EQ(fields.after_state_type_url, "type.googleapis.com/x.Dose");
  EXPECT_EQ(fields.after_state_value, std::string("\x08\x01\x00", 3));
}

TEST(ParseRecordFieldsTest, MergesRepeatedOccurrencesAsProtobufDoes) {
  // Concatenated serializations parse as the merge of the messages.
  cellchain::audit::v1::AuditRecord first = FullRecord();
  cellchain::audit::v1::AuditRecord second;
  second.set_action("dose.release_refused");
  second.mutable_entity()->set_id("dose_8");
  second.mutable_recorded_at()->set_nanos(5000);
  cellchain::audit::v1::AuditRecord merged = first;
  merged.MergeFrom(second);

  CC_ASSERT_OK_AND_ASSIGN(
      RecordFields fields,
      ParseRecordFields(Serialize(first) + Serialize(second)));
  EXPECT_EQ(fields.action, merged.action());
  EXPECT_EQ(fields.entity_type, merged.entity().type());
  EXPECT_EQ(fields.entity_id, merged.entity().id());
  EXPECT_EQ(fields.recorded_at,
            absl::FromUnixSeconds(1717228800) + absl::Nanoseconds(5000));
}

TEST(ParseRecordFieldsTest, AnEmptyRecordHasDefaults) {
  CC_ASSERT_OK_AND_ASSIGN(RecordFields fields, ParseRecordFields(""));
  EXPECT_EQ(fields.recorded_at, absl::UnixEpoch());
  EXPECT_FALSE(fields.din.has_value());
  EXPECT_FALSE(fields.has_after_state);
}

TEST(ParseRecordFieldsTest, RefusesMalformedWireData) {
  const std::string good = Serialize(FullRecord());
  for (size_t cut : {size_t{1}, size_t{7}, good.size() - 1}) {
    EXPECT_FALSE(ParseRecordFields(good.substr(0, cut)).ok()) << cut;
  }
  // Field 6 (action) as a varint.
  EXPECT_FALSE(ParseRecordFields(std::string("\x30\x01", 2)).ok());
  // A group (wire type 3).
  EXPECT_FALSE(ParseRecordFields(std::string("\x0b", 1)).ok());
  // Field number 0.
  EXPECT_FALSE(ParseRecordFields(std::string("\x02\x00", 2)).ok());
  // An eleven-byte varint.
  EXPECT_FALSE(
      ParseRecordFields(std::string("\x50\xff\xff\xff\xff\xff\xff\xff\xff\xff"
                                    "\xff\x01",
                                    12))
          .ok());
  // Nanos out of range.
  cellchain::audit::v1::AuditRecord bad_time;
  bad_time.mutable_recorded_at()->set_nanos(1000000000);
  EXPECT_FALSE(ParseRecordFields(Serialize(bad_time)).ok());
}

TEST(RecordFormatTest, SignatureMessageAndKeyIdFollowTheLedgerContract) {
  EXPECT_EQ(RecordSignatureMessage("AB"),
            std::string("cellchain.audit.v1.record\0AB", 28));
  std::string raw(32, '\x01');
  // SHA-256 of 32 bytes 0x01 starts 72cd6e8422c407fb.
  EXPECT_EQ(SigningKeyId("donor", raw),
            absl::StrCat("donor:", crypto::Sha256Hex(raw).substr(0, 16)));
  EXPECT_EQ(SigningKeyId("donor", raw), "donor:72cd6e8422c407fb");
}

}  // namespace
}  // namespace cellchain::ledger
