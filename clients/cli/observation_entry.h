// One finding of a day's safety observation as a clinician types it on the
// command line (`--entry=lab:AST:35:U/L`) and as the CLI prints it back
// ("lab AST 35 U/L"): the text form of clinical.v1.ObservationEntry. Only
// the form is checked here; the ranges, units and days are the service's
// rules (services/clinical/rules.h), which name the entry's field.
// Thread-safety: pure functions.
#ifndef CELLCHAIN_CLIENTS_CLI_OBSERVATION_ENTRY_H_
#define CELLCHAIN_CLIENTS_CLI_OBSERVATION_ENTRY_H_

#include <string>

#include "absl/status/statusor.h"
#include "cellchain/clinical/v1/clinical.pb.h"

namespace cellchain::cli {

// The forms, KIND first (in any case):
//   ecg:ST_MM[:LEAD/LEAD...]       ST deviation in mm, elevation positive
//   arrhythmia:TYPE:EPISODES       TYPE of clinical.v1.ArrhythmiaType
//   ischemic:TYPE[:DESCRIPTION]    TYPE of clinical.v1.IschemicEventType
//   lab:ANALYTE:VALUE:UNIT         lab:AST:35:U/L, lab:TROPONIN_I:12:ng/L
//   echo:none | echo:hypokinesia:SEGMENT
//   icu:HOURS                      an ICU stay, hours
// INVALID_ARGUMENT, its message saying what is wrong with `text` and the
// form expected, when it is not one of them.
absl::StatusOr<clinical::v1::ObservationEntry> ParseObservationEntry(
    const std::string& text);

// The entry on one line: "ECG ST +1.5 mm (V2/V3)", "arrhythmia pvc x3",
// "lab AST 35 U/L", "ICU stay 6.0 h". Values from the server are printed
// through Printable().
std::string ObservationEntryText(const clinical::v1::ObservationEntry& entry);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_OBSERVATION_ENTRY_H_
