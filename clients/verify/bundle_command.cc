#include "clients/verify/bundle_command.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/verify/verify.h"
#include "services/common/strings/printable.h"
#include "services/common/strings/std_view.h"
#include "services/ledger/keyring.h"
#include "services/ledger/note.h"
#include "services/ledger/witness.h"

namespace cellchain::verify {
namespace {

// Every text taken from the bundle (or a file, or an error quoting one) goes
// through Printable before it reaches the terminal: a bundle is untrusted
// input, and an ESC in its query could rewrite the screen, a CR or LF forge a
// "VALID" line (the same escapes as the cellchain CLI, clients/cli).
using ::cellchain::Printable;

constexpr int kBarWidth = 30;

std::string Padded(std::string text, size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

std::string RightAligned(uint64_t value, size_t width) {
  std::string text = absl::StrCat(value);
  if (text.size() < width) text.insert(0, width - text.size(), ' ');
  return text;
}

// "\r<phase> [=====>     ]  42%  420/1000", redrawn in place; cleared when
// the last phase ends so the report starts on a clean line.
class ProgressBar {
 public:
  explicit ProgressBar(std::ostream& err) : err_(err) {}
  ~ProgressBar() { Clear(); }

  void Draw(std::string_view phase, uint64_t done, uint64_t total) {
    const uint64_t percent = total == 0 ? 100 : done * 100 / total;
    const int filled =
        total == 0 ? kBarWidth : static_cast<int>(done * kBarWidth / total);
    std::string bar(kBarWidth, ' ');
    std::fill(bar.begin(), bar.begin() + filled, '=');
    if (filled < kBarWidth) bar[filled] = '>';
    err_ << "\r"
         << Padded(absl::StrCat("verifying ",
                                absl::string_view(phase.data(), phase.size())),
                   17)
         << " [" << bar << "] " << RightAligned(percent, 3) << "%  " << done
         << "/" << total << std::flush;
    drawn_ = true;
  }

  void Clear() {
    if (!drawn_) return;
    err_ << "\r\x1b[K" << std::flush;  // Erase the line.
    drawn_ = false;
  }

 private:
  std::ostream& err_;
  bool drawn_ = false;
};

std::string Plural(uint64_t n, std::string_view one, std::string_view many) {
  return absl::StrCat(n, " ",
                      n == 1 ? absl::string_view(one.data(), one.size())
                             : absl::string_view(many.data(), many.size()));
}

}  // namespace

std::string FormatBundleReport(const std::string& dir,
                               const ledger::Bundle& bundle,
                               const std::string& vkey_note,
                               const std::string& keys_note,
                               const ledger::VerifyResult& result,
                               const std::vector<std::string>& discrepancies) {
  const ledger::Summary& s = result.summary;
  std::string out;
  absl::StrAppend(&out, "bundle          ", Printable(dir), " (",
                  ledger::kBundleFormat, ")\n");
  absl::StrAppend(&out, "query           ", Printable(bundle.query), "\n");
  absl::StrAppend(&out, "scope           ",
                  bundle.complete ? "the whole log from index 0"
                                  : "a subset of the log (a query's result)",
                  "\n");
  if (bundle.exported_at.has_value()) {
    absl::StrAppend(&out, "exported at     ",
                    absl::FormatTime("%Y-%m-%d%ET%H:%M:%E6SZ",
                                     *bundle.exported_at, absl::UTCTimeZone()),
                    "\n");
  }
  absl::StrAppend(&out, "log             ", Printable(bundle.origin), "\n");
  absl::StrAppend(&out, "checkpoint key  ", vkey_note, "\n");
  absl::StrAppend(&out, "record keys     ", keys_note, "\n");
  absl::StrAppend(
      &out, "content         ", Plural(s.records, "record", "records"), ", ",
      Plural(s.entities, "entity", "entities"), ", ",
      Plural(s.keys, "signing key", "signing keys"), ", ",
      Plural(s.checkpoints, "checkpoint", "checkpoints"), " (",
      s.checkpoints_verified, " verified, latest tree size ", s.tree_size,
      "),\n                ",
      Plural(s.inclusion_proofs, "inclusion proof", "inclusion proofs"), ", ",
      Plural(s.consistency_proofs, "consistency proof", "consistency proofs"),
      ", ", Plural(s.states, "current state", "current states"), "\n\n");

  absl::StrAppend(&out, Padded("check", 24), "  checked   failed\n");
  for (size_t i = 0; i < ledger::kCheckCount; ++i) {
    const ledger::Check check = static_cast<ledger::Check>(i);
    const ledger::CheckCount& count = s.count(check);
    absl::StrAppend(&out, Padded(std::string(ledger::CheckName(check)), 24),
                    " ", RightAligned(count.checked, 8), " ",
                    RightAligned(count.failed, 8), "\n");
  }

  std::vector<std::string> unchecked;
  if (s.chain_starts_unchecked > 0) {
    unchecked.push_back(absl::StrCat(
        Plural(s.chain_starts_unchecked, "entity chain starts",
               "entity chains start"),
        " before the bundle's first record of the entity: its link to the "
        "earlier record is not checkable here"));
  }
  if (s.chain_gaps_unchecked > 0) {
    unchecked.push_back(absl::StrCat(
        Plural(s.chain_gaps_unchecked, "chain link skips", "chain links skip"),
        " records of the entity that are not in the bundle"));
  }
  if (s.records_beyond_checkpoint > 0) {
    unchecked.push_back(absl::StrCat(
        Plural(s.records_beyond_checkpoint, "record is", "records are"),
        " past the latest verified checkpoint: only their signatures vouch "
        "for them"));
  }
  if (!bundle.complete) {
    unchecked.push_back(
        "a subset proves that its records are authentic and in the log, not "
        "that the query's result is complete");
  }
  if (!unchecked.empty()) {
    absl::StrAppend(&out, "\nnot checkable from this bundle:\n");
    for (const std::string& line : unchecked) {
      absl::StrAppend(&out, "  ", line, "\n");
    }
  }

  const size_t failures = result.findings.size() + discrepancies.size();
  if (failures > 0) {
    absl::StrAppend(&out, "\nfailures:\n");
    for (const std::string& discrepancy : discrepancies) {
      absl::StrAppend(&out, "FAIL BUNDLE ", Printable(discrepancy), "\n");
    }
    for (const ledger::Finding& finding : result.findings) {
      absl::StrAppend(&out, "FAIL ", Printable(ledger::FormatFinding(finding)),
                      "\n");
    }
    absl::StrAppend(
        &out, "\nINVALID: ", Plural(failures, "failure", "failures"), "\n");
  } else {
    absl::StrAppend(&out, "\nVALID: every check holds\n");
  }
  return out;
}

int RunBundleCommand(const BundleCommand& command, std::ostream& out,
                     std::ostream& err) {
  std::vector<ledger::NoteVerifier> verifiers;
  for (const std::string& vkey : command.vkeys) {
    absl::StatusOr<ledger::NoteVerifier> verifier =
        ledger::NoteVerifier::FromKeyString(vkey);
    if (!verifier.ok()) {
      err << "cellchain-verify: --vkey " << Printable(vkey) << ": "
          << Printable(ToStd(verifier.status().message())) << "\n";
      return kExitUsage;
    }
    verifiers.push_back(*std::move(verifier));
  }

  std::optional<ledger::Keyring> keyring;
  std::string keys_note;
  if (!command.keyring_file.empty()) {
    absl::StatusOr<ledger::Keyring> read =
        ledger::Keyring::FromFile(command.keyring_file);
    if (!read.ok()) {
      err << "cellchain-verify: --keyring: "
          << Printable(ToStd(read.status().message())) << "\n";
      return kExitUsage;
    }
    keyring = *std::move(read);
    keys_note = absl::StrCat(keyring->keys().size(), " trusted in ",
                             Printable(command.keyring_file),
                             " (given with --keyring)");
  } else {
    keys_note = "taken from the bundle itself: NOT an independent anchor";
    err << "cellchain-verify: warning: no --keyring given; the record-signing "
           "keys were taken from the bundle, so a key an insider added to the "
           "database would be believed. Pass --keyring with the keys you "
           "trust.\n";
  }

  absl::StatusOr<ledger::Bundle> bundle = ledger::ReadBundle(command.dir);
  if (!bundle.ok()) {
    err << "cellchain-verify: cannot read the bundle: "
        << Printable(ToStd(bundle.status().message())) << "\n";
    return kExitUsage;
  }
  std::vector<std::string> kept;
  for (const std::string& file : command.since_files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    absl::StatusOr<ledger::Witnessed> since =
        in ? ledger::ParseWitnessed(text.str())
           : absl::NotFoundError("cannot be read");
    if (!since.ok()) {
      err << "cellchain-verify: --since " << Printable(file) << ": "
          << Printable(ToStd(since.status().message())) << "\n";
      return kExitUsage;
    }
    kept.push_back(since->note);
  }
  if (!kept.empty() && !bundle->complete) {
    err << "cellchain-verify: --since needs a whole-log bundle (cellchain "
           "audit export with no filter): a query's subset cannot rebuild "
           "an older checkpoint\n";
    return kExitUsage;
  }

  std::string vkey_note;
  if (verifiers.empty()) {
    absl::StatusOr<ledger::NoteVerifier> verifier =
        ledger::NoteVerifier::FromKeyString(bundle->verifier_key);
    if (!verifier.ok()) {
      err << "cellchain-verify: the bundle's verifier key is malformed ("
          << Printable(ToStd(verifier.status().message()))
          << "): pass the log's key with --vkey\n";
      return kExitUsage;
    }
    vkey_note = absl::StrCat(
        Printable(verifier->KeyString()),
        "\n                (taken from the bundle itself: NOT an independent "
        "anchor)");
    err << "cellchain-verify: warning: no --vkey given; the checkpoint key "
           "was taken from the bundle's own manifest.json, which shows only "
           "that the bundle agrees with itself. Pass --vkey with the log's "
           "key from a source you trust.\n";
    verifiers.push_back(*std::move(verifier));
  } else {
    for (const ledger::NoteVerifier& verifier : verifiers) {
      if (!vkey_note.empty()) vkey_note += "\n                ";
      vkey_note += Printable(verifier.KeyString());
    }
    vkey_note += " (given with --vkey)";
  }

  const std::vector<std::string> discrepancies =
      ledger::ManifestDiscrepancies(*bundle);
  ledger::Bundle meta;
  meta.origin = bundle->origin;
  meta.query = bundle->query;
  meta.complete = bundle->complete;
  meta.exported_at = bundle->exported_at;

  ledger::VerifyOptions options;
  options.threads = command.threads;
  ProgressBar bar(err);
  if (command.progress) {
    options.progress = [&bar](std::string_view phase, uint64_t done,
                              uint64_t total) { bar.Draw(phase, done, total); };
  }
  ledger::VerifyInput input =
      ledger::ToVerifyInput(*std::move(bundle), std::move(verifiers));
  input.keyring = std::move(keyring);
  // The checkpoints kept outside: a log truncated or rewritten since fails
  // CHECKPOINT_ROOT (or is a fork) against them.
  for (std::string& note : kept) {
    if (std::find(input.checkpoints.begin(), input.checkpoints.end(), note) ==
        input.checkpoints.end()) {
      input.checkpoints.push_back(std::move(note));
    }
  }
  ledger::VerifyResult result = ledger::Verify(input, options);
  bar.Clear();

  out << FormatBundleReport(command.dir, meta, vkey_note, keys_note, result,
                            discrepancies);
  const size_t failures = result.findings.size() + discrepancies.size();
  if (failures == 0) return kExitValid;
  err << "cellchain-verify: invalid: " << failures
      << (failures == 1 ? " failure" : " failures")
      << " (listed on standard output)\n";
  return kExitInvalid;
}

}  // namespace cellchain::verify
