// cellchain clinical receive|bedside-check|infuse|dispose-unused (the cath
// lab), the group's flags and its definition; the observation, adverse
// events and queries are in clinical_record_commands.cc.
#include "clients/cli/clinical_commands.h"

#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cellchain/clinical/v1/clinical.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/clinical_commands_internal.h"
#include "clients/cli/cosigner.h"
#include "clients/cli/session.h"
#include "clients/cli/table.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli {
namespace clinical_cli {

namespace v1 = cellchain::clinical::v1;
using Stub = v1::ClinicalService::Stub;

std::string InfusionStateName(v1::InfusionState state) {
  return LowerName(v1::InfusionState_Name(state), "INFUSION_STATE_");
}

namespace {

std::string Ml(double ml) { return absl::StrFormat("%.1f ml", ml); }

std::string Wristband(const v1::Wristband& band) {
  std::vector<std::string> read;
  if (!band.subject_id().empty()) read.push_back(band.subject_id());
  read.push_back("born " + band.date_of_birth());
  read.push_back("initials " + band.initials());
  if (!band.chain_of_identity().empty()) {
    read.push_back("040 " + band.chain_of_identity());
  }
  return Printable(absl::StrJoin(read, ", "));
}

// "10 min 0 s" between two times.
std::string Duration(const google::protobuf::Timestamp& from,
                     const google::protobuf::Timestamp& to) {
  int64_t seconds = to.seconds() - from.seconds();
  return absl::StrCat(seconds / 60, " min ", seconds % 60, " s");
}

}  // namespace

void PrintInfusion(const v1::Infusion& i, std::ostream& out,
                   const std::string& indent) {
  auto line = [&](const char* label, const std::string& value) {
    out << indent << PadLabel(label, 19) << value << "\n";
  };
  line("infusion", Printable(i.infusion_id()));
  line("state", InfusionStateName(i.state()));
  line("patient", Printable(i.subject_id()));
  line("dose",
       absl::StrCat(Printable(i.dose_id()), " (", Ml(i.dose_volume_ml()), ")"));
  line("QC lot", Printable(i.lot_id()));
  line("dose bag", Printable(i.item_id()));
  line("chain of identity", Printable(i.chain_of_identity()));
  line("received",
       absl::StrCat(DisplayTime(i.received_at()), " by ",
                    Printable(i.received_by_user_id()), " (handoff ",
                    Printable(i.receipt_handoff_id()), ")"));
  for (const v1::BedsideCheck& check : i.bedside_checks()) {
    line("bedside check",
         absl::StrCat(DisplayTime(check.checked_at()), " by ",
                      Printable(check.user_id()), ": wristband ",
                      Wristband(check.wristband())));
  }
  if (i.has_bedside_verified_at()) {
    line("bedside verified", DisplayTime(i.bedside_verified_at()));
  }
  if (i.state() == v1::INFUSION_STATE_INFUSED) {
    const v1::InfusionDetails& d = i.details();
    line("infused", absl::StrCat(DisplayTime(d.started_at()), " to ",
                                 DisplayTime(d.ended_at()), " (",
                                 Duration(d.started_at(), d.ended_at()), "), ",
                                 Ml(d.volume_infused_ml()), " by ",
                                 Printable(i.operator_user_id())));
    line("rate",
         absl::StrFormat("%.2f ml/min%s", i.rate_ml_per_min(),
                         i.rate_deviation() ? " (DEVIATION: outside the band)"
                                            : " (within the band)"));
    line("route",
         absl::StrCat(
             LowerName(v1::Route_Name(d.route()), "ROUTE_"), ", ",
             LowerName(v1::CoronaryArtery_Name(d.artery()), "CORONARY_ARTERY_"),
             ", ", d.catheter_french(), " Fr catheter, ",
             d.balloon_occlusion() ? "balloon occlusion"
                                   : "no balloon occlusion"));
    line("complications",
         d.complications().empty()
             ? "none"
             : Printable(absl::StrJoin(d.complications(), "; ")));
    if (i.remainder_ml() > 0) {
      line("remainder",
           absl::StrCat(Ml(i.remainder_ml()), " ",
                        LowerName(v1::Disposal_Name(i.remainder_disposal()),
                                  "DISPOSAL_"),
                        ", witness ", Printable(i.disposal_witness_user_id())));
    }
  }
  if (i.state() == v1::INFUSION_STATE_RETURNED) {
    line("returned",
         absl::StrCat(DisplayTime(i.disposed_at()), " by ",
                      Printable(i.disposed_by_user_id()), " (handoff ",
                      Printable(i.return_handoff_id()), ")"));
  }
  if (i.state() == v1::INFUSION_STATE_DESTROYED) {
    line("destroyed",
         absl::StrCat(DisplayTime(i.disposed_at()), " by ",
                      Printable(i.disposed_by_user_id()), ", witness ",
                      Printable(i.disposal_witness_user_id())));
  }
  if (!i.disposal_reason().empty()) {
    line("reason", Printable(i.disposal_reason()));
  }
}

int Receive(Channel channel, const ClinicalOptions& o) {
  const std::string command = "clinical receive";
  std::string scan = o.scan;
  // --scan=- reads one line from stdin, as a keyboard-wedge scanner types it.
  if (scan == "-" && !std::getline(std::cin, scan)) scan = "";
  if (scan.empty()) {
    return Fail(command, "--scan: the dose bag's label, scanned", 2);
  }
  v1::ReceiveDoseRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_dose_id(o.dose_id);
  request.set_handoff_id(o.handoff_id);
  request.set_scan(scan);
  request.set_condition(o.condition);
  request.set_seal_intact(!o.seal_broken);
  v1::ReceiveDoseResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::ReceiveDose, request, &response);
  if (!status.ok()) return Report(command, status);
  std::cout << "dose " << Printable(response.infusion().dose_id())
            << " received at the cath lab for "
            << Printable(response.infusion().subject_id())
            << "; next: two clinicians' bedside check\n";
  PrintInfusion(response.infusion(), std::cout);
  return 0;
}

int BedsideCheck(Channel channel, const ClinicalOptions& o) {
  const std::string command = "clinical bedside-check";
  v1::VerifyAtBedsideRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_infusion_id(o.infusion_id);
  request.set_label_scan(o.label_scan);
  v1::Wristband* band = request.mutable_wristband();
  band->set_subject_id(o.subject_id);
  band->set_date_of_birth(o.date_of_birth);
  band->set_initials(o.initials);
  band->set_chain_of_identity(o.chain_of_identity);
  request.set_second_label_scan(o.second_label_scan);
  v1::Wristband* second = request.mutable_second_wristband();
  second->set_subject_id(o.second_subject_id);
  second->set_date_of_birth(o.second_date_of_birth);
  second->set_initials(o.second_initials);
  second->set_chain_of_identity(o.second_chain_of_identity);
  const std::string what = "the bedside check of " + o.infusion_id;
  if (!ReadSignature(o, command, what, common::v1::SIGNATURE_MEANING_VERIFIED,
                     request.mutable_signature()) ||
      !ReadCoSignature(o, command, o.second_clinician,
                       o.second_clinician_password_env, what,
                       common::v1::SIGNATURE_MEANING_VERIFIED,
                       request.mutable_second_clinician())) {
    return 2;
  }
  v1::VerifyAtBedsideResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::VerifyAtBedside, request, &response);
  if (!status.ok()) return Report(command, status);
  std::cout << "bedside check passed: dose "
            << Printable(response.infusion().dose_id()) << " is for "
            << Printable(response.infusion().subject_id())
            << ", checked by two clinicians; next: infuse\n";
  PrintInfusion(response.infusion(), std::cout);
  return 0;
}

int Infuse(Channel channel, const ClinicalOptions& o) {
  const std::string command = "clinical infuse";
  v1::RecordInfusionRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_infusion_id(o.infusion_id);
  v1::InfusionDetails* d = request.mutable_details();
  double volume = 0;
  if (!ReadTimeFlag(command, "started-at", o.started_at,
                    d->mutable_started_at()) ||
      !ReadTimeFlag(command, "ended-at", o.ended_at, d->mutable_ended_at()) ||
      !ReadNumberFlag(command, "volume-ml", o.volume_ml, &volume)) {
    return 2;
  }
  d->set_volume_infused_ml(volume);
  v1::Route route = v1::ROUTE_UNSPECIFIED;
  if (!ParseEnumFlag(command, "route", o.route, "ROUTE_", &route)) return 2;
  d->set_route(route);
  v1::CoronaryArtery artery = v1::CORONARY_ARTERY_UNSPECIFIED;
  if (!ParseEnumFlag(command, "artery", o.artery, "CORONARY_ARTERY_",
                     &artery)) {
    return 2;
  }
  d->set_artery(artery);
  int32_t french = 0;
  if (!ReadWholeFlag(command, "catheter-fr", o.catheter_fr, &french)) return 2;
  d->set_catheter_french(french);
  d->set_balloon_occlusion(o.balloon_occlusion);
  for (const std::string& c : o.complications) d->add_complications(c);
  if (!o.remainder.empty()) {
    v1::Disposal disposal = v1::DISPOSAL_UNSPECIFIED;
    if (!ParseEnumName(o.remainder, "DISPOSAL_", &v1::Disposal_Parse,
                       &disposal)) {
      return Fail(
          command,
          "--remainder: " + EnumChoices(v1::Disposal_descriptor(), "DISPOSAL_",
                                        {v1::DISPOSAL_RETURNED_TO_PHARMACY}),
          2);
    }
    request.set_remainder_disposal(disposal);
  }
  // A remainder is destroyed with a witness: asked for before anyone types
  // a password.
  if (!o.remainder.empty() &&
      !CosignerNamed(command, o.witness, "with --remainder")) {
    return 2;
  }
  const std::string what = "the infusion of " + o.infusion_id;
  if (!ReadSignature(o, command, what, common::v1::SIGNATURE_MEANING_PERFORMED,
                     request.mutable_signature())) {
    return 2;
  }
  if ((!o.remainder.empty() || !o.witness.empty()) &&
      !ReadCoSignature(o, command, o.witness, o.witness_password_env,
                       "the destruction of the remainder of " + o.infusion_id,
                       common::v1::SIGNATURE_MEANING_WITNESSED,
                       request.mutable_remainder_witness())) {
    return 2;
  }
  v1::RecordInfusionResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::RecordInfusion, request, &response);
  if (!status.ok()) return Report(command, status);
  const v1::Infusion& i = response.infusion();
  std::cout << absl::StrFormat(
      "infused: %.1f ml of dose %s into %s at %.2f ml/min\n",
      i.details().volume_infused_ml(), Printable(i.dose_id()),
      Printable(i.subject_id()), i.rate_ml_per_min());
  if (!response.rate_deviation_text().empty()) {
    // Recorded, not refused: QA reviews it from the audit trail.
    std::cout << "RATE DEVIATION: " << Printable(response.rate_deviation_text())
              << "\n";
  }
  PrintInfusion(i, std::cout);
  return 0;
}

int DisposeUnused(Channel channel, const ClinicalOptions& o) {
  const std::string command = "clinical dispose-unused";
  v1::DisposeUnusedDoseRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_infusion_id(o.infusion_id);
  v1::Disposal disposal = v1::DISPOSAL_UNSPECIFIED;
  if (!ParseEnumFlag(command, "disposal", o.disposal, "DISPOSAL_", &disposal)) {
    return 2;
  }
  request.set_disposal(disposal);
  request.set_to_location_id(o.to_location);
  if (disposal == v1::DISPOSAL_DESTROYED &&
      !CosignerNamed(command, o.witness, "with --disposal=destroyed")) {
    return 2;
  }
  const std::string what = "the disposal of " + o.infusion_id;
  if (!ReadSignature(o, command, what, common::v1::SIGNATURE_MEANING_PERFORMED,
                     request.mutable_signature())) {
    return 2;
  }
  if ((disposal == v1::DISPOSAL_DESTROYED || !o.witness.empty()) &&
      !ReadCoSignature(o, command, o.witness, o.witness_password_env, what,
                       common::v1::SIGNATURE_MEANING_WITNESSED,
                       request.mutable_witness())) {
    return 2;
  }
  v1::DisposeUnusedDoseResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::DisposeUnusedDose, request, &response);
  if (!status.ok()) return Report(command, status);
  const v1::Infusion& i = response.infusion();
  if (i.state() == v1::INFUSION_STATE_RETURNED) {
    std::cout << "dose " << Printable(i.dose_id())
              << " handed back to the pharmacy (handoff "
              << Printable(i.return_handoff_id())
              << "), which accepts it by scanning the bag\n";
  } else {
    std::cout << "dose " << Printable(i.dose_id()) << " destroyed, witness "
              << Printable(i.disposal_witness_user_id()) << "\n";
  }
  PrintInfusion(i, std::cout);
  return 0;
}

}  // namespace clinical_cli

namespace {

namespace v1 = cellchain::clinical::v1;

void DeclareClinicalFlags(config::Loader& loader, ClinicalOptions& o) {
  loader.String("infusion-id", &o.infusion_id,
                "The infusion (inf_...; receive prints it).");
  loader.String("dose-id", &o.dose_id, "receive: the dose (dos_...).");
  loader.String("handoff-id", &o.handoff_id,
                "receive: the pharmacy's handoff (default: the one the "
                "dose\nwas issued with).");
  loader.String("scan", &o.scan,
                "receive: the dose bag's label as scanned; \"-\" reads one "
                "line\nfrom stdin (a keyboard-wedge scanner).");
  loader.String("condition", &o.condition,
                "receive: how it arrived (\"2-8 C, cool box\").");
  loader.Bool("seal-broken", &o.seal_broken,
              "receive: the transport seal was not intact.");
  loader.String("label-scan", &o.label_scan,
                "bedside-check: your scan of the dose label (ISBT 128 001, "
                "003,\n005 and 040).");
  loader.String("subject-id", &o.subject_id,
                "record: the patient; bedside-check: the subject id read "
                "from\nthe wristband.");
  loader.String("date-of-birth", &o.date_of_birth,
                "bedside-check: the wristband's date of birth (YYYY-MM-DD).");
  loader.String("initials", &o.initials,
                "bedside-check: the wristband's initials.");
  loader.String("chain-of-identity", &o.chain_of_identity,
                "bedside-check: the wristband's chain of identity (040), "
                "when\nit carries one.");
  DeclareCosigner(loader,
                  {.flag = "second-clinician",
                   .who = "the second clinician at the bedside"},
                  "bedside-check", &o.second_clinician,
                  &o.second_clinician_password_env);
  loader.String("second-label-scan", &o.second_label_scan,
                "bedside-check: the second clinician's own scan of the "
                "label.");
  loader.String("second-subject-id", &o.second_subject_id,
                "bedside-check: the subject id the second clinician read.");
  loader.String("second-date-of-birth", &o.second_date_of_birth,
                "bedside-check: the date of birth the second clinician "
                "read.");
  loader.String("second-initials", &o.second_initials,
                "bedside-check: the initials the second clinician read.");
  loader.String("second-chain-of-identity", &o.second_chain_of_identity,
                "bedside-check: the 040 the second clinician read.");
  loader.String("started-at", &o.started_at,
                "infuse: when the infusion started (RFC 3339).");
  loader.String("ended-at", &o.ended_at, "infuse: when it ended (RFC 3339).");
  loader.String("volume-ml", &o.volume_ml,
                "infuse: the volume infused, ml (to 0.1 ml).");
  loader.String("route", &o.route,
                FlagHelp("infuse: the route, " +
                         EnumChoices(v1::Route_descriptor(), "ROUTE_") + "."));
  loader.String("artery", &o.artery,
                FlagHelp("infuse: the artery, " +
                         EnumChoices(v1::CoronaryArtery_descriptor(),
                                     "CORONARY_ARTERY_") +
                         "."));
  loader.String("catheter-fr", &o.catheter_fr,
                "infuse: the catheter's size, Fr (4 to 8).");
  loader.Bool("balloon-occlusion", &o.balloon_occlusion,
              "infuse: a balloon occluded the artery (the protocol has "
              "none).");
  loader.List("complications", &o.complications,
              "infuse: complications during the procedure (comma-separated,"
              "\nor repeated); none when not given.");
  loader.String(
      "remainder", &o.remainder,
      FlagHelp("infuse: what became of a partial infusion's remainder, " +
               EnumChoices(v1::Disposal_descriptor(), "DISPOSAL_",
                           {v1::DISPOSAL_RETURNED_TO_PHARMACY}) +
               " (the opened bag is destroyed, with --witness)."));
  DeclareCosigner(loader,
                  {.flag = "witness",
                   .who = "the witness of the destruction (a clinician or "
                          "pharmacist, not you)"},
                  "infuse, dispose-unused", &o.witness,
                  &o.witness_password_env);
  loader.String("disposal", &o.disposal,
                FlagHelp("dispose-unused: " +
                         EnumChoices(v1::Disposal_descriptor(), "DISPOSAL_") +
                         " (a return with --to-location, a destruction with "
                         "--witness)."));
  loader.String("to-location", &o.to_location,
                "dispose-unused: the pharmacy's place (loc_... or its path "
                "of\nnames).");
  loader.String("day", &o.day,
                "observe: the day, 1 to 5 (1 is the infusion's day).");
  loader.String("observed-at", &o.observed_at,
                "observe: when the patient was observed (RFC 3339), on "
                "that\nday.");
  loader.List("entry", &o.entries,
              "observe: a finding, repeated for each: ecg:ST_MM[:LEAD/LEAD],\n"
              "arrhythmia:TYPE:EPISODES, ischemic:TYPE[:DESCRIPTION],\n"
              "lab:ANALYTE:VALUE:UNIT, echo:none, echo:hypokinesia:SEGMENT,\n"
              "icu:HOURS; none given: nothing found.");
  loader.String("term", &o.term,
                "adverse-event: what happened (\"ventricular "
                "tachycardia\").");
  loader.String("onset-at", &o.onset_at,
                "adverse-event: its onset (RFC 3339).");
  loader.String(
      "seriousness", &o.seriousness,
      FlagHelp("adverse-event: " +
               EnumChoices(v1::Seriousness_descriptor(), "SERIOUSNESS_") +
               "."));
  loader.List(
      "criteria", &o.criteria,
      FlagHelp("adverse-event: a serious event's ICH E2A criteria, any of " +
               EnumChoices(v1::SeriousnessCriterion_descriptor(),
                           "SERIOUSNESS_CRITERION_") +
               "."));
  loader.String(
      "severity", &o.severity,
      FlagHelp("adverse-event: " +
               EnumChoices(v1::Severity_descriptor(), "SEVERITY_") + "."));
  loader.String(
      "relatedness", &o.relatedness,
      FlagHelp("adverse-event: to the product, " +
               EnumChoices(v1::Relatedness_descriptor(), "RELATEDNESS_") +
               "."));
  loader.String(
      "outcome", &o.outcome,
      FlagHelp("adverse-event: " +
               EnumChoices(v1::Outcome_descriptor(), "OUTCOME_") + "."));
  loader.String("description", &o.description,
                "adverse-event: what was seen and done.");
  loader.String("lot-id", &o.lot_id, "infusions: the QC lot (qcl_...).");
  DeclareFormatFlag(loader, &o.format, "infusions");
  loader.String("reason", &o.reason,
                "Why (audited); dispose-unused: required; infuse: the "
                "reason a\nremainder is destroyed.");
  loader.Bool("password-stdin", &o.password_stdin,
              "Read passwords from stdin, one line each: yours, then the\n"
              "co-signer's (second clinician, witness).");
  loader.String("password-env", &o.password_env,
                "Read your password from this environment variable (its "
                "name,\nnot the password).");
}

std::vector<NamedFlag> ClinicalNamedFlags(ClinicalOptions& o) {
  return {{.flag = "to-location",
           .thing = NamedFlag::Thing::kLocation,
           .value = &o.to_location}};
}

}  // namespace

const Group& ClinicalGroup() {
  static const auto* const group = new GroupOf<ClinicalOptions>({
      .name = "clinical",
      .alias = "",
      .about = "The cath lab's receipt, bedside check and infusion of a dose, "
               "and the patient's observation",
      .declare = DeclareClinicalFlags,
      .commands =
          {
              {{"clinical receive",
                "dose-id! scan! handoff-id condition seal-broken",
                "cellchain clinical receive --dose-id=ID --scan=LABEL|- "
                "[--handoff-id=ID]\n"
                "                           [--condition=TEXT] "
                "[--seal-broken]\n"
                "Receives a dose the pharmacy issued at the cath lab by "
                "scanning its bag:\n"
                "custody's handoff is accepted in your name and the "
                "infusion record opens\n"
                "(its id is printed). A clinician. Refused: "
                "DOSE_NOT_ISSUED, INFUSION_STATE\n"
                "(received already), SCAN_MISMATCH (not this dose's "
                "bag).\n"},
               clinical_cli::Receive},
              {{"clinical bedside-check",
                "infusion-id! label-scan! date-of-birth! initials! "
                "subject-id chain-of-identity second-clinician! "
                "second-label-scan! second-date-of-birth! second-initials! "
                "second-subject-id second-chain-of-identity password-stdin "
                "password-env second-clinician-password-env",
                "cellchain clinical bedside-check --infusion-id=ID "
                "--label-scan=SCAN\n"
                "    --date-of-birth=YYYY-MM-DD --initials=XY "
                "[--subject-id=ID]\n"
                "    [--chain-of-identity=040] --second-clinician=USER "
                "--second-label-scan=SCAN\n"
                "    --second-date-of-birth=YYYY-MM-DD "
                "--second-initials=XY\n"
                "    [--second-subject-id=ID] "
                "[--second-chain-of-identity=040]\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "    [--second-clinician-password-env=VAR]\n"
                "Two clinicians check the dose at the bedside, each "
                "scanning the label and\n"
                "reading the wristband; you sign VERIFIED and the second "
                "clinician co-signs\n"
                "VERIFIED here. The dose is judged again: a refusal names "
                "every failing check\n"
                "(DOSE_EXPIRED, DOSE_NOT_RELEASED, LOT_NOT_RELEASED, "
                "ITEM_ON_HOLD,\n"
                "LABEL_MISMATCH, WRONG_PATIENT, FOUR_EYES_SAME_PERSON) and "
                "is audited.\n"},
               clinical_cli::BedsideCheck},
              {{"clinical infuse",
                "infusion-id! started-at! ended-at! volume-ml! route "
                "artery! catheter-fr! balloon-occlusion complications "
                "remainder witness reason password-stdin password-env "
                "witness-password-env",
                "cellchain clinical infuse --infusion-id=ID "
                "--started-at=TIME --ended-at=TIME\n"
                "    --volume-ml=ML --artery=ARTERY --catheter-fr=N "
                "[--route=intracoronary]\n"
                "    [--balloon-occlusion] [--complications=TEXT,...]\n"
                "    [--remainder=destroyed --witness=USER [--reason=TEXT]]\n"
                "    [--password-stdin | --password-env=VAR] "
                "[--witness-password-env=VAR]\n"
                "Records the infusion as performed (you sign PERFORMED): "
                "the rate is\n"
                "computed (target 2 ml/min); outside the band it is "
                "printed as a RATE\n"
                "DEVIATION, recorded, not refused. A partial infusion's "
                "remainder is\n"
                "destroyed with a witness, who co-signs WITNESSED "
                "(REMAINDER_DISPOSAL).\n"},
               clinical_cli::Infuse},
              {{"clinical dispose-unused",
                "infusion-id! disposal! to-location witness reason! "
                "password-stdin password-env witness-password-env",
                "cellchain clinical dispose-unused --infusion-id=ID "
                "--reason=TEXT\n"
                "    --disposal=returned_to_pharmacy --to-location=PLACE\n"
                "  | --disposal=destroyed --witness=USER\n"
                "    [--password-stdin | --password-env=VAR] "
                "[--witness-password-env=VAR]\n"
                "A received dose that will not be infused: handed back to "
                "the pharmacy\n"
                "(which accepts it by scanning), or destroyed here with a "
                "witness who\n"
                "co-signs WITNESSED. You sign PERFORMED.\n"},
               clinical_cli::DisposeUnused},
              {{"clinical observe",
                "infusion-id! day! observed-at! entry password-stdin "
                "password-env",
                "cellchain clinical observe --infusion-id=ID --day=N "
                "--observed-at=TIME\n"
                "    [--entry=KIND:VALUES ...] [--password-stdin | "
                "--password-env=VAR]\n"
                "Records one day (1-5) of an infused patient's safety "
                "observation, each\n"
                "finding an --entry (see the flag); none: nothing found. "
                "You sign PERFORMED.\n"},
               clinical_cli::Observe},
              {{"clinical adverse-event",
                "infusion-id! term! onset-at! seriousness! criteria "
                "severity! relatedness! outcome! description password-stdin "
                "password-env",
                "cellchain clinical adverse-event --infusion-id=ID "
                "--term=TEXT --onset-at=TIME\n"
                "    --seriousness=S [--criteria=C,...] --severity=S "
                "--relatedness=R\n"
                "    --outcome=O [--description=TEXT] [--password-stdin | "
                "--password-env=VAR]\n"
                "Reports an adverse event of an infused patient (you sign "
                "PERFORMED). A\n"
                "serious one, whatever its relatedness, looks back: every "
                "other patient\n"
                "who received the same lot, donor lot or reagent lots is "
                "printed.\n"},
               clinical_cli::AdverseEvent},
              {{"clinical record", "subject-id!",
                "cellchain clinical record --subject-id=ID\n"
                "A patient's infusions with their observations by day and "
                "adverse events\n"
                "with their lookbacks. Clinician, pharmacist or QA.\n"},
               clinical_cli::Record},
              {{"clinical infusions", "lot-id! format",
                "cellchain clinical infusions --lot-id=QC_LOT\n"
                "    [--format=table|json|csv]\n"
                "The infusions of doses from one QC lot, oldest first. "
                "Clinician,\n"
                "pharmacist or QA.\n"},
               clinical_cli::Infusions},
          },
      .field_aliases =
          {
              {"volume_infused_ml", "volume-ml"},
              {"catheter_french", "catheter-fr"},
              {"remainder_disposal", "remainder"},
              {"remainder_witness", "witness"},
              {"to_location_id", "to-location"},
              {"entries", "entry"},
          },
      .named_flags = ClinicalNamedFlags,
      .help_note =
          "A signed command asks for your password (typed without echo, or\n"
          "--password-stdin / --password-env=VAR); a co-signer (the second "
          "clinician,\na witness) enters theirs at this workstation too: "
          "typed, stdin's next line\nwith --password-stdin, or "
          "--second-clinician-password-env=VAR /\n"
          "--witness-password-env=VAR.\n",
  });
  return *group;
}

}  // namespace cellchain::cli
