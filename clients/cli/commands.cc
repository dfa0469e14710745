#include "clients/cli/commands.h"

#include <algorithm>

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
#include "clients/cli/program.h"
#include "clients/cli/qc_commands.h"
#include "clients/cli/system_commands.h"
#include "clients/common/connection_flags.h"

namespace cellchain::cli {
namespace {

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

bool Takes(const CommandSpec& spec, std::string_view flag) {
  for (const std::string& f : FlagsOf(spec)) {
    if (f == flag) return true;
  }
  return false;
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

const Program& Cellchain() {
  static const auto* const program = [] {
    std::vector<Program::Part> parts;
    for (const Group* group : Groups()) parts.push_back({group, {}});
    return new Program("cellchain", std::move(parts), kSummaryTail);
  }();
  return *program;
}

const std::vector<CommandSpec>& Commands() { return Cellchain().commands(); }

const std::vector<std::string>& CommonFlags() {
  static const auto* const flags = [] {
    auto* names = new std::vector<std::string>;
    for (std::string_view name : client::ConnectionFlagNames()) {
      names->emplace_back(name);
    }
    return names;
  }();
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
