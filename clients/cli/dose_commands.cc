// cellchain dose: the clinic's and the lab's commands (patient-register,
// patient-show, order-create, order-show, calculate, prepare, post-count,
// verify, show), what the group's commands print alike, its flags and the
// group itself; the pharmacy's commands are in dose_pharmacy_commands.cc
// (cellchain.dose.v1.DoseService).
#include "clients/cli/dose_commands.h"

#include <unistd.h>

#include <iostream>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/cli.h"
#include "clients/cli/cosigner.h"
#include "clients/cli/dose_commands_internal.h"
#include "clients/cli/table.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli {
namespace dose_cli {

std::string Cells(double n) { return absl::StrFormat("%.2e", n); }
std::string Ml(double ml) { return absl::StrFormat("%.1f ml", ml); }
std::string Percent(double p) { return absl::StrFormat("%.1f %%", p); }
std::string Signed(double p) { return absl::StrFormat("%+.2f %%", p); }

std::string State(v1::DoseState state) {
  return absl::AsciiStrToUpper(
      LowerName(v1::DoseState_Name(state), "DOSE_STATE_"));
}

void Line(std::string_view label, const std::string& value) {
  std::cout << "  " << PadLabel(label, 20) << value << "\n";
}

std::string ByAt(const std::string& user,
                 const google::protobuf::Timestamp& t) {
  return user.empty() ? "-" : Printable(user) + " at " + DisplayTime(t);
}
namespace {

void PrintPatient(const v1::Patient& p, const v1::PatientIdentifying* shown) {
  std::cout << "patient " << Printable(p.subject_id()) << "\n";
  Line("date of birth", Printable(p.date_of_birth()));
  Line("initials", Printable(p.initials()));
  Line("chain of identity", Printable(p.chain_of_identity()));
  auto sealed = [&](bool recorded, const std::string* value) {
    if (value != nullptr && recorded) return Printable(*value);
    return std::string(recorded ? "recorded (sealed; --reveal shows it)"
                                : "not recorded");
  };
  Line("name", sealed(p.name_recorded(), shown ? &shown->name() : nullptr));
  Line("medical record no.",
       sealed(p.medical_record_number_recorded(),
              shown ? &shown->medical_record_number() : nullptr));
  Line("registered", ByAt(p.registered_by_user_id(), p.registered_at()));
}

void PrintOrder(const v1::Order& o) {
  std::cout << "order " << Printable(o.order_id()) << " for patient "
            << Printable(o.subject_id()) << "\n";
  Line("prescribed", Cells(o.prescribed_viable_cells()) + " viable cells in " +
                         Ml(o.final_volume_ml()));
  Line("vehicle", Printable(o.vehicle()) + ", heparin " +
                      absl::StrFormat("%g", o.heparin_iu_per_ml()) + " IU/ml");
  Line("route", Printable(o.route()));
  Line("planned infusion", DisplayTime(o.planned_infusion_at()));
  Line("prescriber", Printable(o.prescriber()));
  Line("ordered", ByAt(o.ordered_by_user_id(), o.ordered_at()));
}

void PrintPlan(const v1::SourceCount& source, const v1::PreparationPlan& plan) {
  Line("source", Cells(source.total_cells_per_ml()) + " cells/ml at " +
                     Percent(source.viability_percent()) + " viable = " +
                     Cells(plan.viable_cells_per_ml()) + " viable cells/ml");
  Line("draw", Ml(plan.suspension_volume_ml()) + " of suspension + " +
                   Ml(plan.diluent_volume_ml()) +
                   " of diluent = " + Ml(plan.final_volume_ml()));
  Line("planned dose", Cells(plan.planned_viable_cells()) + " viable cells (" +
                           Signed(plan.planned_deviation_percent()) +
                           " of prescribed), " +
                           Cells(plan.planned_cells_per_ml()) + " cells/ml");
}

}  // namespace

void PrintDose(const v1::Dose& d) {
  std::cout << "dose " << Printable(d.dose_id()) << "  " << State(d.state())
            << "\n";
  Line("order", Printable(d.order_id()));
  Line("patient", Printable(d.subject_id()) + ", chain of identity " +
                      Printable(d.chain_of_identity()));
  Line("lot", Printable(d.lot_id()) + " (product item " +
                  Printable(d.product_item_id()) + ")");
  Line("bag", Printable(d.item_id()));
  // What the bag's label carries and a scan of it reads (001, 003, 005,
  // 040 concatenated): the text a release's --scan is checked against.
  Line("label data", Printable(d.donation_identification() + d.product_code() +
                               d.expiration() + d.chain_of_identity()));
  Line("DIN", Printable(d.din()));
  Line("product code", Printable(d.product_code()) + " (division " +
                           Printable(d.division()) + ")");
  Line("expires", DisplayTime(d.expires_at()) + " (label " +
                      Printable(d.expiration()) + ")");
  PrintPlan(d.source(), d.plan());
  Line("heparin, saline", Printable(d.heparin_material_id()) + ", " +
                              Printable(d.saline_material_id()));
  Line("prepared", ByAt(d.prepared_by_user_id(), d.prepared_at()));
  if (!d.counted_by_user_id().empty()) {
    Line("count after", Cells(d.post_total_cells_per_ml()) + " cells/ml at " +
                            Percent(d.post_viability_percent()) +
                            " viable: " + Cells(d.delivered_viable_cells()) +
                            " viable cells delivered (" +
                            Signed(d.delivered_deviation_percent()) + ")");
  }
  Line("counted", ByAt(d.counted_by_user_id(), d.counted_at()));
  Line("verified", ByAt(d.verified_by_user_id(), d.verified_at()));
  Line("released", ByAt(d.released_by_user_id(), d.released_at()));
  if (d.acknowledged_pending_test_codes_size() > 0) {
    Line("acknowledged pending",
         Printable(absl::StrJoin(d.acknowledged_pending_test_codes(), ", ")));
  }
  if (!d.issued_handoff_id().empty()) {
    Line("issued", DisplayTime(d.issued_at()) + ", handoff " +
                       Printable(d.issued_handoff_id()));
  }
  if (d.has_returned_at()) {
    Line("returned",
         DisplayTime(d.returned_at()) + ": " + Printable(d.return_reason()));
  }
  if (!d.destroyed_by_user_id().empty()) {
    Line("destroyed", ByAt(d.destroyed_by_user_id(), d.destroyed_at()) +
                          ", witness " +
                          Printable(d.destruction_witness_user_id()) + ": " +
                          Printable(d.destruction_reason()));
  }
}

void PrintDoseTable(const google::protobuf::RepeatedPtrField<v1::Dose>& doses) {
  Table table({"DOSE", "PATIENT", "DIN", "PRODUCT", "STATE", "EXPIRES (UTC)"});
  for (const v1::Dose& d : doses) {
    table.AddRow({Printable(d.dose_id()), Printable(d.subject_id()),
                  Printable(d.din()), Printable(d.product_code()),
                  State(d.state()), DisplayTime(d.expires_at())});
  }
  table.Print(std::cout);
}

bool ReadScan(const char* command, const std::string& flag, std::string* scan) {
  *scan = flag;
  if (flag == "-") {
    // At a terminal the scanner types into the pharmacist's shell: say
    // that the command waits for it.
    if (isatty(STDIN_FILENO))
      std::cerr << "Scan the bag's label: " << std::flush;
    if (!std::getline(std::cin, *scan)) scan->clear();
  }
  if (!scan->empty() && scan->back() == '\r') scan->pop_back();
  if (scan->empty()) {
    Fail(command, "--scan is required (- reads the scanner's line)", 2);
    return false;
  }
  return true;
}

namespace {

// --- patients and orders -----------------------------------------------------

int PatientRegister(std::shared_ptr<grpc::Channel> channel,
                    const DoseOptions& o) {
  v1::RegisterPatientRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_subject_id(o.subject_id);
  request.set_date_of_birth(o.date_of_birth);
  request.set_initials(o.initials);
  if (o.identifying_stdin) {
    v1::PatientIdentifying* identifying = request.mutable_identifying();
    if (!ReadKeyValueLines(
            kRegister, "identifying-stdin", std::cin,
            {{"name", identifying->mutable_name()},
             {"mrn", identifying->mutable_medical_record_number()}})) {
      return 2;
    }
  }
  v1::RegisterPatientResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::RegisterPatient, request, &response);
  if (!status.ok()) return Report(kRegister, status);
  std::cout << "registered ";
  PrintPatient(response.patient(), nullptr);
  return 0;
}

int PatientShow(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::GetPatientRequest request;
  request.set_subject_id(o.subject_id);
  request.set_reveal_identifying(o.reveal);
  request.set_reason(o.reason);
  v1::GetPatientResponse response;
  grpc::Status status = Call(channel, o, &Stub::GetPatient, request, &response);
  if (!status.ok()) return Report(kPatientShow, status);
  PrintPatient(response.patient(),
               o.reveal ? &response.identifying() : nullptr);
  return 0;
}

int OrderCreate(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::CreateOrderRequest request;
  double cells = 0, volume = 0, heparin = 0;
  if (!ReadNumberFlag(kOrderCreate, "cells", o.cells, &cells) ||
      !ReadNumberFlag(kOrderCreate, "volume-ml", o.volume_ml, &volume) ||
      !ReadNumberFlag(kOrderCreate, "heparin-iu-per-ml", o.heparin_iu_per_ml,
                      &heparin) ||
      !ReadTimeFlag(kOrderCreate, "planned-infusion-at", o.planned_infusion_at,
                    request.mutable_planned_infusion_at())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  request.set_subject_id(o.subject_id);
  request.set_prescribed_viable_cells(cells);
  request.set_final_volume_ml(volume);
  request.set_vehicle(o.vehicle);
  request.set_heparin_iu_per_ml(heparin);
  request.set_route(o.route);
  request.set_prescriber(o.prescriber);
  v1::CreateOrderResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::CreateOrder, request, &response);
  if (!status.ok()) return Report(kOrderCreate, status);
  std::cout << "created ";
  PrintOrder(response.order());
  return 0;
}

int OrderShow(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::GetOrderRequest request;
  request.set_order_id(o.order_id);
  v1::GetOrderResponse response;
  grpc::Status status = Call(channel, o, &Stub::GetOrder, request, &response);
  if (!status.ok()) return Report(kOrderShow, status);
  PrintOrder(response.order());
  if (response.doses_size() == 0) {
    std::cout << "no dose prepared yet\n";
  } else {
    PrintDoseTable(response.doses());
  }
  return 0;
}

// --- preparation -------------------------------------------------------------

// --cells-per-ml and --viability into `source`; false after a message.
bool ReadCount(const char* command, const DoseOptions& o,
               v1::SourceCount* source) {
  double per_ml = 0, viability = 0;
  if (!ReadNumberFlag(command, "cells-per-ml", o.cells_per_ml, &per_ml) ||
      !ReadNumberFlag(command, "viability", o.viability, &viability)) {
    return false;
  }
  source->set_total_cells_per_ml(per_ml);
  source->set_viability_percent(viability);
  return true;
}

int Calculate(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::CalculatePreparationRequest request;
  double cells = 0, volume = 0;
  if (!ReadNumberFlag(kCalculate, "cells", o.cells, &cells) ||
      !ReadNumberFlag(kCalculate, "volume-ml", o.volume_ml, &volume) ||
      !ReadCount(kCalculate, o, request.mutable_source())) {
    return 2;
  }
  request.set_prescribed_viable_cells(cells);
  request.set_final_volume_ml(volume);
  v1::CalculatePreparationResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::CalculatePreparation, request, &response);
  if (!status.ok()) return Report(kCalculate, status);
  std::cout << "preparation (nothing recorded):\n";
  PrintPlan(request.source(), response.plan());
  return 0;
}

int Prepare(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::PrepareDoseRequest request;
  if (!ReadCount(kPrepare, o, request.mutable_source())) return 2;
  request.set_order_id(o.order_id);
  request.set_lot_id(o.lot_id);
  request.set_heparin_material_id(o.heparin);
  request.set_saline_material_id(o.saline);
  request.set_location_id(o.location_id);
  if (!ReadSignature(o, kPrepare, "the dose's preparation",
                     common::v1::SIGNATURE_MEANING_PERFORMED,
                     request.mutable_signature())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  v1::PrepareDoseResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::PrepareDose, request, &response);
  if (!status.ok()) return Report(kPrepare, status);
  std::cout << "prepared ";
  PrintDose(response.dose());
  std::cout << "next: the bag's count (dose post-count), then a second "
               "technician's dose verify\n";
  return 0;
}

int PostCount(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::RecordPostPreparationCountRequest request;
  v1::SourceCount count;
  if (!ReadCount(kPostCount, o, &count)) return 2;
  request.set_dose_id(o.dose_id);
  request.set_total_cells_per_ml(count.total_cells_per_ml());
  request.set_viability_percent(count.viability_percent());
  if (!ReadSignature(o, kPostCount, "the dose's count",
                     common::v1::SIGNATURE_MEANING_PERFORMED,
                     request.mutable_signature())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  v1::RecordPostPreparationCountResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::RecordPostPreparationCount, request, &response);
  if (!status.ok()) return Report(kPostCount, status);
  const v1::Dose& d = response.dose();
  bool acceptable = response.failures_size() == 0;
  std::cout << "dose " << Printable(d.dose_id())
            << " counted: " << (acceptable ? "ACCEPTABLE" : "NOT ACCEPTABLE")
            << "; " << Cells(d.delivered_viable_cells())
            << " viable cells delivered ("
            << Signed(d.delivered_deviation_percent()) << " of prescribed), "
            << Percent(d.post_viability_percent()) << " viable; state "
            << State(d.state()) << "\n";
  for (const std::string& failure : response.failures()) {
    std::cout << "  " << Printable(failure) << "\n";
  }
  // A dose outside the window is never released: the count is recorded,
  // but what the technician does next is not what follows an acceptable one.
  return acceptable ? 0 : 1;
}

int Verify(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::VerifyDoseRequest request;
  request.set_dose_id(o.dose_id);
  if (!ReadSignature(o, kVerify, "the dose's calculation and product",
                     common::v1::SIGNATURE_MEANING_VERIFIED,
                     request.mutable_signature())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  v1::VerifyDoseResponse response;
  grpc::Status status = Call(channel, o, &Stub::VerifyDose, request, &response);
  if (!status.ok()) return Report(kVerify, status);
  const v1::Dose& d = response.dose();
  std::cout << "dose " << Printable(d.dose_id()) << " verified by "
            << ByAt(d.verified_by_user_id(), d.verified_at()) << "; state "
            << State(d.state()) << "; awaiting the pharmacy's release\n";
  return 0;
}

int Show(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::GetDoseRequest request;
  request.set_dose_id(o.dose_id);
  v1::GetDoseResponse response;
  grpc::Status status = Call(channel, o, &Stub::GetDose, request, &response);
  if (!status.ok()) return Report(kShow, status);
  PrintDose(response.dose());
  if (response.dose().state() == v1::DOSE_STATE_VERIFIED ||
      response.dose().state() == v1::DOSE_STATE_RETURNED) {
    if (response.release_blockers_size() == 0) {
      std::cout << "a release now: no gate fails (the label scan and the "
                   "patient are checked at release)\n";
    } else {
      std::cout << "a release now would be refused:\n";
      for (const std::string& blocker : response.release_blockers()) {
        std::cout << "  " << Printable(blocker) << "\n";
      }
    }
  }
  return 0;
}

void DeclareDoseFlags(config::Loader& loader, DoseOptions& o) {
  loader.String("subject-id", &o.subject_id,
                "The patient's trial subject id (RH-017).");
  loader.String("date-of-birth", &o.date_of_birth,
                "The patient's date of birth, YYYY-MM-DD (release: as read "
                "from\nthe patient's record).");
  loader.String("initials", &o.initials,
                "The patient's initials, 2 or 3 capital letters.");
  loader.Bool("identifying-stdin", &o.identifying_stdin,
              "patient-register: read name= and mrn= lines from stdin "
              "(sealed).");
  loader.Bool("reveal", &o.reveal,
              "patient-show: show the sealed name and MRN (needs --reason; "
              "audited).");
  loader.String("reason", &o.reason,
                "Why (audited); required by patient-show --reveal, return "
                "and destroy.");
  loader.String("order-id", &o.order_id,
                "The order, ord_... (release: as read from the order sheet; "
                "the dose\nmust be its own).");
  loader.String("cells", &o.cells, "Prescribed viable cells (default 1e7).");
  loader.String("volume-ml", &o.volume_ml, "Final volume, ml (default 20).");
  loader.String("vehicle", &o.vehicle,
                "order-create: the vehicle (default: the configured one).");
  loader.String("heparin-iu-per-ml", &o.heparin_iu_per_ml,
                "order-create: heparin in the final volume, IU/ml.");
  loader.String("route", &o.route,
                "order-create: the route (default: the configured one).");
  loader.String("planned-infusion-at", &o.planned_infusion_at,
                "order-create: the planned infusion time (RFC 3339).");
  loader.String("prescriber", &o.prescriber,
                "order-create: the prescribing physician's printed name.");
  loader.String("cells-per-ml", &o.cells_per_ml,
                "The count: total cells/ml (calculate, prepare: the source "
                "suspension;\npost-count: the bag).");
  loader.String("viability", &o.viability, "The count's viability, %.");
  loader.String("lot-id", &o.lot_id,
                "prepare: the QC lot QA released, qcl_...");
  loader.String("heparin", &o.heparin,
                "prepare: the heparin lot, manufacturing's MAT- code or id.");
  loader.String("saline", &o.saline,
                "prepare: the saline lot, manufacturing's MAT- code or id.");
  loader.String("location-id", &o.location_id,
                "prepare: where the bag is kept (a path of names or loc_...);"
                "\nthe technician holds it when not given.");
  loader.String("dose-id", &o.dose_id, "The dose, dos_...");
  loader.String("scan", &o.scan,
                "What the scanner read from the bag's label; - reads one "
                "line\nfrom stdin (before a password from stdin).");
  loader.List("acknowledge", &o.acknowledge,
              "release: a conditional lot's pending test codes, "
              "acknowledged.");
  loader.String("to-user", &o.to_user,
                "issue: the receiving clinician's user id.");
  loader.String("to-location", &o.to_location,
                "issue: the cath lab's location (a path of names or "
                "loc_...).");
  loader.String("condition", &o.condition,
                "issue, return: the bag's condition (2-8 C, cool box).");
  loader.Bool("seal-broken", &o.seal_broken,
              "issue, return: the seal is not intact.");
  loader.String("handoff-id", &o.handoff_id,
                "return: the cath lab's handoff back to the pharmacy "
                "(default:\nthe bag's one open handoff).");
  DeclareCosigner(loader,
                  {.flag = "witness",
                   .who = "the witness of the destruction (anyone but you)"},
                  "destroy", &o.witness, &o.witness_password_env);
  loader.String(
      "worklist", &o.worklist,
      absl::StrCat(
          "list: ", EnumChoices(v1::Worklist_descriptor(), "WORKLIST_"), "."));
  loader.Int64("within-minutes", &o.within_minutes, 0, 525600,
               "list --worklist=expiring_soon: the window (0: the "
               "configured one).");
  loader.Bool("password-stdin", &o.password_stdin,
              "Read the signing password from stdin (destroy: then the "
              "witness's).");
  loader.String("password-env", &o.password_env,
                "Read the signing password from this environment variable "
                "(its\nname, not the password).");
}

std::vector<NamedFlag> DoseNamedFlags(DoseOptions& o) {
  using Thing = NamedFlag::Thing;
  // The heparin and saline lots are not here: the service takes their
  // MAT- codes itself.
  return {
      {"location-id", Thing::kLocation, &o.location_id},
      {"to-location", Thing::kLocation, &o.to_location},
  };
}

const Group& MakeGroup() {
  static const auto* const group = new GroupOf<DoseOptions>({
      .name = "dose",
      .alias = "",
      .about = "Trial subjects, their dose orders and doses, from the lab to "
               "the cath lab",
      .declare = DeclareDoseFlags,
      .commands =
          {
              {{kRegister,
                "subject-id! date-of-birth! initials! identifying-stdin reason",
                "cellchain dose patient-register --subject-id=RH-017\n"
                "    --date-of-birth=YYYY-MM-DD --initials=JD "
                "[--identifying-stdin]\n"
                "Registers a trial subject with the two bedside identifiers; "
                "the patient\n"
                "gets a chain of identity identifier (ISBT 128 040) every "
                "dose for them\n"
                "carries. Name and MRN, as name= and mrn= lines on stdin, are "
                "sealed.\n"
                "Pharmacist or clinician.\n"},
               PatientRegister},
              {{kPatientShow, "subject-id! reveal reason",
                "cellchain dose patient-show --subject-id=ID [--reveal "
                "--reason=TEXT]\n"
                "The patient. --reveal shows the sealed name and MRN "
                "(pharmacists and\n"
                "clinicians; the viewing is audited with the reason).\n"},
               PatientShow},
              {{kOrderCreate,
                "subject-id! heparin-iu-per-ml! planned-infusion-at! "
                "prescriber! cells volume-ml vehicle route reason",
                "cellchain dose order-create --subject-id=ID "
                "--heparin-iu-per-ml=N\n"
                "    --planned-infusion-at=TIME --prescriber=NAME [--cells=1e7]"
                " [--volume-ml=20]\n"
                "    [--vehicle=TEXT] [--route=TEXT]\n"
                "Orders one dose for the patient: the prescribed viable cells "
                "in the\n"
                "final volume (defaults 1e7 cells in 20 ml), the vehicle and "
                "route (the\n"
                "configured ones by default). Clinician.\n"},
               OrderCreate},
              {{kOrderShow, "order-id!",
                "cellchain dose order-show --order-id=ord_...\n"
                "The order and its doses.\n"},
               OrderShow},
              {{kCalculate, "cells-per-ml! viability! cells volume-ml",
                "cellchain dose calculate --cells-per-ml=2e6 --viability=90 "
                "[--cells=1e7]\n"
                "    [--volume-ml=20]\n"
                "What a preparation would draw from a count: the suspension "
                "to the\n"
                "nearest 0.1 ml, the diluent, the planned dose. Recorded "
                "nowhere.\n"
                "Technician or pharmacist.\n"},
               Calculate},
              {{kPrepare,
                "order-id! lot-id! cells-per-ml! viability! heparin! saline! "
                "location-id reason password-stdin password-env",
                "cellchain dose prepare --order-id=ord_... --lot-id=qcl_...\n"
                "    --cells-per-ml=2e6 --viability=90 --heparin=MAT-... "
                "--saline=MAT-...\n"
                "    [--location-id=PATH] [--password-stdin | "
                "--password-env=VAR]\n"
                "Prepares the order's dose from a lot QA released, with the "
                "source's\n"
                "count, signed PERFORMED: the dose gets its DIN, product "
                "code, expiry\n"
                "and the patient's chain of identity, and a DOSE_BAG in "
                "custody.\n"
                "Technician.\n"},
               Prepare},
              {{kPostCount,
                "dose-id! cells-per-ml! viability! reason password-stdin "
                "password-env",
                "cellchain dose post-count --dose-id=dos_... "
                "--cells-per-ml=5e5\n"
                "    --viability=95 [--password-stdin | --password-env=VAR]\n"
                "Records the bag's count (PERFORMED): ACCEPTABLE inside the "
                "window, else\n"
                "NOT ACCEPTABLE with each failed limit (exit 1; never "
                "released).\n"
                "Technician.\n"},
               PostCount},
              {{kVerify, "dose-id! reason password-stdin password-env",
                "cellchain dose verify --dose-id=dos_... [--password-stdin | "
                "--password-env=VAR]\n"
                "A second technician verifies the calculation and the product "
                "(VERIFIED);\n"
                "not the one who prepared or counted it.\n"},
               Verify},
              {{kShow, "dose-id!",
                "cellchain dose show --dose-id=dos_...\n"
                "The dose in full and, while it awaits release, what a "
                "release would\n"
                "refuse now.\n"},
               Show},
              {{kRelease,
                "order-id! dose-id scan! subject-id! date-of-birth! initials! "
                "acknowledge reason password-stdin password-env",
                "cellchain dose release --order-id=ord_... [--dose-id=dos_...]"
                "\n"
                "    --scan=LABEL|- --subject-id=ID --date-of-birth=YYYY-MM-DD "
                "--initials=JD\n"
                "    [--acknowledge=CODE,...] [--password-stdin | "
                "--password-env=VAR]\n"
                "The pharmacist releases the dose (RELEASED) when every gate "
                "holds: the\n"
                "dose the order sheet's --order-id's (WRONG_ORDER), the lot, "
                "the count,\n"
                "the verification, the label scanned, the patient read from "
                "the order\n"
                "sheet, expiry, holds, custody, temperature. The dose is "
                "--dose-id, or\n"
                "the order's dose not yet released, which the service finds.\n"
                "Every gate is printed with its result; a refusal names each "
                "failing\n"
                "gate (exit 1). The password is typed without echo unless "
                "given by\n"
                "--password-stdin (after the scan's line) or --password-env.\n"
                "Not by a pharmacist who prepared, counted or verified it.\n"},
               Release},
              {{kIssue,
                "dose-id! to-user to-location condition seal-broken reason",
                "cellchain dose issue --dose-id=dos_... --to-user=ID "
                "[--to-location=PATH]\n"
                "    [--condition=TEXT] [--seal-broken]\n"
                "Issues a released dose to the cath lab: a custody handoff to "
                "the\n"
                "clinician and/or the place, accepted there by scanning the "
                "bag.\n"
                "Pharmacist.\n"},
               Issue},
              {{kReturn,
                "dose-id! scan! reason! handoff-id condition seal-broken",
                "cellchain dose return --dose-id=dos_... --scan=LABEL|- "
                "--reason=TEXT\n"
                "    [--handoff-id=hnd_...] [--condition=TEXT] "
                "[--seal-broken]\n"
                "Takes back an issued dose: accepts the cath lab's handoff "
                "back by\n"
                "scanning the bag (the bag's one handoff back, which the "
                "service finds,\n"
                "unless --handoff-id names it). A broken seal puts the bag on "
                "hold.\n"
                "Pharmacist.\n"},
               Return},
              {{kDestroy,
                "dose-id! witness! reason! password-stdin password-env "
                "witness-password-env",
                "cellchain dose destroy --dose-id=dos_... --witness=USER "
                "--reason=TEXT\n"
                "    [--password-stdin | --password-env=VAR] "
                "[--witness-password-env=VAR]\n"
                "Destroys a dose that will not be infused (PERFORMED), the "
                "witness\n"
                "signing at this workstation (WITNESSED); the bag is "
                "discarded.\n"
                "Pharmacist.\n"},
               Destroy},
              {{kList, "worklist! within-minutes",
                "cellchain dose list --worklist=awaiting_release "
                "[--within-minutes=N]\n"
                "A pharmacy worklist, soonest expiry first: awaiting_release "
                "(VERIFIED),\n"
                "released_not_infused, expiring_soon (within N minutes, "
                "default the\n"
                "configured window).\n"},
               List},
          },
      .field_aliases =
          {
              {"prescribed_viable_cells", "cells"},
              {"final_volume_ml", "volume-ml"},
              {"total_cells_per_ml", "cells-per-ml"},
              {"viability_percent", "viability"},
              {"heparin_material_id", "heparin"},
              {"saline_material_id", "saline"},
              {"label_scan", "scan"},
              {"acknowledged_pending_test_codes", "acknowledge"},
              {"to_user_id", "to-user"},
              {"to_location_id", "to-location"},
              {"seal_intact", "seal-broken"},
              {"name", "identifying-stdin"},
              {"medical_record_number", "identifying-stdin"},
          },
      .named_flags = DoseNamedFlags,
  });
  return *group;
}

}  // namespace
}  // namespace dose_cli

const Group& DoseGroup() { return dose_cli::MakeGroup(); }

}  // namespace cellchain::cli
