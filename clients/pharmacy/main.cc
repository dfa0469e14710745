// cellchain-pharmacy: the pharmacist's client of cellchain's services, over
// mTLS — the worklist, the bag and the order sheet read at release with
// every gate's result, the release signed with a password typed without
// echo, and the dose issued to the cath lab, taken back or destroyed with a
// witness.
//   cellchain-pharmacy [--target=HOST:PORT --ca=F --cert=F --key=F] COMMAND
// Its commands are cellchain's own (clients/cli, program.h), picked for the
// pharmacy: the same flags, help, refusals and exit codes (1: the server
// refused or could not be reached; 2: usage), and the same session file, so
// one login serves both clients.
#include <string>
#include <utility>
#include <vector>

#include "clients/cli/custody_commands.h"
#include "clients/cli/dose_commands.h"
#include "clients/cli/identity_commands.h"
#include "clients/cli/program.h"
#include "clients/cli/run.h"

namespace {

constexpr char kTail[] =
    "A dose, from the worklist to the cath lab:\n"
    "  1. dose list --worklist=awaiting_release: the doses verified by the "
    "lab.\n"
    "  2. custody accept --handoff-id=H --scan=-: take the bag from the lab "
    "by\n"
    "     scanning its label (custody find --scan=- names what a label "
    "is).\n"
    "  3. dose show --dose-id=D: the dose, its order, and what a release "
    "would\n"
    "     refuse now; dose order-show and patient-show for the order sheet.\n"
    "  4. dose release --order-id=O --scan=- --subject-id=ID\n"
    "     --date-of-birth=YYYY-MM-DD --initials=JD: the order and the "
    "patient\n"
    "     read from the order sheet, the bag's label scanned (--dose-id=D "
    "instead\n"
    "     of, or as well as, the order); every gate is printed with its "
    "result,\n"
    "     and the password you sign with is asked without echo.\n"
    "  5. dose issue --dose-id=D --to-user=CLINICIAN: to the cath lab, "
    "which\n"
    "     receives it by scanning the bag.\n"
    "  Not infused: dose return (the cath lab's handoff back, the bag "
    "scanned,\n"
    "  --reason) or dose destroy --witness=ID --reason=TEXT (the witness "
    "signs\n"
    "  here).\n"
    "Every command but login needs a session; one `cellchain-pharmacy "
    "login`\n"
    "serves cellchain too ($CELLCHAIN_SESSION_TOKEN, when set, instead of "
    "the\n"
    "session file).\n";

const cellchain::cli::Program& Pharmacy() {
  using cellchain::cli::Program;
  static const auto* const program = new Program(
      "cellchain-pharmacy",
      {
          {&cellchain::cli::SessionGroup(), {}},
          {&cellchain::cli::DoseGroup(),
           {"dose list", "dose show", "dose order-show",
            "dose patient-register", "dose patient-show", "dose release",
            "dose issue", "dose return", "dose destroy"}},
          {&cellchain::cli::CustodyGroup(), {"custody accept", "custody find"}},
      },
      kTail);
  return *program;
}

}  // namespace

int main(int argc, char** argv) {
  return cellchain::cli::RunProgram(Pharmacy(), argc, argv);
}
