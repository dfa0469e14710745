// Manufacturing's process RPC: a process version's limits and windows as
// the step rules apply them, so that a person reads them from the server
// instead of from its code or configuration.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "services/common/status/status.h"
#include "services/manufacturing/manufacturing.h"

namespace cellchain::manufacturing {

absl::StatusOr<v1::GetProcessResponse> Manufacturing::GetProcess(
    const v1::GetProcessRequest& request) const {
  const std::string version = request.process_version().empty()
                                  ? options_.default_process
                                  : request.process_version();
  const Process* process = FindProcess(version);
  if (process == nullptr) {
    return NotFound("process", version, kReasonProcessNotFound);
  }
  v1::GetProcessResponse response;
  v1::ProcessLimits& limits = *response.mutable_process();
  limits.set_process_version(version);
  limits.set_is_default(version == options_.default_process);
  limits.set_max_passage(process->max_passage);
  limits.set_max_cumulative_population_doublings(
      process->max_cumulative_population_doublings);
  limits.set_min_doubling_time_hours(
      absl::ToDoubleHours(process->min_doubling_time));
  limits.set_deviation_past_limits(process->deviation_past_limits);
  for (v1::StepKind kind : process->verified_kinds) {
    limits.add_verified_kinds(kind);
  }
  limits.set_max_collection_to_processing_hours(
      absl::ToDoubleHours(options_.max_collection_to_processing));
  limits.set_late_entry_after_hours(
      absl::ToDoubleHours(options_.late_entry_after));
  limits.set_vial_fill_ml(process->vial_fill_ml);
  std::vector<std::string> versions;
  for (const auto& [name, unused] : options_.processes)
    versions.push_back(name);
  std::sort(versions.begin(), versions.end());
  for (std::string& name : versions) {
    response.add_process_versions(std::move(name));
  }
  return response;
}

}  // namespace cellchain::manufacturing
