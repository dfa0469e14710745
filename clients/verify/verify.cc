#include "clients/verify/verify.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/verify/bundle_command.h"
#include "clients/verify/command_line.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/status/status.h"
#include "services/common/strings/printable.h"
#include "services/common/strings/std_view.h"
#include "services/ledger/merkle.h"
#include "services/ledger/note.h"

namespace cellchain::verify {
namespace {

// Messages quote files and arguments (and notes' signer names): escaped for
// the terminal as the cellchain CLI does (services/common/strings/printable.h).
using ::cellchain::Printable;

// Larger than any note we sign or key file (a checkpoint with 100 signatures is under
// 20 KiB); keeps a wrong path such as /dev/zero from being read forever.
constexpr size_t kMaxInputBytes = 1 << 20;

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;
};

struct Command;
using Handler = int (*)(const Command&, const ParsedArgs&, Io&);

// One row of the command table. `group` is the first word of two-word
// commands ("rfc6962"), empty for one-word commands.
struct Command {
  std::string_view group;
  std::string_view name;
  std::string_view summary;
  std::string_view usage;
  std::span<const FlagSpec> flags;
  Handler handler;
};

int UsageError(std::string_view usage, std::string_view message, Io& io) {
  io.err << "cellchain-verify: " << Printable(message) << "\n\n" << usage;
  return kExitUsage;
}

int UsageError(const Command& command, const absl::Status& status, Io& io) {
  return UsageError(command.usage, ToStd(status.message()), io);
}

int Invalid(const absl::Status& status, Io& io) {
  io.err << "cellchain-verify: invalid: " << Printable(ToStd(status.message()))
         << "\n";
  return kExitInvalid;
}

absl::Status NoPositionals(const ParsedArgs& args) {
  if (args.positional.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("unexpected argument \"", args.positional.front(), "\""));
}

// The flag's value parsed by `parse`, or the status naming what is wrong.
template <typename Parse>
auto RequiredFlag(const ParsedArgs& args, std::string_view name, Parse parse)
    -> decltype(parse(std::string_view(), std::string_view())) {
  CC_ASSIGN_OR_RETURN(std::string text, args.Required(name));
  return parse(text,
               absl::StrCat("--", absl::string_view(name.data(), name.size())));
}

// Reads a note (note) or a PEM public key (vkey) from `path` ("-":
// standard input). INVALID_ARGUMENT: the file cannot be read (the message
// says why); OUT_OF_RANGE: over kMaxInputBytes.
absl::StatusOr<std::string> ReadInput(const std::string& path, Io& io) {
  std::string data;
  char buffer[8192];
  if (path == "-") {
    while (data.size() <= kMaxInputBytes &&
           io.in.read(buffer, sizeof(buffer)).gcount() > 0) {
      data.append(buffer, static_cast<size_t>(io.in.gcount()));
    }
    if (io.in.bad()) {
      return absl::InvalidArgumentError("cannot read standard input");
    }
  } else {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
    }
    size_t got;
    while (data.size() <= kMaxInputBytes &&
           (got = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
      data.append(buffer, got);
    }
    int read_error = std::ferror(file) ? errno : 0;
    std::fclose(file);
    if (read_error != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read ", path, ": ", std::strerror(read_error)));
    }
  }
  if (data.size() > kMaxInputBytes) {
    return absl::OutOfRangeError(
        absl::StrCat(path == "-" ? "standard input" : path, " is over ",
                     kMaxInputBytes, " bytes, larger than any signed note"));
  }
  return data;
}

// ---------------------------------------------------------------------------
// rfc6962 root

constexpr char kRootUsage[] =
    "usage: cellchain-verify rfc6962 root [LEAF_DATA_HEX ...]\n"
    "\n"
    "Prints, in hex, the RFC 6962 root of the tree whose leaves hold the\n"
    "given data (hex, before leaf hashing; \"\" is an empty leaf). With no\n"
    "leaves it prints the empty tree's root, SHA-256(\"\").\n";

int RunRoot(const Command& command, const ParsedArgs& args, Io& io) {
  std::vector<ledger::Hash> leaves;
  for (size_t i = 0; i < args.positional.size(); ++i) {
    absl::StatusOr<std::string> data =
        ParseHexBytes(args.positional[i], absl::StrCat("leaf ", i));
    if (!data.ok()) return UsageError(command, data.status(), io);
    leaves.push_back(ledger::LeafHash(*data));
  }
  io.out << ledger::HashHex(ledger::RootOf(leaves)) << "\n";
  return kExitValid;
}

// ---------------------------------------------------------------------------
// rfc6962 inclusion

constexpr char kInclusionUsage[] =
    "usage: cellchain-verify rfc6962 inclusion --index I --size N\n"
    "           --leaf-hash HEX --root HEX --proof HEX,HEX,...\n"
    "\n"
    "Verifies an RFC 6962 / RFC 9162 inclusion proof: the leaf whose leaf\n"
    "hash, SHA-256(0x00 || data), is --leaf-hash is at index I (from 0) in\n"
    "the tree of size N whose root is --root. --proof lists the proof's\n"
    "hashes from the leaf up, comma-separated; --proof \"\" is the empty\n"
    "proof. Hashes are 32 bytes in hex; numbers are plain decimal.\n";

constexpr FlagSpec kInclusionFlags[] = {
    {"index"}, {"size"}, {"leaf-hash"}, {"root"}, {"proof"}};

struct InclusionRequest {
  uint64_t index;
  uint64_t size;
  ledger::Hash leaf_hash;
  ledger::Hash root;
  std::vector<ledger::Hash> proof;
};

absl::StatusOr<InclusionRequest> ParseInclusion(const ParsedArgs& args) {
  CC_RETURN_IF_ERROR(NoPositionals(args));
  InclusionRequest request;
  CC_ASSIGN_OR_RETURN(request.index, RequiredFlag(args, "index", ParseDecimal));
  CC_ASSIGN_OR_RETURN(request.size, RequiredFlag(args, "size", ParseDecimal));
  CC_ASSIGN_OR_RETURN(request.leaf_hash,
                      RequiredFlag(args, "leaf-hash", ParseHashHex));
  CC_ASSIGN_OR_RETURN(request.root, RequiredFlag(args, "root", ParseHashHex));
  CC_ASSIGN_OR_RETURN(request.proof,
                      RequiredFlag(args, "proof", ParseHashList));
  return request;
}

int RunInclusion(const Command& command, const ParsedArgs& args, Io& io) {
  absl::StatusOr<InclusionRequest> request = ParseInclusion(args);
  if (!request.ok()) return UsageError(command, request.status(), io);
  absl::Status verified =
      ledger::VerifyInclusion(request->index, request->size, request->leaf_hash,
                              request->proof, request->root);
  if (!verified.ok()) return Invalid(verified, io);
  io.out << "valid: leaf " << request->index << " is in the tree of size "
         << request->size << "\n";
  return kExitValid;
}

// ---------------------------------------------------------------------------
// rfc6962 consistency

constexpr char kConsistencyUsage[] =
    "usage: cellchain-verify rfc6962 consistency --size1 M --size2 N\n"
    "           --root1 HEX --root2 HEX --proof HEX,HEX,...\n"
    "\n"
    "Verifies an RFC 6962 / RFC 9162 consistency proof: the tree of size M\n"
    "with root --root1 is a prefix of the tree of size N with root --root2.\n"
    "--proof lists the proof's hashes comma-separated; --proof \"\" is the\n"
    "empty proof (M = 0, or M = N with equal roots). Hashes are 32 bytes in\n"
    "hex; numbers are plain decimal.\n";

constexpr FlagSpec kConsistencyFlags[] = {
    {"size1"}, {"size2"}, {"root1"}, {"root2"}, {"proof"}};

struct ConsistencyRequest {
  uint64_t size1;
  uint64_t size2;
  ledger::Hash root1;
  ledger::Hash root2;
  std::vector<ledger::Hash> proof;
};

absl::StatusOr<ConsistencyRequest> ParseConsistency(const ParsedArgs& args) {
  CC_RETURN_IF_ERROR(NoPositionals(args));
  ConsistencyRequest request;
  CC_ASSIGN_OR_RETURN(request.size1, RequiredFlag(args, "size1", ParseDecimal));
  CC_ASSIGN_OR_RETURN(request.size2, RequiredFlag(args, "size2", ParseDecimal));
  CC_ASSIGN_OR_RETURN(request.root1, RequiredFlag(args, "root1", ParseHashHex));
  CC_ASSIGN_OR_RETURN(request.root2, RequiredFlag(args, "root2", ParseHashHex));
  CC_ASSIGN_OR_RETURN(request.proof,
                      RequiredFlag(args, "proof", ParseHashList));
  return request;
}

int RunConsistency(const Command& command, const ParsedArgs& args, Io& io) {
  absl::StatusOr<ConsistencyRequest> request = ParseConsistency(args);
  if (!request.ok()) return UsageError(command, request.status(), io);
  absl::Status verified =
      ledger::VerifyConsistency(request->size1, request->size2, request->proof,
                                request->root1, request->root2);
  if (!verified.ok()) return Invalid(verified, io);
  io.out << "valid: the tree of size " << request->size1
         << " is a prefix of the tree of size " << request->size2 << "\n";
  return kExitValid;
}

// ---------------------------------------------------------------------------
// note

constexpr char kNoteUsage[] =
    "usage: cellchain-verify note --vkey VERIFIER_KEY [--vkey ...] FILE\n"
    "\n"
    "Verifies a C2SP signed note (https://c2sp.org/signed-note), such as a\n"
    "ledger checkpoint, read from FILE (\"-\" for standard input), against\n"
    "the verifier keys \"<name>+<hex key id>+<base64 key>\". Signatures by\n"
    "other keys are ignored; every signature by a given key must verify,\n"
    "and at least one must be present. Prints the names of the keys whose\n"
    "signatures verified, one per line.\n";

constexpr FlagSpec kNoteFlags[] = {{"vkey", /*repeatable=*/true}};

int RunNote(const Command& command, const ParsedArgs& args, Io& io) {
  auto vkeys = args.flags.find("vkey");
  if (vkeys == args.flags.end()) {
    return UsageError(command.usage, "missing --vkey", io);
  }
  std::vector<ledger::NoteVerifier> verifiers;
  for (const std::string& vkey : vkeys->second) {
    absl::StatusOr<ledger::NoteVerifier> verifier =
        ledger::NoteVerifier::FromKeyString(vkey);
    if (!verifier.ok()) {
      return UsageError(command, Annotate(verifier.status(), "--vkey " + vkey),
                        io);
    }
    verifiers.push_back(*std::move(verifier));
  }
  if (args.positional.size() != 1) {
    return UsageError(
        command.usage,
        args.positional.empty() ? "missing FILE" : "give exactly one FILE", io);
  }
  absl::StatusOr<std::string> note = ReadInput(args.positional[0], io);
  if (absl::IsOutOfRange(note.status())) return Invalid(note.status(), io);
  if (!note.ok()) return UsageError(command, note.status(), io);

  absl::StatusOr<ledger::VerifiedNote> verified =
      ledger::VerifyNote(*note, verifiers);
  if (!verified.ok()) return Invalid(verified.status(), io);
  for (const ledger::NoteSignature& sig : verified->verified) {
    io.out << Printable(sig.name) << "\n";
  }
  return kExitValid;
}

// ---------------------------------------------------------------------------
// vkey

constexpr char kVkeyUsage[] =
    "usage: cellchain-verify vkey --name NAME FILE\n"
    "\n"
    "Prints the verifier key string \"<name>+<hex key id>+<base64 key>\" of\n"
    "the Ed25519 public key in FILE (PEM, as sequencer.pub or\n"
    "sequencer.next.pub; \"-\" for standard input) under the note key name\n"
    "NAME (a log's checkpoints: its origin, e.g. cellchain.local/audit):\n"
    "what --vkey and `cellchain audit pin-key --add` take. Computed here,\n"
    "offline, from the public key QA received with the change record\n"
    "(decision 0021), never learned from the log.\n";

constexpr FlagSpec kVkeyFlags[] = {{"name"}};

int RunVkey(const Command& command, const ParsedArgs& args, Io& io) {
  auto name = args.flags.find("name");
  if (name == args.flags.end()) {
    return UsageError(command.usage, "missing --name", io);
  }
  if (args.positional.size() != 1) {
    return UsageError(
        command.usage,
        args.positional.empty() ? "missing FILE" : "give exactly one FILE", io);
  }
  absl::StatusOr<std::string> pem = ReadInput(args.positional[0], io);
  if (!pem.ok()) return UsageError(command, pem.status(), io);
  absl::StatusOr<crypto::Ed25519PublicKey> key =
      crypto::Ed25519PublicKey::FromPem(*pem);
  if (!key.ok()) {
    return UsageError(
        command,
        Annotate(key.status(), absl::StrCat(args.positional[0],
                                            ": not an Ed25519 public key PEM")),
        io);
  }
  absl::StatusOr<ledger::NoteVerifier> verifier =
      ledger::NoteVerifier::Create(name->second.front(), *key);
  if (!verifier.ok()) {
    return UsageError(command, Annotate(verifier.status(), "--name"), io);
  }
  io.out << verifier->KeyString() << "\n";
  return kExitValid;
}

// ---------------------------------------------------------------------------
// bundle

constexpr char kBundleUsage[] =
    "usage: cellchain-verify bundle [--vkey VERIFIER_KEY ...]\n"
    "           [--keyring FILE] [--since CHECKPOINT_FILE ...] [--threads N]\n"
    "           DIR\n"
    "\n"
    "Checks an audit bundle exported by cellchain (docs/bundle-format.md)\n"
    "offline: each record's signature, leaf hash, stored columns and\n"
    "signing key; each entity chain; each checkpoint's signature;\n"
    "consistency between checkpoints; that the leaves rebuild each\n"
    "checkpoint (whole-log bundles); each inclusion proof; each current\n"
    "state. Prints a summary and one line per failure naming the record.\n"
    "\n"
    "--vkey is the log's checkpoint verifier key that you trust\n"
    "(\"<name>+<hex key id>+<base64 key>\"), repeatable. Without it the\n"
    "key in the bundle's manifest is used, with a warning: that only shows\n"
    "the bundle agrees with itself. --keyring is the file of record-signing\n"
    "keys that you trust (\"<key id> <base64 key>\" per line, the dev PKI's\n"
    "signing/keyring): a key in the bundle that it does not list is a\n"
    "failure, and so is every record that key signed. Without it the\n"
    "bundle's own keys are used, with a warning. --since is a checkpoint\n"
    "kept outside the database (cellchain audit checkpoint --save),\n"
    "repeatable: a whole-log bundle must still rebuild it, so a log\n"
    "truncated or rewritten since fails. --threads:\n"
    "signature-checking threads (default: all cores).\n"
    "\n"
    "Exit status: 0 when every check holds, 1 when any fails, 2 for a bad\n"
    "command line or a bundle that cannot be read.\n";

constexpr FlagSpec kBundleFlags[] = {{"vkey", /*repeatable=*/true},
                                     {"keyring"},
                                     {"since", /*repeatable=*/true},
                                     {"threads"}};

int RunBundle(const Command& command, const ParsedArgs& args, Io& io) {
  BundleCommand bundle;
  if (auto vkeys = args.flags.find("vkey"); vkeys != args.flags.end()) {
    bundle.vkeys = vkeys->second;
  }
  if (auto keyring = args.flags.find("keyring"); keyring != args.flags.end()) {
    bundle.keyring_file = keyring->second.front();
  }
  if (auto since = args.flags.find("since"); since != args.flags.end()) {
    bundle.since_files = since->second;
  }
  if (auto threads = args.flags.find("threads"); threads != args.flags.end()) {
    absl::StatusOr<uint64_t> n =
        ParseDecimal(threads->second.front(), "--threads");
    if (!n.ok()) return UsageError(command, n.status(), io);
    if (*n < 1 || *n > 1024) {
      return UsageError(command.usage, "--threads must be 1 to 1024", io);
    }
    bundle.threads = static_cast<int>(*n);
  }
  if (args.positional.size() != 1) {
    return UsageError(
        command.usage,
        args.positional.empty() ? "missing DIR" : "give exactly one DIR", io);
  }
  bundle.dir = args.positional[0];
  bundle.progress = io.err_is_terminal;
  return RunBundleCommand(bundle, io.out, io.err);
}

// ---------------------------------------------------------------------------
// Dispatch.

constexpr Command kCommands[] = {
    {"rfc6962",
     "root",
     "print the root of a tree of leaf data",
     kRootUsage,
     {},
     RunRoot},
    {"rfc6962", "inclusion", "verify an inclusion proof", kInclusionUsage,
     kInclusionFlags, RunInclusion},
    {"rfc6962", "consistency", "verify a consistency proof", kConsistencyUsage,
     kConsistencyFlags, RunConsistency},
    {"", "note", "verify a signed note (a checkpoint)", kNoteUsage, kNoteFlags,
     RunNote},
    {"", "bundle", "check an exported audit bundle offline", kBundleUsage,
     kBundleFlags, RunBundle},
    {"", "vkey", "print a public key's verifier key string", kVkeyUsage,
     kVkeyFlags, RunVkey},
};

std::string GroupUsage(std::string_view group) {
  std::string usage =
      group.empty()
          ? "usage: cellchain-verify <command> [arguments]\n"
          : absl::StrCat("usage: cellchain-verify ",
                         absl::string_view(group.data(), group.size()),
                         " <command> [arguments]\n");
  if (group.empty()) {
    absl::StrAppend(
        &usage,
        "\nOffline checks of cellchain audit-ledger proofs and signatures.\n"
        "Exit status: 0 valid, 1 invalid (the reason on stderr), 2 usage\n"
        "error.\n");
  }
  absl::StrAppend(&usage, "\ncommands:\n");
  for (const Command& command : kCommands) {
    if (!group.empty() && command.group != group) continue;
    std::string words =
        command.group.empty()
            ? std::string(command.name)
            : absl::StrCat(
                  absl::string_view(command.group.data(), command.group.size()),
                  " ",
                  absl::string_view(command.name.data(), command.name.size()));
    words.resize(std::max<size_t>(words.size(), 22), ' ');
    absl::StrAppend(
        &usage, "  ", words, " ",
        absl::string_view(command.summary.data(), command.summary.size()),
        "\n");
  }
  absl::StrAppend(&usage,
                  "\nRun \"cellchain-verify <command> --help\" for its "
                  "arguments.\n");
  return usage;
}

bool IsHelp(std::string_view arg) { return arg == "--help" || arg == "-h"; }

bool IsGroup(std::string_view word) {
  for (const Command& command : kCommands) {
    if (!command.group.empty() && command.group == word) return true;
  }
  return false;
}

const Command* FindCommand(std::string_view group, std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.group == group && command.name == name) return &command;
  }
  return nullptr;
}

}  // namespace

int Run(std::span<const std::string> args, std::istream& in, std::ostream& out,
        std::ostream& err) {
  return Run(args, in, out, err, RunOptions());
}

int Run(std::span<const std::string> args, std::istream& in, std::ostream& out,
        std::ostream& err, const RunOptions& options) {
  Io io{in, out, err, options.err_is_terminal};
  const std::string top_usage = GroupUsage("");
  if (args.empty()) return UsageError(top_usage, "missing command", io);
  if (IsHelp(args[0])) {
    out << top_usage;
    return kExitValid;
  }
  std::string_view group;
  if (IsGroup(args[0])) {
    group = args[0];
    args = args.subspan(1);
    const std::string group_usage = GroupUsage(group);
    if (args.empty()) {
      return UsageError(group_usage, "missing command", io);
    }
    if (IsHelp(args[0])) {
      out << group_usage;
      return kExitValid;
    }
  }
  const Command* command = FindCommand(group, args[0]);
  if (command == nullptr) {
    return UsageError(group.empty() ? top_usage : GroupUsage(group),
                      absl::StrCat("unknown command \"", args[0], "\""), io);
  }
  absl::StatusOr<ParsedArgs> parsed =
      ParseArgs(args.subspan(1), command->flags);
  if (!parsed.ok()) return UsageError(*command, parsed.status(), io);
  if (parsed->help) {
    out << command->usage;
    return kExitValid;
  }
  return command->handler(*command, *parsed, io);
}

}  // namespace cellchain::verify
