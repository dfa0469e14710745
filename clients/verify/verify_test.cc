#include "clients/verify/verify.h"

#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/verify/command_line.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/ed25519.h"
#include "services/ledger/known_answers_testing.h"
#include "services/ledger/merkle.h"
#include "services/ledger/note.h"

namespace cellchain::verify {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

using ledger::testing::kConsistencyProof;
using ledger::testing::kEmptyRootHex;
using ledger::testing::kEnochVkey;
using ledger::testing::kInclusionProof;
using ledger::testing::kLeafDataHex;
using ledger::testing::kPeterNote;
using ledger::testing::kPeterVkey;
using ledger::testing::kRoot6;
using ledger::testing::kRoot8;

// golang.org/x/mod/sumdb/note known answers (note_test.go).
constexpr char kEnochSigLine[] =
    "\xE2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiO"
    "Hp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result RunVerify(std::vector<std::string> args, const std::string& input = "") {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  int code = Run(args, in, out, err);
  return Result{code, out.str(), err.str()};
}

std::string LeafHashHex(const std::string& data_hex) {
  return ledger::HashHex(
      ledger::LeafHash(ParseHexBytes(data_hex, "leaf").value()));
}

std::vector<std::string> InclusionArgs() {
  return {"rfc6962", "inclusion", "--index",     "5",
          "--size",  "8",         "--leaf-hash", LeafHashHex(kLeafDataHex[5]),
          "--root",  kRoot8,      "--proof",     kInclusionProof};
}

std::vector<std::string> ConsistencyArgs() {
  return {"rfc6962", "consistency", "--size1", "6",
          "--size2", "8",           "--root1", kRoot6,
          "--root2", kRoot8,        "--proof", kConsistencyProof};
}

// Replaces the value following `flag` in `args`.
std::vector<std::string> Set(std::vector<std::string> args,
                             const std::string& flag,
                             const std::string& value) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) args[i + 1] = value;
  }
  return args;
}

std::vector<std::string> Without(std::vector<std::string> args,
                                 const std::string& flag) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) {
      args.erase(args.begin() + i, args.begin() + i + 2);
      break;
    }
  }
  return args;
}

void ExpectUsage(const Result& r, const std::string& message) {
  EXPECT_EQ(r.code, kExitUsage) << r.err;
  EXPECT_THAT(r.err, HasSubstr(message));
  EXPECT_THAT(r.err, HasSubstr("usage: cellchain-verify"));
  EXPECT_THAT(r.out, IsEmpty());
}

void ExpectInvalid(const Result& r, const std::string& message) {
  EXPECT_EQ(r.code, kExitInvalid) << r.err;
  EXPECT_THAT(r.err, StartsWith("cellchain-verify: invalid: "));
  EXPECT_THAT(r.err, HasSubstr(message));
  EXPECT_THAT(r.out, IsEmpty());
}

// ---------------------------------------------------------------------------
// Command-line building blocks.

TEST(CommandLineTest, Decimal) {
  EXPECT_EQ(ParseDecimal("0", "n").value(), 0u);
  EXPECT_EQ(ParseDecimal("18446744073709551615", "n").value(),
            18446744073709551615u);
  for (const char* bad : {"", "-1", "+1", "01", " 1", "1 ", "1e3", "0x10",
                          "18446744073709551616", "1_000"}) {
    absl::StatusOr<uint64_t> n = ParseDecimal(bad, "--size");
    EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(n.status().message(), HasSubstr("--size")) << bad;
  }
}

TEST(CommandLineTest, HashesAndLists) {
  EXPECT_EQ(ledger::HashHex(ParseHashHex(kRoot8, "h").value()), kRoot8);
  std::string upper = kRoot8;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(ledger::HashHex(ParseHashHex(upper, "h").value()), kRoot8);
  EXPECT_FALSE(ParseHashHex(std::string(kRoot8).substr(2), "h").ok());
  EXPECT_FALSE(ParseHashHex(std::string(kRoot8) + "0", "h").ok());
  EXPECT_FALSE(ParseHashHex(std::string(kRoot8) + "00", "h").ok());
  EXPECT_FALSE(ParseHashHex(std::string("0x") + kRoot8, "h").ok());

  EXPECT_THAT(ParseHashList("", "--proof").value(), IsEmpty());
  EXPECT_EQ(ParseHashList(kInclusionProof, "--proof").value().size(), 3u);
  for (std::string bad :
       {std::string(","), std::string(kRoot8) + ",", "," + std::string(kRoot8),
        std::string(kRoot8) + ",," + kRoot8, std::string(kRoot8) + " "}) {
    EXPECT_EQ(ParseHashList(bad, "--proof").status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_THAT(
      ParseHashList(std::string(kRoot8) + ",ab", "--proof").status().message(),
      HasSubstr("--proof item 1"));
}

TEST(CommandLineTest, Args) {
  const FlagSpec specs[] = {{"one"}, {"many", /*repeatable=*/true}};
  std::vector<std::string> args = {"--one=1", "x",        "--many", "a",
                                   "-",       "--many=b", "--",     "--one"};
  ParsedArgs parsed = ParseArgs(args, specs).value();
  EXPECT_EQ(parsed.Required("one").value(), "1");
  EXPECT_EQ(parsed.flags.at("many"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(parsed.positional, (std::vector<std::string>{"x", "-", "--one"}));
  EXPECT_FALSE(parsed.help);
  EXPECT_EQ(parsed.Required("missing").status().code(),
            absl::StatusCode::kInvalidArgument);

  const std::vector<std::vector<std::string>> bad = {
      {"--nope", "1"}, {"--one"}, {"--one", "1", "--one", "2"}, {"-x"}};
  for (const std::vector<std::string>& b : bad) {
    EXPECT_EQ(ParseArgs(b, specs).status().code(),
              absl::StatusCode::kInvalidArgument)
        << b[0];
  }
  std::vector<std::string> help = {"--one", "1", "-h", "--nope"};
  EXPECT_TRUE(ParseArgs(help, specs).value().help);
}

// The readings CLI11 shares with every cellchain binary (decision 0016), and
// the strictness kept around it.
TEST(CommandLineTest, ReadingsAroundCli11) {
  const FlagSpec specs[] = {{"one"}, {"many", /*repeatable=*/true}};
  auto parse = [&](std::vector<std::string> args) {
    return ParseArgs(args, specs);
  };
  // "--one=" is an empty value, not a missing one that takes the next word;
  // a value may end in '=' (Base64 padding, a file name).
  ParsedArgs empty = parse({"--one=", "00"}).value();
  EXPECT_EQ(empty.Required("one").value(), "");
  EXPECT_EQ(empty.positional, (std::vector<std::string>{"00"}));
  EXPECT_EQ(parse({"--one=a+b=="}).value().Required("one").value(), "a+b==");
  EXPECT_EQ(parse({"--one", ""}).value().Required("one").value(), "");
  // A negative number is a value; another word starting with '-' needs '='.
  EXPECT_EQ(parse({"--one", "-1"}).value().Required("one").value(), "-1");
  EXPECT_EQ(parse({"--one=-k"}).value().Required("one").value(), "-k");
  EXPECT_EQ(parse({"--one", "-k"}).status().message(),
            "unknown option -k (options: --one, --many); --one needs a value");
  EXPECT_EQ(parse({"--one", "--", "x"}).status().message(),
            "--one needs a value");
  // An argument is never split ("[a,b]" is one word), and "-1" or "---one"
  // is a flag no command has, as before.
  EXPECT_EQ(parse({"[a,b]"}).value().positional,
            (std::vector<std::string>{"[a,b]"}));
  EXPECT_EQ(
      parse({"x", "---one", "-1", "--nope=secret", "-"}).status().message(),
      "unknown option ---one; unknown option -1; unknown option --nope "
      "(options: --one, --many)");
  EXPECT_EQ(
      ParseArgs(std::vector<std::string>{"--leaf"}, {}).status().message(),
      "unknown option --leaf (this command takes no options)");
  // Help wins over unknown flags and a missing value.
  EXPECT_TRUE(parse({"--nope", "--one", "-h"}).value().help);
  EXPECT_FALSE(parse({"--", "-h"}).value().help);
  // ... and over a flag given twice, wherever the -h is.
  EXPECT_TRUE(parse({"-h", "--one", "1", "--one", "2"}).value().help);
  EXPECT_TRUE(parse({"--one", "1", "--help", "--one", "2"}).value().help);
  EXPECT_EQ(parse({"--one", "1", "--one", "2", "--", "-h"}).status().message(),
            "--one given more than once");
}

TEST(VerifyRootTest, LeafDataIsNeverSplit) {
  ExpectUsage(RunVerify({"rfc6962", "root", "[00,10]"}), "leaf 0");
}

// ---------------------------------------------------------------------------
// rfc6962 root.

TEST(VerifyRootTest, KnownAnswers) {
  Result empty = RunVerify({"rfc6962", "root"});
  EXPECT_EQ(empty.code, kExitValid);
  EXPECT_EQ(empty.out, absl::StrCat(kEmptyRootHex, "\n"));

  std::vector<std::string> args = {"rfc6962", "root"};
  args.insert(args.end(), std::begin(kLeafDataHex), std::end(kLeafDataHex));
  Result eight = RunVerify(args);
  EXPECT_EQ(eight.code, kExitValid) << eight.err;
  EXPECT_EQ(eight.out, absl::StrCat(kRoot8, "\n"));

  args.resize(2 + 6);
  EXPECT_EQ(RunVerify(args).out, absl::StrCat(kRoot6, "\n"));
}

TEST(VerifyRootTest, BadLeafData) {
  ExpectUsage(RunVerify({"rfc6962", "root", "00", "abc"}), "leaf 1");
  ExpectUsage(RunVerify({"rfc6962", "root", "zz"}), "leaf 0");
  ExpectUsage(RunVerify({"rfc6962", "root", "--leaf", "00"}),
              "unknown option --leaf");
}

// ---------------------------------------------------------------------------
// rfc6962 inclusion.

TEST(VerifyInclusionTest, ValidProof) {
  Result r = RunVerify(InclusionArgs());
  EXPECT_EQ(r.code, kExitValid) << r.err;
  EXPECT_EQ(r.out, "valid: leaf 5 is in the tree of size 8\n");
  EXPECT_THAT(r.err, IsEmpty());

  // --name=value works too; a one-leaf tree has the empty proof.
  std::string leaf = LeafHashHex("00");
  Result one = RunVerify({"rfc6962", "inclusion", "--index=0", "--size=1",
                          "--leaf-hash=" + leaf, "--root=" + leaf, "--proof="});
  EXPECT_EQ(one.code, kExitValid) << one.err;
  EXPECT_EQ(RunVerify({"rfc6962", "inclusion", "--index", "0", "--size", "1",
                       "--leaf-hash", leaf, "--root", leaf, "--proof", ""})
                .code,
            kExitValid);
}

TEST(VerifyInclusionTest, InvalidProofs) {
  std::string flipped = kInclusionProof;
  flipped[70] = flipped[70] == '0' ? '1' : '0';  // In the second hash.
  ExpectInvalid(RunVerify(Set(InclusionArgs(), "--proof", flipped)),
                "leads to root");
  ExpectInvalid(RunVerify(Set(InclusionArgs(), "--index", "4")),
                "leads to root");
  ExpectInvalid(RunVerify(Set(InclusionArgs(), "--root", kRoot6)),
                "leads to root");
  ExpectInvalid(RunVerify(Set(InclusionArgs(), "--size", "16")),
                "has 4 hashes, got 3");
  ExpectInvalid(
      RunVerify(Set(InclusionArgs(), "--proof",
                    std::string(kInclusionProof).substr(0, 64 * 2 + 1))),
      "has 3 hashes, got 2");
  ExpectInvalid(RunVerify(Set(InclusionArgs(), "--index", "8")),
                "is not in a tree of size 8");
}

TEST(VerifyInclusionTest, UsageErrors) {
  ExpectUsage(RunVerify(Without(InclusionArgs(), "--root")), "missing --root");
  ExpectUsage(RunVerify(Without(InclusionArgs(), "--proof")),
              "missing --proof");
  ExpectUsage(RunVerify(Set(InclusionArgs(), "--index", "-1")), "--index");
  ExpectUsage(RunVerify(Set(InclusionArgs(), "--size", "08")), "--size");
  ExpectUsage(RunVerify(Set(InclusionArgs(), "--root", "abcd")),
              "--root: a tree hash is 32 bytes, got 2");
  ExpectUsage(RunVerify(Set(InclusionArgs(), "--leaf-hash", "xyz")),
              "--leaf-hash");
  ExpectUsage(RunVerify(Set(InclusionArgs(), "--proof",
                            std::string(kInclusionProof) + ",")),
              "--proof item 3 is empty");
  std::vector<std::string> twice = InclusionArgs();
  twice.push_back("--index");
  twice.push_back("5");
  ExpectUsage(RunVerify(twice), "--index given more than once");
  std::vector<std::string> extra = InclusionArgs();
  extra.push_back("stray");
  ExpectUsage(RunVerify(extra), "unexpected argument \"stray\"");
}

// ---------------------------------------------------------------------------
// rfc6962 consistency.

TEST(VerifyConsistencyTest, ValidProofs) {
  Result r = RunVerify(ConsistencyArgs());
  EXPECT_EQ(r.code, kExitValid) << r.err;
  EXPECT_EQ(r.out,
            "valid: the tree of size 6 is a prefix of the tree of "
            "size 8\n");
  Result from_empty =
      RunVerify({"rfc6962", "consistency", "--size1", "0", "--size2", "8",
                 "--root1", kEmptyRootHex, "--root2", kRoot8, "--proof", ""});
  EXPECT_EQ(from_empty.code, kExitValid) << from_empty.err;
}

TEST(VerifyConsistencyTest, InvalidProofs) {
  ExpectInvalid(RunVerify(Set(Set(ConsistencyArgs(), "--root1", kRoot8),
                              "--root2", kRoot6)),
                "leads to old root");
  ExpectInvalid(RunVerify(Set(ConsistencyArgs(), "--size1", "9")),
                "smaller size 8");
  ExpectInvalid(RunVerify(Set(ConsistencyArgs(), "--proof", "")),
                "has 3 hashes, got 0");
  std::string flipped = kConsistencyProof;
  flipped[0] = 'f';
  ExpectInvalid(RunVerify(Set(ConsistencyArgs(), "--proof", flipped)),
                "leads to old root");
}

TEST(VerifyConsistencyTest, UsageErrors) {
  ExpectUsage(RunVerify(Without(ConsistencyArgs(), "--size2")),
              "missing --size2");
  ExpectUsage(RunVerify(Set(ConsistencyArgs(), "--size1", "six")), "--size1");
  ExpectUsage(RunVerify(Set(ConsistencyArgs(), "--root2", "")), "--root2");
}

// ---------------------------------------------------------------------------
// note.

std::string WriteTempFile(const std::string& name, const std::string& data) {
  std::string path = absl::StrCat(::testing::TempDir(), "/", name);
  std::ofstream(path, std::ios::binary) << data;
  return path;
}

TEST(VerifyNoteTest, GoKnownAnswerFromFileAndStdin) {
  std::string path = WriteTempFile("peter.note", kPeterNote);
  Result r = RunVerify({"note", "--vkey", kPeterVkey, path});
  EXPECT_EQ(r.code, kExitValid) << r.err;
  EXPECT_EQ(r.out, "PeterNeumann\n");

  Result piped = RunVerify({"note", "--vkey", kPeterVkey, "-"}, kPeterNote);
  EXPECT_EQ(piped.code, kExitValid) << piped.err;
  EXPECT_EQ(piped.out, "PeterNeumann\n");

  std::string both = absl::StrCat(kPeterNote, kEnochSigLine);
  Result two = RunVerify(
      {"note", "--vkey", kEnochVkey, "--vkey", kPeterVkey, "-"}, both);
  EXPECT_EQ(two.code, kExitValid) << two.err;
  EXPECT_EQ(two.out, "PeterNeumann\nEnochRoot\n");
}

TEST(VerifyNoteTest, InvalidNotes) {
  std::string tampered = kPeterNote;
  tampered.replace(tampered.find("answer"), 6, "ANSWER");
  ExpectInvalid(RunVerify({"note", "--vkey", kPeterVkey, "-"}, tampered),
                "does not verify");
  ExpectInvalid(RunVerify({"note", "--vkey", kEnochVkey, "-"}, kPeterNote),
                "no signature by a trusted key");
  ExpectInvalid(
      RunVerify({"note", "--vkey", kPeterVkey, "-"}, "no signatures here\n"),
      "no blank line");
}

TEST(VerifyNoteTest, UsageErrors) {
  std::string path = WriteTempFile("peter2.note", kPeterNote);
  ExpectUsage(RunVerify({"note", path}), "missing --vkey");
  ExpectUsage(RunVerify({"note", "--vkey", kPeterVkey}), "missing FILE");
  ExpectUsage(RunVerify({"note", "--vkey", kPeterVkey, path, path}),
              "exactly one FILE");
  ExpectUsage(RunVerify({"note", "--vkey", "PeterNeumann+c74f20a3", path}),
              "--vkey PeterNeumann+c74f20a3");
  ExpectUsage(RunVerify({"note", "--vkey", kPeterVkey,
                         absl::StrCat(::testing::TempDir(), "/no-such.note")}),
              "No such file");
  ExpectUsage(RunVerify({"note", "--vkey", kPeterVkey, ::testing::TempDir()}),
              "cannot read");
}

// The verifier key string of a checkpoint key's public half, as an operator
// hands it to QA in a rotation (decision 0021): the one that verifies what
// that key signs, for `note --vkey` and `cellchain audit pin-key --add`.
TEST(VerifyVkeyTest, APublicKeyFileGivesTheVerifierKeyThatChecksItsNotes) {
  absl::StatusOr<crypto::Ed25519PrivateKey> key =
      crypto::Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::string> pem = key->PublicKeyPem();
  ASSERT_TRUE(pem.ok()) << pem.status();
  const std::string pub = WriteTempFile("sequencer.next.pub", *pem);
  absl::StatusOr<ledger::NoteSigner> signer =
      ledger::NoteSigner::Create("cellchain.local/audit", *std::move(key));
  ASSERT_TRUE(signer.ok()) << signer.status();

  Result r = RunVerify({"vkey", "--name", "cellchain.local/audit", pub});
  ASSERT_EQ(r.code, kExitValid) << r.err;
  EXPECT_EQ(r.out, signer->verifier().KeyString() + "\n");
  Result piped =
      RunVerify({"vkey", "--name", "cellchain.local/audit", "-"}, *pem);
  EXPECT_EQ(piped.out, r.out);

  absl::StatusOr<std::string> note =
      ledger::SignNote("cellchain.local/audit\n3\nroot\n", *signer);
  ASSERT_TRUE(note.ok()) << note.status();
  std::string vkey = r.out.substr(0, r.out.size() - 1);
  Result checked = RunVerify({"note", "--vkey", vkey, "-"}, *note);
  EXPECT_EQ(checked.code, kExitValid) << checked.err;
  // Another name is another key: it does not verify that log's notes.
  Result other = RunVerify({"vkey", "--name", "other.example/log", pub});
  ASSERT_EQ(other.code, kExitValid) << other.err;
  ExpectInvalid(RunVerify({"note", "--vkey",
                           other.out.substr(0, other.out.size() - 1), "-"},
                          *note),
                "no signature by a trusted key");
}

TEST(VerifyVkeyTest, UsageErrors) {
  std::string note = WriteTempFile("not-a-key.pem", kPeterNote);
  ExpectUsage(RunVerify({"vkey", note}), "missing --name");
  ExpectUsage(RunVerify({"vkey", "--name", "x.example/log"}), "missing FILE");
  ExpectUsage(RunVerify({"vkey", "--name", "x.example/log", note}),
              "not an Ed25519 public key PEM");
  absl::StatusOr<crypto::Ed25519PrivateKey> key =
      crypto::Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  std::string pub = WriteTempFile("named.pub", *key->PublicKeyPem());
  ExpectUsage(RunVerify({"vkey", "--name", "has space", pub}), "--name");
}

// ---------------------------------------------------------------------------
// Dispatch and help.

TEST(VerifyDispatchTest, Help) {
  Result top = RunVerify({"--help"});
  EXPECT_EQ(top.code, kExitValid);
  EXPECT_THAT(top.out, HasSubstr("rfc6962 inclusion"));
  EXPECT_THAT(top.out, HasSubstr("note"));
  EXPECT_THAT(top.err, IsEmpty());

  Result group = RunVerify({"rfc6962", "-h"});
  EXPECT_EQ(group.code, kExitValid);
  EXPECT_THAT(group.out, HasSubstr("rfc6962 consistency"));

  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"rfc6962", "root", "--help"}, "LEAF_DATA_HEX"},
      {{"rfc6962", "inclusion", "--help"}, "--leaf-hash"},
      {{"rfc6962", "consistency", "--size1", "1", "--help"}, "--size1"},
      {{"note", "-h"}, "--vkey"}};
  for (const auto& [args, want] : cases) {
    Result r = RunVerify(args);
    EXPECT_EQ(r.code, kExitValid) << args[0];
    EXPECT_THAT(r.out, HasSubstr(want));
  }
}

TEST(VerifyDispatchTest, UsageErrors) {
  ExpectUsage(RunVerify({}), "missing command");
  ExpectUsage(RunVerify({"export", "dir"}), "unknown command \"export\"");
  ExpectUsage(RunVerify({"rfc6962"}), "missing command");
  ExpectUsage(RunVerify({"rfc6962", "proof"}), "unknown command \"proof\"");
  ExpectUsage(RunVerify({"root"}), "unknown command \"root\"");
}

}  // namespace
}  // namespace cellchain::verify
