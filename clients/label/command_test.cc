// How cellchain-label's offline commands read their command line (CLI11,
// command.cc): what a technician sees for an unknown flag, a flag given
// twice or without its value, a stray argument, and --help. Run's streams
// are strings here; label_binary_test runs the built binary.
#include "clients/label/command.h"

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::label {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

struct Outcome {
  int exit_code;
  std::string out;
  std::string err;
};

Outcome RunWith(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int exit_code = Run(args, out, err);
  return {exit_code, out.str(), err.str()};
}

// A usage error: exit 2, the problem first, then the usage, nothing on
// stdout.
void ExpectUsageError(const Outcome& o, const std::string& problem) {
  EXPECT_EQ(o.exit_code, kExitUsage) << o.err;
  EXPECT_THAT(o.err, StartsWith("cellchain-label: " + problem + "\n\n"));
  EXPECT_THAT(o.err, HasSubstr("usage: cellchain-label <command>"));
  EXPECT_THAT(o.out, IsEmpty());
}

TEST(CommandLineTest, UnknownFlagsAreRefusedByNameOnly) {
  ExpectUsageError(RunWith({"render", "--form-json", "dose.json"}),
                   "unknown flag --form-json");
  ExpectUsageError(RunWith({"print", "-x"}), "unknown flag -x");
  // Each is named, without the value given to it.
  Outcome o = RunWith({"printer-status", "--printr=zebra-lab2", "--tmeout", "5",
                       "--printer", "zebra-lab2"});
  ExpectUsageError(o, "unknown flag --printr; unknown flag --tmeout");
  EXPECT_THAT(o.err, Not(HasSubstr("zebra-lab2")));
  // A flag of another command is unknown to this one.
  ExpectUsageError(
      RunWith({"printer-status", "--printer", "p", "--copies", "2"}),
      "unknown flag --copies");
  // Words that look like flags are refused as flags, as before CLI11.
  ExpectUsageError(RunWith({"render", "---from-json", "x"}),
                   "unknown flag ---from-json");
  ExpectUsageError(RunWith({"render", "--"}), "unknown flag --");
  ExpectUsageError(RunWith({"isbt", "check-char", "-1"}), "unknown flag -1");
}

TEST(CommandLineTest, AFlagGivenTwiceIsRefused) {
  ExpectUsageError(
      RunWith({"render", "--dpi", "203", "--format", "zpl", "--dpi=300"}),
      "--dpi given twice");
  ExpectUsageError(RunWith({"print", "-o", "a.zpl", "-o", "b.zpl"}),
                   "-o given twice");
}

TEST(CommandLineTest, AFlagWithoutItsValueIsRefused) {
  ExpectUsageError(RunWith({"render", "--format", "zpl", "--from-json"}),
                   "--from-json needs a value");
  ExpectUsageError(RunWith({"print", "--from-json", "x", "--dpi", "203", "-o"}),
                   "-o needs a value");
  // "--name=" is an empty value, not "take the next argument".
  ExpectUsageError(RunWith({"render", "--from-json", "x", "--format=", "zpl",
                            "--dpi", "203", "-o", "out.zpl"}),
                   "unexpected argument zpl");
  ExpectUsageError(RunWith({"render", "--from-json", "x", "--format=", "--dpi",
                            "203", "-o", "out.zpl"}),
                   "missing --format");
}

TEST(CommandLineTest, AFlagsValueIsTheNextArgumentWhateverItLooksLike) {
  // Taken as the file to read, not as a flag.
  Outcome o = RunWith({"render", "--from-json", "-no-such.json", "--format",
                       "zpl", "--dpi", "203", "-o", "out.zpl"});
  EXPECT_EQ(o.exit_code, kExitRefused) << o.err;
  EXPECT_EQ(o.err, "cellchain-label: refused: cannot read -no-such.json\n");
  o = RunWith({"print", "--from-json", "x", "--dpi", "203", "-o", "out.zpl",
               "--copies", "-1"});
  ExpectUsageError(o, "--copies must be 1 to 99");
}

TEST(CommandLineTest, ArgumentsACommandDoesNotTakeAreRefused) {
  ExpectUsageError(RunWith({"render", "--from-json", "x", "--format", "zpl",
                            "--dpi", "203", "-o", "out.zpl", "extra"}),
                   "unexpected argument extra");
  ExpectUsageError(RunWith({"printer-status", "zebra-lab2"}),
                   "unexpected argument zebra-lab2");
  ExpectUsageError(RunWith({"isbt", "check-char"}),
                   "isbt check-char takes one argument");
  ExpectUsageError(RunWith({"isbt", "parse", "=A", "=B"}),
                   "isbt parse takes one argument");
  // One argument as typed: CLI11's vector options would split "[a,b]".
  ExpectUsageError(RunWith({"printer-status", "[a,b]"}),
                   "unexpected argument [a,b]");
  ExpectUsageError(RunWith({"isbt", "frobnicate", "x"}),
                   "unknown isbt command frobnicate");
  ExpectUsageError(RunWith({"isbt"}), "missing isbt command");
  ExpectUsageError(RunWith({"frobnicate"}), "unknown command frobnicate");
  ExpectUsageError(RunWith({}), "missing command");
}

TEST(CommandLineTest, HelpAnywherePrintsTheUsageAndDoesNothingElse) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"--help"},
           {"-h"},
           {"help"},
           {"render", "--help"},
           {"print", "--from-json", "x", "-h"},
           // Over any other problem of the command line.
           {"render", "--bogus", "--dpi", "1", "--dpi", "2", "--help"},
           {"render", "--help", "-o"},
           {"printer-status", "-h", "--printer", "zebra-lab2"},
           {"isbt", "--help"},
           {"isbt", "parse", "--help"}}) {
    Outcome o = RunWith(args);
    EXPECT_EQ(o.exit_code, kExitDone) << args.back() << ": " << o.err;
    EXPECT_THAT(o.out, AllOf(StartsWith("usage: cellchain-label <command>"),
                             HasSubstr("isbt check-char DIN13")));
    EXPECT_THAT(o.err, IsEmpty());
  }
}

}  // namespace
}  // namespace cellchain::label
