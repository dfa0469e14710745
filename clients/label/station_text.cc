#include "clients/label/station_text.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/table.h"
#include "clients/common/status_line.h"
#include "services/common/strings/printable.h"

namespace cellchain::label {
namespace {

namespace v1 = cellchain::labels::v1;

std::string Detail(const std::string& detail) {
  return detail.empty() ? "" : absl::StrCat(" (", Printable(detail), ")");
}

std::string DiscrepancyWords(v1::DiscrepancyKind kind) {
  switch (kind) {
    case v1::DISCREPANCY_KIND_NOT_VERIFIED:
      return "a label no scan has verified (not applied, or never scanned)";
    case v1::DISCREPANCY_KIND_SEVERAL_LIVE_LABELS:
      return "more than one live label: void the ones not on the container";
    case v1::DISCREPANCY_KIND_LAST_SCAN_FAILED:
      return "the last scan of its label failed";
    case v1::DISCREPANCY_KIND_NO_LIVE_LABEL:
      return "every label voided: nothing identifies it";
    default:
      return "unknown discrepancy";
  }
}

}  // namespace

std::string StatusLine(const absl::Status& status) {
  return client::StatusLine(status,
                            Printable(client::MessageWithoutReason(status)));
}

std::string LabelTypeWords(v1::LabelType type) {
  switch (type) {
    case v1::LABEL_TYPE_TISSUE_CONTAINER:
      return "tissue container";
    case v1::LABEL_TYPE_CULTURE_VESSEL:
      return "culture vessel";
    case v1::LABEL_TYPE_CRYOVIAL:
      return "cryovial";
    case v1::LABEL_TYPE_QC_SAMPLE:
      return "QC sample";
    case v1::LABEL_TYPE_DOSE_BAG:
      return "dose bag";
    default:
      return "unknown type";
  }
}

std::string VerdictLine(const v1::LabelVerification& v) {
  const std::string item = Printable(v.item_id());
  if (v.result() == v1::VERIFICATION_RESULT_PASS) {
    return absl::StrCat("PASS  the label on ", item,
                        " is its own and reads right (job ",
                        Printable(v.job_id()), ")");
  }
  std::string words;
  switch (v.mismatch()) {
    case v1::SCAN_MISMATCH_OTHER_ITEM:
      words =
          v.scanned_item_id().empty()
              ? absl::StrCat("this is another item's label, not ", item, "'s")
              : absl::StrCat("this is the label of another item, ",
                             Printable(v.scanned_item_id()), ", not ", item);
      absl::StrAppend(&words,
                      ": take it off and do not use the container until it "
                      "carries its own label");
      break;
    case v1::SCAN_MISMATCH_FIELD:
      words = absl::StrCat(
          "the label is ", item,
          "'s but says something its record does not (an older label?): "
          "void it and reprint");
      break;
    case v1::SCAN_MISMATCH_INCOMPLETE:
      words =
          "not every code of the label was read: scan the Data Matrix, or "
          "each bar code once";
      break;
    case v1::SCAN_MISMATCH_UNREADABLE:
      words =
          "what was scanned is not a label's ISBT 128 code: scan the label's "
          "Data Matrix or its bar codes";
      break;
    default:
      words = "the scan did not match the label";
  }
  return absl::StrCat("FAIL  ", words, Detail(v.detail()));
}

std::string ReconciliationText(const v1::ReconcileLabelsResponse& r) {
  cli::Table items({"ITEM", "TYPE", "JOBS", "COPIES", "REPRINTS", "VERIFIED",
                    "VOIDED", "FAILED SCANS", "JOBS (OLDEST FIRST)"});
  for (size_t column = 2; column <= 7; ++column) items.AlignRight(column);
  for (const v1::ItemLabels& item : r.items()) {
    std::vector<std::string> jobs;
    for (const std::string& job : item.job_ids()) {
      jobs.push_back(Printable(job));
    }
    items.AddRow({Printable(item.item_id()), LabelTypeWords(item.type()),
                  absl::StrCat(item.jobs()),
                  absl::StrCat(item.copies_printed()),
                  absl::StrCat(item.reprints()), absl::StrCat(item.verified()),
                  absl::StrCat(item.voided()),
                  absl::StrCat(item.failed_scans()), absl::StrJoin(jobs, " ")});
  }
  items.AddRow({"total", "", absl::StrCat(r.jobs()),
                absl::StrCat(r.copies_printed()), absl::StrCat(r.reprints()),
                absl::StrCat(r.verified()), absl::StrCat(r.voided()), "", ""});
  std::string text = items.ToString();
  if (r.discrepancies().empty()) {
    return absl::StrCat(text, "\nno discrepancies\n");
  }
  cli::Table discrepancies({"ITEM", "DISCREPANCY", "JOBS", "DETAIL"});
  for (const v1::Discrepancy& d : r.discrepancies()) {
    std::vector<std::string> jobs;
    for (const std::string& job : d.job_ids()) {
      jobs.push_back(Printable(job));
    }
    discrepancies.AddRow({Printable(d.item_id()), DiscrepancyWords(d.kind()),
                          absl::StrJoin(jobs, " "), Printable(d.detail())});
  }
  return absl::StrCat(text, "\n", r.discrepancies_size(), " discrepanc",
                      r.discrepancies_size() == 1 ? "y" : "ies", ":\n",
                      discrepancies.ToString());
}

}  // namespace cellchain::label
