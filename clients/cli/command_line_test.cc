// What a person meets when typing a cellchain command line: every command's
// help names only flags it takes, a group's --help lists that group, a flag
// that does not apply or is unknown is refused naming it and the command,
// and the examples in docs/ are command lines the CLI accepts.
#include "clients/cli/command_line.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/audit_commands.h"
#include "clients/cli/commands.h"
#include "clients/cli/cosigner.h"
#include "clients/cli/dose_commands.h"
#include "clients/cli/identity_commands.h"
#include "clients/cli/manufacturing_commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::cli {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Files the CLI must find readable (--ca, --cert, --key); what they hold
// does not matter before a call.
constexpr char kAnyFile[] = CELLCHAIN_SOURCE_DIR "/README.md";

std::optional<std::string> Environment(const std::string& name) {
  if (name == "CELLCHAIN_CA" || name == "CELLCHAIN_CERT" ||
      name == "CELLCHAIN_KEY") {
    return kAnyFile;
  }
  return std::nullopt;
}

absl::StatusOr<CommandLine> Parse(std::vector<std::string> args,
                                  const config::EnvLookup& env = Environment) {
  args.insert(args.begin(), "cellchain");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data(), env);
}

std::string Refusal(const std::vector<std::string>& args) {
  absl::StatusOr<CommandLine> line = Parse(args);
  EXPECT_FALSE(line.ok()) << "accepted: " << args.back();
  return line.ok() ? "" : std::string(line.status().message());
}

TEST(CommandLineTest, EveryFlagAHelpTextNamesIsOneItsCommandTakes) {
  std::regex flag("--([a-z][a-z0-9-]*)");
  std::set<std::string> common(CommonFlags().begin(), CommonFlags().end());
  for (const CommandSpec& spec : Commands()) {
    std::vector<std::string> takes = FlagsOf(spec);
    std::set<std::string> own(takes.begin(), takes.end());
    // The usage lines: what follows may name other programs' flags
    // (cellchaind's --allow-technician-qa) or other commands'.
    std::string help = spec.help;
    std::string usage;
    for (const std::string& line :
         std::vector<std::string>(absl::StrSplit(help, '\n'))) {
      if (!line.starts_with("cellchain ") && !line.starts_with(" ")) break;
      usage += line + "\n";
    }
    for (auto it = std::sregex_iterator(usage.begin(), usage.end(), flag);
         it != std::sregex_iterator(); ++it) {
      std::string name = (*it)[1];
      EXPECT_TRUE(own.contains(name) || common.contains(name))
          << spec.command << "'s help names --" << name;
    }
    for (const std::string& required : RequiredFlagsOf(spec)) {
      EXPECT_THAT(usage, HasSubstr("--" + required)) << spec.command;
    }
  }
}

TEST(CommandLineTest, EveryFlagACommandTakesIsDeclaredByItsGroup) {
  // A flag a command lists but its group does not declare would be refused
  // as unknown when typed: its --help lists each flag with its variable.
  for (const CommandSpec& spec : Commands()) {
    std::vector<std::string> words = absl::StrSplit(spec.command, ' ');
    words.push_back("--help");
    absl::StatusOr<CommandLine> line = Parse(words);
    ASSERT_TRUE(line.ok()) << spec.command << ": " << line.status();
    for (const std::string& flag : FlagsOf(spec)) {
      std::string variable = "CELLCHAIN_" + absl::AsciiStrToUpper(flag);
      std::replace(variable.begin(), variable.end(), '-', '_');
      EXPECT_THAT(line->help, HasSubstr("(env " + variable + ")"))
          << spec.command << " --" << flag;
    }
  }
  // Another group's flags are not offered: batch-show's help lists
  // --batch-id, not custody's --item-id.
  absl::StatusOr<CommandLine> show =
      Parse({"manufacturing", "batch-show", "--help"});
  ASSERT_TRUE(show.ok());
  EXPECT_THAT(show->help, HasSubstr("--batch-id="));
  EXPECT_THAT(show->help, Not(HasSubstr("--format=")));
  EXPECT_THAT(show->help, Not(HasSubstr("--item-id=")));
}

TEST(CommandLineTest, AGroupsHelpListsItsCommandsNotTheGlobalHelp) {
  for (const char* group : {"manufacturing", "mfg"}) {
    absl::StatusOr<CommandLine> line = Parse({group, "--help"});
    ASSERT_TRUE(line.ok()) << line.status();
    EXPECT_THAT(line->help,
                HasSubstr("Usage: cellchain manufacturing COMMAND"));
    EXPECT_THAT(line->help, Not(HasSubstr("custody register")));
    EXPECT_THAT(line->help, Not(HasSubstr("login ")));
    for (const CommandSpec& spec : Commands()) {
      std::string_view command = spec.command;
      if (!command.starts_with("manufacturing ")) continue;
      EXPECT_THAT(line->help,
                  HasSubstr("  " + std::string(command.substr(14)) + "  "))
          << group;
    }
  }
  for (const char* group : {"custody", "donor", "audit", "user", "system"}) {
    absl::StatusOr<CommandLine> line = Parse({group, "--help"});
    ASSERT_TRUE(line.ok()) << line.status();
    EXPECT_THAT(line->help, HasSubstr(std::string("Usage: cellchain ") + group +
                                      " COMMAND"));
    EXPECT_THAT(line->help, Not(HasSubstr("batch-start")));
  }
  // The first sentence wrapped to 80 columns under its start, as a role
  // client lists commands (AGroupAndARoleClientListTheirCommandsAlike).
  EXPECT_THAT(Cellchain().GroupHelp("manufacturing"),
              HasSubstr("  batch-start          A batch from an AVAILABLE "
                        "donor lot under process\n"
                        "                       version V (default: the "
                        "server's).\n"));
  // A command's own help is still its own.
  absl::StatusOr<CommandLine> command = Parse({"mfg", "batch-start", "--help"});
  ASSERT_TRUE(command.ok());
  EXPECT_THAT(command->help,
              HasSubstr("Usage: cellchain manufacturing batch-start "
                        "--lot-id=DONOR_LOT"));
  // A group without a command says which commands there are.
  EXPECT_THAT(Refusal({"manufacturing"}),
              HasSubstr("cellchain: manufacturing: which command?"));
}

TEST(CommandLineTest, AFlagThatDoesNotApplyIsRefusedNamingItAndTheCommand) {
  EXPECT_THAT(Refusal({"manufacturing", "batch-show", "--batch-id=bat_1",
                       "--format=csv"}),
              HasSubstr("cellchain: manufacturing batch-show: --format does "
                        "not apply to this command (it takes --batch-id)"));
  EXPECT_THAT(
      Refusal({"mfg", "batch-start", "--lot-id=lot_1", "--din=A999926000003"}),
      HasSubstr("cellchain: manufacturing batch-start: --din does "
                "not apply"));
  EXPECT_THAT(Refusal({"custody", "limits", "--item-id=itm_1"}),
              HasSubstr("(it takes no flags of its own)"));
  // --no-<bool> is the flag too.
  EXPECT_THAT(Refusal({"audit", "history", "--entity-type=item",
                       "--entity-id=itm_1", "--no-newest-first"}),
              HasSubstr("--newest-first does not apply"));
  // What applies is accepted, in either form.
  absl::StatusOr<CommandLine> ok =
      Parse({"mfg", "growth-curve", "--batch-id", "bat_1", "--format=csv"});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->invocation->As<ManufacturingOptions>().format, "csv");
  EXPECT_EQ(ok->invocation->As<ManufacturingOptions>().batch_id, "bat_1");
  EXPECT_STREQ(ok->command->command, "manufacturing growth-curve");
}

TEST(CommandLineTest, AnUnknownFlagIsRefusedNamingItAndTheCommand) {
  EXPECT_THAT(Refusal({"manufacturing", "batch-show", "--batch-id=bat_1",
                       "--colour=red"}),
              HasSubstr("cellchain: manufacturing batch-show: unknown flag "
                        "--colour; see cellchain manufacturing batch-show "
                        "--help"));
  // A stray value after it does not hide the command.
  EXPECT_THAT(Refusal({"manufacturing", "batch-show", "--colour", "red"}),
              HasSubstr("cellchain: manufacturing batch-show: unknown flag "
                        "--colour"));
  EXPECT_THAT(Refusal({"--colour=red"}),
              HasSubstr("cellchain: unknown flag --colour"));
  EXPECT_THAT(Refusal({"manufacturing", "batch-shw"}),
              HasSubstr("unknown command \"manufacturing batch-shw\""));
  // The CLI takes no arguments but the command's words.
  EXPECT_THAT(Refusal({"manufacturing", "growth-curve", "BATCH"}),
              HasSubstr("cellchain: manufacturing growth-curve: unexpected "
                        "argument \"BATCH\""));
}

// A client of one role (cellchain-qa, cellchain-pharmacy) offers some
// commands of the groups: the others are unknown to it, its help lists only
// its own, and every message and usage line carries its name.
TEST(CommandLineTest, AProgramOfSomeCommandsOffersOnlyThoseUnderItsName) {
  Program qa("cellchain-qa",
             {{&SessionGroup(), {}}, {&AuditGroup(), {"audit query"}}},
             "QA's commands.\n");
  auto parse = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "cellchain-qa");
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    return ParseCommandLine(qa, static_cast<int>(argv.size()), argv.data(),
                            Environment);
  };
  absl::StatusOr<CommandLine> query = parse({"audit", "query", "--din=X"});
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_STREQ(query->command->command, "audit query");
  ASSERT_TRUE(parse({"login", "--user-id=qa.quinn"}).ok());

  absl::StatusOr<CommandLine> verify = parse({"audit", "verify"});
  ASSERT_FALSE(verify.ok());
  EXPECT_EQ(verify.status().message(),
            "cellchain-qa: unknown command \"audit verify\"; see "
            "cellchain-qa --help");
  absl::StatusOr<CommandLine> batch = parse({"mfg", "batch-show"});
  ASSERT_FALSE(batch.ok());
  EXPECT_THAT(batch.status().message(), HasSubstr("cellchain-qa: unknown"));
  // A flag only a command it does not offer takes is unknown to it.
  absl::StatusOr<CommandLine> flag = parse({"audit", "query", "--tree-size=3"});
  ASSERT_FALSE(flag.ok());
  EXPECT_THAT(flag.status().message(),
              HasSubstr("cellchain-qa: audit query: unknown flag --tree-size"));

  absl::StatusOr<CommandLine> help = parse({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_THAT(help->help, HasSubstr("Usage: cellchain-qa"));
  EXPECT_THAT(help->help, HasSubstr("  audit query  Records matching"));
  EXPECT_THAT(help->help, HasSubstr("QA's commands."));
  EXPECT_THAT(help->help, Not(HasSubstr("audit verify")));
  EXPECT_THAT(help->help, Not(HasSubstr("batch-start")));
  absl::StatusOr<CommandLine> group = parse({"audit", "--help"});
  ASSERT_TRUE(group.ok());
  EXPECT_THAT(group->help, HasSubstr("Usage: cellchain-qa audit COMMAND"));
  EXPECT_THAT(group->help, Not(HasSubstr("  checkpoint  ")));
  absl::StatusOr<CommandLine> command = parse({"audit", "query", "--help"});
  ASSERT_TRUE(command.ok());
  EXPECT_THAT(command->help, HasSubstr("Usage: cellchain-qa audit query "));
  EXPECT_THAT(command->help, Not(HasSubstr("cellchain audit")));
}

// One command of a listing (a program's --help, a group's): the column its
// first sentence starts at, and the sentence, its wrapped lines joined.
struct Listed {
  size_t column = 0;
  std::string sentence;
};

// `name`'s entry in `listing`: its line "  NAME  Sentence", then the lines
// indented to the sentence's column. Every line of it fits in 79 columns.
Listed EntryOf(const std::string& listing, const std::string& name) {
  Listed entry;
  std::vector<std::string> lines = absl::StrSplit(listing, '\n');
  auto line = std::find_if(lines.begin(), lines.end(), [&](const auto& l) {
    return l.starts_with("  " + name + "  ");
  });
  if (line == lines.end()) {
    ADD_FAILURE() << "no line for " << name << " in\n" << listing;
    return entry;
  }
  entry.column = line->find_first_not_of(' ', 2 + name.size());
  entry.sentence = line->substr(entry.column);
  EXPECT_LE(line->size(), 79u) << *line;
  const std::string indent(entry.column, ' ');
  for (++line; line != lines.end() && line->starts_with(indent) &&
               line->size() > indent.size() && (*line)[indent.size()] != ' ';
       ++line) {
    EXPECT_LE(line->size(), 79u) << *line;
    entry.sentence += " " + line->substr(indent.size());
  }
  return entry;
}

// `cellchain dose --help` and a role client offering some dose commands
// (cellchain-pharmacy) list them alike: one function draws both, so a
// change to one that the other lacks fails here.
TEST(CommandLineTest, AGroupAndARoleClientListTheirCommandsAlike) {
  const std::vector<std::string> offered = {"dose show", "dose release",
                                            "dose destroy", "dose list"};
  const Program pharmacy("cellchain-pharmacy", {{&DoseGroup(), offered}}, "");
  const std::string group = Cellchain().GroupHelp("dose");
  size_t longest_in_group = 0;
  for (const CommandSpec& spec : DoseGroup().commands()) {
    longest_in_group =
        std::max(longest_in_group, std::string_view(spec.command).size() - 5);
  }
  for (const std::string& command : offered) {
    const CommandSpec* spec =
        Cellchain().FindCommand(absl::StrSplit(command, ' '));
    ASSERT_NE(spec, nullptr) << command;
    Listed in_program = EntryOf(pharmacy.Summary(), command);
    Listed in_group = EntryOf(group, command.substr(5));
    // The whole first sentence, in each, after names padded to the longest.
    EXPECT_EQ(in_program.sentence, FirstSentence(spec->help)) << command;
    EXPECT_EQ(in_group.sentence, FirstSentence(spec->help)) << command;
    EXPECT_EQ(in_program.column, 2 + std::string("dose release").size() + 2);
    EXPECT_EQ(in_group.column, 2 + longest_in_group + 2) << command;
  }
  // Long enough to be wrapped in both.
  EXPECT_THAT(pharmacy.Summary(),
              HasSubstr("\n  dose destroy  Destroys a dose that will not be "
                        "infused (PERFORMED), the\n                witness "
                        "signing at this workstation"));
  EXPECT_THAT(group, HasSubstr("\n  destroy           Destroys a dose that "
                               "will not be infused (PERFORMED), the\n"
                               "                    witness signing at this "
                               "workstation"));
}

// `cellchain --help` lists its groups, each with what it is about and the
// words of all its commands in their order, and the session commands each
// with its first sentence, in one drawing; a role client offering a group
// whole (the session commands in cellchain-pharmacy) lists each of its
// commands as it lists those it picked. Both are read from the commands
// themselves, so a command added, renamed or dropped is listed as it is.
TEST(CommandLineTest, TheListOfGroupsIsMadeFromTheirCommands) {
  const std::string& summary = Cellchain().Summary();
  EXPECT_THAT(summary, HasSubstr("`cellchain GROUP --help` lists a group's "
                                 "commands with\nwhat each does"));
  const size_t column =
      2 + std::string_view(ManufacturingGroup().name()).size() + 2;
  for (const Group* group : Groups()) {
    const std::string name = group->name();
    if (name.empty()) {
      for (const CommandSpec& spec : group->commands()) {
        Listed entry = EntryOf(summary, spec.command);
        EXPECT_EQ(entry.sentence, FirstSentence(spec.help)) << spec.command;
        EXPECT_EQ(entry.column, column) << spec.command;
      }
      continue;
    }
    std::vector<std::string> words;
    for (const CommandSpec& spec : group->commands()) {
      words.push_back(std::string(spec.command).substr(name.size() + 1));
    }
    Listed entry = EntryOf(summary, name);
    EXPECT_EQ(entry.column, column) << name;
    EXPECT_THAT(entry.sentence, StartsWith(group->about())) << name;
    // One colon, before the words.
    EXPECT_THAT(std::string(group->about()), Not(HasSubstr(":"))) << name;
    EXPECT_THAT(entry.sentence,
                EndsWith(": " + absl::StrJoin(words, ", ") + "."))
        << name;
    // No command of a group is listed on its own.
    EXPECT_THAT(
        summary,
        Not(HasSubstr("\n  " + std::string(group->commands()[0].command))))
        << name;
  }
  EXPECT_THAT(EntryOf(summary, "manufacturing").sentence,
              HasSubstr(" (or mfg): material-receive, material-release, "));

  const Program pharmacy(
      "cellchain-pharmacy",
      {{&SessionGroup(), {}}, {&DoseGroup(), {"dose release"}}}, "");
  for (const CommandSpec& spec : SessionGroup().commands()) {
    EXPECT_EQ(EntryOf(pharmacy.Summary(), spec.command).sentence,
              FirstSentence(spec.help))
        << spec.command;
  }
  EXPECT_THAT(pharmacy.Summary(), Not(HasSubstr(SessionGroup().about())));
  EXPECT_THAT(pharmacy.Summary(),
              StartsWith("Commands (`cellchain-pharmacy COMMAND --help` "
                         "explains one):\n"));
}

// Every command with a co-signer names them and their password alike:
// --ROLE=USER and --ROLE-password-env=VAR (cosigner.h), with the same help
// whatever the role; a command has one co-signer at most.
TEST(CommandLineTest, EveryCosignerIsARoleAndItsPasswordVariable) {
  std::map<std::string, std::string> roles;
  for (const CommandSpec& spec : Commands()) {
    std::vector<std::string> flags = FlagsOf(spec);
    for (const std::string& flag : flags) {
      // Your own password, and passwd's new one, are not a co-signer's.
      if (flag == "password-env" || flag == "new-password-env" ||
          !flag.ends_with("-password-env")) {
        continue;
      }
      std::string role = flag.substr(0, flag.size() - strlen("-password-env"));
      EXPECT_TRUE(roles.emplace(spec.command, role).second)
          << spec.command << " has two co-signers";
      EXPECT_NE(std::find(flags.begin(), flags.end(), role), flags.end())
          << spec.command << " takes --" << flag << " without --" << role;
      std::vector<std::string> words = absl::StrSplit(spec.command, ' ');
      words.push_back("--help");
      absl::StatusOr<CommandLine> line = Parse(words);
      ASSERT_TRUE(line.ok()) << line.status();
      std::vector<std::string> split =
          absl::StrSplit(line->help, absl::ByAnyChar(" \n"), absl::SkipEmpty());
      std::string help = absl::StrJoin(split, " ");
      EXPECT_THAT(help, HasSubstr(", by user id, co-signing at this "
                                  "workstation: their password is read "
                                  "from --" +
                                  flag +
                                  "=VAR, else from stdin's next line after "
                                  "yours (--password-stdin), else typed "
                                  "without echo."))
          << spec.command;
      EXPECT_THAT(help, HasSubstr(": the environment variable holding the "
                                  "password of --" +
                                  role + " (its name, not the password)."))
          << spec.command;
      EXPECT_THAT(help, HasSubstr("[--" + flag + "=VAR]")) << spec.command;
      EXPECT_EQ(CosignerRoleOf(spec.command), role);
    }
  }
  EXPECT_EQ(roles, (std::map<std::string, std::string>{
                       {"clinical bedside-check", "second-clinician"},
                       {"clinical dispose-unused", "witness"},
                       {"clinical infuse", "witness"},
                       {"dose destroy", "witness"},
                       {"qc result-enter", "qa-approver"},
                   }));
}

TEST(CommandLineDeathTest, AProgramNamingACommandItsGroupLacksStopsAtOnce) {
  EXPECT_DEATH(Program("cellchain-qa", {{&AuditGroup(), {"audit querry"}}}, ""),
               "cellchain-qa: no command \"audit querry\" in its group");
}

TEST(CommandLineTest, ABadValueIsRefusedUnderItsCommand) {
  EXPECT_EQ(
      Refusal({"mfg", "growth-curve", "--batch-id=bat_1", "--format=pdf"}),
      "cellchain: manufacturing growth-curve: --format (CELLCHAIN_FORMAT): "
      "\"pdf\" is not one of table, json, csv");
}

TEST(CommandLineTest, ARequiredIdIsAskedForByItsFlag) {
  EXPECT_EQ(Refusal({"manufacturing", "batch-start"}),
            "cellchain: manufacturing batch-start: --lot-id is required; see "
            "cellchain manufacturing batch-start --help");
  EXPECT_THAT(Refusal({"manufacturing", "correct", "--reason=typo"}),
              HasSubstr("--batch-id, --step-id are required"));
  EXPECT_THAT(Refusal({"donor", "release-lot"}),
              HasSubstr("--lot-id is required"));
  // The workstation's environment may give it.
  absl::StatusOr<CommandLine> from_env =
      Parse({"manufacturing", "batch-start"},
            [](const std::string& name) -> std::optional<std::string> {
              if (name == "CELLCHAIN_LOT_ID") return "lot_1";
              return Environment(name);
            });
  ASSERT_TRUE(from_env.ok()) << from_env.status();
  EXPECT_EQ(from_env->invocation->As<ManufacturingOptions>().lot_id, "lot_1");
}

TEST(CommandLineTest, ARefusedFieldIsNamedByTheFlagThePersonTyped) {
  EXPECT_EQ(FlagForField("manufacturing batch-start", "donor_lot_id"),
            "lot-id");
  EXPECT_EQ(FlagForField("donor receive", "tissue_weight_grams"),
            "weight-grams");
  EXPECT_EQ(
      FlagForField("manufacturing cryopreserve", "position_location_ids[1]"),
      "positions");
  EXPECT_EQ(
      FlagForField("manufacturing processing", "values.seeded_viable_cells"),
      "seeded-cells");
  EXPECT_EQ(FlagForField("manufacturing harvest", "step_id"), "step-id");
  EXPECT_EQ(FlagForField("custody handoff", "to_user_id"), "to-user");
  EXPECT_EQ(FlagForField("audit query", "filter.din.check_character"), "din");
  EXPECT_EQ(FlagForField("custody set-limits", "limit.item_type"), "type");
  // A field the command has no flag for keeps its name.
  EXPECT_EQ(FlagForField("custody show", "donor_lot_id"), "");
  EXPECT_EQ(FlagForField("no such command", "batch_id"), "");
}

// The `cellchain …` examples of README.md and docs/ (its pages and their
// subdirectories): inline code spans and lines of code blocks. Each is
// {file, example, whether it is a line of a code block}.
struct DocExample {
  std::string file;
  std::string example;
  bool in_block;
};
std::vector<DocExample> DocExamples() {
  namespace fs = std::filesystem;
  const fs::path root = CELLCHAIN_SOURCE_DIR;
  std::vector<fs::path> files = {root / "README.md"};
  for (const fs::directory_entry& entry :
       fs::recursive_directory_iterator(root / "docs")) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  std::vector<DocExample> examples;
  std::regex span("`(cellchain [^`]+)`");
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::string prose;
    bool block = false;
    std::string name = fs::relative(file, root).string();
    for (const std::string& line_text :
         std::vector<std::string>(absl::StrSplit(text.str(), '\n'))) {
      std::string_view line = line_text;
      if (line.starts_with("```")) {
        block = !block;
        continue;
      }
      if (!block) {
        prose += std::string(line) + " ";
        continue;
      }
      std::string_view trimmed =
          line.substr(std::min(line.size(), line.find_first_not_of(' ')));
      if (trimmed.starts_with("cellchain ")) {
        examples.push_back({name, std::string(trimmed), true});
      }
    }
    for (auto it = std::sregex_iterator(prose.begin(), prose.end(), span);
         it != std::sregex_iterator(); ++it) {
      examples.push_back({name, (*it)[1], false});
    }
  }
  return examples;
}

// An example as the argv a person would type: its comment, brackets around
// optional flags and the certificate files (which exist only at a
// workstation) left out; nullopt for a command's placeholder ("cellchain
// custody VERB", "cellchain manufacturing …", "audit a|b", "cellchain CLI").
std::optional<std::vector<std::string>> Argv(std::string example) {
  example = example.substr(0, example.find('#'));
  std::vector<std::string> argv;
  bool flags = false;
  for (std::string word : std::vector<std::string>(
           absl::StrSplit(example, ' ', absl::SkipEmpty()))) {
    std::erase(word, '[');
    std::erase(word, ']');
    if (word.starts_with("--")) flags = true;
    if (word == "cellchain" && argv.empty()) continue;
    if (!flags && (word.find("…") != std::string::npos ||
                   word.find('|') != std::string::npos ||
                   word != absl::AsciiStrToLower(word))) {
      // A word of the command that is a placeholder: a command line only
      // when it is one the reader must complete as an argument, which the
      // CLI takes none of (`growth-curve BATCH`).
      if (argv.size() < 2 || word.find('|') != std::string::npos ||
          word.find("…") != std::string::npos) {
        return std::nullopt;
      }
    }
    if (word.starts_with("--ca=") || word.starts_with("--cert=") ||
        word.starts_with("--key=")) {
      continue;
    }
    argv.push_back(word);
  }
  return argv;
}

// A mention in prose names a command without what it needs
// ("`cellchain user create`"); its required flags are taken as given.
std::optional<std::string> WithRequiredFlags(const std::string& name) {
  for (const CommandSpec& spec : Commands()) {
    for (std::string flag : RequiredFlagsOf(spec)) {
      std::replace(flag.begin(), flag.end(), '-', '_');
      if (name == "CELLCHAIN_" + absl::AsciiStrToUpper(flag)) return "example";
    }
  }
  return Environment(name);
}

TEST(CommandLineTest, TheDocsExamplesAreCommandLinesTheCliAccepts) {
  std::vector<DocExample> examples = DocExamples();
  int checked = 0;
  for (const auto& [file, example, in_block] : examples) {
    std::optional<std::vector<std::string>> argv = Argv(example);
    if (!argv.has_value()) continue;
    ++checked;
    absl::StatusOr<CommandLine> line =
        Parse(*argv, in_block ? config::EnvLookup(Environment)
                              : config::EnvLookup(WithRequiredFlags));
    EXPECT_TRUE(line.ok()) << file << ": `" << example
                           << "`: " << line.status().message();
  }
  // README's and docs/'s examples: login ... audit export, at least.
  EXPECT_GE(checked, 15) << examples.size() << " found";
}

}  // namespace
}  // namespace cellchain::cli
