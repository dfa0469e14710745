// cellchain-qa: quality assurance's client of cellchain's services, over
// mTLS — the dispositions QA signs (a donor lot's eligibility and release,
// material lots, deviations, specifications, a QC lot), holds and recalls,
// the equipment and storage locations QA qualifies, the batch record,
// the trace and lookback that answer "who got this lot", the certificate of
// analysis, and the signed audit log: queried with every filter, an
// entity's history with its e-signatures, verified (a progress bar on a
// terminal) and exported for cellchain-verify.
//   cellchain-qa [--target=HOST:PORT --ca=F --cert=F --key=F] COMMAND
// Its commands are cellchain's own (clients/cli, program.h), picked for
// QA: the same flags, help, refusals and exit codes (1: the server refused
// or could not be reached, or a check failed; 2: usage), the same session
// file, so one login serves both clients, and the listings' --format for
// tools.
#include "clients/cli/audit_commands.h"
#include "clients/cli/clinical_commands.h"
#include "clients/cli/custody_commands.h"
#include "clients/cli/donor_commands.h"
#include "clients/cli/identity_commands.h"
#include "clients/cli/manufacturing_commands.h"
#include "clients/cli/program.h"
#include "clients/cli/qc_commands.h"
#include "clients/cli/run.h"

namespace {

constexpr char kTail[] =
    "What QA does with them:\n"
    "  Release: donor determine, donor assess of each deviation, then\n"
    "  donor release-lot (or discard-lot); manufacturing material-release or\n"
    "  material-reject, deviation-assess; qc spec-create and spec-approve;\n"
    "  qc lot-show, then qc dispose; qc certificate --out=FILE saves the\n"
    "  certificate of analysis. Every approval is signed with your password.\n"
    "  Who got this lot: custody trace --direction=forward --item-id=DIN\n"
    "  (a donor or product lot down to the patients); clinical infusions\n"
    "  --lot-id=QC_LOT; qc lot-show lists a rejected lot's lookbacks (its\n"
    "  recall and the patients it reached), clinical record a serious\n"
    "  adverse event's. Where a dose came from: custody trace --item-id=DOSE.\n"
    "  Stop it: custody hold, custody recall (a lot and all it made), and\n"
    "  custody release-hold, signed.\n"
    "  Qualified premises: manufacturing equipment-register, -calibrate,\n"
    "  -status and -list; custody location-add (a box with its positions)\n"
    "  and locations. The batch record: manufacturing batch-show and\n"
    "  growth-curve.\n"
    "  The record: audit query (every filter), audit history (an entity's\n"
    "  records with their e-signatures), audit proof, audit verify (a\n"
    "  progress bar on a terminal), audit export --out=DIR for\n"
    "  cellchain-verify bundle DIR.\n"
    "  For tools: --format=json or csv on audit query and history, custody\n"
    "  trace, qc spec-list and lot-list, and donor lots.\n"
    "Things are named by what is written on them (a donor lot by its DIN, a\n"
    "material lot by its MAT- code, an item by its local code or DIN) or by\n"
    "their ids. Every command but login needs a session; one `cellchain-qa\n"
    "login` serves cellchain too ($CELLCHAIN_SESSION_TOKEN, when set, instead\n"
    "of the session file).\n";

const cellchain::cli::Program& Qa() {
  namespace cli = cellchain::cli;
  static const auto* const program = new cli::Program(
      "cellchain-qa",
      {
          {&cli::SessionGroup(), {}},
          {&cli::AuditGroup(), {}},
          {&cli::CustodyGroup(),
           {"custody show", "custody find", "custody hold",
            "custody release-hold", "custody recall", "custody trace",
            "custody location-add", "custody locations"}},
          {&cli::DonorGroup(),
           {"donor show", "donor determine", "donor assess",
            "donor release-lot", "donor discard-lot", "donor lot",
            "donor lots"}},
          {&cli::ManufacturingGroup(),
           {"manufacturing material-show", "manufacturing material-list",
            "manufacturing material-release", "manufacturing material-reject",
            "manufacturing equipment-register",
            "manufacturing equipment-calibrate",
            "manufacturing equipment-status", "manufacturing equipment-list",
            "manufacturing batch-show", "manufacturing growth-curve",
            "manufacturing deviation-assess"}},
          {&cli::QcGroup(),
           {"qc spec-create", "qc spec-approve", "qc spec-show", "qc spec-list",
            "qc lot-show", "qc lot-list", "qc result-invalidate",
            "qc investigation-close", "qc dispose", "qc certificate"}},
          {&cli::ClinicalGroup(), {"clinical infusions", "clinical record"}},
      },
      kTail);
  return *program;
}

}  // namespace

int main(int argc, char** argv) {
  return cellchain::cli::RunProgram(Qa(), argc, argv);
}
