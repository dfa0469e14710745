#include "clients/cli/command_line.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/common/connection_flags.h"

namespace cellchain::cli {
namespace {

// A Loader of the command line's group: the first group whose flags read
// argv's first word as its own (a value flag of one group may be a bool of
// another, so each reads argv by its own declarations); with only the
// common flags when no group does.
struct Read {
  std::unique_ptr<config::Loader> loader;
  std::unique_ptr<Invocation> invocation;  // null without a group
  CallOptions common;                      // bound without a group
  absl::Status loaded;
};

void ReadWith(const Program& program, const Group* group, int argc,
              const char* const* argv, const config::EnvLookup& env,
              Read& read) {
  // Every client reads the same $CELLCHAIN_* variables: a workstation's
  // environment serves them all.
  read.loader = std::make_unique<config::Loader>(program.name(), "CELLCHAIN");
  read.loader->set_summary(program.Summary());
  if (group != nullptr) {
    read.invocation = group->Declare(*read.loader);
    client::DeclareConnectionFlags(*read.loader, read.invocation->call());
  } else {
    read.invocation = nullptr;
    client::DeclareConnectionFlags(*read.loader, read.common);
  }
  read.loaded = read.loader->Load(argc, argv, env);
}

Read ReadCommandLine(const Program& program, int argc, const char* const* argv,
                     const config::EnvLookup& env) {
  Read read;
  for (const Group* group : program.groups()) {
    ReadWith(program, group, argc, argv, env, read);
    const std::vector<std::string>& words = read.loader->positional();
    if (!words.empty() && program.FindGroup(words[0]) == group) return read;
  }
  ReadWith(program, nullptr, argc, argv, env, read);
  return read;
}

absl::Status Usage(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}

std::string Dashed(const std::vector<std::string>& flags) {
  std::vector<std::string> dashed;
  for (const std::string& f : flags) dashed.push_back("--" + f);
  return absl::StrJoin(dashed, ", ");
}

// The flags typed in `argv` (names without "--"; "--no-x" as "x"), in
// order, up to a "--".
std::vector<std::string> TypedFlags(const Program& program, int argc,
                                    const char* const* argv) {
  std::vector<std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    // A value of "--name value" never starts with "--" (config.h), so
    // every argument that does is a flag.
    if (!arg.starts_with("--")) continue;
    std::string name(arg.substr(2, arg.find('=') - 2));
    if (name == "help") continue;
    if (name.starts_with("no-") && !program.IsKnownFlag(name) &&
        program.IsKnownFlag(name.substr(3))) {
      name = name.substr(3);
    }
    flags.push_back(name);
  }
  return flags;
}

}  // namespace

absl::StatusOr<CommandLine> ParseCommandLine(const Program& program, int argc,
                                             const char* const* argv,
                                             const config::EnvLookup& env) {
  CommandLine line;
  Read read = ReadCommandLine(program, argc, argv, env);
  const std::string& me = program.name();
  config::Loader& loader = *read.loader;
  absl::Status loaded = read.loaded;
  line.words = loader.positional();
  line.command = program.FindCommand(line.words);
  std::string name = program.CommandName(line.words);
  // The command a refusal names: the one typed, or, when a stray value
  // follows it ("--colour red"), the command its first words name.
  const CommandSpec* named = line.command;
  size_t named_words = line.words.size();
  for (size_t n = std::min<size_t>(line.words.size(), 2);
       named == nullptr && n > 0; --n) {
    std::vector<std::string> first(line.words.begin(), line.words.begin() + n);
    named = program.FindCommand(first);
    if (named != nullptr) {
      name = program.CommandName(first);
      named_words = n;
    }
  }
  std::vector<std::string> typed = TypedFlags(program, argc, argv);
  if (config::IsHelpRequested(loaded)) {
    if (line.command != nullptr) {
      std::vector<std::string> flags = FlagsOf(*line.command);
      line.help = program.CommandHelp(*line.command, loader.FlagsUsage(flags));
    } else if (line.words.size() == 1 && !program.GroupHelp(name).empty()) {
      line.help = program.GroupHelp(name);
    } else {
      if (read.invocation != nullptr) {
        ReadWith(program, nullptr, argc, argv, env, read);
      }
      line.help = read.loader->Usage();
    }
    return line;
  }
  // Where the message starts: "cellchain: manufacturing batch-show: ".
  std::string head =
      line.words.empty() ? me + ": " : absl::StrCat(me, ": ", name, ": ");
  std::string see = named != nullptr
                        ? absl::StrCat("; see ", me, " ", name, " --help")
                        : absl::StrCat("; see ", me, " --help");
  std::vector<std::string> unknown;
  for (const std::string& flag : typed) {
    if (!program.IsKnownFlag(flag)) unknown.push_back(flag);
  }
  if (!unknown.empty()) {
    return Usage(absl::StrCat(head, "unknown flag",
                              unknown.size() > 1 ? "s " : " ", Dashed(unknown),
                              see));
  }
  // A flag of another command is refused before the group's Loader's
  // complaint about it (to the group, another group's flag is unknown).
  if (named != nullptr) {
    std::vector<std::string> takes = FlagsOf(*named);
    const std::vector<std::string>& common = CommonFlags();
    for (const std::string& flag : typed) {
      bool applies =
          std::find(takes.begin(), takes.end(), flag) != takes.end() ||
          std::find(common.begin(), common.end(), flag) != common.end();
      if (!applies) {
        return Usage(absl::StrCat(head, "--", flag,
                                  " does not apply to this command (",
                                  takes.empty() ? "it takes no flags of its own"
                                                : "it takes " + Dashed(takes),
                                  ")", see));
      }
    }
  }
  if (named == nullptr) {
    if (line.words.size() == 1 && !program.GroupHelp(name).empty()) {
      return Usage(
          absl::StrCat(head, "which command?\n", program.GroupHelp(name)));
    }
    if (!line.words.empty()) {
      return Usage(absl::StrCat(me, ": unknown command \"", name, "\"; see ",
                                me, " --help"));
    }
  }
  if (!loaded.ok()) {
    // One problem a line, each under the command it was typed for.
    std::vector<std::string> problems =
        absl::StrSplit(std::string(loaded.message()), '\n', absl::SkipEmpty());
    for (std::string& problem : problems) problem = head + problem;
    return Usage(absl::StrJoin(problems, "\n"));
  }
  if (line.command == nullptr && named != nullptr) {
    return Usage(absl::StrCat(head, "unexpected argument \"",
                              line.words[named_words],
                              "\" (every value is a flag's: "
                              "--name=value)",
                              see));
  }
  if (line.command == nullptr) {
    return Usage(absl::StrCat(me, ": which command? see ", me, " --help"));
  }
  std::vector<std::string> missing;
  for (const std::string& flag : RequiredFlagsOf(*line.command)) {
    bool given = std::find(typed.begin(), typed.end(), flag) != typed.end();
    std::optional<std::string> from_env = env(loader.EnvVarFor(flag));
    if (!given && !(from_env.has_value() && !from_env->empty())) {
      missing.push_back(flag);
    }
  }
  if (!missing.empty()) {
    return Usage(absl::StrCat(head, Dashed(missing),
                              missing.size() > 1 ? " are" : " is", " required",
                              see));
  }
  line.invocation = std::move(read.invocation);
  return line;
}

}  // namespace cellchain::cli
