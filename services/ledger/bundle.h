// Audit bundles: an export of ledger records with everything needed to check
// them offline with public data only — the records' exact signed bytes and
// signatures, the services' public keys, the sequencer's signed checkpoints,
// inclusion and consistency proofs, and optionally the entities' current
// states. Format "cellchain-bundle/1", specified in docs/bundle-format.md:
// a directory of small files, so that a QA auditor can check any single
// record with nothing but the openssl command line.
//
//   manifest.json                       format, origin, verifier key, query,
//                                       scope, tree size, counts
//   keys/keys.json, keys/<id>.pub       signing keys (PEM), ':' -> '_'
//   records/index.jsonl                 one line per record: stored columns
//   records/<index:012>.bin / .sig      exact record bytes / raw signature
//   checkpoints/<size>.note             signed notes, verbatim
//   proofs/<index:012>.json             inclusion proofs
//   consistency/<size1>-<size2>.json    consistency proofs
//   states/<type>/<id>.bin | .missing   current states (percent-encoded)
//
// The audit service writes bundles (ExportBundle's client writes the
// directory); cellchain-verify reads them and runs the verifier (verifier.h).
//
// Thread-safety: free functions without shared state; concurrent calls on
// distinct directories are safe.
#ifndef CELLCHAIN_SERVICES_LEDGER_BUNDLE_H_
#define CELLCHAIN_SERVICES_LEDGER_BUNDLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/ledger/note.h"
#include "services/ledger/verifier.h"

namespace cellchain::ledger {

inline constexpr char kBundleFormat[] = "cellchain-bundle/1";

// How many items of each kind a bundle holds.
struct BundleCounts {
  uint64_t records = 0;
  uint64_t keys = 0;
  uint64_t checkpoints = 0;
  uint64_t inclusion_proofs = 0;
  uint64_t consistency_proofs = 0;
  uint64_t states = 0;

  friend bool operator==(const BundleCounts&, const BundleCounts&) = default;
};

struct Bundle {
  std::string origin;
  // The log's checkpoint verifier key as the exporter states it. Only a
  // convenience: an auditor passes the key they trust (cellchain-verify
  // --vkey), or the bundle merely shows that it agrees with itself.
  std::string verifier_key;
  // What was exported, for people: "entity donor_lot/lot_1", "whole log".
  std::string query;
  // True: `records` are the whole log from index 0; false: a subset.
  bool complete = false;
  // The size of the latest checkpoint when exported.
  uint64_t tree_size = 0;
  std::optional<absl::Time> exported_at;

  std::vector<SigningKeyInfo> keys;
  std::vector<StoredRecord> records;  // Written in log-index order.
  std::vector<std::string> checkpoints;
  std::vector<InclusionProofInput> inclusion_proofs;
  std::vector<ConsistencyProofInput> consistency_proofs;
  std::vector<CurrentState> states;

  // Set by ReadBundle: what manifest.json declares, and how many files of
  // each kind the directory holds (records/*.bin for records). A difference
  // means files were removed or added after export; see
  // ManifestDiscrepancies. Ignored by WriteBundle, which counts itself.
  BundleCounts declared;
  BundleCounts found;

  // The counts of the vectors above.
  BundleCounts Counts() const;
};

// Writes `bundle` into `dir`, which is created (its parent must exist) or
// must be empty.
// ALREADY_EXISTS: `dir` exists and is not empty (or is not a directory).
// INVALID_ARGUMENT: a key id that is not "<service>:<16 hex>" with service
//   [a-z][a-z0-9_]*, a record whose signature is not 64 bytes or whose leaf
//   or previous hash is not 32 bytes, two records or proofs with one log
//   index, two states of one entity.
// PERMISSION_DENIED / INTERNAL: a file could not be written (the message
//   names it and says why).
absl::Status WriteBundle(const Bundle& bundle, const std::string& dir);

// Reads the bundle in `dir`. Nothing is verified here beyond the format:
// a tampered but well-formed bundle reads fine and fails verification.
// NOT_FOUND: `dir` or its manifest.json does not exist.
// INVALID_ARGUMENT: manifest.json names another format than kBundleFormat;
//   a malformed file (the message names it and, for index.jsonl, the line):
//   bad JSON, a missing or mistyped field, a bad hex hash, a PEM that is not
//   an Ed25519 public key, a key or record file named in an index but
//   absent, a file name that does not decode.
// PERMISSION_DENIED / INTERNAL: a file could not be read.
absl::StatusOr<Bundle> ReadBundle(const std::string& dir);

// What differs between the manifest's counts (and tree size) and the
// bundle's content, one sentence each; empty when they agree. Meant for a
// bundle from ReadBundle.
std::vector<std::string> ManifestDiscrepancies(const Bundle& bundle);

// The verifier's input for `bundle`, trusting `verifiers` for checkpoints.
VerifyInput ToVerifyInput(Bundle bundle, std::vector<NoteVerifier> verifiers);

// The file name (without directory) of a key: its id with ':' replaced by
// '_' and ".pub" appended. "donor:0123456789abcdef" ->
// "donor_0123456789abcdef.pub".
std::string KeyFileName(const std::string& key_id);

// The path, relative to the bundle, of a record's files without extension:
// "records/000000000042".
std::string RecordFileStem(uint64_t log_index);

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_BUNDLE_H_
