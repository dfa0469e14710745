// The dose group of the cellchain CLI through the real binary against a
// real cellchaind over mTLS: the clinic registers a patient (name sealed)
// and orders one infusion of 1e7 cells in 20 ml; the pharmacist reads the
// sealed name with a reason, a technician cannot; the lab calculates the
// preparation from a count; the pharmacy's worklist is empty. And what a
// person meets when something is refused: a field named by its flag, the
// rule named by its reason, a flag the command needs, a worklist that is
// not one — each as one line with its exit code.
//
// And the main path: a batch harvested and its lot released by QA (through
// the donor, manufacturing and qc groups), heparin and saline released; the
// technician prepares the dose and counts it, a second technician verifies
// it (the first may not), the pharmacist's release is refused naming the
// failing gate when the patient read is not the order's, then releases it
// with every gate printed, and issues it to the clinician; the cath lab
// hands it back and the pharmacy takes it back; a second order's dose is
// destroyed with a witness.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/cli_chain.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

class DoseE2eTest : public CliChainTest {
 protected:
  DoseE2eTest() : CliChainTest("dose-e2e") {}

  // cleo, tina and phil; the main path adds the chain's cast.
  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(cleo_, AddUser(kCleo));
    CC_ASSERT_OK_AND_ASSIGN(tina_, AddUser(kTina));
    CC_ASSERT_OK_AND_ASSIGN(phil_, AddUser(kPhil));
  }

  std::unique_ptr<CliSession> cleo_, phil_;
};

TEST_F(DoseE2eTest, TheClinicOrdersADoseAndTheLabCalculatesIt) {
  std::string registered =
      Ok(*cleo_,
         {"dose", "patient-register", "--subject-id=RH-017",
          "--date-of-birth=1961-04-02", "--initials=JD", "--identifying-stdin",
          "--reason=enrolled in RegenHeart"},
         "name=Jane Doe\nmrn=MRN-0042\n");
  EXPECT_THAT(registered, HasSubstr("registered patient RH-017\n"));
  EXPECT_THAT(registered, ContainsRegex("date of birth +1961-04-02\n"));
  EXPECT_THAT(registered, ContainsRegex("chain of identity +&/CH"));
  EXPECT_THAT(registered, ContainsRegex("name +recorded \\(sealed"));
  EXPECT_THAT(registered, Not(HasSubstr("Jane Doe")));

  // The sealed name: the pharmacist with a reason, never a technician.
  std::string revealed =
      Ok(*phil_, {"dose", "patient-show", "--subject-id=RH-017", "--reveal",
                  "--reason=checking the order sheet"});
  EXPECT_THAT(revealed, ContainsRegex("name +Jane Doe\n"));
  EXPECT_THAT(revealed, ContainsRegex("medical record no. +MRN-0042\n"));
  RunResult not_tina =
      tina_->Run({"dose", "patient-show", "--subject-id=RH-017", "--reveal",
                  "--reason=curious"});
  EXPECT_EQ(not_tina.exit_code, 1) << not_tina.output;
  EXPECT_THAT(not_tina.output, Not(HasSubstr("Jane Doe")));
  EXPECT_EQ(not_tina.output,
            "cellchain: dose patient-show: PERMISSION_DENIED: only pharmacists "
            "and clinicians may see a patient's identifying data (reason: "
            "IDENTIFYING_RESTRICTED)\n");
  std::string shown =
      Ok(*tina_, {"dose", "patient-show", "--subject-id=RH-017"});
  EXPECT_THAT(shown, ContainsRegex("initials +JD\n"));
  EXPECT_THAT(shown, Not(HasSubstr("Jane Doe")));

  // One infusion of 1e7 viable cells in 20 ml, the defaults.
  std::string ordered =
      Ok(*cleo_,
         {"dose", "order-create", "--subject-id=RH-017",
          "--heparin-iu-per-ml=2", "--planned-infusion-at=2030-01-15T09:00:00Z",
          "--prescriber=Dr. Hart", "--cells=1e7", "--volume-ml=20"});
  std::string order_id = Capture(ordered, "created order (ord_[A-Za-z0-9_]+)");
  ASSERT_FALSE(order_id.empty()) << ordered;
  EXPECT_THAT(ordered, HasSubstr(" for patient RH-017\n"));
  EXPECT_THAT(ordered, ContainsRegex(
                           "prescribed +1.00e\\+07 viable cells in 20.0 ml\n"));
  EXPECT_THAT(ordered, ContainsRegex("heparin 2 IU/ml\n"));
  EXPECT_THAT(ordered,
              ContainsRegex("planned infusion +2030-01-15T09:00:00Z\n"));
  EXPECT_THAT(ordered, ContainsRegex("ordered +cleo at "));
  std::string order =
      Ok(*tina_, {"dose", "order-show", "--order-id=" + order_id});
  EXPECT_THAT(order, HasSubstr("order " + order_id + " for patient RH-017"));
  EXPECT_THAT(order, HasSubstr("no dose prepared yet\n"));

  // 2.0e6 cells/ml at 90 % viable: 5.6 ml (5.556 to the nearest 0.1 ml)
  // and 14.4 ml of diluent, 1.008e7 cells, +0.8 %, 5.04e5 cells/ml.
  std::string plan =
      Ok(*tina_, {"dose", "calculate", "--cells-per-ml=2e6", "--viability=90"});
  EXPECT_THAT(plan, HasSubstr("(nothing recorded)"));
  EXPECT_THAT(plan, ContainsRegex("source +2.00e\\+06 cells/ml at 90.0 % "
                                  "viable = 1.80e\\+06 viable cells/ml\n"));
  EXPECT_THAT(plan, ContainsRegex("draw +5.6 ml of suspension \\+ 14.4 ml of "
                                  "diluent = 20.0 ml\n"));
  EXPECT_THAT(plan, ContainsRegex("planned dose +1.01e\\+07 viable cells "
                                  "\\(\\+0.80 % of prescribed\\), 5.04e\\+05 "
                                  "cells/ml\n"));

  // Nothing awaits release yet.
  std::string worklist =
      Ok(*phil_, {"dose", "list", "--worklist=awaiting_release"});
  EXPECT_THAT(worklist, HasSubstr("0 dose(s)"));
}

TEST_F(DoseE2eTest, ARefusalIsOneLineNamingTheRuleOrTheFlag) {
  // The server's field refusal, named by the flag typed.
  RunResult initials =
      cleo_->Run({"dose", "patient-register", "--subject-id=RH-018",
                  "--date-of-birth=1970-01-01", "--initials=jd"});
  EXPECT_EQ(initials.exit_code, 1) << initials.output;
  EXPECT_EQ(initials.output,
            "cellchain: dose patient-register: INVALID_ARGUMENT: --initials: "
            "2 or 3 capital letters A-Z (field: initials)\n");

  // A count too dilute for 1e7 cells in 20 ml: the rule by its reason.
  RunResult dilute =
      tina_->Run({"dose", "calculate", "--cells-per-ml=2e5", "--viability=90"});
  EXPECT_EQ(dilute.exit_code, 1) << dilute.output;
  EXPECT_THAT(dilute.output,
              ContainsRegex("^cellchain: dose calculate: FAILED_PRECONDITION: "
                            "[^\n]*\\(reason: SUSPENSION_TOO_DILUTE\\)\n$"));

  // What the client refuses before sending: exit 2.
  RunResult no_prescriber = cleo_->Run(
      {"dose", "order-create", "--subject-id=RH-017", "--heparin-iu-per-ml=2",
       "--planned-infusion-at=2030-01-15T09:00:00Z"});
  EXPECT_EQ(no_prescriber.exit_code, 2) << no_prescriber.output;
  EXPECT_THAT(no_prescriber.output,
              HasSubstr("cellchain: dose order-create: --prescriber is "
                        "required"));
  RunResult worklist = phil_->Run({"dose", "list", "--worklist=soon"});
  EXPECT_EQ(worklist.exit_code, 2) << worklist.output;
  EXPECT_EQ(worklist.output,
            "cellchain: dose list: --worklist: \"soon\" is not "
            "awaiting_release, released_not_infused or expiring_soon\n");
  RunResult count = tina_->Run(
      {"dose", "calculate", "--cells-per-ml=lots", "--viability=90"});
  EXPECT_EQ(count.exit_code, 2) << count.output;
  EXPECT_EQ(count.output,
            "cellchain: dose calculate: --cells-per-ml: not a number (e.g. "
            "2.5e6)\n");

  // A dose nobody prepared, and a patient nobody registered.
  RunResult unknown = phil_->Run(
      {"dose", "release", "--order-id=ord_nope", "--dose-id=dos_nope",
       "--scan=x", "--subject-id=RH-017", "--date-of-birth=1961-04-02",
       "--initials=JD", "--password-stdin"},
      std::string(kPhilPassword) + "\n");
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_THAT(unknown.output,
              ContainsRegex("^cellchain: dose release: NOT_FOUND: [^\n]*"
                            "\\(reason: DOSE_NOT_FOUND\\)\n$"));
  RunResult nobody = cleo_->Run(
      {"dose", "order-create", "--subject-id=RH-999", "--heparin-iu-per-ml=2",
       "--planned-infusion-at=2030-01-15T09:00:00Z", "--prescriber=Dr. Hart"});
  EXPECT_EQ(nobody.exit_code, 1) << nobody.output;
  EXPECT_THAT(nobody.output,
              ContainsRegex("^cellchain: dose order-create: NOT_FOUND: [^\n]*"
                            "\\(reason: PATIENT_NOT_FOUND\\)\n$"));

  // A technician does not order doses.
  RunResult not_clinician = tina_->Run(
      {"dose", "order-create", "--subject-id=RH-017", "--heparin-iu-per-ml=2",
       "--planned-infusion-at=2030-01-15T09:00:00Z", "--prescriber=Dr. Hart"});
  EXPECT_EQ(not_clinician.exit_code, 1) << not_clinician.output;
  EXPECT_THAT(not_clinician.output,
              ContainsRegex("^cellchain: dose order-create: PERMISSION_DENIED: "
                            "[^\n]*\\(reason: ROLE_NOT_ALLOWED\\)\n$"));
}

TEST_F(DoseE2eTest, ADoseIsPreparedVerifiedReleasedAndIssued) {
  AddChainCast();
  if (HasFatalFailure()) return;
  // A product lot QA released, as the lab and QA make one through the
  // donor, manufacturing and qc groups.
  const std::string lot = ReleasedQcLot(VerifiedHarvest().batch_id);
  ASSERT_FALSE(lot.empty());
  // Heparin and saline released, and the site "Pharmacy" (which prepare's
  // --location-id names by its name).
  const Pharmacy pharmacy = StockedPharmacy();
  const std::string& heparin = pharmacy.heparin_id;
  const std::string& saline = pharmacy.saline_id;

  Ok(*cleo_, {"dose", "patient-register", "--subject-id=RH-017",
              "--date-of-birth=1961-04-02", "--initials=JD"});
  std::string ordered = Ok(
      *cleo_,
      {"dose", "order-create", "--subject-id=RH-017", "--heparin-iu-per-ml=2",
       "--planned-infusion-at=2030-01-15T09:00:00Z", "--prescriber=Dr. Hart"});
  std::string order_id = Capture(ordered, "created order (ord_[A-Za-z0-9_]+)");
  ASSERT_FALSE(order_id.empty()) << ordered;

  // The technician prepares it from the released lot (5.6 ml of a
  // suspension of 2e6 cells/ml at 90 % viable, made up to 20 ml) and
  // counts it: 5e5 cells/ml at 95 % in 20 ml, 9.5e6 viable cells, -5 %.
  const CountedDose made = PreparedAndCounted(order_id, lot, pharmacy);
  std::string prepared = made.prepared;
  const std::string& dose = made.dose_id;
  ASSERT_FALSE(dose.empty()) << prepared;
  EXPECT_THAT(prepared, ContainsRegex("dos_[A-Za-z0-9_]+ +PREPARED\n"));
  EXPECT_THAT(prepared, ContainsRegex("lot +" + lot));
  EXPECT_THAT(prepared, ContainsRegex("draw +5.6 ml of suspension \\+ 14.4 ml "
                                      "of diluent = 20.0 ml\n"));
  EXPECT_THAT(prepared, ContainsRegex("chain of identity &/CH"));
  EXPECT_THAT(prepared, ContainsRegex("prepared +tina at "));

  EXPECT_THAT(made.counted,
              HasSubstr("dose " + dose +
                        " counted: ACCEPTABLE; 9.50e+06 viable cells "
                        "delivered (-5.00 % of prescribed), 95.0 % "
                        "viable; state COUNTED\n"));

  // Four eyes: the technician who prepared it does not verify it.
  RunResult own =
      Signed(*tina_, kTinaPassword, {"dose", "verify", "--dose-id=" + dose});
  EXPECT_EQ(own.exit_code, 1) << own.output;
  EXPECT_THAT(own.output,
              ContainsRegex("^cellchain: dose verify: PERMISSION_DENIED: "
                            "[^\n]*\\(reason: FOUR_EYES_SAME_PERSON\\)\n$"));
  EXPECT_THAT(
      SignedOk(*tom_, kTomPassword, {"dose", "verify", "--dose-id=" + dose}),
      HasSubstr("dose " + dose + " verified by tom at "));

  // The pharmacy's worklist, and the dose as the pharmacist sees it.
  EXPECT_THAT(
      Ok(*phil_, {"dose", "list", "--worklist=awaiting_release"}),
      ContainsRegex(dose + " +RH-017 +[A-Z0-9]{13} +[^ ]+ +VERIFIED +"));
  std::string shown = Ok(*phil_, {"dose", "show", "--dose-id=" + dose});
  EXPECT_THAT(shown, HasSubstr("a release now: no gate fails"));
  std::string label = Capture(shown, "label data +([^\n]+)\n");
  ASSERT_FALSE(label.empty()) << shown;

  // The patient read from the sheet is not the order's: refused, every gate
  // shown, the failing one named.
  RunResult wrong =
      Signed(*phil_, kPhilPassword,
             {"dose", "release", "--order-id=" + order_id, "--dose-id=" + dose,
              "--scan=-", "--subject-id=RH-017", "--date-of-birth=1961-04-02",
              "--initials=JX"},
             label + "\n");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_THAT(wrong.output, HasSubstr("dose " + dose + " NOT released"));
  EXPECT_THAT(wrong.output, ContainsRegex("FAIL +PATIENT_MISMATCH +"));
  EXPECT_THAT(wrong.output, ContainsRegex("pass +LABEL_MISMATCH +"));
  EXPECT_THAT(wrong.output, ContainsRegex("pass +LOT_NOT_RELEASED +"));
  EXPECT_THAT(wrong.output,
              ContainsRegex("\ncellchain: dose release: FAILED_PRECONDITION: "
                            "[^\n]*\\(reason: PATIENT_MISMATCH\\)\n$"));

  std::string released =
      SignedOk(*phil_, kPhilPassword,
               {"dose", "release", "--order-id=" + order_id,
                "--dose-id=" + dose, "--scan=-", "--subject-id=RH-017",
                "--date-of-birth=1961-04-02", "--initials=JD"},
               label + "\n");
  EXPECT_THAT(released, HasSubstr("dose " + dose + " RELEASED by phil at "));
  for (const char* gate :
       {"WRONG_ORDER", "LOT_NOT_RELEASED", "CONDITION_NOT_ACKNOWLEDGED",
        "PREPARATION_NOT_ACCEPTED", "PREPARATION_NOT_VERIFIED",
        "LABEL_MISMATCH", "PATIENT_MISMATCH", "DOSE_EXPIRED", "ITEM_ON_HOLD",
        "CUSTODY_BROKEN", "TEMPERATURE_EXCURSION"}) {
    EXPECT_THAT(released, ContainsRegex(std::string("pass +") + gate + " +"));
  }
  EXPECT_THAT(released, Not(HasSubstr("FAIL")));

  std::string issued =
      Ok(*phil_, {"dose", "issue", "--dose-id=" + dose, "--to-user=cleo",
                  "--condition=2-8 C, cool box"});
  EXPECT_THAT(issued, ContainsRegex("dose " + dose +
                                    " ISSUED to cleo: handoff [a-z]+_"));
  EXPECT_THAT(Ok(*cleo_, {"dose", "order-show", "--order-id=" + order_id}),
              ContainsRegex(dose + " +RH-017 +.* +ISSUED +"));
  EXPECT_THAT(Ok(*phil_, {"dose", "list", "--worklist=released_not_infused"}),
              HasSubstr(dose));
  RunResult issued_destroyed =
      phil_->Run({"dose", "destroy", "--dose-id=" + dose, "--witness=tom",
                  "--reason=not needed", "--password-stdin"},
                 std::string(kPhilPassword) + "\n" + kTomPassword + "\n");
  EXPECT_EQ(issued_destroyed.exit_code, 1) << issued_destroyed.output;
  EXPECT_THAT(issued_destroyed.output,
              ContainsRegex("^cellchain: dose destroy: FAILED_PRECONDITION: "
                            "[^\n]*\\(reason: DOSE_STATE\\)\n$"));

  // The infusion is postponed: the cath lab receives the bag, hands it back
  // to the pharmacy, and the pharmacist takes it back by scanning it.
  std::string bag = Capture(issued, "\\(bag (itm_[A-Za-z0-9_]+),");
  ASSERT_FALSE(bag.empty()) << issued;
  Ok(*cleo_, {"clinical", "receive", "--dose-id=" + dose, "--scan=-"},
     label + "\n");
  std::string back =
      Ok(*cleo_, {"custody", "handoff", "--item-id=" + bag,
                  "--to-location=Pharmacy", "--condition=2-8 C, cool box"});
  std::string handoff = Capture(back, "handoff (hnd_[A-Za-z0-9_]+)");
  ASSERT_FALSE(handoff.empty()) << back;
  RunResult no_reason = phil_->Run({"dose", "return", "--dose-id=" + dose,
                                    "--handoff-id=" + handoff, "--scan=-"},
                                   label + "\n");
  EXPECT_EQ(no_reason.exit_code, 2) << no_reason.output;
  EXPECT_THAT(no_reason.output,
              HasSubstr("cellchain: dose return: --reason is required"));
  std::string returned =
      Ok(*phil_,
         {"dose", "return", "--dose-id=" + dose, "--handoff-id=" + handoff,
          "--scan=-", "--reason=infusion postponed"},
         label + "\n");
  EXPECT_THAT(returned,
              ContainsRegex("dose " + dose +
                            " RETURNED to the pharmacy at [0-9T:Z-]+; "
                            "released again only through every gate\n"));
  EXPECT_THAT(Ok(*phil_, {"dose", "show", "--dose-id=" + dose}),
              ContainsRegex("returned +[0-9T:Z-]+: infusion postponed\n"));

  // The order has its dose; a second order's dose, prepared from the same
  // lot, is not needed and is destroyed with a witness.
  RunResult second =
      Signed(*tina_, kTinaPassword,
             {"dose", "prepare", "--order-id=" + order_id, "--lot-id=" + lot,
              "--cells-per-ml=2e6", "--viability=90", "--heparin=" + heparin,
              "--saline=" + saline, "--location-id=Pharmacy"});
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_THAT(second.output, HasSubstr("(reason: ORDER_HAS_DOSE)\n"));
  ordered = Ok(
      *cleo_,
      {"dose", "order-create", "--subject-id=RH-017", "--heparin-iu-per-ml=2",
       "--planned-infusion-at=2030-01-16T09:00:00Z", "--prescriber=Dr. Hart"});
  std::string spare_order =
      Capture(ordered, "created order (ord_[A-Za-z0-9_]+)");
  prepared = SignedOk(
      *tina_, kTinaPassword,
      {"dose", "prepare", "--order-id=" + spare_order, "--lot-id=" + lot,
       "--cells-per-ml=2e6", "--viability=90", "--heparin=" + heparin,
       "--saline=" + saline, "--location-id=Pharmacy"});
  std::string spare = Capture(prepared, "prepared dose (dos_[A-Za-z0-9_]+)");
  ASSERT_FALSE(spare.empty()) << prepared;
  // A0 is the first dose's; B0 went to the refused preparation and is
  // never reused.
  EXPECT_THAT(prepared, HasSubstr("(division C0)"));
  RunResult self_witness =
      phil_->Run({"dose", "destroy", "--dose-id=" + spare, "--witness=phil",
                  "--reason=order cancelled", "--password-stdin"},
                 std::string(kPhilPassword) + "\n" + kPhilPassword + "\n");
  EXPECT_EQ(self_witness.exit_code, 1) << self_witness.output;
  EXPECT_THAT(self_witness.output,
              HasSubstr("(reason: FOUR_EYES_SAME_PERSON)"));
  RunResult destroyed =
      phil_->Run({"dose", "destroy", "--dose-id=" + spare, "--witness=tom",
                  "--reason=order cancelled", "--password-stdin"},
                 std::string(kPhilPassword) + "\n" + kTomPassword + "\n");
  EXPECT_EQ(destroyed.exit_code, 0) << destroyed.output;
  EXPECT_THAT(destroyed.output,
              ContainsRegex("dose " + spare +
                            " DESTROYED by phil at [0-9T:Z-]+, witness tom; "
                            "bag itm_[A-Za-z0-9_]+ discarded\n"));
  EXPECT_THAT(Ok(*phil_, {"dose", "show", "--dose-id=" + spare}),
              ContainsRegex("destroyed +phil at [0-9T:Z-]+, witness tom: "
                            "order cancelled\n"));
}

}  // namespace
}  // namespace cellchain::e2e
