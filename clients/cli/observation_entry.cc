#include "clients/cli/observation_entry.h"

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/cli.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli {
namespace {

namespace v1 = cellchain::clinical::v1;

constexpr char kForms[] =
    "ecg:ST_MM[:LEAD/LEAD], arrhythmia:TYPE:EPISODES, "
    "ischemic:TYPE[:DESCRIPTION], lab:ANALYTE:VALUE:UNIT, echo:none, "
    "echo:hypokinesia:SEGMENT or icu:HOURS";

absl::Status Bad(const std::string& text, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("--entry ", text, ": ", why));
}

// `text` split at its first `parts - 1` colons: the last part keeps any
// further colon (a description, a unit).
std::vector<std::string> Parts(const std::string& text, int parts) {
  std::vector<std::string> out;
  size_t start = 0;
  for (int i = 1; i < parts; ++i) {
    size_t colon = text.find(':', start);
    if (colon == std::string::npos) break;
    out.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  out.push_back(text.substr(start));
  return out;
}

// "1.5", "35", "0.25": a number as typed, without trailing zeros.
std::string Figure(double value) {
  std::string s = absl::StrFormat("%.4f", value);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.ends_with(".")) s.pop_back();
  return s;
}

}  // namespace

absl::StatusOr<v1::ObservationEntry> ParseObservationEntry(
    const std::string& text) {
  v1::ObservationEntry entry;
  const std::string kind =
      absl::AsciiStrToLower(text.substr(0, text.find(':')));
  if (kind == "ecg") {
    std::vector<std::string> p = Parts(text, 3);
    double mm = 0;
    if (p.size() < 2 || !ParseNumber(p[1], &mm)) {
      return Bad(text,
                 "ecg:ST_MM[:LEAD/LEAD] (ST deviation in mm, "
                 "elevation positive: ecg:1.5:V2/V3, ecg:0)");
    }
    entry.mutable_ecg()->set_st_deviation_mm(mm);
    if (p.size() == 3) {
      for (std::string lead : std::vector<std::string>(
               absl::StrSplit(p[2], '/', absl::SkipEmpty()))) {
        entry.mutable_ecg()->add_leads(lead);
      }
    }
  } else if (kind == "arrhythmia") {
    std::vector<std::string> p = Parts(text, 3);
    v1::ArrhythmiaType type = v1::ARRHYTHMIA_TYPE_UNSPECIFIED;
    int64_t episodes = 0;
    if (p.size() != 3 ||
        !ParseEnumName(p[1], "ARRHYTHMIA_TYPE_", &v1::ArrhythmiaType_Parse,
                       &type) ||
        !absl::SimpleAtoi(p[2], &episodes) || episodes < 0 ||
        episodes > INT32_MAX) {
      return Bad(text, absl::StrCat("arrhythmia:TYPE:EPISODES, TYPE ",
                                    EnumChoices(v1::ArrhythmiaType_descriptor(),
                                                "ARRHYTHMIA_TYPE_")));
    }
    entry.mutable_arrhythmia()->set_type(type);
    entry.mutable_arrhythmia()->set_episodes(static_cast<int32_t>(episodes));
  } else if (kind == "ischemic") {
    std::vector<std::string> p = Parts(text, 3);
    v1::IschemicEventType type = v1::ISCHEMIC_EVENT_TYPE_UNSPECIFIED;
    if (p.size() < 2 || !ParseEnumName(p[1], "ISCHEMIC_EVENT_TYPE_",
                                       &v1::IschemicEventType_Parse, &type)) {
      return Bad(text,
                 absl::StrCat("ischemic:TYPE[:DESCRIPTION], TYPE ",
                              EnumChoices(v1::IschemicEventType_descriptor(),
                                          "ISCHEMIC_EVENT_TYPE_")));
    }
    entry.mutable_ischemic_event()->set_type(type);
    if (p.size() == 3) entry.mutable_ischemic_event()->set_description(p[2]);
  } else if (kind == "lab") {
    std::vector<std::string> p = Parts(text, 4);
    double value = 0;
    if (p.size() != 4 || p[1].empty() || p[3].empty() ||
        !ParseNumber(p[2], &value)) {
      return Bad(text, "lab:ANALYTE:VALUE:UNIT (lab:AST:35:U/L)");
    }
    entry.mutable_lab()->set_analyte(absl::AsciiStrToUpper(p[1]));
    entry.mutable_lab()->set_value(value);
    entry.mutable_lab()->set_unit(p[3]);
  } else if (kind == "echo") {
    std::vector<std::string> p = Parts(text, 3);
    const std::string what = p.size() > 1 ? absl::AsciiStrToLower(p[1]) : "";
    if (p.size() == 2 && what == "none") {
      entry.mutable_echo()->set_local_hypokinesia(false);
    } else if (p.size() == 3 && what == "hypokinesia" && !p[2].empty()) {
      entry.mutable_echo()->set_local_hypokinesia(true);
      entry.mutable_echo()->set_segment(p[2]);
    } else {
      return Bad(text, "echo:none or echo:hypokinesia:SEGMENT");
    }
  } else if (kind == "icu") {
    std::vector<std::string> p = Parts(text, 2);
    double hours = 0;
    if (p.size() != 2 || !ParseNumber(p[1], &hours)) {
      return Bad(text, "icu:HOURS (an ICU stay, hours: icu:6)");
    }
    entry.mutable_icu_stay()->set_hours(hours);
  } else {
    return Bad(text, absl::StrCat("not a finding: ", kForms));
  }
  return entry;
}

std::string ObservationEntryText(const v1::ObservationEntry& entry) {
  switch (entry.finding_case()) {
    case v1::ObservationEntry::kEcg: {
      const v1::EcgFinding& ecg = entry.ecg();
      std::string text =
          absl::StrCat("ECG ST ", ecg.st_deviation_mm() > 0 ? "+" : "",
                       Figure(ecg.st_deviation_mm()), " mm");
      if (ecg.leads_size() > 0) {
        absl::StrAppend(&text, " (", Printable(absl::StrJoin(ecg.leads(), "/")),
                        ")");
      }
      return text;
    }
    case v1::ObservationEntry::kArrhythmia:
      return absl::StrCat(
          "arrhythmia ",
          LowerName(v1::ArrhythmiaType_Name(entry.arrhythmia().type()),
                    "ARRHYTHMIA_TYPE_"),
          " x", entry.arrhythmia().episodes());
    case v1::ObservationEntry::kIschemicEvent: {
      std::string text = absl::StrCat(
          "ischemic event ",
          LowerName(v1::IschemicEventType_Name(entry.ischemic_event().type()),
                    "ISCHEMIC_EVENT_TYPE_"));
      if (!entry.ischemic_event().description().empty()) {
        absl::StrAppend(&text, ": ",
                        Printable(entry.ischemic_event().description()));
      }
      return text;
    }
    case v1::ObservationEntry::kLab:
      return absl::StrCat("lab ", Printable(entry.lab().analyte()), " ",
                          Figure(entry.lab().value()), " ",
                          Printable(entry.lab().unit()));
    case v1::ObservationEntry::kEcho:
      return entry.echo().local_hypokinesia()
                 ? absl::StrCat("echo local hypokinesia (",
                                Printable(entry.echo().segment()), ")")
                 : "echo no local hypokinesia";
    case v1::ObservationEntry::kIcuStay:
      return absl::StrFormat("ICU stay %.1f h", entry.icu_stay().hours());
    case v1::ObservationEntry::FINDING_NOT_SET:
      break;
  }
  return "(an empty finding)";
}

}  // namespace cellchain::cli
