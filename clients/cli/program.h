// Program: one command-line client made of command groups (group.h) — the
// `cellchain` CLI offers every group; `cellchain-qa` and
// `cellchain-pharmacy` offer the commands of one role, picked from the same
// groups, so that a command, its flags, its help and its refusals are the
// same whichever client runs it ("cellchain-pharmacy dose release" is
// "cellchain dose release"). A Program finds the command its words name,
// knows the flags its commands take, and writes its help: the list of its
// commands, a group's, and a command's, each under the program's name.
// Thread-safety: constant after construction; its methods are const.
#ifndef CELLCHAIN_CLIENTS_CLI_PROGRAM_H_
#define CELLCHAIN_CLIENTS_CLI_PROGRAM_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "clients/cli/group.h"

namespace cellchain::cli {

class Program {
 public:
  // The commands it takes from one group: all of them, or those named
  // (their full names: "audit query", "login").
  struct Part {
    const Group* group;
    std::vector<std::string> commands;  // empty: every command of `group`
  };

  // `name` heads its usage and its messages ("cellchain-qa: ..."); `parts`
  // in the order its help lists them; `tail` closes the list of commands
  // in its --help (how things are named, the roles, the session). A name
  // in `parts` that is not its group's command aborts (a programming
  // error).
  Program(std::string name, std::vector<Part> parts, std::string tail);

  const std::string& name() const { return name_; }
  // The groups it takes commands from, in help order.
  const std::vector<const Group*>& groups() const { return groups_; }
  // Every command it offers, in help order.
  const std::vector<CommandSpec>& commands() const { return commands_; }

  // The group whose commands start with `word` ("manufacturing" or "mfg";
  // "login" for the session group), or nullptr: one it offers no command
  // of is not found.
  const Group* FindGroup(std::string_view word) const;
  // The command named by `words` ("mfg" is "manufacturing"), or nullptr
  // when it is not one this program offers.
  const CommandSpec* FindCommand(const std::vector<std::string>& words) const;
  // "manufacturing batch-start" for {"mfg", "batch-start"}: the words
  // joined, the group's alias replaced.
  std::string CommandName(const std::vector<std::string>& words) const;
  // True if `flag` (without "--") is common or taken by a command it
  // offers.
  bool IsKnownFlag(std::string_view flag) const;

  // The text under its --help's usage line, then the tail: every group it
  // offers whole (a word, what it is about and its commands' words) when
  // it offers every group whole, as `cellchain` does; else every command
  // (the first sentence of its help). Either way one entry a line or two,
  // drawn as GroupHelp() draws a group's commands; the session commands
  // each their own entry.
  const std::string& Summary() const { return summary_; }
  // `NAME COMMAND --help`: the command's usage, what it does, and `flags`,
  // the description of its flags (config::Loader::FlagsUsage).
  std::string CommandHelp(const CommandSpec& spec,
                          std::string_view flags = "") const;
  // `NAME GROUP --help`: the group's commands this program offers, each
  // with the first sentence of its help, drawn as Summary() draws the
  // commands of a group it offers in part (names padded, the sentence
  // wrapped to 80 columns under its start); "" when `word` names no group.
  std::string GroupHelp(std::string_view word) const;

 private:
  const Group* GroupOf(const CommandSpec& spec) const;
  // `text` with each line's leading "cellchain " (a help's usage lines)
  // under this program's name.
  std::string Named(std::string_view text) const;

  std::string name_;
  std::vector<const Group*> groups_;
  std::vector<CommandSpec> commands_;
  std::set<std::string, std::less<>> flags_;
  std::string summary_;
};

// "Seeds the next passage, ..." from a command's help: the first sentence
// after its usage lines, on one line.
std::string FirstSentence(std::string_view help);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_PROGRAM_H_
