// What the files of the manufacturing command group share (internal to
// manufacturing_*.cc): the run function of every command, which
// manufacturing_commands.cc lists in the group's table, and the helpers
// that name and print the service's values the same way in every command.
// Each manufacturing_<aggregate>.cc defines the commands of one aggregate
// of the service (materials, equipment, batches, steps), as the service is
// split.
// Thread-safety: as group.h; the helpers write to std::cout only.
#ifndef CELLCHAIN_CLIENTS_CLI_MANUFACTURING_SHARED_H_
#define CELLCHAIN_CLIENTS_CLI_MANUFACTURING_SHARED_H_

#include <grpcpp/channel.h>

#include <cstdint>
#include <memory>
#include <string>

#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "clients/cli/manufacturing_commands.h"

namespace cellchain::cli::mfg {

namespace v1 = ::cellchain::manufacturing::v1;

using Channel = std::shared_ptr<grpc::Channel>;

// Each command's run function: its exit status (0, 1 when the server
// refused or a check failed, 2 when a flag's value is refused before
// anything is sent).
// manufacturing_materials.cc
int MaterialReceive(Channel channel, const ManufacturingOptions& o);
int MaterialRelease(Channel channel, const ManufacturingOptions& o);
int MaterialReject(Channel channel, const ManufacturingOptions& o);
int MaterialShow(Channel channel, const ManufacturingOptions& o);
int MaterialList(Channel channel, const ManufacturingOptions& o);
// manufacturing_equipment.cc
int EquipmentRegister(Channel channel, const ManufacturingOptions& o);
int EquipmentCalibrate(Channel channel, const ManufacturingOptions& o);
int EquipmentStatusCommand(Channel channel, const ManufacturingOptions& o);
int EquipmentList(Channel channel, const ManufacturingOptions& o);
// manufacturing_batches.cc
int BatchStart(Channel channel, const ManufacturingOptions& o);
int BatchAbort(Channel channel, const ManufacturingOptions& o);
int BatchShow(Channel channel, const ManufacturingOptions& o);
int BatchList(Channel channel, const ManufacturingOptions& o);
int GrowthCurve(Channel channel, const ManufacturingOptions& o);
int ProcessShow(Channel channel, const ManufacturingOptions& o);
int DeviationRecord(Channel channel, const ManufacturingOptions& o);
int DeviationAssess(Channel channel, const ManufacturingOptions& o);
// manufacturing_steps.cc
int Processing(Channel channel, const ManufacturingOptions& o);
int PassageSeed(Channel channel, const ManufacturingOptions& o);
int Harvest(Channel channel, const ManufacturingOptions& o);
int Cryopreserve(Channel channel, const ManufacturingOptions& o);
int Thaw(Channel channel, const ManufacturingOptions& o);
int ProductHarvest(Channel channel, const ManufacturingOptions& o);
int StepShow(Channel channel, const ManufacturingOptions& o);
int Verify(Channel channel, const ManufacturingOptions& o);
int Correct(Channel channel, const ManufacturingOptions& o);

// "manufacturing batch-start": the command as a refusal names it.
std::string Cmd(const char* verb);

// Enum values as the commands print them: "in_process" ("IN_PROCESS" for a
// batch's state and a deviation's class, which people read as codes).
std::string BatchStateName(v1::BatchState s);
std::string StepKindName(v1::StepKind k);
std::string StepStatusName(v1::StepStatus s);
std::string BankName(v1::BankKind k);
std::string LeftoverName(v1::LeftoverDisposition d);
std::string ClassName(v1::DeviationClass c);
std::string DeviationStatusName(v1::DeviationStatus s);

// "P3".
std::string Passage(int32_t n);
// A cell count as a person reads it: "8.00e+06", "-" when not counted.
std::string Cells(double n);
// `x` with `digits` decimals.
std::string Fixed(double x, int digits);
// "  label               value", the value escaped (printable.h).
void Line(const char* label, const std::string& value);
// "step stp_... (passage P1, revision 2, performed)": the first line every
// step command prints.
std::string StepHead(const v1::Step& step);

// manufacturing_step_view.cc: what the verifier signs and step-show
// prints — the step's every recorded value, who recorded and verified it,
// the deviations it raised, and for a corrected step each revision's
// changed values (old -> new) with its reason; materials named by code and
// lot, equipment by asset tag (looked up; an id that cannot be read is
// printed as it is).
void PrintStep(const Channel& channel, const ManufacturingOptions& o,
               const v1::Step& step, const v1::GetBatchResponse& batch);

}  // namespace cellchain::cli::mfg

#endif  // CELLCHAIN_CLIENTS_CLI_MANUFACTURING_SHARED_H_
