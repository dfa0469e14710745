// A donor's screening panel as a person enters it in one command: repeated
// --test=CODE:RESULT[:METHOD[:KIT_LOT]] flags, or a --panel-file with one
// such entry a line (blank lines and "# ..." comments skipped); --result,
// --method and --kit-lot fill what an entry leaves out, so the single-test
// form --test=CODE --result=R still works. Each entry becomes its own
// RecordScreening call (clients/cli/donor_commands.cc).
// Thread-safety: pure functions.
#ifndef CELLCHAIN_CLIENTS_CLI_SCREENING_PANEL_H_
#define CELLCHAIN_CLIENTS_CLI_SCREENING_PANEL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cellchain::cli {

struct PanelEntry {
  std::string test;  // upper case: "HIV12_AB"
  // A ScreeningResult (donor.proto) as typed, less its prefix, in lower
  // case: "non_reactive", "reactive" or "indeterminate".
  std::string result;
  std::string method;
  std::string kit_lot;
  // Where the person wrote it, for a refusal: "--test=HBSAG:reactive" or
  // "panel.txt line 4".
  std::string source;
};

struct PanelDefaults {
  std::string result;   // --result
  std::string method;   // --method
  std::string kit_lot;  // --kit-lot
};

// The entries of `tests` (each --test, in order) then of `file_text` (the
// --panel-file named `file_name`, "" when none), every result checked.
// INVALID_ARGUMENT, the message one line starting with "--test" or
// "--panel-file" and naming the entry: no entry at all; an entry without a
// test code, or with more than four parts; a result missing (and no
// --result) or not a ScreeningResult; a test entered twice.
absl::StatusOr<std::vector<PanelEntry>> ParsePanel(
    const std::vector<std::string>& tests, std::string_view file_name,
    std::string_view file_text, const PanelDefaults& defaults);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_SCREENING_PANEL_H_
