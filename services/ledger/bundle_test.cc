// Bundles on disk: a written bundle reads back equal and verifies; the
// documented openssl recipe checks one record's signature and leaf hash on
// the files as written; tampering with the files is found by the verifier;
// malformed bundles are refused with a message naming the file.
#include "services/ledger/bundle.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/encoding.h"
#include "services/common/crypto/sha256.h"
#include "services/common/testing/files.h"
#include "services/common/testing/status_matchers.h"
#include "services/ledger/verifier_testing.h"

namespace cellchain::ledger {
namespace {

namespace fs = std::filesystem;

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::SyntheticLog;
using ::testing::UnorderedElementsAreArray;

using cellchain::testing::ReadFileOrEmpty;
using cellchain::testing::WriteFileBytes;

// The exit status of a /bin/sh command line.
int Shell(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::path(::testing::TempDir()) /
           absl::StrCat("bundle_test_", getpid(), "_", ++counter);
    fs::remove_all(dir_);
    CC_ASSERT_OK_AND_ASSIGN(log_, SyntheticLog::Create());
    for (int i = 0; i < 10; ++i) {
      const std::string lot = absl::StrCat("lot_", i % 3);
      CC_ASSERT_OK(log_->Append("donor", "donor_lot", lot,
                                absl::StrCat("donor_lot.step_", i),
                                absl::StrCat("W00002400000", i % 3)));
      if (i == 5) CC_ASSERT_OK(log_->Checkpoint());
    }
    CC_ASSERT_OK(log_->Append("qc", "qc_sample", "smp_1", "qc_sample.create"));
    CC_ASSERT_OK(log_->Checkpoint());  // Sizes 6 and 11.
  }

  void TearDown() override { fs::remove_all(dir_); }

  Bundle WholeLog() const {
    Bundle bundle = log_->WholeLogBundle(log_->Input(), "whole log");
    bundle.exported_at = absl::FromUnixMicros(1717228800123456);
    return bundle;
  }

  VerifyResult VerifyDir() {
    absl::StatusOr<Bundle> bundle = ReadBundle(dir_.string());
    EXPECT_TRUE(bundle.ok()) << bundle.status();
    if (!bundle.ok()) return {};
    return Verify(
        ToVerifyInput(*std::move(bundle), {log_->log_signer().verifier()}));
  }

  fs::path dir_;
  std::unique_ptr<SyntheticLog> log_;
};

TEST_F(BundleTest, RoundTripsAndVerifies) {
  const Bundle written = WholeLog();
  CC_ASSERT_OK(WriteBundle(written, dir_.string()));
  CC_ASSERT_OK_AND_ASSIGN(Bundle read, ReadBundle(dir_.string()));

  EXPECT_EQ(read.origin, written.origin);
  EXPECT_EQ(read.verifier_key, written.verifier_key);
  EXPECT_EQ(read.query, "whole log");
  EXPECT_TRUE(read.complete);
  EXPECT_EQ(read.tree_size, 11u);
  EXPECT_EQ(read.exported_at, written.exported_at);
  EXPECT_EQ(read.declared, written.Counts());
  EXPECT_EQ(read.found, written.Counts());
  EXPECT_THAT(ManifestDiscrepancies(read), IsEmpty());

  ASSERT_EQ(read.keys.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(read.keys[i].key_id, written.keys[i].key_id);
    EXPECT_EQ(read.keys[i].service, written.keys[i].service);
    EXPECT_EQ(read.keys[i].public_key, written.keys[i].public_key);
    EXPECT_EQ(read.keys[i].valid_from, written.keys[i].valid_from);
  }
  ASSERT_EQ(read.records.size(), written.records.size());
  for (size_t i = 0; i < read.records.size(); ++i) {
    const StoredRecord& a = read.records[i];
    const StoredRecord& b = written.records[i];
    EXPECT_EQ(a.log_index, b.log_index);
    EXPECT_EQ(a.record_id, b.record_id);
    EXPECT_EQ(a.record_bytes, b.record_bytes);
    EXPECT_EQ(a.signature, b.signature);
    EXPECT_EQ(a.key_id, b.key_id);
    EXPECT_EQ(a.service, b.service);
    EXPECT_EQ(a.entity_type, b.entity_type);
    EXPECT_EQ(a.entity_id, b.entity_id);
    EXPECT_EQ(a.recorded_at, b.recorded_at);
    EXPECT_EQ(a.actor_user_id, b.actor_user_id);
    EXPECT_EQ(a.action, b.action);
    EXPECT_EQ(a.din, b.din);
    EXPECT_EQ(a.request_id, b.request_id);
    EXPECT_EQ(a.previous_entity_hash, b.previous_entity_hash);
    EXPECT_EQ(a.leaf_hash, b.leaf_hash);
  }
  EXPECT_THAT(read.checkpoints, UnorderedElementsAreArray(written.checkpoints));
  ASSERT_EQ(read.inclusion_proofs.size(), 11u);
  EXPECT_EQ(read.inclusion_proofs[7].log_index, 7u);
  EXPECT_EQ(read.inclusion_proofs[7].tree_size, 11u);
  EXPECT_EQ(read.inclusion_proofs[7].hashes,
            written.inclusion_proofs[7].hashes);
  ASSERT_EQ(read.consistency_proofs.size(), 1u);
  EXPECT_EQ(read.consistency_proofs[0].hashes,
            written.consistency_proofs[0].hashes);
  ASSERT_EQ(read.states.size(), written.states.size());
  for (size_t i = 0; i < read.states.size(); ++i) {
    EXPECT_EQ(read.states[i].entity_type, written.states[i].entity_type);
    EXPECT_EQ(read.states[i].entity_id, written.states[i].entity_id);
    EXPECT_EQ(read.states[i].state, written.states[i].state);
  }

  VerifyResult result =
      Verify(ToVerifyInput(std::move(read), {log_->log_signer().verifier()}));
  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_EQ(result.summary.count(Check::kSignature).checked, 11u);
  EXPECT_EQ(result.summary.count(Check::kInclusionProof).checked, 11u);
  EXPECT_EQ(result.summary.count(Check::kCurrentState).checked, 4u);
}

TEST_F(BundleTest, LaysOutTheDocumentedFiles) {
  CC_ASSERT_OK(WriteBundle(WholeLog(), dir_.string()));
  const std::string donor_key =
      KeyFileName(SigningKeyId("donor", log_->key("donor").PublicKeyRaw()));

  EXPECT_TRUE(fs::is_regular_file(dir_ / "manifest.json"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "keys" / "keys.json"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "keys" / donor_key));
  EXPECT_THAT(ReadFileOrEmpty(dir_ / "keys" / donor_key),
              HasSubstr("-----BEGIN PUBLIC KEY-----"));
  EXPECT_EQ(ReadFileOrEmpty(dir_ / "records" / "000000000010.bin"),
            log_->records()[10].record_bytes);
  EXPECT_EQ(ReadFileOrEmpty(dir_ / "records" / "000000000010.sig").size(), 64u);
  EXPECT_TRUE(fs::is_regular_file(dir_ / "checkpoints" / "6.note"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "checkpoints" / "11.note"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "proofs" / "000000000003.json"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "consistency" / "6-11.json"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "states" / "donor_lot" / "lot_1.bin"));

  const std::string manifest = ReadFileOrEmpty(dir_ / "manifest.json");
  EXPECT_THAT(manifest, HasSubstr("\"format\": \"cellchain-bundle/1\""));
  EXPECT_THAT(manifest, HasSubstr("\"scope\": \"log\""));
  EXPECT_THAT(manifest, HasSubstr("\"tree_size\": 11"));
  EXPECT_THAT(manifest,
              HasSubstr("\"exported_at\": \"2024-06-01T08:00:00.123456Z\""));
  const std::string index = ReadFileOrEmpty(dir_ / "records" / "index.jsonl");
  EXPECT_THAT(index,
              HasSubstr(absl::StrCat("{\"log_index\": 0, \"record_id\": \"",
                                     log_->records()[0].record_id, "\"")));
  EXPECT_THAT(index, HasSubstr("\"previous_entity_hash\": null"));
  EXPECT_THAT(index, HasSubstr("\"din\": \"W000024000001\""));
  EXPECT_THAT(index, HasSubstr("\"din\": null"));  // The qc sample.
  EXPECT_THAT(index,
              HasSubstr("\"recorded_at\": \"2024-06-01T08:00:00.123456Z\""));
}

// docs/bundle-format.md: checking one record with nothing but openssl.
TEST_F(BundleTest, TheDocumentedOpensslRecipeChecksOneRecord) {
  CC_ASSERT_OK(WriteBundle(WholeLog(), dir_.string()));
  const std::string key_file =
      KeyFileName(SigningKeyId("donor", log_->key("donor").PublicKeyRaw()));
  const fs::path msg =
      dir_.parent_path() / absl::StrCat(dir_.filename().string(), ".msg");
  // Exactly the commands of the document, with N and the key filled in.
  const std::string verify = absl::StrCat(
      "cd '", dir_.string(), "' && N=000000000004",
      " && printf 'cellchain.audit.v1.record\\0' > '", msg.string(), "'",
      " && cat records/$N.bin >> '", msg.string(), "'",
      " && openssl pkeyutl -verify -pubin -inkey keys/", key_file,
      " -rawin -in '", msg.string(), "' -sigfile records/$N.sig",
      " >/dev/null 2>&1");
  EXPECT_EQ(Shell(verify), 0) << verify;
  // The message is the domain, its NUL, and the record bytes.
  EXPECT_EQ(ReadFileOrEmpty(msg),
            RecordSignatureMessage(log_->records()[4].record_bytes));

  // The leaf hash of index.jsonl, recomputed with openssl.
  const fs::path digest = msg.string() + ".leaf";
  const std::string leaf = absl::StrCat(
      "cd '", dir_.string(), "' && N=000000000004",
      " && { printf '\\0'; cat records/$N.bin; } | openssl dgst -sha256 -r",
      " | cut -c1-64 > '", digest.string(), "'");
  ASSERT_EQ(Shell(leaf), 0) << leaf;
  EXPECT_EQ(ReadFileOrEmpty(digest),
            crypto::HexEncode(log_->records()[4].leaf_hash) + "\n");

  // One changed byte: openssl refuses.
  std::string bytes = ReadFileOrEmpty(dir_ / "records" / "000000000004.bin");
  bytes[bytes.size() / 2] ^= 1;
  WriteFileBytes(dir_ / "records" / "000000000004.bin", bytes);
  EXPECT_NE(Shell(verify), 0);
  fs::remove(msg);
  fs::remove(digest);
}

TEST_F(BundleTest, AChangedRecordFileIsFoundAndNamed) {
  CC_ASSERT_OK(WriteBundle(WholeLog(), dir_.string()));
  std::string bytes = ReadFileOrEmpty(dir_ / "records" / "000000000007.bin");
  bytes[3] ^= 0x01;
  WriteFileBytes(dir_ / "records" / "000000000007.bin", bytes);

  VerifyResult result = VerifyDir();
  EXPECT_THAT(result.findings,
              Contains(AllOf(
                  Field(&Finding::check, Check::kSignature),
                  Field(&Finding::record_id, log_->records()[7].record_id))));
}

TEST_F(BundleTest, AChangedIndexColumnIsFoundAndNamed) {
  CC_ASSERT_OK(WriteBundle(WholeLog(), dir_.string()));
  std::string index = ReadFileOrEmpty(dir_ / "records" / "index.jsonl");
  // Record 2 is lot_2's first; point its column at lot_1.
  const std::string line_start =
      absl::StrCat("\"record_id\": \"", log_->records()[2].record_id);
  size_t line = index.find(line_start);
  ASSERT_NE(line, std::string::npos);
  size_t at = index.find("\"entity_id\": \"lot_2\"", line);
  ASSERT_NE(at, std::string::npos);
  index.replace(at, 20, "\"entity_id\": \"lot_1\"");
  WriteFileBytes(dir_ / "records" / "index.jsonl", index);

  VerifyResult result = VerifyDir();
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].check, Check::kColumns);
  EXPECT_EQ(result.findings[0].record_id, log_->records()[2].record_id);
  EXPECT_THAT(result.findings[0].message, HasSubstr("entity_id"));
}

TEST_F(BundleTest, ASubsetRoundTripsAndVerifies) {
  Bundle bundle = WholeLog();
  bundle.complete = false;
  bundle.query = "entity donor_lot/lot_1";
  Bundle subset = bundle;
  subset.records.clear();
  subset.inclusion_proofs.clear();
  subset.states.clear();
  for (size_t i = 0; i < bundle.records.size(); ++i) {
    if (bundle.records[i].entity_id == "lot_1" && i > 1) {
      subset.records.push_back(bundle.records[i]);
      subset.inclusion_proofs.push_back(bundle.inclusion_proofs[i]);
    }
  }
  for (const CurrentState& state : bundle.states) {
    if (state.entity_id == "lot_1") subset.states.push_back(state);
  }
  CC_ASSERT_OK(WriteBundle(subset, dir_.string()));
  CC_ASSERT_OK_AND_ASSIGN(Bundle read, ReadBundle(dir_.string()));
  EXPECT_FALSE(read.complete);
  EXPECT_THAT(ManifestDiscrepancies(read), IsEmpty());

  VerifyResult result =
      Verify(ToVerifyInput(std::move(read), {log_->log_signer().verifier()}));
  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_FALSE(result.summary.complete);
  // lot_1: records 1, 4, 7 (log indexes); the bundle starts at 4.
  EXPECT_EQ(result.summary.records, 2u);
  EXPECT_EQ(result.summary.chain_starts_unchecked, 1u);
}

TEST_F(BundleTest, CarriesAnyEntityNameAndTextSafely) {
  Bundle bundle = WholeLog();
  // Unusual but possible text: quotes, backslash, newline, a control
  // character, a path separator, dots, non-ASCII.
  const std::string odd = "lot \"1\"\\\n\x01/../\xC3\xA9.";
  bundle.records[0].entity_id = odd;
  bundle.records[0].action = "a\tb";
  bundle.states.push_back({"donor/lot", odd, std::string("\0\1", 2)});
  bundle.states.push_back({"..", "", std::nullopt});
  CC_ASSERT_OK(WriteBundle(bundle, dir_.string()));
  CC_ASSERT_OK_AND_ASSIGN(Bundle read, ReadBundle(dir_.string()));

  EXPECT_EQ(read.records[0].entity_id, odd);
  EXPECT_EQ(read.records[0].action, "a\tb");
  auto find = [&](const std::string& type) -> const CurrentState* {
    for (const CurrentState& state : read.states) {
      if (state.entity_type == type) return &state;
    }
    return nullptr;
  };
  ASSERT_NE(find("donor/lot"), nullptr);
  EXPECT_EQ(find("donor/lot")->entity_id, odd);
  EXPECT_EQ(find("donor/lot")->state, std::string("\0\1", 2));
  ASSERT_NE(find(".."), nullptr);
  EXPECT_EQ(find("..")->entity_id, "");
  EXPECT_EQ(find("..")->state, std::nullopt);
  // Nothing escaped the bundle's states directory.
  EXPECT_TRUE(fs::is_directory(dir_ / "states" / "donor%2Flot"));
  EXPECT_TRUE(fs::is_directory(dir_ / "states" / "%2E%2E"));
}

TEST_F(BundleTest, RemovedOrAddedFilesShowAsManifestDiscrepancies) {
  CC_ASSERT_OK(WriteBundle(WholeLog(), dir_.string()));
  // A record removed with its index line, and a proof file removed.
  std::string index = ReadFileOrEmpty(dir_ / "records" / "index.jsonl");
  size_t last_line = index.rfind('\n', index.size() - 2);
  WriteFileBytes(dir_ / "records" / "index.jsonl",
                 index.substr(0, last_line + 1));
  fs::remove(dir_ / "records" / "000000000010.bin");
  fs::remove(dir_ / "records" / "000000000010.sig");
  fs::remove(dir_ / "proofs" / "000000000002.json");
  // A stray record file nobody lists.
  WriteFileBytes(dir_ / "records" / "000000000099.bin", "x");

  CC_ASSERT_OK_AND_ASSIGN(Bundle read, ReadBundle(dir_.string()));
  EXPECT_THAT(
      ManifestDiscrepancies(read),
      ElementsAre("manifest.json declares 11 records, the bundle holds 10",
                  "the bundle lists 10 records but holds 11 files of them",
                  "manifest.json declares 11 inclusion proofs, the bundle "
                  "holds 10"));
}

// A fork kept as evidence: a second note of one size is written as
// "<size>-2.note", which sorts before "<size>.note" by name. It was read
// back first, so a bundle read and written again swapped the two files
// (found by tests/fuzz/ledger_bundle_fuzzer).
TEST_F(BundleTest, ReadsCheckpointsInTheOrderWrittenForkEvidenceLast) {
  Bundle written = WholeLog();
  ASSERT_EQ(written.checkpoints.size(), 2u);  // Sizes 6 and 11.
  Checkpoint fork;
  fork.origin = written.origin;
  fork.size = 11;
  fork.root = LeafHash("x");
  CC_ASSERT_OK_AND_ASSIGN(std::string fork_note,
                          SignCheckpoint(fork, log_->log_signer()));
  written.checkpoints.push_back(fork_note);
  CC_ASSERT_OK(WriteBundle(written, dir_.string()));
  EXPECT_TRUE(fs::exists(dir_ / "checkpoints" / "11-2.note"));

  CC_ASSERT_OK_AND_ASSIGN(Bundle read, ReadBundle(dir_.string()));
  EXPECT_EQ(read.checkpoints, written.checkpoints);
  const fs::path again = dir_.string() + "_again";
  fs::remove_all(again);
  CC_ASSERT_OK(WriteBundle(read, again.string()));
  EXPECT_EQ(ReadFileOrEmpty(again / "checkpoints" / "11-2.note"), fork_note);
  fs::remove_all(again);
}

TEST_F(BundleTest, RefusesToWriteIntoANonEmptyDirectory) {
  fs::create_directories(dir_);
  WriteFileBytes(dir_ / "something", "x");
  EXPECT_EQ(WriteBundle(WholeLog(), dir_.string()).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(BundleTest, RefusesToWriteAKeyIdThatCannotNameAFile) {
  Bundle bundle = WholeLog();
  bundle.keys[0].key_id = "../donor:0123456789abcdef";
  absl::Status status = WriteBundle(bundle, dir_.string());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("../donor"));
}

class BadBundleTest : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    CC_ASSERT_OK(WriteBundle(WholeLog(), dir_.string()));
  }

  absl::Status ReadStatus() { return ReadBundle(dir_.string()).status(); }
};

TEST_F(BadBundleTest, AMissingDirectoryOrManifestIsNotFound) {
  EXPECT_EQ(ReadBundle((dir_ / "nope").string()).status().code(),
            absl::StatusCode::kNotFound);
  fs::remove(dir_ / "manifest.json");
  EXPECT_EQ(ReadStatus().code(), absl::StatusCode::kNotFound);
}

TEST_F(BadBundleTest, AnotherFormatVersionIsRefused) {
  std::string manifest = ReadFileOrEmpty(dir_ / "manifest.json");
  manifest.replace(manifest.find("cellchain-bundle/1"), 18,
                   "cellchain-bundle/2");
  WriteFileBytes(dir_ / "manifest.json", manifest);
  absl::Status status = ReadStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("\"cellchain-bundle/2\" is not "
                                          "supported"));
}

TEST_F(BadBundleTest, AMalformedIndexLineIsNamed) {
  std::string index = ReadFileOrEmpty(dir_ / "records" / "index.jsonl");
  size_t third = index.find('\n', index.find('\n') + 1) + 1;
  index.insert(third, "{\"log_index\": -1}\n");
  WriteFileBytes(dir_ / "records" / "index.jsonl", index);
  absl::Status status = ReadStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("records/index.jsonl line 3"));
}

TEST_F(BadBundleTest, AMistypedFieldIsNamed) {
  std::string index = ReadFileOrEmpty(dir_ / "records" / "index.jsonl");
  index.replace(index.find("\"din\": \"W"), 7, "\"din\": 5, \"x\": ");
  WriteFileBytes(dir_ / "records" / "index.jsonl", index);
  absl::Status status = ReadStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("line 1: field \"din\" must be a string or null"));
}

TEST_F(BadBundleTest, AListedRecordWithoutItsFileIsNamed) {
  fs::remove(dir_ / "records" / "000000000005.sig");
  absl::Status status = ReadStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 6 lists record"));
  EXPECT_THAT(status.message(), HasSubstr("000000000005.sig"));
}

TEST_F(BadBundleTest, AKeyFileThatIsNoEd25519KeyIsNamed) {
  const std::string key_file =
      KeyFileName(SigningKeyId("qc", log_->key("qc").PublicKeyRaw()));
  WriteFileBytes(dir_ / "keys" / key_file, "not a key");
  absl::Status status = ReadStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(key_file));
}

TEST_F(BadBundleTest, BadJsonIsRefused) {
  for (const char* text : {"{", "{\"keys\": [}", "{\"keys\": []} x", "[]",
                           "{\"keys\": [], \"keys\": []}", "{\"keys\": 1.5}"}) {
    WriteFileBytes(dir_ / "keys" / "keys.json", text);
    absl::Status status = ReadStatus();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(status.message(), HasSubstr("keys/keys.json")) << text;
  }
}

// The format's own strictness, beyond JSON's: each refusal names the file
// and the field.
TEST_F(BadBundleTest, NumbersThatAreNotNonNegativeIntegersAreRefusedByField) {
  const fs::path proof = dir_ / "proofs" / "000000000003.json";
  const std::string written = ReadFileOrEmpty(proof);
  for (const char* number :
       {"-1", "-0", "1.5", "1e3", "1E3", "11.0", "18446744073709551616"}) {
    std::string text = written;
    text.replace(text.find("\"tree_size\": 11"), 15,
                 absl::StrCat("\"tree_size\": ", number));
    WriteFileBytes(proof, text);
    absl::Status status = ReadStatus();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << number;
    EXPECT_THAT(status.message(),
                AllOf(HasSubstr("proofs/000000000003.json: field "
                                "\"tree_size\": "),
                      HasSubstr("numbers in this format are non-negative "
                                "integers below 2^64")))
        << number << ": " << std::string(status.message());
  }
  // In an array, the array's field is named.
  std::string text = written;
  text.replace(text.find("\"proof\": [") + 10, 0, "2.5, ");
  WriteFileBytes(proof, text);
  EXPECT_THAT(ReadStatus().message(),
              HasSubstr("proofs/000000000003.json: field \"proof\": 2.5"));
  // A leading zero is not JSON at all.
  text = written;
  text.replace(text.find("\"tree_size\": 11"), 15, "\"tree_size\": 011");
  WriteFileBytes(proof, text);
  EXPECT_THAT(ReadStatus().message(),
              HasSubstr("proofs/000000000003.json: invalid JSON"));
}

TEST_F(BadBundleTest, ADuplicateKeyIsRefusedByName) {
  // Inside a key's object: whichever copy a lenient reader kept, the other
  // would go unseen.
  WriteFileBytes(dir_ / "keys" / "keys.json",
                 "{\"keys\": [{\"key_id\": \"qc:0123456789abcdef\", "
                 "\"key_id\": \"donor:0123456789abcdef\"}]}\n");
  absl::Status status = ReadStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("keys/keys.json: duplicate key \"key_id\""));
}

TEST_F(BadBundleTest, ByteOrderMarksBadUtf8NulBytesAndDeepNestingAreRefused) {
  std::string manifest = ReadFileOrEmpty(dir_ / "manifest.json");
  WriteFileBytes(dir_ / "manifest.json", "\xEF\xBB\xBF" + manifest);
  EXPECT_THAT(ReadStatus().message(), HasSubstr("manifest.json: invalid JSON"));

  // JSON text is UTF-8 (RFC 8259); "\xC3(" is not.
  std::string bad_text = manifest;
  bad_text.replace(bad_text.find("whole log"), 0, "\xC3(");
  WriteFileBytes(dir_ / "manifest.json", bad_text);
  EXPECT_THAT(ReadStatus().message(), HasSubstr("manifest.json: invalid JSON"));

  // nlohmann's lexer stops at a NUL byte; what follows must not be ignored.
  WriteFileBytes(dir_ / "manifest.json",
                 manifest + std::string("\0{\"x\": 1}", 10));
  EXPECT_THAT(ReadStatus().message(),
              HasSubstr(absl::StrCat("manifest.json: invalid JSON at byte ",
                                     manifest.size(), ": a NUL byte")));

  // Nine levels below the top-level object.
  manifest.replace(manifest.find("\"query\""), 0,
                   "\"x\": [[[[[[[[[]]]]]]]]], ");
  WriteFileBytes(dir_ / "manifest.json", manifest);
  EXPECT_THAT(ReadStatus().message(),
              HasSubstr("manifest.json: nested too deeply"));
}

// testdata/bundle_v1 was written by the hand-written JSON writer that
// nlohmann-json replaced (issue 25), from a synthetic log whose text holds
// quotes, a backslash, '/', control characters (U+0008 and U+000C among
// them), DEL and non-ASCII letters. It still reads and verifies, and writing
// what was read gives every file back byte for byte.
TEST(OlderExportTest, ReadsVerifiesAndIsWrittenAgainByteForByte) {
  const fs::path golden = fs::path(CELLCHAIN_LEDGER_TESTDATA) / "bundle_v1";
  CC_ASSERT_OK_AND_ASSIGN(Bundle bundle, ReadBundle(golden.string()));
  const std::string odd =
      "lot \"1\"\\/\b\f\n\r\t\x01\x1f\x7f \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  EXPECT_EQ(bundle.query, "whole log " + odd);
  ASSERT_EQ(bundle.records.size(), 9u);
  EXPECT_EQ(bundle.records[7].entity_id, odd);
  EXPECT_EQ(bundle.records[8].din, odd);
  EXPECT_THAT(ManifestDiscrepancies(bundle), IsEmpty());

  CC_ASSERT_OK_AND_ASSIGN(NoteVerifier verifier,
                          NoteVerifier::FromKeyString(bundle.verifier_key));
  VerifyResult result = Verify(ToVerifyInput(bundle, {verifier}));
  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_EQ(result.summary.count(Check::kSignature).checked, 9u);
  EXPECT_EQ(result.summary.count(Check::kColumns).checked, 9u);
  EXPECT_EQ(result.summary.count(Check::kCurrentState).checked, 3u);

  const fs::path written = fs::path(::testing::TempDir()) /
                           absl::StrCat("bundle_test_golden_", getpid());
  fs::remove_all(written);
  CC_ASSERT_OK(WriteBundle(bundle, written.string()));
  auto files = [](const fs::path& root) {
    std::vector<std::string> names;
    for (const fs::directory_entry& entry :
         fs::recursive_directory_iterator(root)) {
      if (entry.is_regular_file()) {
        names.push_back(fs::relative(entry.path(), root).string());
      }
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  const std::vector<std::string> names = files(golden);
  EXPECT_EQ(files(written), names);
  EXPECT_EQ(names.size(), 38u);
  for (const std::string& name : names) {
    EXPECT_EQ(ReadFileOrEmpty(written / name), ReadFileOrEmpty(golden / name))
        << name;
  }
  fs::remove_all(written);
}

}  // namespace
}  // namespace cellchain::ledger
