// `cellchain-verify bundle DIR`: reads an audit bundle (docs/bundle-format.md),
// runs every check of the ledger verifier (services/ledger/verifier.h) and
// prints a report: what was checked, the counts per check, what could not be
// checked, and one line per failure naming the record or checkpoint.
//
// Thread-safety: touches only the streams it is given; the verifier's worker
// threads never write to them.
#ifndef CELLCHAIN_CLIENTS_VERIFY_BUNDLE_COMMAND_H_
#define CELLCHAIN_CLIENTS_VERIFY_BUNDLE_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "services/ledger/bundle.h"
#include "services/ledger/verifier.h"

namespace cellchain::verify {

struct BundleCommand {
  std::string dir;
  // Trusted checkpoint verifier keys; empty: the manifest's key, with a
  // warning.
  std::vector<std::string> vkeys;
  // The record-signing keys the auditor trusts (services/ledger/keyring.h);
  // empty: the bundle's own keys, with a warning.
  std::string keyring_file;
  // Checkpoint files kept outside the database (`cellchain audit checkpoint
  // --save`): a whole-log bundle must still rebuild each of them.
  std::vector<std::string> since_files;
  int threads = 0;  // 0: all cores.
  // Draw a progress bar on `err` (only when it is a terminal).
  bool progress = false;
};

// Returns the exit status: 0 every check holds, 1 a check failed (or the
// manifest disagrees with the content), 2 a bad key string or an unreadable
// bundle (the reason on `err`).
int RunBundleCommand(const BundleCommand& command, std::ostream& out,
                     std::ostream& err);

// The report `RunBundleCommand` prints on `out` for a verified bundle.
// `discrepancies` are ManifestDiscrepancies' sentences; `vkey_note` says
// where the checkpoint key came from, `keys_note` where the record keys did.
std::string FormatBundleReport(const std::string& dir,
                               const ledger::Bundle& bundle,
                               const std::string& vkey_note,
                               const std::string& keys_note,
                               const ledger::VerifyResult& result,
                               const std::vector<std::string>& discrepancies);

}  // namespace cellchain::verify

#endif  // CELLCHAIN_CLIENTS_VERIFY_BUNDLE_COMMAND_H_
