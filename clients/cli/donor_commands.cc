// cellchain donor ... (cellchain.donor.v1.DonorService): the birth mother's
// registration, consent, screening and eligibility, the cord's receipt, and
// the donor lots with their deviations and release.
#include "clients/cli/donor_commands.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cellchain/donor/v1/donor.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/screening_panel.h"
#include "clients/cli/table.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli {
namespace {

namespace v1 = cellchain::donor::v1;

// QA's possible decisions on a deviation, from the proto so that a status
// added there is offered here: every DeviationStatus but OPEN, which is
// where a deviation starts, not a decision ("acceptable or not_acceptable").
// (EnumChoices leaves OPEN out.)
std::string DecisionChoices() {
  return EnumChoices(v1::DeviationStatus_descriptor(), "DEVIATION_STATUS_",
                     {v1::DEVIATION_STATUS_OPEN});
}

std::string ConsentName(v1::ConsentStatus s) {
  return LowerName(v1::ConsentStatus_Name(s), "CONSENT_STATUS_");
}
std::string EligibilityName(v1::Eligibility e) {
  return absl::AsciiStrToUpper(
      LowerName(v1::Eligibility_Name(e), "ELIGIBILITY_"));
}
std::string LotStateName(v1::LotState s) {
  return LowerName(v1::LotState_Name(s), "LOT_STATE_");
}

void Line(const char* label, const std::string& value) {
  std::cout << "  " << PadLabel(label, 20) << Printable(value) << "\n";
}

void PrintReasons(const v1::Determination& d) {
  for (const v1::EligibilityReason& r : d.reasons()) {
    std::cout << "    - " << r.code()
              << (r.test_code().empty() ? "" : " " + r.test_code()) << ": "
              << r.message() << "\n";
  }
}

void PrintLot(const v1::DonorLot& lot) {
  Line("lot id", lot.lot_id());
  Line("donor", lot.donor_code());
  Line("DIN", lot.din_eye_readable());
  Line("custody item", lot.item_id());
  Line("state", LotStateName(lot.state()));
  Line("delivered", DisplayTime(lot.delivered_at()));
  Line("collected", DisplayTime(lot.collected_at()));
  Line("received",
       DisplayTime(lot.received_at()) + " by " + lot.received_by_user_id());
  Line("transport",
       absl::StrFormat("%.1f to %.1f °C", lot.transport_min_celsius(),
                       lot.transport_max_celsius()));
  Line("tissue weight", absl::StrFormat("%.1f g", lot.tissue_weight_grams()));
  if (!lot.released_by_user_id().empty()) {
    Line("released",
         DisplayTime(lot.released_at()) + " by " + lot.released_by_user_id());
  }
  if (!lot.discard_reason().empty()) Line("discarded", lot.discard_reason());
  for (const v1::Deviation& d : lot.deviations()) {
    std::cout << "  deviation " << d.deviation_id() << " "
              << absl::AsciiStrToUpper(LowerName(
                     v1::DeviationStatus_Name(d.status()), "DEVIATION_STATUS_"))
              << ": " << d.description();
    if (!d.assessed_by_user_id().empty()) {
      std::cout << " — assessed by " << d.assessed_by_user_id() << ": "
                << d.assessment();
    }
    std::cout << "\n";
  }
}

int Register(std::shared_ptr<grpc::Channel> channel, const DonorOptions& o) {
  const std::string cmd = "donor register";
  v1::RegisterDonorRequest request;
  *request.mutable_context() = NewRequestContext(o);
  if (o.identifying_stdin) {
    v1::IdentifyingData* identifying = request.mutable_identifying();
    if (!ReadKeyValueLines(
            cmd, "identifying-stdin", std::cin,
            {{"name", identifying->mutable_name()},
             {"date_of_birth", identifying->mutable_date_of_birth()},
             {"mrn", identifying->mutable_medical_record_number()}})) {
      return 2;
    }
  }
  if (!ReadTimeFlag(cmd, "delivered-at", o.delivered_at,
                    request.mutable_delivered_at())) {
    return 2;
  }
  if (o.delivered_at.empty()) request.clear_delivered_at();
  v1::RegisterDonorResponse response;
  grpc::Status status = Call(channel, o, &v1::DonorService::Stub::RegisterDonor,
                             request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Donor& d = response.donor();
  std::cout << "donor " << d.donor_code() << " registered"
            << (d.name_recorded() || d.date_of_birth_recorded() ||
                        d.medical_record_number_recorded()
                    ? " (identifying data sealed)"
                    : "")
            << "\n";
  return 0;
}

int Show(std::shared_ptr<grpc::Channel> channel, const DonorOptions& o) {
  v1::GetDonorRequest request;
  request.set_donor_code(o.donor_code);
  request.set_reveal_identifying(o.reveal);
  request.set_reason(o.reason);
  v1::GetDonorResponse response;
  grpc::Status status =
      Call(channel, o, &v1::DonorService::Stub::GetDonor, request, &response);
  if (!status.ok()) return Report("donor show", status);
  const v1::Donor& d = response.donor();
  Line("donor", d.donor_code());
  Line("registered",
       DisplayTime(d.registered_at()) + " by " + d.registered_by_user_id());
  Line("delivered", DisplayTime(d.delivered_at()));
  Line("consent", ConsentName(d.consent_status()));
  if (response.has_identifying()) {
    const v1::IdentifyingData& id = response.identifying();
    Line("name", id.name().empty() ? "-" : id.name());
    Line("date of birth",
         id.date_of_birth().empty() ? "-" : id.date_of_birth());
    Line("MRN",
         id.medical_record_number().empty() ? "-" : id.medical_record_number());
  } else {
    Line("identifying data",
         d.name_recorded() || d.medical_record_number_recorded()
             ? "sealed (QA: --reveal --reason=WHY)"
             : "none recorded");
  }
  for (const v1::Consent& c : response.consents()) {
    std::cout << "  consent " << c.consent_id() << " form " << c.form_version()
              << ", " << DisplayTime(c.consented_at()) << ", taken by "
              << c.taken_by() << ", witness " << c.witness()
              << (c.withdrawn()
                      ? ", WITHDRAWN " + DisplayTime(c.withdrawn_at()) + ": " +
                            c.withdrawal_reason()
                      : "")
              << "\n";
  }
  Table screenings({}, "  ");
  for (const v1::Screening& s : response.screenings()) {
    screenings.AddRow(
        {"screening", Printable(s.test_code()),
         LowerName(v1::ScreeningResult_Name(s.result()), "SCREENING_RESULT_"),
         "drawn " + DisplayTime(s.specimen_drawn_at()) + ", " +
             Printable(s.method()) + ", kit " + Printable(s.kit_lot())});
  }
  screenings.Print(std::cout);
  for (const v1::Determination& det : response.determinations()) {
    std::cout << "  determination " << det.determination_id() << " "
              << EligibilityName(det.eligibility()) << " signed by "
              << det.determined_by_user_id() << " "
              << DisplayTime(det.determined_at())
              << (det.donor_revision() == d.revision()
                      ? ""
                      : " (data changed since)")
              << "\n";
    PrintReasons(det);
  }
  std::cout << "  eligibility now     "
            << EligibilityName(response.current().eligibility()) << "\n";
  PrintReasons(response.current());
  for (const std::string& lot : response.lot_ids()) Line("lot", lot);
  return 0;
}

int ConsentCommand(std::shared_ptr<grpc::Channel> channel,
                   const DonorOptions& o) {
  const std::string cmd = "donor consent";
  v1::RecordConsentRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_donor_code(o.donor_code);
  request.set_form_version(o.form_version);
  if (!ReadTimeFlag(cmd, "consented-at", o.consented_at,
                    request.mutable_consented_at())) {
    return 2;
  }
  if (o.consented_at.empty()) request.clear_consented_at();
  request.set_taken_by(o.taken_by);
  request.set_witness(o.witness);
  v1::RecordConsentResponse response;
  grpc::Status status = Call(channel, o, &v1::DonorService::Stub::RecordConsent,
                             request, &response);
  if (!status.ok()) return Report(cmd, status);
  std::cout << "consent " << response.consent().consent_id() << " recorded for "
            << response.donor().donor_code() << " (form "
            << response.consent().form_version() << ")\n";
  return 0;
}

int Withdraw(std::shared_ptr<grpc::Channel> channel, const DonorOptions& o) {
  v1::WithdrawConsentRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_donor_code(o.donor_code);
  v1::WithdrawConsentResponse response;
  grpc::Status status = Call(
      channel, o, &v1::DonorService::Stub::WithdrawConsent, request, &response);
  if (!status.ok()) return Report("donor withdraw", status);
  std::cout << "consent of " << response.donor().donor_code() << " withdrawn; "
            << response.held_item_ids_size() << " lot(s) on hold";
  for (const std::string& item : response.held_item_ids()) {
    std::cout << " " << item;
  }
  std::cout << "\n";
  return 0;
}

// The panel read whole (a bad entry is refused before anything is sent),
// then one RecordScreening per entry, in order, each under a request id
// made from its content (RequestIdOf): a run stopped by a refusal can be
// repeated as it was, and what it recorded is answered from the first
// response instead of recorded again.
int Screen(std::shared_ptr<grpc::Channel> channel, const DonorOptions& o) {
  const std::string cmd = "donor screen";
  std::string file_text;
  if (!o.panel_file.empty()) {
    std::ifstream in(o.panel_file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return Fail(cmd, "--panel-file: cannot read " + o.panel_file, 2);
    file_text = text.str();
  }
  absl::StatusOr<std::vector<PanelEntry>> panel = ParsePanel(
      o.tests, o.panel_file, file_text,
      {.result = o.result, .method = o.method, .kit_lot = o.kit_lot});
  if (!panel.ok()) return Fail(cmd, std::string(panel.status().message()), 2);
  google::protobuf::Timestamp drawn_at;
  if (!ReadTimeFlag(cmd, "drawn-at", o.drawn_at, &drawn_at)) return 2;
  size_t recorded = 0;
  for (const PanelEntry& entry : *panel) {
    v1::RecordScreeningRequest request;
    request.mutable_context()->set_reason(o.reason);
    request.set_donor_code(o.donor_code);
    request.set_test_code(entry.test);
    request.set_method(entry.method);
    request.set_kit_lot(entry.kit_lot);
    if (!o.drawn_at.empty()) *request.mutable_specimen_drawn_at() = drawn_at;
    v1::ScreeningResult result = v1::SCREENING_RESULT_UNSPECIFIED;
    ParseEnumName(entry.result, "SCREENING_RESULT_", &v1::ScreeningResult_Parse,
                  &result);  // checked by ParsePanel
    request.set_result(result);
    request.mutable_context()->set_request_id(RequestIdOf(cmd, request));
    v1::RecordScreeningResponse response;
    grpc::Status status =
        Call(channel, o, &v1::DonorService::Stub::RecordScreening, request,
             &response);
    if (!status.ok()) {
      Report(cmd, status);
      return Fail(
          cmd,
          absl::StrCat("stopped at ", entry.test, " (", entry.source,
                       "): ", recorded, " of ", panel->size(), " recorded, ",
                       panel->size() - recorded - 1,
                       " not sent; run the same command again once it is "
                       "put right: what was recorded is not recorded twice"),
          1);
    }
    ++recorded;
    std::cout << "screening " << response.screening().screening_id() << ": "
              << response.screening().test_code() << " " << entry.result
              << "\n";
  }
  if (panel->size() > 1) {
    std::cout << recorded << " results recorded for " << o.donor_code << "\n";
  }
  return 0;
}

int DetermineCommand(std::shared_ptr<grpc::Channel> channel,
                     const DonorOptions& o) {
  v1::DetermineEligibilityRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_donor_code(o.donor_code);
  if (!ReadSignature(o, "donor determine", "the eligibility determination",
                     common::v1::SIGNATURE_MEANING_APPROVED,
                     request.mutable_signature())) {
    return 2;
  }
  v1::DetermineEligibilityResponse response;
  grpc::Status status =
      Call(channel, o, &v1::DonorService::Stub::DetermineEligibility, request,
           &response);
  if (!status.ok()) return Report("donor determine", status);
  const v1::Determination& d = response.determination();
  std::cout << "donor " << d.donor_code() << " "
            << EligibilityName(d.eligibility()) << " (determination "
            << d.determination_id() << ", signed record "
            << response.record_id() << ")\n";
  PrintReasons(d);
  return 0;
}

int Receive(std::shared_ptr<grpc::Channel> channel, const DonorOptions& o) {
  const std::string cmd = "donor receive";
  v1::ReceiveCordRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_donor_code(o.donor_code);
  if (!ReadTimeFlag(cmd, "delivered-at", o.delivered_at,
                    request.mutable_delivered_at()) ||
      !ReadTimeFlag(cmd, "collected-at", o.collected_at,
                    request.mutable_collected_at()) ||
      !ReadTimeFlag(cmd, "received-at", o.received_at,
                    request.mutable_received_at())) {
    return 2;
  }
  if (o.delivered_at.empty()) request.clear_delivered_at();
  if (o.collected_at.empty()) request.clear_collected_at();
  if (o.received_at.empty()) request.clear_received_at();
  double min = 0, max = 0, weight = 0;
  if (!ReadNumberFlag(cmd, "min-celsius", o.min_celsius, &min) ||
      !ReadNumberFlag(cmd, "max-celsius", o.max_celsius, &max) ||
      !ReadNumberFlag(cmd, "weight-grams", o.weight_grams, &weight)) {
    return 2;
  }
  request.set_transport_min_celsius(min);
  request.set_transport_max_celsius(max);
  request.set_tissue_weight_grams(weight);
  request.set_location_id(o.location_id);
  v1::ReceiveCordResponse response;
  grpc::Status status = Call(channel, o, &v1::DonorService::Stub::ReceiveCord,
                             request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::DonorLot& lot = response.lot();
  std::cout << "lot " << lot.lot_id() << " received: DIN "
            << lot.din_eye_readable() << ", custody item " << lot.item_id()
            << ", " << LotStateName(lot.state()) << "\n";
  for (const v1::Deviation& d : lot.deviations()) {
    std::cout << "  DEVIATION " << d.deviation_id() << ": " << d.description()
              << " (QA must assess)\n";
  }
  return 0;
}

int Assess(std::shared_ptr<grpc::Channel> channel, const DonorOptions& o) {
  const std::string cmd = "donor assess";
  v1::AssessDeviationRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_deviation_id(o.deviation_id);
  v1::DeviationStatus decision = v1::DEVIATION_STATUS_UNSPECIFIED;
  if (!ParseEnumName(o.decision, "DEVIATION_STATUS_",
                     &v1::DeviationStatus_Parse, &decision) ||
      decision == v1::DEVIATION_STATUS_OPEN) {
    return Fail(cmd, "--decision: " + DecisionChoices(), 2);
  }
  request.set_decision(decision);
  request.set_assessment(o.assessment);
  if (!ReadSignature(o, cmd, "the assessment",
                     common::v1::SIGNATURE_MEANING_APPROVED,
                     request.mutable_signature())) {
    return 2;
  }
  v1::AssessDeviationResponse response;
  grpc::Status status = Call(
      channel, o, &v1::DonorService::Stub::AssessDeviation, request, &response);
  if (!status.ok()) return Report(cmd, status);
  std::cout << "deviation " << o.deviation_id << " assessed "
            << LowerName(o.decision, "") << " on lot "
            << response.lot().lot_id() << "\n";
  return 0;
}

int ReleaseLot(std::shared_ptr<grpc::Channel> channel, const DonorOptions& o) {
  v1::ReleaseLotRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_lot_id(o.lot_id);
  if (!ReadSignature(o, "donor release-lot", "the lot's release",
                     common::v1::SIGNATURE_MEANING_APPROVED,
                     request.mutable_signature())) {
    return 2;
  }
  v1::ReleaseLotResponse response;
  grpc::Status status =
      Call(channel, o, &v1::DonorService::Stub::ReleaseLot, request, &response);
  if (!status.ok()) return Report("donor release-lot", status);
  std::cout << "lot " << response.lot().lot_id() << " (DIN "
            << response.lot().din_eye_readable() << ") is "
            << LotStateName(response.lot().state()) << "\n";
  return 0;
}

int DiscardLot(std::shared_ptr<grpc::Channel> channel, const DonorOptions& o) {
  v1::DiscardLotRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_lot_id(o.lot_id);
  v1::DiscardLotResponse response;
  grpc::Status status =
      Call(channel, o, &v1::DonorService::Stub::DiscardLot, request, &response);
  if (!status.ok()) return Report("donor discard-lot", status);
  std::cout << "lot " << response.lot().lot_id() << " discarded\n";
  return 0;
}

int Lot(std::shared_ptr<grpc::Channel> channel, const DonorOptions& o) {
  v1::GetLotRequest request;
  request.set_lot_id(o.lot_id);
  request.set_din(o.din);
  v1::GetLotResponse response;
  grpc::Status status =
      Call(channel, o, &v1::DonorService::Stub::GetLot, request, &response);
  if (!status.ok()) return Report("donor lot", status);
  PrintLot(response.lot());
  return 0;
}

int Lots(std::shared_ptr<grpc::Channel> channel, const DonorOptions& o) {
  const std::string cmd = "donor lots";
  v1::ListLotsRequest request;
  if (!o.state.empty()) {
    v1::LotState state = v1::LOT_STATE_UNSPECIFIED;
    if (!ParseEnumFlag(cmd, "state", o.state, "LOT_STATE_", &state)) return 2;
    request.set_state(state);
  }
  if (!ReadTimeFlag(cmd, "from", o.from, request.mutable_received_from()) ||
      !ReadTimeFlag(cmd, "before", o.before, request.mutable_received_to())) {
    return 2;
  }
  if (o.from.empty()) request.clear_received_from();
  if (o.before.empty()) request.clear_received_to();
  request.set_din(o.din);
  request.set_donor_code(o.donor_code);
  request.mutable_page()->set_page_size(
      static_cast<int32_t>(std::min<int64_t>(o.page_size, 500)));
  // Every page is read first: a column is as wide as its widest cell.
  // For tools the DIN as stored beside the one printed, and the deviations'
  // count and open ones as numbers.
  bool tools = ForTools(o.format);
  Table table =
      tools ? Table({"LOT", "DIN", "DIN EYE READABLE", "DONOR", "STATE",
                     "RECEIVED AT", "RELEASED AT", "RELEASED BY", "DEVIATIONS",
                     "OPEN DEVIATIONS"})
            : Table({"LOT", "DIN", "DONOR", "STATE", "RECEIVED", "DEVIATIONS"});
  if (tools) table.Number(8).Number(9);
  while (true) {
    v1::ListLotsResponse response;
    grpc::Status status =
        Call(channel, o, &v1::DonorService::Stub::ListLots, request, &response);
    if (!status.ok()) return Report(cmd, status);
    for (const v1::DonorLot& lot : response.lots()) {
      int open = 0;
      for (const v1::Deviation& d : lot.deviations()) {
        open += d.status() == v1::DEVIATION_STATUS_OPEN;
      }
      if (tools) {
        table.AddRow(
            {lot.lot_id(), lot.din(), lot.din_eye_readable(), lot.donor_code(),
             LotStateName(lot.state()), CellTime(lot.received_at()),
             CellTime(lot.released_at()), lot.released_by_user_id(),
             std::to_string(lot.deviations_size()), std::to_string(open)});
      } else {
        table.AddRow(
            {lot.lot_id(), lot.din_eye_readable(), lot.donor_code(),
             LotStateName(lot.state()), CellTime(lot.received_at()),
             absl::StrCat(lot.deviations_size(), " (", open, " open)")});
      }
    }
    if (response.page().next_page_token().empty()) break;
    request.mutable_page()->set_page_token(response.page().next_page_token());
  }
  PrintListing(table, o.format);
  return 0;
}

void DeclareDonorFlags(config::Loader& loader, DonorOptions& o) {
  loader.String("donor-code", &o.donor_code, "The donor (DNR-...).");
  loader.Bool("identifying-stdin", &o.identifying_stdin,
              "register: read name=, date_of_birth=, mrn= lines from stdin.");
  loader.Bool("reveal", &o.reveal,
              "show: include identifying data (QA; audited; needs\n"
              "--reason).");
  loader.String("reason", &o.reason,
                "Why the change is made, or (show --reveal) why identifying "
                "data\nis viewed; audited.");
  loader.Bool("password-stdin", &o.password_stdin,
              "determine, assess, release-lot: read the signing password "
              "from\nstdin (one line) instead of prompting at the terminal.");
  loader.String("password-env", &o.password_env,
                "determine, assess, release-lot: read the signing password "
                "from\nthis environment variable (its name, not the "
                "password).");
  loader.String("form-version", &o.form_version,
                "consent: the consent form's version.");
  loader.String("consented-at", &o.consented_at, "consent: when (RFC 3339).");
  loader.String("taken-by", &o.taken_by,
                "consent: who took it (printed name).");
  loader.String("witness", &o.witness, "consent: the witness.");
  loader.List("test", &o.tests,
              "screen: CODE[:RESULT[:METHOD[:KIT_LOT]]], a test of the panel "
              "and\nits result; repeatable (the whole panel at once).");
  loader.ReadableFile("panel-file", &o.panel_file,
                      "screen: a file of CODE:RESULT[:METHOD[:KIT_LOT]] lines\n"
                      "(# comments), after the --test entries.");
  loader.String("method", &o.method,
                "screen: the method of the entries that name none.");
  loader.String("kit-lot", &o.kit_lot,
                "screen: the kit's lot of the entries that name none.");
  loader.String("drawn-at", &o.drawn_at,
                "screen: when the specimen was drawn (RFC 3339).");
  loader.String("result", &o.result,
                absl::StrCat("screen: the result of the entries that name "
                             "none:\n",
                             EnumChoices(v1::ScreeningResult_descriptor(),
                                         "SCREENING_RESULT_"),
                             "."));
  loader.String("delivered-at", &o.delivered_at,
                "register, receive: the birth (RFC 3339).");
  loader.String("collected-at", &o.collected_at,
                "receive: when the cord was collected (RFC 3339).");
  loader.String("received-at", &o.received_at,
                "receive: when the lab received it (RFC 3339).");
  loader.String("min-celsius", &o.min_celsius,
                "receive: lowest transport reading, °C.");
  loader.String("max-celsius", &o.max_celsius,
                "receive: highest transport reading, °C.");
  loader.String("weight-grams", &o.weight_grams, "receive: tissue weight, g.");
  loader.String("location-id", &o.location_id,
                "receive: where the lot is put, loc_... or its path of names "
                "in\nany case (FRZ-01/R2/B3/A1).");
  loader.String("deviation-id", &o.deviation_id,
                "assess: the deviation of a donor lot.");
  loader.String("decision", &o.decision,
                absl::StrCat("assess: ", DecisionChoices(), "."));
  loader.String("assessment", &o.assessment, "assess: QA's text.");
  loader.String("lot-id", &o.lot_id,
                "The donor lot (lot_... or its DIN as printed or scanned).");
  loader.String("din", &o.din, "lot, lots: the lot's DIN.");
  loader.String(
      "state", &o.state,
      absl::StrCat(
          "lots: ", EnumChoices(v1::LotState_descriptor(), "LOT_STATE_"), "."));
  loader.String("from", &o.from, "lots: received at or after (RFC 3339).");
  loader.String("before", &o.before, "lots: received before (RFC 3339).");
  loader.Int64("page-size", &o.page_size, 1, 1000,
               "lots: lots fetched per call, at most 500 (every page is "
               "listed).");
  DeclareFormatFlag(loader, &o.format, "lots");
}

// --lot-id and --location-id.
std::vector<NamedFlag> DonorNamedFlags(DonorOptions& o) {
  return {
      {"lot-id", NamedFlag::Thing::kLot, &o.lot_id},
      {"location-id", NamedFlag::Thing::kLocation, &o.location_id},
  };
}

}  // namespace

const Group& DonorGroup() {
  static const auto* const group = new GroupOf<DonorOptions>({
      .name = "donor",
      .alias = "",
      .about = "Birth mothers' consent, screening and eligibility, the cord "
               "and its lot",
      .declare = DeclareDonorFlags,
      .commands =
          {
              {{"donor register", "delivered-at identifying-stdin reason",
                "cellchain donor register [--delivered-at=TIME] "
                "[--identifying-stdin]\n"
                "A birth mother under a new pseudonymous donor code. "
                "Identifying data,\n"
                "if any, is read from stdin (name=..., "
                "date_of_birth=YYYY-MM-DD,\n"
                "mrn=...), never from the command line; it is stored sealed.\n"
                "Technician or QA.\n"},
               Register},
              {{"donor show", "donor-code! reveal reason",
                "cellchain donor show --donor-code=DNR-... [--reveal "
                "--reason=WHY]\n"
                "Consent, screening, signed determinations, the eligibility "
                "the data\n"
                "gives now, and the lots. --reveal shows identifying data: QA "
                "only,\n"
                "and the viewing is audited with the reason.\n"},
               Show},
              {{"donor consent",
                "donor-code! form-version consented-at taken-by witness reason",
                "cellchain donor consent --donor-code=D --form-version=V\n"
                "    --consented-at=TIME --taken-by=NAME --witness=NAME\n"
                "Records the donor's consent. The witness is someone other "
                "than the\n"
                "person taking consent.\n"},
               ConsentCommand},
              {{"donor withdraw", "donor-code! reason",
                "cellchain donor withdraw --donor-code=D --reason=TEXT\n"
                "Withdrawal of consent: every lot of the donor goes on hold, "
                "and no\n"
                "further cord is received from her.\n"},
               Withdraw},
              {{"donor screen",
                "donor-code! test panel-file method kit-lot drawn-at result "
                "reason",
                absl::StrCat(
                    "cellchain donor screen --donor-code=D --drawn-at=TIME\n"
                    "    (--test=CODE:RESULT[:METHOD[:KIT_LOT]]... | "
                    "--panel-file=FILE)\n"
                    "    [--method=M] [--kit-lot=K] [--result=R]\n"
                    "Records results of the screening panel, one test or the "
                    "whole panel at\n"
                    "once: repeated --test flags, or a file of "
                    "CODE:RESULT[:METHOD[:KIT_LOT]]\n"
                    "lines (# comments); --method, --kit-lot and --result fill "
                    "what an entry\n"
                    "leaves out (--test=CODE --result=R records one). Results "
                    "are\n",
                    EnumChoices(v1::ScreeningResult_descriptor(),
                                "SCREENING_RESULT_"),
                    ". Each result is its own record;\n"
                    "the first refused stops the rest, and running the same "
                    "command again\n"
                    "records only what was not recorded (the same result of "
                    "the same\n"
                    "specimen is never recorded twice by you).\n"
                    "Tests: HIV12_AB HIV1_NAT HBSAG HBC_AB HBV_NAT HCV_AB "
                    "HCV_NAT HTLV_AB\n"
                    "SYPHILIS WNV_NAT TCRUZI_AB CMV_AB. A correction is a new "
                    "result.\n")},
               Screen},
              {{"donor determine",
                "donor-code! reason password-stdin password-env",
                "cellchain donor determine --donor-code=D [--password-stdin | "
                "--password-env=VAR]\n"
                "QA signs (APPROVED) the eligibility the stored data gives: "
                "ELIGIBLE or\n"
                "INELIGIBLE, with every reason. An incomplete record is not "
                "signed\n"
                "(ELIGIBILITY_INCOMPLETE names what is missing; donor show "
                "gives it).\n"},
               DetermineCommand},
              {{"donor receive",
                "donor-code! delivered-at collected-at received-at min-celsius "
                "max-celsius weight-grams location-id reason",
                "cellchain donor receive --donor-code=D --delivered-at=TIME\n"
                "    --collected-at=TIME --received-at=TIME --min-celsius=X "
                "--max-celsius=Y\n"
                "    --weight-grams=G [--location-id=L]\n"
                "The cord's lot gets a DIN and a custody item, in quarantine. "
                "Late\n"
                "receipt or transport out of range records a deviation. "
                "Technician.\n"},
               Receive},
              {{"donor assess",
                "deviation-id! decision assessment reason password-stdin "
                "password-env",
                "cellchain donor assess --deviation-id=DEV "
                "--decision=DECISION\n"
                "    --assessment=TEXT [--password-stdin | "
                "--password-env=VAR]\n"
                "QA's signed assessment (APPROVED) of a deviation of the donor "
                "lot.\n"},
               Assess},
              {{"donor release-lot",
                "lot-id! reason password-stdin password-env",
                "cellchain donor release-lot --lot-id=LOT [--password-stdin | "
                "--password-env=VAR]\n"
                "Quarantine -> available, signed by QA: only for an ELIGIBLE "
                "donor\n"
                "determined on current data, every deviation assessed "
                "acceptable.\n"},
               ReleaseLot},
              {{"donor discard-lot", "lot-id! reason",
                "cellchain donor discard-lot --lot-id=LOT --reason=TEXT\n"
                "The lot and its custody item are discarded.\n"},
               DiscardLot},
              {{"donor lot", "lot-id din",
                "cellchain donor lot (--lot-id=LOT | --din=DIN)\n"
                "One lot with its deviations; the DIN as scanned or typed.\n"},
               Lot},
              {{"donor lots",
                "state from before din donor-code page-size format",
                "cellchain donor lots [--state=STATE] [--from=TIME] "
                "[--before=TIME]\n"
                "    [--din=DIN] [--donor-code=D] [--format=table|json|csv]\n"
                "Lots, newest receipt first.\n"},
               Lots},
          },
      .field_aliases =
          {
              {"donor_lot_id", "lot-id"},
              {"tissue_weight_grams", "weight-grams"},
              {"transport_min_celsius", "min-celsius"},
              {"transport_max_celsius", "max-celsius"},
              {"test_code", "test"},
              {"specimen_drawn_at", "drawn-at"},
              {"received_from", "from"},
              {"received_to", "before"},
          },
      .named_flags = DonorNamedFlags,
  });
  return *group;
}

}  // namespace cellchain::cli
