#include "clients/cli/program.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/cli.h"
#include "clients/cli/commands.h"
#include "clients/cli/table.h"

namespace cellchain::cli {
namespace {

std::string CommonFlagsHelp(const std::string& program) {
  return absl::StrCat(
      "\nEvery command also takes --target, --ca, --cert, --key, --deadline "
      "and\n--session-file; `",
      program, " --help` describes them and their variables.\n");
}

bool Offers(const Program::Part& part, const CommandSpec& spec) {
  return part.commands.empty() ||
         std::find(part.commands.begin(), part.commands.end(), spec.command) !=
             part.commands.end();
}

// One line of a listing: a name and what it is.
struct Entry {
  std::string name;
  std::string text;
};

// The one drawing of every listing (a program's --help, a group's): "  NAME
// Text.", the names padded to the longest, the text wrapped to the 79
// columns of every hand-written help text (80 columns, whatever the
// terminal: the rest of the help is as wide and no wider) with its further
// lines indented under its start.
std::string Drawn(const std::vector<Entry>& entries) {
  size_t width = 0;
  for (const Entry& entry : entries) {
    width = std::max(width, DisplayWidth(entry.name));
  }
  const std::string indent(2 + width + 2, ' ');
  const size_t room = indent.size() < 49 ? 79 - indent.size() : 30;
  std::string text;
  for (const Entry& entry : entries) {
    std::vector<std::string> lines =
        absl::StrSplit(Wrap(entry.text, room), '\n', absl::SkipEmpty());
    if (lines.empty()) lines.emplace_back();
    std::string name = entry.name;
    name.append(width - DisplayWidth(name), ' ');
    absl::StrAppend(&text, "  ", name, "  ", lines[0], "\n");
    for (size_t i = 1; i < lines.size(); ++i) {
      absl::StrAppend(&text, indent, lines[i], "\n");
    }
  }
  return text;
}

// A command's entry: its name (full, or with `prefix`, the group's word and
// a space, taken off) and the first sentence of its help.
Entry CommandEntry(const CommandSpec& spec, std::string_view prefix = "") {
  std::string_view name = spec.command;
  if (name.starts_with(prefix)) name.remove_prefix(prefix.size());
  return {std::string(name), FirstSentence(spec.help)};
}

// The listing of commands under a program's --help (full names) and a
// group's (`prefix` taken off).
std::string Listing(const std::vector<const CommandSpec*>& specs,
                    std::string_view prefix = "") {
  std::vector<Entry> entries;
  for (const CommandSpec* spec : specs) {
    entries.push_back(CommandEntry(*spec, prefix));
  }
  return Drawn(entries);
}

// A group's entry in the list of groups: its word, then what it is about
// and the words of its commands, in its help's order ("dose  Trial
// subjects, ...: patient-register, patient-show, ...").
Entry GroupEntry(const Group& group) {
  const std::string prefix = absl::StrCat(group.name(), " ");
  std::vector<std::string> words;
  for (const CommandSpec& spec : group.commands()) {
    words.push_back(CommandEntry(spec, prefix).name);
  }
  return {group.name(),
          absl::StrCat(group.about(),
                       *group.alias() != '\0'
                           ? absl::StrCat(" (or ", group.alias(), ")")
                           : "",
                       ": ", absl::StrJoin(words, ", "), ".")};
}

}  // namespace

std::string FirstSentence(std::string_view help) {
  std::string text;
  bool usage = true;
  for (const std::string& line :
       std::vector<std::string>(absl::StrSplit(std::string(help), '\n'))) {
    if (usage && (line.starts_with("cellchain ") || line.starts_with(" "))) {
      continue;
    }
    usage = false;
    if (line.empty()) break;
    if (!text.empty()) text += " ";
    text += line;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.' && (i + 1 == text.size() || text[i + 1] == ' ')) {
      return text.substr(0, i + 1);
    }
  }
  return text;
}

Program::Program(std::string name, std::vector<Part> parts, std::string tail)
    : name_(std::move(name)),
      flags_(CommonFlags().begin(), CommonFlags().end()) {
  // Offering every group whole, it lists its groups, each with its
  // commands' words (`NAME GROUP --help` lists a group's commands with
  // what each does); offering commands picked for a role, it lists each
  // command. The session commands, which form no group of a word, are
  // listed each in both.
  const bool by_group =
      std::all_of(parts.begin(), parts.end(),
                  [](const Part& part) { return part.commands.empty(); });
  summary_ =
      by_group
          ? absl::StrCat("Commands, by group (`", name_,
                         " GROUP --help` lists a group's commands with\nwhat "
                         "each does; `",
                         name_, " GROUP COMMAND --help` explains one):\n")
          : absl::StrCat("Commands (`", name_,
                         " COMMAND --help` explains one):\n");
  std::vector<Entry> entries;
  for (const Part& part : parts) {
    groups_.push_back(part.group);
    std::vector<const CommandSpec*> listed;
    for (const CommandSpec& spec : part.group->commands()) {
      if (!Offers(part, spec)) continue;
      commands_.push_back(spec);
      for (std::string& flag : FlagsOf(spec)) flags_.insert(std::move(flag));
      listed.push_back(&spec);
    }
    // A name that is not one of the group's commands would silently leave
    // the command out of the client (a typo, a renamed command): a
    // programming error, caught at start-up by every run and test.
    if (listed.size() < part.commands.size()) {
      for (const std::string& wanted : part.commands) {
        if (std::none_of(listed.begin(), listed.end(),
                         [&](const CommandSpec* spec) {
                           return wanted == spec->command;
                         })) {
          std::cerr << name_ << ": no command \"" << wanted
                    << "\" in its group\n";
          std::abort();
        }
      }
    }
    if (!by_group) {
      summary_ += Listing(listed);
    } else if (*part.group->name() == '\0') {
      for (const CommandSpec* spec : listed) {
        entries.push_back(CommandEntry(*spec));
      }
    } else {
      entries.push_back(GroupEntry(*part.group));
    }
  }
  // One drawing for the list of groups, its names padded alike.
  summary_ += Drawn(entries);
  summary_ += tail;
}

const Group* Program::FindGroup(std::string_view word) const {
  for (const Group* group : groups_) {
    if (*group->name() == '\0') {
      // The session commands are each a group's word.
      for (const CommandSpec& spec : commands_) {
        if (word == spec.command && GroupOf(spec) == group) return group;
      }
    } else if (word == group->name() ||
               (*group->alias() != '\0' && word == group->alias())) {
      return group;
    }
  }
  return nullptr;
}

std::string Program::CommandName(const std::vector<std::string>& words) const {
  std::string name;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) name += " ";
    const Group* group = i == 0 ? FindGroup(words[i]) : nullptr;
    name +=
        group != nullptr && *group->name() != '\0' ? group->name() : words[i];
  }
  return name;
}

const CommandSpec* Program::FindCommand(
    const std::vector<std::string>& words) const {
  std::string name = CommandName(words);
  for (const CommandSpec& spec : commands_) {
    if (name == spec.command) return &spec;
  }
  return nullptr;
}

bool Program::IsKnownFlag(std::string_view flag) const {
  return flags_.contains(flag);
}

const Group* Program::GroupOf(const CommandSpec& spec) const {
  for (const Group* group : groups_) {
    for (const CommandSpec& s : group->commands()) {
      if (std::string_view(s.command) == spec.command) return group;
    }
  }
  return nullptr;
}

std::string Program::Named(std::string_view text) const {
  if (name_ == "cellchain") return std::string(text);
  std::string named;
  for (const std::string& line :
       std::vector<std::string>(absl::StrSplit(std::string(text), '\n'))) {
    if (!named.empty()) named += '\n';
    named += line.starts_with("cellchain ") ? name_ + line.substr(9) : line;
  }
  return named;
}

std::string Program::CommandHelp(const CommandSpec& spec,
                                 std::string_view flags) const {
  const Group* group = GroupOf(spec);
  return absl::StrCat("Usage: ", Named(spec.help), flags.empty() ? "" : "\n",
                      std::string(flags), CommonFlagsHelp(name_),
                      group != nullptr ? group->help_note() : "");
}

std::string Program::GroupHelp(std::string_view word) const {
  const Group* group = FindGroup(word);
  if (group == nullptr || *group->name() == '\0') return "";
  std::string name = group->name();
  std::string prefix = name + " ";
  std::vector<const CommandSpec*> listed;
  for (const CommandSpec& spec : commands_) {
    if (std::string_view(spec.command).starts_with(prefix)) {
      listed.push_back(&spec);
    }
  }
  if (listed.empty()) return "";
  return absl::StrCat(
      "Usage: ", name_, " ", name, " COMMAND [flags]\n",
      *group->alias() != '\0'
          ? absl::StrCat("(or: ", name_, " ", group->alias(), " ...)\n")
          : "",
      "Commands (`", name_, " ", name, " COMMAND --help` explains one):\n",
      Listing(listed, prefix), CommonFlagsHelp(name_), group->help_note());
}

}  // namespace cellchain::cli
