// What the dose group's two files share (dose_commands.cc: the clinic's
// and the lab's commands, the flags and the group; dose_pharmacy_commands.cc:
// the pharmacy's): the commands' names, the way a dose and its numbers are
// printed, the scan read from stdin, and the pharmacy's run functions. For
// those two files only.
// Thread-safety: functions of main()'s thread (they print to stdout).
#ifndef CELLCHAIN_CLIENTS_CLI_DOSE_COMMANDS_INTERNAL_H_
#define CELLCHAIN_CLIENTS_CLI_DOSE_COMMANDS_INTERNAL_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <string_view>

#include "cellchain/dose/v1/dose.grpc.pb.h"
#include "clients/cli/cosigner.h"  // destroy's witness (ReadCoSignature)
#include "clients/cli/dose_commands.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"

namespace cellchain::cli::dose_cli {

namespace v1 = cellchain::dose::v1;
using Stub = v1::DoseService::Stub;

// Each command's name as a refusal names it (and FlagForField finds it).
inline constexpr char kRegister[] = "dose patient-register";
inline constexpr char kPatientShow[] = "dose patient-show";
inline constexpr char kOrderCreate[] = "dose order-create";
inline constexpr char kOrderShow[] = "dose order-show";
inline constexpr char kCalculate[] = "dose calculate";
inline constexpr char kPrepare[] = "dose prepare";
inline constexpr char kPostCount[] = "dose post-count";
inline constexpr char kVerify[] = "dose verify";
inline constexpr char kShow[] = "dose show";
inline constexpr char kRelease[] = "dose release";
inline constexpr char kIssue[] = "dose issue";
inline constexpr char kReturn[] = "dose return";
inline constexpr char kDestroy[] = "dose destroy";
inline constexpr char kList[] = "dose list";

// "1.01e+07" cells, "5.6 ml", "90.0 %", "+0.80 %".
std::string Cells(double n);
std::string Ml(double ml);
std::string Percent(double p);
std::string Signed(double p);
// "VERIFIED": the state as the docs and the pharmacy name it.
std::string State(v1::DoseState state);
// "  label               value" under a record's first line.
void Line(std::string_view label, const std::string& value);
// "tina at 2026-12-05T10:00:00Z", or "-" when nobody did it yet.
std::string ByAt(const std::string& user, const google::protobuf::Timestamp& t);

// The dose in full: identification, the label's data, the plan, and who
// did each step when.
void PrintDose(const v1::Dose& d);
// DOSE, PATIENT, DIN, PRODUCT, STATE, EXPIRES: one line a dose.
void PrintDoseTable(const google::protobuf::RepeatedPtrField<v1::Dose>& doses);

// --scan's value into `scan`; "-" reads one line from stdin, as a
// keyboard-wedge scanner types it (before any password read from stdin),
// after a prompt when stdin is a terminal. False after a one-line refusal
// of `command` (exit 2) when the scan is empty.
bool ReadScan(const char* command, const std::string& flag, std::string* scan);

// The pharmacy's commands (dose_pharmacy_commands.cc).
int Release(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o);
int Issue(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o);
int Return(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o);
int Destroy(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o);
int List(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o);

}  // namespace cellchain::cli::dose_cli

#endif  // CELLCHAIN_CLIENTS_CLI_DOSE_COMMANDS_INTERNAL_H_
