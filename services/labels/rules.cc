#include "services/labels/rules.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "services/common/crypto/sha256.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"
#include "services/isbt128/data_structures.h"
#include "services/isbt128/din.h"
#include "services/isbt128/eye_readable.h"
#include "services/isbt128/scan.h"
#include "services/labels/reasons.h"

namespace cellchain::labels {
namespace {

using custody::v1::Item;

constexpr size_t kMaxLineBytes = 200;

std::string IdentifierOf(const Item& item, std::string_view kind) {
  for (const audit::v1::Isbt128Identifier& id : item.isbt128()) {
    if (id.kind() == kind) return id.value();
  }
  return "";
}

absl::Status Missing(std::string_view field, std::string_view why) {
  return FailedRule(kReasonLabelDataMissing,
                    absl::StrCat(ToAbsl(field), ": ", ToAbsl(why)));
}

absl::Status Invalid(std::string_view field, const absl::Status& status) {
  return FailedRule(kReasonLabelDataInvalid,
                    absl::StrCat(ToAbsl(field), ": ", status.message()));
}

absl::Status Conflict(std::string_view what, std::string_view item_value,
                      std::string_view dose_value) {
  return FailedRule(kReasonLabelDataConflict,
                    absl::StrCat(ToAbsl(what), " is \"", ToAbsl(item_value),
                                 "\" in custody but \"", ToAbsl(dose_value),
                                 "\" in the dose"));
}

// The code of `data` (one data structure of ISBT 128 number `number`),
// with its eye-readable text and K, added to `compound`.
absl::Status Fill(const std::string& data, int number, std::string_view field,
                  v1::Isbt128Code* code, std::vector<std::string>& compound) {
  absl::StatusOr<std::vector<isbt128::DataStructure>> parsed =
      isbt128::ParseScan(data);
  if (!parsed.ok()) return Invalid(field, parsed.status());
  if (parsed->size() != 1 || parsed->front().number != number ||
      data.starts_with("=+")) {
    return Invalid(field, absl::InvalidArgumentError(absl::StrCat(
                              "\"", data, "\" is not data structure ",
                              absl::Dec(number, absl::kZeroPad3))));
  }
  absl::StatusOr<isbt128::EyeReadable> eye = isbt128::EyeReadableOf(data);
  if (!eye.ok()) return Invalid(field, eye.status());
  code->set_data(data);
  code->set_eye_readable(eye->text);
  if (eye->check_character != '\0') {
    code->set_check_character(std::string(1, eye->check_character));
  }
  compound.push_back(data);
  return absl::OkStatus();
}

// The custody description as a detail line, when it is one line that fits.
void AddDescription(const Item& item, v1::LabelText& text) {
  const std::string& d = item.description();
  if (d.empty() || d.size() > kMaxLineBytes) return;
  if (std::any_of(d.begin(), d.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      })) {
    return;
  }
  text.add_details(d);
}

bool ValidSubjectId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool ValidDate(std::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(ToAbsl(text), &day)) {
    return false;
  }
  return absl::FormatCivilTime(day) == ToAbsl(text);
}

// The dose bag's structures and text, each checked against custody's.
absl::Status DoseBag(const LabelFacts& facts, const LabelOptions& options,
                     v1::Label& label, std::vector<std::string>& compound) {
  if (!facts.dose.has_value()) return Missing("dose", "no dose names the bag");
  if (!facts.patient.has_value()) {
    return Missing("patient", "the dose's patient is unknown");
  }
  const dose::v1::Dose& dose = *facts.dose;
  const dose::v1::Patient& patient = *facts.patient;
  const Item& item = facts.item;
  if (dose.item_id() != item.item_id()) {
    return Conflict("the dose bag", item.item_id(), dose.item_id());
  }
  if (dose.din() != IdentifierOf(item, "din")) {
    return Conflict("the DIN", IdentifierOf(item, "din"), dose.din());
  }
  for (const auto& [kind, value] :
       {std::pair<std::string_view, const std::string&>{"product_code",
                                                        dose.product_code()},
        {"expiration", dose.expiration()},
        {"chain_of_identity", dose.chain_of_identity()}}) {
    const std::string held = IdentifierOf(item, kind);
    if (!held.empty() && held != value) return Conflict(kind, held, value);
  }
  if (!item.patient_id().empty() && item.patient_id() != dose.subject_id()) {
    return Conflict("the patient", item.patient_id(), dose.subject_id());
  }
  if (patient.subject_id() != dose.subject_id()) {
    return FailedRule(
        kReasonLabelDataConflict,
        absl::StrCat("the dose is for ", dose.subject_id(),
                     ", the patient given is ", patient.subject_id()));
  }
  if (patient.chain_of_identity() != dose.chain_of_identity()) {
    return Conflict("the patient's chain of identity", dose.chain_of_identity(),
                    patient.chain_of_identity());
  }
  v1::Isbt128Data& isbt = *label.mutable_isbt128();
  if (dose.product_code().empty()) return Missing("product_code", "required");
  if (dose.expiration().empty()) return Missing("expiration", "required");
  if (dose.chain_of_identity().empty()) {
    return Missing("chain_of_identity", "required");
  }
  CC_RETURN_IF_ERROR(Fill(dose.product_code(), 3, "product_code",
                          isbt.mutable_product_code(), compound));
  CC_RETURN_IF_ERROR(Fill(dose.expiration(), 5, "expiration",
                          isbt.mutable_expiration(), compound));
  CC_RETURN_IF_ERROR(Fill(dose.chain_of_identity(), 40, "chain_of_identity",
                          isbt.mutable_chain_of_identity(), compound));
  const double cells = dose.delivered_viable_cells() > 0
                           ? dose.delivered_viable_cells()
                           : dose.plan().planned_viable_cells();
  if (cells <= 0) return Missing("cells_and_volume", "the dose has no count");
  if (dose.plan().final_volume_ml() <= 0) {
    return Missing("cells_and_volume", "the dose has no volume");
  }
  if (!ValidSubjectId(patient.subject_id())) {
    return FailedRule(kReasonLabelDataInvalid,
                      "subject_id: not 1-32 of A-Z 0-9 '-'");
  }
  if (!ValidDate(patient.date_of_birth())) {
    return FailedRule(kReasonLabelDataInvalid,
                      "date_of_birth: not a date YYYY-MM-DD");
  }
  v1::LabelText& text = *label.mutable_text();
  text.set_product_name(options.dose_name);
  text.set_cells_and_volume(
      CellsAndVolumeText({cells, dose.plan().final_volume_ml()}));
  text.set_storage(options.dose_storage);
  text.set_route(options.route);
  text.set_investigational_statement(options.investigational_statement);
  text.set_subject_id(patient.subject_id());
  text.set_date_of_birth(patient.date_of_birth());
  text.add_details(absl::StrCat("Dose ", dose.dose_id()));
  if (!dose.lot_id().empty()) {
    text.add_details(absl::StrCat("QC lot ", dose.lot_id()));
  }
  return absl::OkStatus();
}

// 003 and 005 of a container other than a dose bag, as custody holds them.
absl::Status CustodyCodes(const Item& item, bool product_code_required,
                          v1::Isbt128Data& isbt,
                          std::vector<std::string>& compound) {
  const std::string product = IdentifierOf(item, "product_code");
  if (product.empty() && product_code_required) {
    return Missing("product_code", "custody holds none for the item");
  }
  if (!product.empty()) {
    CC_RETURN_IF_ERROR(Fill(product, 3, "product_code",
                            isbt.mutable_product_code(), compound));
  }
  const std::string expiration = IdentifierOf(item, "expiration");
  if (!expiration.empty()) {
    CC_RETURN_IF_ERROR(
        Fill(expiration, 5, "expiration", isbt.mutable_expiration(), compound));
  }
  return absl::OkStatus();
}

absl::Status Collection(const LabelFacts& facts, const LabelOptions& options,
                        v1::Isbt128Data& isbt,
                        std::vector<std::string>& compound) {
  const absl::CivilMinute at =
      absl::ToCivilMinute(*facts.collected_at, options.time_zone);
  absl::StatusOr<std::string> data = isbt128::EncodeCollection(at);
  if (!data.ok()) return Invalid("collection", data.status());
  return Fill(*data, 7, "collection", isbt.mutable_collection(), compound);
}

}  // namespace

std::optional<v1::LabelType> LabelTypeOf(custody::v1::ItemType type) {
  switch (type) {
    case custody::v1::ITEM_TYPE_TISSUE_CONTAINER:
      return v1::LABEL_TYPE_TISSUE_CONTAINER;
    case custody::v1::ITEM_TYPE_CULTURE_VESSEL:
      return v1::LABEL_TYPE_CULTURE_VESSEL;
    case custody::v1::ITEM_TYPE_CRYOVIAL:
      return v1::LABEL_TYPE_CRYOVIAL;
    case custody::v1::ITEM_TYPE_QC_SAMPLE:
      return v1::LABEL_TYPE_QC_SAMPLE;
    case custody::v1::ITEM_TYPE_DOSE_BAG:
      return v1::LABEL_TYPE_DOSE_BAG;
    default:
      return std::nullopt;
  }
}

std::string CellsAndVolumeText(const CellCount& count) {
  // Two significant digits: the mantissa to 0.1, carried into the
  // exponent when it rounds to 10.
  int exponent =
      count.viable_cells > 0
          ? static_cast<int>(std::floor(std::log10(count.viable_cells)))
          : 0;
  double mantissa =
      std::round(count.viable_cells / std::pow(10.0, exponent) * 10) / 10;
  if (mantissa >= 10) {
    mantissa /= 10;
    ++exponent;
  }
  std::string volume = absl::StrFormat("%.1f", count.volume_ml);
  if (volume.ends_with(".0")) volume.resize(volume.size() - 2);
  return absl::StrFormat("%.1f × 10^%d viable cells in %s mL", mantissa,
                         exponent, volume);
}

absl::StatusOr<v1::Label> DecideLabel(const LabelFacts& facts,
                                      const LabelOptions& options) {
  const Item& item = facts.item;
  std::optional<v1::LabelType> type = LabelTypeOf(item.type());
  if (!type.has_value()) {
    return FailedRule(
        kReasonItemNotLabelled,
        absl::StrCat("item ", item.item_id(), " is ",
                     custody::v1::ItemType_Name(item.type()),
                     ", which carries no label of the labels service"));
  }
  v1::Label label;
  label.set_type(*type);
  label.set_item_id(item.item_id());
  v1::Isbt128Data& isbt = *label.mutable_isbt128();
  v1::LabelText& text = *label.mutable_text();
  std::vector<std::string> compound;

  const std::string din_text = IdentifierOf(item, "din");
  if (din_text.empty()) return Missing("din", "custody holds no DIN");
  absl::StatusOr<isbt128::Din> din = isbt128::Din::Parse(din_text);
  if (!din.ok()) return Invalid("din", din.status());
  // Type 3 flags: a check on the DIN a scanner verifies, and the only
  // flags the renderer prints (Type 1 and 2 are printed rotated).
  absl::StatusOr<std::string> donation =
      isbt128::EncodeDonationIdentification(*din, isbt128::Type3Flags(*din));
  if (!donation.ok()) return Invalid("din", donation.status());
  CC_RETURN_IF_ERROR(Fill(*donation, 1, "donation_identification",
                          isbt.mutable_donation_identification(), compound));

  switch (*type) {
    case v1::LABEL_TYPE_TISSUE_CONTAINER:
      if (!facts.collected_at.has_value()) {
        return Missing("collection",
                       "the cord's delivery time is unknown (donor intake)");
      }
      CC_RETURN_IF_ERROR(CustodyCodes(item, false, isbt, compound));
      CC_RETURN_IF_ERROR(Collection(facts, options, isbt, compound));
      text.set_product_name(options.tissue_name);
      text.set_storage(options.tissue_storage);
      break;
    case v1::LABEL_TYPE_CULTURE_VESSEL:
      CC_RETURN_IF_ERROR(CustodyCodes(item, false, isbt, compound));
      text.set_product_name(options.vessel_name);
      text.set_storage(options.vessel_storage);
      break;
    case v1::LABEL_TYPE_CRYOVIAL:
      CC_RETURN_IF_ERROR(CustodyCodes(item, true, isbt, compound));
      if (facts.collected_at.has_value()) {
        CC_RETURN_IF_ERROR(Collection(facts, options, isbt, compound));
      }
      if (!facts.vial_cells.has_value() ||
          facts.vial_cells->viable_cells <= 0 ||
          facts.vial_cells->volume_ml <= 0) {
        return Missing("cells_and_volume",
                       "the vial's count is unknown (manufacturing)");
      }
      text.set_product_name(options.cryovial_name);
      text.set_cells_and_volume(CellsAndVolumeText(*facts.vial_cells));
      text.set_storage(options.cryovial_storage);
      break;
    case v1::LABEL_TYPE_QC_SAMPLE:
      CC_RETURN_IF_ERROR(CustodyCodes(item, false, isbt, compound));
      text.set_product_name(options.sample_name);
      break;
    case v1::LABEL_TYPE_DOSE_BAG:
      CC_RETURN_IF_ERROR(DoseBag(facts, options, label, compound));
      break;
    default:
      break;
  }
  text.set_manufacturer(options.manufacturer);
  AddDescription(item, text);
  absl::StatusOr<std::string> message = isbt128::EncodeCompound(compound);
  if (!message.ok()) return Invalid("compound_message", message.status());
  isbt.set_compound_message(*message);
  return label;
}

std::string LabelBytes(const v1::Label& label) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    label.SerializeToCodedStream(&coded);
  }
  return bytes;
}

std::string ContentSha256(const v1::Label& label) {
  return crypto::Sha256Hex(LabelBytes(label));
}

namespace {

// The label's structures by ISBT 128 number.
std::map<int, std::string> CodesOf(const v1::Label& label) {
  const v1::Isbt128Data& isbt = label.isbt128();
  std::map<int, std::string> codes;
  for (const auto& [number, code] : {std::pair<int, const v1::Isbt128Code*>{
                                         1, &isbt.donation_identification()},
                                     {3, &isbt.product_code()},
                                     {5, &isbt.expiration()},
                                     {7, &isbt.collection()},
                                     {40, &isbt.chain_of_identity()}}) {
    if (!code->data().empty()) codes[number] = code->data();
  }
  return codes;
}

std::string DinOfStructure(const isbt128::DataStructure& s) {
  return std::get<isbt128::DonationIdentification>(s.value).din.ToString();
}

ScanVerdict Fail(v1::ScanMismatch mismatch, std::string detail) {
  ScanVerdict verdict;
  verdict.mismatch = mismatch;
  verdict.detail = std::move(detail);
  return verdict;
}

}  // namespace

std::string DinOf(const v1::Label& label) {
  absl::StatusOr<isbt128::DonationIdentification> parsed =
      isbt128::ParseDonationIdentification(
          label.isbt128().donation_identification().data());
  return parsed.ok() ? parsed->din.ToString() : "";
}

std::optional<ScannedIdentity> IdentityOfScan(std::string_view scan) {
  absl::StatusOr<std::vector<isbt128::DataStructure>> parsed =
      isbt128::ParseScan(scan);
  if (!parsed.ok()) return std::nullopt;
  std::optional<ScannedIdentity> id;
  for (const isbt128::DataStructure& s : *parsed) {
    if (s.number == 1 && !id.has_value()) {
      id = ScannedIdentity{DinOfStructure(s), ""};
    }
  }
  if (!id.has_value()) return std::nullopt;
  for (const isbt128::DataStructure& s : *parsed) {
    if (s.number == 3) id->product_code = s.text;
  }
  return id;
}

ScanVerdict JudgeScan(const v1::Label& label, std::string_view scan) {
  absl::StatusOr<std::vector<isbt128::DataStructure>> parsed =
      isbt128::ParseScan(scan);
  if (!parsed.ok()) {
    return Fail(v1::SCAN_MISMATCH_UNREADABLE,
                absl::StrCat("not ISBT 128 data structures: ",
                             parsed.status().message()));
  }
  const std::map<int, std::string> codes = CodesOf(label);
  const std::string label_din = DinOf(label);
  // Another item's label first: its DIN, then its product code.
  for (const isbt128::DataStructure& s : *parsed) {
    if (s.number == 1 && DinOfStructure(s) != label_din) {
      return Fail(v1::SCAN_MISMATCH_OTHER_ITEM,
                  absl::StrCat("the scan's DIN is ", DinOfStructure(s),
                               "; this item's label carries ", label_din));
    }
    // A product code the label does not carry is another item's too:
    // custody keeps one item per DIN and product code.
    if (s.number == 3 && (!codes.contains(3) || s.text != codes.at(3))) {
      return Fail(v1::SCAN_MISMATCH_OTHER_ITEM,
                  absl::StrCat("the scan's product code ", s.text,
                               " is another item's; this item's label "
                               "carries ",
                               codes.contains(3) ? codes.at(3) : "none"));
    }
  }
  for (const isbt128::DataStructure& s : *parsed) {
    auto it = codes.find(s.number);
    if (it != codes.end() && s.text != it->second) {
      return Fail(
          v1::SCAN_MISMATCH_FIELD,
          absl::StrCat(absl::Dec(s.number, absl::kZeroPad3), " is ", it->second,
                       " on the label, ", s.text, " scanned"));
    }
  }
  std::map<int, int> seen;
  for (const isbt128::DataStructure& s : *parsed) {
    if (!codes.contains(s.number)) {
      return Fail(v1::SCAN_MISMATCH_INCOMPLETE,
                  absl::StrCat("the label carries no ",
                               absl::Dec(s.number, absl::kZeroPad3)));
    }
    if (++seen[s.number] > 1) {
      return Fail(
          v1::SCAN_MISMATCH_INCOMPLETE,
          absl::StrCat(absl::Dec(s.number, absl::kZeroPad3), " read twice"));
    }
  }
  for (const auto& [number, data] : codes) {
    if (!seen.contains(number)) {
      return Fail(v1::SCAN_MISMATCH_INCOMPLETE,
                  absl::StrCat(absl::Dec(number, absl::kZeroPad3), " (", data,
                               ") not read"));
    }
  }
  if (scan.starts_with("=+") &&
      scan != std::string_view(label.isbt128().compound_message())) {
    return Fail(v1::SCAN_MISMATCH_FIELD,
                "a compound message of the label's structures in other bytes "
                "than the label's Data Matrix");
  }
  ScanVerdict pass;
  pass.result = v1::VERIFICATION_RESULT_PASS;
  return pass;
}

}  // namespace cellchain::labels
