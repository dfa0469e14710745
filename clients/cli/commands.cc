#include "clients/cli/commands.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/audit_commands.h"
#include "clients/cli/clinical_commands.h"
#include "clients/cli/custody_commands.h"
#include "clients/cli/donor_commands.h"
#include "clients/cli/dose_commands.h"
#include "clients/cli/identity_commands.h"
#include "clients/cli/manufacturing_commands.h"
#include "clients/cli/qc_commands.h"
#include "clients/cli/system_commands.h"
#include "clients/cli/table.h"

namespace cellchain::cli {
namespace {

constexpr char kSummaryHead[] =
    "Commands (`cellchain COMMAND --help` explains one):\n";

constexpr char kSummaryTail[] =
    "Things are named by what is written on them, in any case, or by their\n"
    "ids (mat_..., eqp_..., lot_..., bat_..., itm_..., loc_...): a material\n"
    "lot by its MAT- code, equipment by its asset tag, a donor lot by its\n"
    "DIN, a batch by its donor lot's DIN, an item by its local code or DIN,\n"
    "a location by its path of names (FRZ-01/R2/B3/A1). A name of several\n"
    "things, or of none, is refused.\n"
    "Roles: technician, qc_analyst, qa, pharmacist, clinician, admin.\n"
    "Every command but login and system * needs a session; "
    "$CELLCHAIN_SESSION_TOKEN,\nwhen set, is used instead of the session "
    "file.\n";

constexpr char kCommonFlagsHelp[] =
    "\nEvery command also takes --target, --ca, --cert, --key, --deadline "
    "and\n--session-file; `cellchain --help` describes them and their "
    "variables.\n";

// The group whose command `spec` is.
const Group* GroupOfCommand(const CommandSpec& spec) {
  for (const Group* group : Groups()) {
    for (const CommandSpec& s : group->commands()) {
      if (std::string_view(s.command) == spec.command) return group;
    }
  }
  return nullptr;
}

bool Takes(const CommandSpec& spec, std::string_view flag) {
  for (const std::string& f : FlagsOf(spec)) {
    if (f == flag) return true;
  }
  return false;
}

// "Seeds the next passage, …" from a help text: the first sentence after
// the usage lines, on one line.
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

}  // namespace

const std::vector<const Group*>& Groups() {
  static const auto* const groups = new std::vector<const Group*>{
      &SessionGroup(), &UserGroup(),     &SystemGroup(),        &AuditGroup(),
      &CustodyGroup(), &DonorGroup(),    &ManufacturingGroup(), &QcGroup(),
      &DoseGroup(),    &ClinicalGroup(),
  };
  return *groups;
}

const Group* FindGroup(std::string_view word) {
  for (const Group* group : Groups()) {
    if (*group->name() == '\0') {
      // The session commands are each a group's word.
      for (const CommandSpec& spec : group->commands()) {
        if (word == spec.command) return group;
      }
    } else if (word == group->name() ||
               (*group->alias() != '\0' && word == group->alias())) {
      return group;
    }
  }
  return nullptr;
}

const std::vector<CommandSpec>& Commands() {
  static const auto* const commands = [] {
    auto* all = new std::vector<CommandSpec>;
    for (const Group* group : Groups()) {
      all->insert(all->end(), group->commands().begin(),
                  group->commands().end());
    }
    return all;
  }();
  return *commands;
}

std::string CommandName(const std::vector<std::string>& words) {
  std::string name;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) name += " ";
    const Group* group = i == 0 ? FindGroup(words[i]) : nullptr;
    name +=
        group != nullptr && *group->name() != '\0' ? group->name() : words[i];
  }
  return name;
}

const CommandSpec* FindCommand(const std::vector<std::string>& words) {
  std::string name = CommandName(words);
  for (const CommandSpec& spec : Commands()) {
    if (name == spec.command) return &spec;
  }
  return nullptr;
}

const std::vector<std::string>& CommonFlags() {
  static const auto* const flags = new std::vector<std::string>{
      "target", "ca", "cert", "key", "deadline", "session-file"};
  return *flags;
}

std::vector<std::string> FlagsOf(const CommandSpec& spec) {
  std::vector<std::string> flags;
  for (std::string f : std::vector<std::string>(
           absl::StrSplit(spec.flags, ' ', absl::SkipEmpty()))) {
    if (f.ends_with("!")) f.pop_back();
    flags.emplace_back(f);
  }
  return flags;
}

std::vector<std::string> RequiredFlagsOf(const CommandSpec& spec) {
  std::vector<std::string> flags;
  for (std::string f : std::vector<std::string>(
           absl::StrSplit(spec.flags, ' ', absl::SkipEmpty()))) {
    if (f.ends_with("!")) flags.emplace_back(f.substr(0, f.size() - 1));
  }
  return flags;
}

bool IsKnownFlag(std::string_view name) {
  static const auto* const known = [] {
    auto* set = new std::set<std::string, std::less<>>(CommonFlags().begin(),
                                                       CommonFlags().end());
    for (const CommandSpec& spec : Commands()) {
      for (std::string& f : FlagsOf(spec)) set->insert(std::move(f));
    }
    return set;
  }();
  return known->contains(name);
}

const std::string& Summary() {
  static const auto* const summary = [] {
    auto* text = new std::string(kSummaryHead);
    for (const Group* group : Groups()) absl::StrAppend(text, group->summary());
    absl::StrAppend(text, kSummaryTail);
    return text;
  }();
  return *summary;
}

std::string CommandHelp(const CommandSpec& spec, std::string_view flags) {
  const Group* group = GroupOfCommand(spec);
  return absl::StrCat("Usage: ", spec.help, flags.empty() ? "" : "\n",
                      std::string(flags), kCommonFlagsHelp,
                      group != nullptr ? group->help_note() : "");
}

std::string GroupHelp(std::string_view word) {
  const Group* group = FindGroup(word);
  if (group == nullptr || *group->name() == '\0') return "";
  std::string name = group->name();
  std::string prefix = name + " ";
  Table table({}, "  ");
  for (const CommandSpec& spec : group->commands()) {
    std::string_view command = spec.command;
    table.AddRow(
        {std::string(command.substr(prefix.size())), FirstSentence(spec.help)});
  }
  if (table.rows() == 0) return "";
  return absl::StrCat(
      "Usage: cellchain ", name, " COMMAND [flags]\n",
      *group->alias() != '\0'
          ? absl::StrCat("(or: cellchain ", group->alias(), " ...)\n")
          : "",
      "Commands (`cellchain ", name, " COMMAND --help` explains one):\n",
      table.ToString(), kCommonFlagsHelp, group->help_note());
}

std::string FlagForField(std::string_view command, std::string_view field) {
  const CommandSpec* spec = nullptr;
  const Group* group = nullptr;
  for (const Group* g : Groups()) {
    for (const CommandSpec& s : g->commands()) {
      if (command == s.command) {
        spec = &s;
        group = g;
      }
    }
  }
  if (spec == nullptr || field.empty()) return "";
  // "position_location_ids[2]", "values.seeded_at",
  // "filter.din.check_character": the field itself, then its components
  // from the innermost out (a part of the DIN is the --din's).
  std::vector<std::string_view> candidates = {field};
  std::vector<std::string_view> components;
  for (size_t start = 0; start <= field.size();) {
    size_t dot = std::min(field.find('.', start), field.size());
    components.push_back(field.substr(start, dot - start));
    start = dot + 1;
  }
  if (components.size() > 1) {
    candidates.insert(candidates.end(), components.rbegin(), components.rend());
  }
  for (std::string_view candidate : candidates) {
    candidate = candidate.substr(0, candidate.find('['));
    for (const FieldAlias& alias : group->field_aliases()) {
      if (candidate == alias.field && Takes(*spec, alias.flag)) {
        return alias.flag;
      }
    }
    std::string kebab(candidate);
    std::replace(kebab.begin(), kebab.end(), '_', '-');
    if (Takes(*spec, kebab)) return kebab;
  }
  return "";
}

}  // namespace cellchain::cli
