#include "services/labels/reconcile.h"

#include <algorithm>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cellchain::labels {
namespace {

struct ItemFacts {
  std::vector<const v1::PrintJob*> jobs;
  int failed_scans = 0;
  const v1::LabelVerification* last_scan = nullptr;
};

bool Older(const v1::PrintJob* a, const v1::PrintJob* b) {
  const auto& x = a->printed_at();
  const auto& y = b->printed_at();
  if (x.seconds() != y.seconds()) return x.seconds() < y.seconds();
  if (x.nanos() != y.nanos()) return x.nanos() < y.nanos();
  return a->job_id() < b->job_id();
}

void AddDiscrepancy(v1::ReconcileLabelsResponse& out,
                    const std::string& item_id, v1::DiscrepancyKind kind,
                    const std::vector<std::string>& job_ids,
                    std::string detail) {
  v1::Discrepancy* d = out.add_discrepancies();
  d->set_item_id(item_id);
  d->set_kind(kind);
  for (const std::string& id : job_ids) d->add_job_ids(id);
  d->set_detail(std::move(detail));
}

}  // namespace

v1::ReconcileLabelsResponse Reconcile(
    const std::vector<v1::PrintJob>& jobs,
    const std::vector<v1::LabelVerification>& verifications) {
  std::map<std::string, ItemFacts> items;
  for (const v1::PrintJob& job : jobs) {
    items[job.item_id()].jobs.push_back(&job);
  }
  for (const v1::LabelVerification& v : verifications) {
    auto it = items.find(v.item_id());
    if (it == items.end()) continue;
    if (v.result() == v1::VERIFICATION_RESULT_FAIL) ++it->second.failed_scans;
    it->second.last_scan = &v;
  }
  v1::ReconcileLabelsResponse out;
  for (auto& [item_id, facts] : items) {
    std::sort(facts.jobs.begin(), facts.jobs.end(), Older);
    v1::ItemLabels* line = out.add_items();
    line->set_item_id(item_id);
    line->set_type(facts.jobs.back()->type());
    line->set_failed_scans(facts.failed_scans);
    std::vector<std::string> live, unverified;
    for (const v1::PrintJob* job : facts.jobs) {
      line->add_job_ids(job->job_id());
      line->set_jobs(line->jobs() + 1);
      line->set_copies_printed(line->copies_printed() + job->copies());
      if (job->kind() == v1::PRINT_KIND_REPRINT) {
        line->set_reprints(line->reprints() + 1);
      }
      switch (job->state()) {
        case v1::PRINT_JOB_STATE_VOIDED:
          line->set_voided(line->voided() + 1);
          continue;
        case v1::PRINT_JOB_STATE_VERIFIED:
          line->set_verified(line->verified() + 1);
          break;
        default:
          unverified.push_back(job->job_id());
          break;
      }
      live.push_back(job->job_id());
    }
    if (!unverified.empty()) {
      AddDiscrepancy(out, item_id, v1::DISCREPANCY_KIND_NOT_VERIFIED,
                     unverified,
                     absl::StrCat(unverified.size(),
                                  " label(s) printed and not verified by a "
                                  "scan: ",
                                  absl::StrJoin(unverified, ", ")));
    }
    if (live.size() > 1) {
      AddDiscrepancy(out, item_id, v1::DISCREPANCY_KIND_SEVERAL_LIVE_LABELS,
                     live,
                     absl::StrCat(live.size(),
                                  " labels count for one item: void the ones "
                                  "not on the container (",
                                  absl::StrJoin(live, ", "), ")"));
    }
    if (facts.last_scan != nullptr &&
        facts.last_scan->result() == v1::VERIFICATION_RESULT_FAIL) {
      AddDiscrepancy(
          out, item_id, v1::DISCREPANCY_KIND_LAST_SCAN_FAILED,
          {facts.last_scan->job_id()},
          absl::StrCat("the latest scan (", facts.last_scan->verification_id(),
                       ") failed: ", facts.last_scan->detail()));
    }
    if (live.empty()) {
      AddDiscrepancy(out, item_id, v1::DISCREPANCY_KIND_NO_LIVE_LABEL, {},
                     "every label of the item is voided");
    }
    out.set_jobs(out.jobs() + line->jobs());
    out.set_copies_printed(out.copies_printed() + line->copies_printed());
    out.set_reprints(out.reprints() + line->reprints());
    out.set_verified(out.verified() + line->verified());
    out.set_voided(out.voided() + line->voided());
  }
  return out;
}

}  // namespace cellchain::labels
