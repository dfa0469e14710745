// cellchain-pharmacy, the pharmacist's client, through the real binary
// against a real cellchaind over mTLS: its --help offers the pharmacy's
// commands and not the lab's or QA's; a command it does not offer is an
// unknown command under its own name (exit 2), as is a destroy without a
// witness; a release without the bag's scan, the patient read from the
// order sheet, or the dose or its order is refused before a password is
// asked; one `cellchain login` serves it.
//
// And the pharmacist's day with it: a dose the lab prepared, counted and
// verified (through the cellchain CLI, as CliChainTest makes the chain) is
// on the worklist; a release with a sibling bag's label scanned is refused
// with every gate's result and one line naming the rule, and nothing is
// released; with a wrong patient read as well, both failing gates are
// shown; another order's sheet is refused before anything is signed; the
// right bag and patient, the dose named by its order, release it at a
// terminal (the password typed without echo) with every gate passing; it is
// issued to the cath lab, taken back by scanning the bag when the cath lab
// hands it back, and destroyed with a witness.
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/cli_chain.h"
#include "tests/e2e/daemon.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

// Every gate of a release, in the order the service judges them: the
// order sheet's order first.
constexpr const char* kGates[] = {"WRONG_ORDER",
                                  "LOT_NOT_RELEASED",
                                  "CONDITION_NOT_ACKNOWLEDGED",
                                  "PREPARATION_NOT_ACCEPTED",
                                  "PREPARATION_NOT_VERIFIED",
                                  "LABEL_MISMATCH",
                                  "PATIENT_MISMATCH",
                                  "DOSE_EXPIRED",
                                  "ITEM_ON_HOLD",
                                  "CUSTODY_BROKEN",
                                  "TEMPERATURE_EXCURSION"};

// A command run at a terminal: what the terminal showed (the program's
// output and what the terminal echoed of the typing), its exit status, and
// whether every line was typed.
struct TerminalRun {
  int exit_code = -1;
  std::string screen;
  bool typed_all = false;
};

// One line a person types at a prompt.
struct Typed {
  std::string after;  // typed once the screen shows this (since the last)
  std::string line;
  // A password is typed only once the terminal's echo is off (waited for
  // until the run's deadline: never typed if echo stays on).
  bool password = false;
};

// `argv` on a new pseudo-terminal, as a pharmacist runs it at their
// workstation, each of `typed` typed after its prompt; killed after 60 s.
TerminalRun RunAtTerminal(const std::vector<std::string>& argv,
                          const std::vector<Typed>& typed) {
  TerminalRun run;
  int terminal = -1;
  pid_t pid = forkpty(&terminal, nullptr, nullptr, nullptr);
  if (pid < 0) return run;
  if (pid == 0) {
    std::vector<char*> args;
    for (const std::string& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  size_t next = 0, seen = 0;
  bool killed = false;
  while (!killed) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      killed = true;
    }
    if (next < typed.size() &&
        run.screen.find(typed[next].after, seen) != std::string::npos) {
      bool ready = true;
      if (typed[next].password) {
        // The pty's two ends share one termios: the program's echo setting.
        struct termios t;
        ready = tcgetattr(terminal, &t) == 0 && (t.c_lflag & ECHO) == 0;
      }
      if (ready) {
        const std::string line = typed[next].line + "\n";
        if (write(terminal, line.data(), line.size()) !=
            static_cast<ssize_t>(line.size())) {
          break;
        }
        seen = run.screen.size();
        ++next;
        continue;
      }
    }
    struct pollfd p = {terminal, POLLIN, 0};
    if (poll(&p, 1, 20) < 0) break;
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buffer[4096];
      ssize_t n = read(terminal, buffer, sizeof(buffer));
      if (n <= 0) break;  // EIO: the program has exited
      run.screen.append(buffer, static_cast<size_t>(n));
    }
  }
  close(terminal);
  int status = 0;
  if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !killed) {
    run.exit_code = WEXITSTATUS(status);
  }
  run.typed_all = next == typed.size();
  return run;
}

class PharmacyClientE2eTest : public CliChainTest {
 protected:
  PharmacyClientE2eTest() : CliChainTest("pharmacy-client-e2e") {}

  // cleo, who orders the dose, and phil, logged in at the pharmacy's
  // workstation (through `cellchain login`: the session file is shared).
  void SetUp() override {
    SetUpWithAdmin();
    if (HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(cleo_, AddUser(kCleo));
    CC_ASSERT_OK_AND_ASSIGN(phil_, AddUser(kPhil));
  }

  // `cellchain-pharmacy <args>` as phil at pharmacy-ws-01.
  RunResult AtPharmacy(const std::vector<std::string>& args,
                       const std::string& input = "") {
    std::vector<std::string> argv = phil_->Argv(args);
    argv[0] = BinDir() + "/cellchain-pharmacy";
    return RunCommand(argv, input);
  }
  // The same for a command that must succeed; its output.
  std::string AtPharmacyOk(const std::vector<std::string>& args,
                           const std::string& input = "") {
    RunResult run = AtPharmacy(args, input);
    EXPECT_EQ(run.exit_code, 0)
        << "cellchain-pharmacy " << ::testing::PrintToString(args) << ":\n"
        << run.output;
    return run.output;
  }

  std::unique_ptr<CliSession> cleo_, phil_;
};

TEST_F(PharmacyClientE2eTest, OffersThePharmacistsCommandsUnderItsName) {
  RunResult help = AtPharmacy({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_THAT(help.output, HasSubstr("Usage: cellchain-pharmacy"));
  for (const char* command :
       {"login", "whoami", "dose list", "dose show", "dose order-show",
        "dose patient-register", "dose patient-show", "dose release",
        "dose issue", "dose return", "dose destroy", "custody accept",
        "custody find"}) {
    EXPECT_THAT(help.output, ContainsRegex(std::string("\n  ") + command + " "))
        << command;
  }
  for (const char* other :
       {"manufacturing batch-start", "qc dispose", "dose prepare",
        "dose verify", "user create", "audit verify", "custody hold"}) {
    EXPECT_THAT(help.output, Not(HasSubstr(other))) << other;
  }
  // What the pharmacist does with it, in order.
  EXPECT_THAT(help.output,
              ContainsRegex("1\\. dose list --worklist=awaiting_release[^\n]*"
                            "\n(.*\n)*  2\\. custody accept [^\n]*"
                            "\n(.*\n)*  4\\. dose release [^\n]*"
                            "\n(.*\n)*  5\\. dose issue "));

  // The lab's and QA's commands are not the pharmacy's: exit 2, under its
  // own name, before anything is sent.
  RunResult batch = AtPharmacy({"manufacturing", "batch-start"});
  EXPECT_EQ(batch.exit_code, 2) << batch.output;
  EXPECT_EQ(batch.output,
            "cellchain-pharmacy: unknown command \"manufacturing "
            "batch-start\"; see cellchain-pharmacy --help\n");
  RunResult prepare = AtPharmacy({"dose", "prepare", "--order-id=ord_x"});
  EXPECT_EQ(prepare.exit_code, 2) << prepare.output;
  EXPECT_EQ(prepare.output,
            "cellchain-pharmacy: unknown command \"dose prepare\"; see "
            "cellchain-pharmacy --help\n");
  RunResult command_help = AtPharmacy({"dose", "release", "--help"});
  EXPECT_EQ(command_help.exit_code, 0) << command_help.output;
  EXPECT_THAT(command_help.output,
              HasSubstr("Usage: cellchain-pharmacy dose release --order-id="));

  // A destruction needs its witness: refused before a password is asked.
  RunResult no_witness = AtPharmacy(
      {"dose", "destroy", "--dose-id=dos_x", "--reason=dropped"}, "");
  EXPECT_EQ(no_witness.exit_code, 2) << no_witness.output;
  EXPECT_THAT(no_witness.output,
              ContainsRegex("^cellchain-pharmacy: dose destroy: --witness is "
                            "required[^\n]*\n$"));

  // The bag's scan and the patient from the order sheet are asked for
  // before a password is: nothing is signed without them.
  RunResult no_scan = AtPharmacy(
      {"dose", "release", "--order-id=ord_x", "--subject-id=RH-017",
       "--date-of-birth=1961-04-02", "--initials=JD", "--password-stdin"},
      std::string(kPhilPassword) + "\n");
  EXPECT_EQ(no_scan.exit_code, 2) << no_scan.output;
  EXPECT_THAT(no_scan.output,
              ContainsRegex("^cellchain-pharmacy: dose release: --scan is "
                            "required[^\n]*\n$"));
  RunResult empty_scan = AtPharmacy(
      {"dose", "release", "--order-id=ord_x", "--scan=-", "--subject-id=RH-017",
       "--date-of-birth=1961-04-02", "--initials=JD", "--password-stdin"},
      "\n" + std::string(kPhilPassword) + "\n");
  EXPECT_EQ(empty_scan.exit_code, 2) << empty_scan.output;
  EXPECT_EQ(empty_scan.output,
            "cellchain-pharmacy: dose release: --scan is required (- reads "
            "the scanner's line)\n");
  RunResult no_patient =
      AtPharmacy({"dose", "release", "--order-id=ord_x", "--scan=-"}, "x\n");
  EXPECT_EQ(no_patient.exit_code, 2) << no_patient.output;
  EXPECT_THAT(no_patient.output,
              HasSubstr("--subject-id, --date-of-birth, --initials are "
                        "required"));
  // The order sheet's order too, even with the dose named: the service
  // checks the dose is that order's.
  RunResult no_order = AtPharmacy(
      {"dose", "release", "--dose-id=dos_x", "--scan=-", "--subject-id=RH-017",
       "--date-of-birth=1961-04-02", "--initials=JD", "--password-stdin"},
      "x\n" + std::string(kPhilPassword) + "\n");
  EXPECT_EQ(no_order.exit_code, 2) << no_order.output;
  EXPECT_THAT(no_order.output,
              ContainsRegex("^cellchain-pharmacy: dose release: --order-id is "
                            "required[^\n]*\n$"));

  // `cellchain login` at this workstation is its session too.
  EXPECT_THAT(AtPharmacyOk({"whoami"}), HasSubstr("phil"));
}

TEST_F(PharmacyClientE2eTest, TheWorklistTheGatesTheReleaseAndTheIssue) {
  AddChainCast();
  if (HasFatalFailure()) return;
  const std::string lot = ReleasedQcLot(VerifiedHarvest().batch_id);
  ASSERT_FALSE(lot.empty());
  const Pharmacy pharmacy = StockedPharmacy();
  // The pharmacist enrols the patient, as the demo's does; the clinic
  // orders the dose.
  EXPECT_THAT(AtPharmacyOk({"dose", "patient-register", "--subject-id=RH-017",
                            "--date-of-birth=1961-04-02", "--initials=JD"}),
              HasSubstr("registered patient RH-017\n"));
  std::string ordered = Ok(
      *cleo_,
      {"dose", "order-create", "--subject-id=RH-017", "--heparin-iu-per-ml=2",
       "--planned-infusion-at=2030-01-15T09:00:00Z", "--prescriber=Dr. Hart"});
  const std::string order_id =
      Capture(ordered, "created order (ord_[A-Za-z0-9_]+)");
  ASSERT_FALSE(order_id.empty()) << ordered;
  const CountedDose made = PreparedAndCounted(order_id, lot, pharmacy);
  const std::string& dose = made.dose_id;
  ASSERT_FALSE(dose.empty());
  // Before the lab's second technician has verified it, the order's dose
  // is judged all the same: that gate fails, every other passes. Released
  // by the order alone, the dose is named from the refusal's dose_id
  // metadata (an ErrorInfo in the trailer), not from its message.
  const std::string bag_label =
      Capture(made.prepared, "label data +([^\n]+)\n");
  ASSERT_FALSE(bag_label.empty()) << made.prepared;
  RunResult unverified =
      AtPharmacy({"dose", "release", "--order-id=" + order_id, "--scan=-",
                  "--subject-id=RH-017", "--date-of-birth=1961-04-02",
                  "--initials=JD", "--password-stdin"},
                 bag_label + "\n" + kPhilPassword + "\n");
  EXPECT_EQ(unverified.exit_code, 1) << unverified.output;
  EXPECT_THAT(unverified.output, HasSubstr("dose " + dose + " NOT released"));
  for (const char* gate : kGates) {
    EXPECT_THAT(unverified.output,
                ContainsRegex(
                    std::string(gate == std::string("PREPARATION_NOT_VERIFIED")
                                    ? "FAIL +"
                                    : "pass +") +
                    gate + " +"));
  }
  SignedOk(*tom_, kTomPassword, {"dose", "verify", "--dose-id=" + dose});

  // The worklist: the dose the lab verified.
  EXPECT_THAT(
      AtPharmacyOk({"dose", "list", "--worklist=awaiting_release"}),
      ContainsRegex(dose + " +RH-017 +[A-Z0-9]{13} +[^ ]+ +VERIFIED +"));
  const std::string shown = AtPharmacyOk({"dose", "show", "--dose-id=" + dose});
  const std::string label = Capture(shown, "label data +([^\n]+)\n");
  const std::string code = Capture(shown, "product code +([^ \n]+) ");
  ASSERT_FALSE(label.empty()) << shown;
  ASSERT_EQ(code.size(), 10u) << shown;  // =<S12950A0
  ASSERT_NE(label.find(code), std::string::npos) << shown;
  // A sibling bag of the same lot: the same label but for its division.
  std::string sibling = label;
  sibling.replace(label.find(code), code.size(), code.substr(0, 8) + "B0");

  const std::vector<std::string> release = {"dose",
                                            "release",
                                            "--dose-id=" + dose,
                                            "--scan=-",
                                            "--subject-id=RH-017",
                                            "--date-of-birth=1961-04-02",
                                            "--password-stdin"};
  auto with = [&](std::string initials, std::string order = "") {
    std::vector<std::string> args = release;
    args.push_back("--initials=" + initials);
    args.push_back("--order-id=" + (order.empty() ? order_id : order));
    return args;
  };
  const std::string password = std::string(kPhilPassword) + "\n";

  // The wrong bag scanned: refused, every gate's result printed, one line
  // naming the rule; nothing released.
  RunResult wrong_bag = AtPharmacy(with("JD"), sibling + "\n" + password);
  EXPECT_EQ(wrong_bag.exit_code, 1) << wrong_bag.output;
  EXPECT_THAT(wrong_bag.output, HasSubstr("dose " + dose + " NOT released"));
  for (const char* gate : kGates) {
    EXPECT_THAT(wrong_bag.output,
                ContainsRegex(std::string(gate == std::string("LABEL_MISMATCH")
                                              ? "FAIL +"
                                              : "pass +") +
                              gate + " +"));
  }
  EXPECT_THAT(wrong_bag.output,
              ContainsRegex("\ncellchain-pharmacy: dose release: "
                            "FAILED_PRECONDITION: [^\n]*\\(reason: "
                            "LABEL_MISMATCH\\)\n$"));
  std::string still = AtPharmacyOk({"dose", "show", "--dose-id=" + dose});
  EXPECT_THAT(still, ContainsRegex(dose + " +VERIFIED\n"));
  EXPECT_THAT(still, ContainsRegex("released +-\n"));

  // The wrong bag and the wrong patient: both failing gates, not the first.
  RunResult both = AtPharmacy(with("JX"), sibling + "\n" + password);
  EXPECT_EQ(both.exit_code, 1) << both.output;
  EXPECT_THAT(both.output, ContainsRegex("FAIL +LABEL_MISMATCH +"));
  EXPECT_THAT(both.output, ContainsRegex("FAIL +PATIENT_MISMATCH +[^\n]*"
                                         "initials"));
  EXPECT_THAT(both.output, ContainsRegex("pass +LOT_NOT_RELEASED +"));

  // Another order's sheet in hand: the service refuses it, naming the
  // rule, before any gate is judged (so no gates are printed); nothing is
  // released.
  ordered = Ok(
      *cleo_,
      {"dose", "order-create", "--subject-id=RH-017", "--heparin-iu-per-ml=2",
       "--planned-infusion-at=2030-01-16T09:00:00Z", "--prescriber=Dr. Hart"});
  const std::string other_order =
      Capture(ordered, "created order (ord_[A-Za-z0-9_]+)");
  ASSERT_FALSE(other_order.empty()) << ordered;
  RunResult not_its_order =
      AtPharmacy(with("JD", other_order), label + "\n" + password);
  EXPECT_EQ(not_its_order.exit_code, 1) << not_its_order.output;
  EXPECT_THAT(not_its_order.output,
              ContainsRegex("^cellchain-pharmacy: dose release: "
                            "FAILED_PRECONDITION: dose " +
                            dose + " is of order " + order_id +
                            ", not of the order sheet's " + other_order +
                            "[^\n]*\\(reason: WRONG_ORDER\\)\n$"));
  RunResult nothing_awaits =
      AtPharmacy({"dose", "release", "--order-id=" + other_order, "--scan=-",
                  "--subject-id=RH-017", "--date-of-birth=1961-04-02",
                  "--initials=JD", "--password-stdin"},
                 label + "\n" + password);
  EXPECT_EQ(nothing_awaits.exit_code, 1) << nothing_awaits.output;
  EXPECT_THAT(nothing_awaits.output,
              HasSubstr("order " + other_order +
                        " has no dose awaiting release (its doses: none) "
                        "(reason: DOSE_STATE)\n"));
  EXPECT_THAT(AtPharmacyOk({"dose", "show", "--dose-id=" + dose}),
              ContainsRegex("released +-\n"));

  // At the pharmacy's terminal: the dose named by the order sheet's
  // order, the right bag scanned, the order's patient typed, and the
  // password typed with echo off: every gate passes.
  std::vector<std::string> at_terminal = phil_->Argv(
      {"dose", "release", "--order-id=" + order_id, "--scan=-",
       "--subject-id=RH-017", "--date-of-birth=1961-04-02", "--initials=JD"});
  at_terminal[0] = BinDir() + "/cellchain-pharmacy";
  TerminalRun terminal = RunAtTerminal(
      at_terminal, {{"Scan the bag's label: ", label},
                    {"Password to sign the dose's release (RELEASED): ",
                     kPhilPassword, true}});
  EXPECT_TRUE(terminal.typed_all) << terminal.screen;
  EXPECT_EQ(terminal.exit_code, 0) << terminal.screen;
  EXPECT_THAT(terminal.screen, HasSubstr(label));  // the scan, echoed
  EXPECT_THAT(terminal.screen, Not(HasSubstr(kPhilPassword)));
  const std::string& released = terminal.screen;
  EXPECT_THAT(released, HasSubstr("dose " + dose + " RELEASED by phil at "));
  for (const char* gate : kGates) {
    EXPECT_THAT(released, ContainsRegex(std::string("pass +") + gate + " +"));
  }
  EXPECT_THAT(released, Not(HasSubstr("FAIL")));

  // To the cath lab.
  std::string issued =
      AtPharmacyOk({"dose", "issue", "--dose-id=" + dose, "--to-user=cleo",
                    "--condition=2-8 C, cool box"});
  EXPECT_THAT(issued, ContainsRegex("dose " + dose +
                                    " ISSUED to cleo: handoff [a-z]+_"));
  EXPECT_THAT(AtPharmacyOk({"dose", "list", "--worklist=released_not_infused"}),
              ContainsRegex(dose + " +RH-017 +.* +ISSUED +"));

  // The infusion is called off: the cath lab has the bag and has not
  // handed it back yet, so there is nothing to take back.
  const std::string bag = Capture(issued, "\\(bag (itm_[A-Za-z0-9_]+),");
  ASSERT_FALSE(bag.empty()) << issued;
  Ok(*cleo_, {"clinical", "receive", "--dose-id=" + dose, "--scan=-"},
     label + "\n");
  const std::vector<std::string> take_back = {"dose",
                                              "return",
                                              "--dose-id=" + dose,
                                              "--scan=-",
                                              "--reason=infusion called off",
                                              "--condition=2-8 C, cool box"};
  RunResult too_soon = AtPharmacy(take_back, label + "\n");
  EXPECT_EQ(too_soon.exit_code, 1) << too_soon.output;
  EXPECT_EQ(too_soon.output,
            "cellchain-pharmacy: dose return: FAILED_PRECONDITION: bag " + bag +
                " of dose " + dose +
                " has no handoff back to the pharmacy open: the cath lab "
                "hands it back first (custody handoff) (reason: "
                "HANDOFF_NOT_OPEN)\n");
  // Handed back: the pharmacist scans the bag, no handoff id in hand.
  Ok(*cleo_, {"custody", "handoff", "--item-id=" + bag,
              "--to-location=Pharmacy", "--condition=2-8 C, cool box"});
  EXPECT_THAT(AtPharmacyOk(take_back, label + "\n"),
              ContainsRegex("dose " + dose +
                            " RETURNED to the pharmacy at [0-9T:Z-]+; "
                            "released again only through every gate\n"));

  // Not to be infused at all: destroyed, the witness signing here; without
  // a witness it is refused before anything is signed.
  RunResult alone =
      AtPharmacy({"dose", "destroy", "--dose-id=" + dose,
                  "--reason=infusion cancelled", "--password-stdin"},
                 password);
  EXPECT_EQ(alone.exit_code, 2) << alone.output;
  EXPECT_THAT(alone.output, HasSubstr("--witness is required"));
  EXPECT_THAT(
      AtPharmacyOk({"dose", "destroy", "--dose-id=" + dose, "--witness=tom",
                    "--reason=infusion cancelled", "--password-stdin"},
                   password + kTomPassword + "\n"),
      ContainsRegex("dose " + dose +
                    " DESTROYED by phil at [0-9T:Z-]+, witness tom; bag " +
                    bag + " discarded\n"));
  EXPECT_THAT(AtPharmacyOk({"dose", "show", "--dose-id=" + dose}),
              ContainsRegex(dose + " +DESTROYED\n"));
}

}  // namespace
}  // namespace cellchain::e2e
