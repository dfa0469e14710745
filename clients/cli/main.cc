// cellchain: the command-line client of cellchain's services, over mTLS.
//   cellchain [--target=HOST:PORT --ca=F --cert=F --key=F] COMMAND
// Every failure prints one line naming the refused rule or field and exits
// non-zero (1: the server refused or could not be reached, or a check
// failed; 2: usage).
//
// A person logs in once per workstation (`cellchain login`); the session
// token goes to a file that every later command reads and sends as
// "authorization: Bearer <token>".
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/cli/cli.h"
#include "clients/cli/session.h"
#include "services/common/config/config.h"
#include "services/common/crypto/random.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"

namespace cellchain::cli {
namespace {

constexpr char kSummary[] =
    "Commands (`cellchain COMMAND --help` explains one):\n"
    "  login              open a session: --user-id; the password is typed\n"
    "                     (no echo), or --password-stdin / --password-env=VAR\n"
    "  logout             end the session and delete the session file\n"
    "  whoami             the session's user, roles, expiry and workstation\n"
    "  passwd             change your own password\n"
    "  user create        a user with --user-id, --printed-name, --roles and\n"
    "                     a temporary password (admin)\n"
    "  user list          every user (admin, qa)\n"
    "  user show          one user, --user-id (admin, qa)\n"
    "  user roles         replace --user-id's roles with --roles (admin)\n"
    "  user disable|enable|unlock   --user-id, --reason (admin)\n"
    "  user reset-password          a new temporary password (admin)\n"
    "  system health      is the server up and serving? (grpc.health.v1)\n"
    "  system version     the server's version and hosted services\n"
    "  system ping        a round trip through the server to PostgreSQL\n"
    "  audit checkpoint   the latest signed checkpoint (--tree-size: a past "
    "one)\n"
    "  audit query        records by --entity-type/--entity-id, --din, "
    "--actor,\n"
    "                     --action, --from/--before (RFC 3339); "
    "--newest-first\n"
    "  audit history      one entity's records with its chain checked\n"
    "  audit proof        inclusion proof of --record-id, checked locally\n"
    "  audit verify       verify the whole log on the server\n"
    "  audit export       write a bundle of a query's records to --out DIR\n"
    "                     (check it offline: cellchain-verify bundle DIR)\n"
    "  custody din        allocate the next DIN of --fin (technician)\n"
    "  custody register   an item: --type, --din or --local-code, --parents\n"
    "  custody link       add --parents to --item-id\n"
    "  custody show       one item with its holds and handoffs\n"
    "  custody find       the item a --scan names\n"
    "  custody location-add | locations   the storage hierarchy\n"
    "  custody handoff    hand --item-id to --to-user and/or --to-location\n"
    "  custody accept     accept --handoff-id by scanning the item (--scan)\n"
    "  custody cancel-handoff   --handoff-id\n"
    "  custody temperatures     --item-id or --location-id, --readings\n"
    "  custody limits | set-limits   temperature ranges per item type\n"
    "  custody hold       put --item-id on hold (--reason)\n"
    "  custody release-hold     --hold-id, QA's signature (password)\n"
    "  custody recall     hold a donor or reagent lot and all it made (QA)\n"
    "  custody end        --outcome=consumed|infused|discarded\n"
    "  custody trace      --direction=backward|forward from --item-id\n"
    "  donor register     a birth mother under a new pseudonymous code\n"
    "                     (--identifying-stdin: name=, date_of_birth=, mrn=)\n"
    "  donor show         --donor-code: consent, screening, eligibility, lots\n"
    "  donor consent | withdraw   record consent; withdraw it (holds lots)\n"
    "  donor screen       one result of the panel (--test, --result)\n"
    "  donor determine    sign the eligibility determination (QA)\n"
    "  donor receive      the cord: its lot gets a DIN, in quarantine\n"
    "  donor assess       QA's signed assessment of a --deviation-id\n"
    "  donor release-lot | discard-lot   --lot-id (release: QA, signed)\n"
    "  donor lot | lots   one lot (--lot-id or --din); lots by --state,\n"
    "                     --from/--before, --din, --donor-code\n"
    "  manufacturing (or mfg) material-receive | material-release |\n"
    "                     material-reject | material-show | material-list\n"
    "                     material lots: quarantine until QA releases them\n"
    "  manufacturing equipment-register | equipment-calibrate |\n"
    "                     equipment-status | equipment-list\n"
    "  manufacturing batch-start   a batch from an available --lot-id\n"
    "  manufacturing processing | passage-seed | harvest | cryopreserve |\n"
    "                     thaw | product-harvest   the batch's steps, signed\n"
    "  manufacturing verify | correct   a second person's check; a new\n"
    "                     revision with its --reason\n"
    "  manufacturing deviation-record | deviation-assess | batch-abort\n"
    "  manufacturing batch-show | batch-list | growth-curve\n"
    "Roles: technician, qc_analyst, qa, pharmacist, clinician, admin.\n"
    "Every command but login and system * needs a session; "
    "$CELLCHAIN_SESSION_TOKEN,\nwhen set, is used instead of the session "
    "file.\n";

// `cellchain COMMAND --help`: the command's flags and what it does.
struct CommandHelp {
  const char* command;
  const char* text;
};

constexpr CommandHelp kCommandHelp[] = {
    {"login",
     "cellchain login --user-id=ID [--password-stdin | --password-env=VAR]\n"
     "Opens a session bound to this workstation's certificate and saves its\n"
     "token in the session file (mode 0600). The password is typed without\n"
     "echo, or read as one line from stdin (--password-stdin), or from the\n"
     "environment variable VAR (--password-env); never from an argument.\n"
     "A temporary password must be changed next, with cellchain passwd.\n"},
    {"logout",
     "cellchain logout\n"
     "Ends the session on the server and deletes the session file (also when\n"
     "the server no longer knows the session). A token given in\n"
     "$CELLCHAIN_SESSION_TOKEN is ended, and no file is touched.\n"},
    {"whoami",
     "cellchain whoami\n"
     "The session's user, roles, expiry and the workstation it is bound to.\n"},
    {"passwd",
     "cellchain passwd [--password-stdin] [--password-env=VAR]\n"
     "                 [--new-password-env=VAR]\n"
     "Changes your own password. Typed without echo (the new one twice), or\n"
     "--password-stdin: two lines, current then new; or the current one from\n"
     "--password-env and the new one from --new-password-env. The new one\n"
     "must follow the password policy (length, not your user id, not one of\n"
     "your last passwords).\n"},
    {"user create",
     "cellchain user create --user-id=ID --printed-name=NAME --roles=R,...\n"
     "                      [--password-stdin | --password-env=VAR]"
     " [--reason=TEXT]\n"
     "Creates a user with a temporary password (typed twice, or from stdin or\n"
     "VAR), which they must change at first login. Admin only. User ids are\n"
     "2 to 32 of [a-z0-9._-] and are never reused.\n"},
    {"user list",
     "cellchain user list\n"
     "Every user with roles, status and notes (locked, password change\n"
     "required). Admin or QA.\n"},
    {"user show",
     "cellchain user show --user-id=ID\n"
     "One user in full. Admin or QA.\n"},
    {"user roles",
     "cellchain user roles --user-id=ID --roles=R,... --reason=TEXT\n"
     "Replaces the user's roles; the reason goes into the audit record.\n"
     "Admin only; an admin cannot change their own roles; technician and qa\n"
     "are not given together unless cellchaind runs --allow-technician-qa.\n"},
    {"user disable",
     "cellchain user disable --user-id=ID --reason=TEXT\n"
     "Disables the user (never deleted) and ends their sessions. Admin\n"
     "only.\n"},
    {"user enable",
     "cellchain user enable --user-id=ID --reason=TEXT\n"
     "Enables a disabled user again. Admin only.\n"},
    {"user unlock",
     "cellchain user unlock --user-id=ID --reason=TEXT\n"
     "Unlocks a user locked out by failed attempts. Admin only.\n"},
    {"user reset-password",
     "cellchain user reset-password --user-id=ID --reason=TEXT\n"
     "                              [--password-stdin | --password-env=VAR]\n"
     "Sets a temporary password (typed twice, or from stdin or VAR) and ends\n"
     "the user's sessions; they must change it at next login. Admin only.\n"},
    {"custody din",
     "cellchain custody din --fin=FIN\n"
     "Allocates the next DIN of the facility for this year: unique, never\n"
     "reused. Prints the data structure for a label and the eye-readable\n"
     "form with the boxed check character. Technician.\n"},
    {"custody register",
     "cellchain custody register --type=T (--din=DS | --local-code=CODE)\n"
     "    [--product-code=DS] [--expiration=DS] [--chain-of-identity=DS]\n"
     "    [--parents=ITEM:KIND,...] [--location-id=L] [--patient-id=P]\n"
     "    [--description=TEXT]\n"
     "Registers a physical item derived from its parents; you become its\n"
     "custodian. Technician, QC analyst, pharmacist.\n"},
    {"custody link",
     "cellchain custody link --item-id=ID --parents=ITEM:KIND [--reason=T]\n"
     "Adds a derivation link (a pool input, a reagent lot consumed,\n"
     "equipment used). A link that would close a cycle is refused.\n"},
    {"custody show", "cellchain custody show --item-id=ID\n"
                     "The item, its holds and its handoffs.\n"},
    {"custody find",
     "cellchain custody find --scan=DATA|-\n"
     "The item a scanned label names (ISBT 128 or a local code).\n"},
    {"custody location-add",
     "cellchain custody location-add --kind=K --name=N [--parent-location=L]\n"
     "site > room > freezer > rack > box > position. QA or admin.\n"},
    {"custody locations",
     "cellchain custody locations [--parent-location=L]\n"
     "The sites, or a location's children with each position's item.\n"},
    {"custody handoff",
     "cellchain custody handoff --item-id=ID [--to-user=U] [--to-location=L]\n"
     "    [--carrier=U] [--condition=TEXT] [--seal-broken]\n"
     "Starts a handoff; only the custodian may. The item is in transit\n"
     "until accepted.\n"},
    {"custody accept",
     "cellchain custody accept --handoff-id=H --scan=DATA|- [--condition=T]\n"
     "    [--seal-broken]\n"
     "Accepts by scanning the item; a scan of another item is refused and\n"
     "audited. A broken seal puts the item on hold.\n"},
    {"custody cancel-handoff", "cellchain custody cancel-handoff "
                               "--handoff-id=H [--reason=T]\n"},
    {"custody temperatures",
     "cellchain custody temperatures (--item-id=ID | --location-id=L)\n"
     "    --readings=TIME=CELSIUS,... [--logger-id=LOGGER]\n"
     "Records readings; one out of an item type's range flags the item.\n"},
    {"custody limits", "cellchain custody limits\n"
                       "The temperature range of every item type.\n"},
    {"custody set-limits",
     "cellchain custody set-limits --type=T --min-celsius=X --max-celsius=Y\n"
     "    --reason=TEXT\n"
     "QA.\n"},
    {"custody hold", "cellchain custody hold --item-id=ID --reason=TEXT\n"
                     "A held item may be moved and sampled, never used.\n"},
    {"custody release-hold",
     "cellchain custody release-hold --hold-id=H --reason=TEXT\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "QA's e-signature (APPROVED): your password is asked again.\n"},
    {"custody recall",
     "cellchain custody recall --item-id=LOT --reason=TEXT\n"
     "Holds a donor or reagent lot and every item derived from it. QA.\n"},
    {"custody end",
     "cellchain custody end --item-id=ID --outcome=consumed|infused|discarded\n"
     "    [--patient-id=P] [--reason=TEXT]\n"
     "Infused needs the patient; discarded needs a reason.\n"},
    {"custody trace",
     "cellchain custody trace --item-id=ID [--direction=backward|forward]\n"
     "The derivation tree with the audit record behind each link, then the\n"
     "donor lots, reagent lots, equipment, QC samples, operators and\n"
     "patients on it.\n"},
    {"donor register",
     "cellchain donor register [--delivered-at=TIME] [--identifying-stdin]\n"
     "A birth mother under a new pseudonymous donor code. Identifying data,\n"
     "if any, is read from stdin (name=..., date_of_birth=YYYY-MM-DD,\n"
     "mrn=...), never from the command line; it is stored sealed.\n"
     "Technician or QA.\n"},
    {"donor show",
     "cellchain donor show --donor-code=DNR-... [--reveal --reason=WHY]\n"
     "Consent, screening, signed determinations, the eligibility the data\n"
     "gives now, and the lots. --reveal shows identifying data: QA only,\n"
     "and the viewing is audited with the reason.\n"},
    {"donor consent",
     "cellchain donor consent --donor-code=D --form-version=V\n"
     "    --consented-at=TIME --taken-by=NAME --witness=NAME\n"
     "The witness is someone other than the person taking consent.\n"},
    {"donor withdraw",
     "cellchain donor withdraw --donor-code=D --reason=TEXT\n"
     "Withdrawal of consent: every lot of the donor goes on hold, and no\n"
     "further cord is received from her.\n"},
    {"donor screen",
     "cellchain donor screen --donor-code=D --test=CODE --method=M\n"
     "    --kit-lot=K --drawn-at=TIME --result=non_reactive|reactive|"
     "indeterminate\n"
     "Tests: HIV12_AB HIV1_NAT HBSAG HBC_AB HBV_NAT HCV_AB HCV_NAT HTLV_AB\n"
     "SYPHILIS WNV_NAT TCRUZI_AB CMV_AB. A correction is a new result.\n"},
    {"donor determine",
     "cellchain donor determine --donor-code=D [--password-stdin | "
     "--password-env=VAR]\n"
     "QA signs (APPROVED) the eligibility the stored data gives: ELIGIBLE,\n"
     "INELIGIBLE or INCOMPLETE, with every reason.\n"},
    {"donor receive",
     "cellchain donor receive --donor-code=D --delivered-at=TIME\n"
     "    --collected-at=TIME --received-at=TIME --min-celsius=X "
     "--max-celsius=Y\n"
     "    --weight-grams=G [--location-id=L]\n"
     "The cord's lot gets a DIN and a custody item, in quarantine. Late\n"
     "receipt or transport out of range records a deviation. Technician.\n"},
    {"donor assess",
     "cellchain donor assess --deviation-id=DEV "
     "--decision=acceptable|not_acceptable\n"
     "    --assessment=TEXT [--password-stdin | --password-env=VAR]\n"
     "QA's signed assessment (APPROVED).\n"},
    {"donor release-lot",
     "cellchain donor release-lot --lot-id=LOT [--password-stdin | "
     "--password-env=VAR]\n"
     "Quarantine -> available, signed by QA: only for an ELIGIBLE donor\n"
     "determined on current data, every deviation assessed acceptable.\n"},
    {"donor discard-lot",
     "cellchain donor discard-lot --lot-id=LOT --reason=TEXT\n"
     "The lot and its custody item are discarded.\n"},
    {"donor lot", "cellchain donor lot (--lot-id=LOT | --din=DIN)\n"
                  "One lot with its deviations; the DIN as scanned or typed.\n"},
    {"donor lots",
     "cellchain donor lots [--state=quarantine|available|discarded]\n"
     "    [--from=TIME] [--before=TIME] [--din=DIN] [--donor-code=D]\n"
     "Lots, newest receipt first.\n"},
    {"manufacturing material-receive",
     "cellchain manufacturing material-receive --kind=K --name=NAME\n"
     "    --supplier=S --supplier-lot=LOT --expires-on=YYYY-MM-DD\n"
     "    [--location-id=L]\n"
     "A material lot in quarantine, registered in custody as a reagent lot.\n"
     "Kinds: medium, supplement, dissociation_reagent, digestion_enzyme,\n"
     "cryoprotectant, heparin, saline, other. Technician or QA.\n"},
    {"manufacturing material-release",
     "cellchain manufacturing material-release --material-id=MAT\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "QA releases a quarantined, unexpired lot (signed APPROVED); only\n"
     "released lots may be used by a step.\n"},
    {"manufacturing material-reject",
     "cellchain manufacturing material-reject --material-id=MAT --reason=TEXT\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "QA rejects a quarantined lot (signed REJECTED).\n"},
    {"manufacturing material-show",
     "cellchain manufacturing material-show --material-id=MAT|MAT-CODE\n"
     "One lot and every step that used it.\n"},
    {"manufacturing material-list",
     "cellchain manufacturing material-list\n"
     "    [--status=quarantine|released|rejected] [--kind=K]\n"
     "Lots by name, then expiry.\n"},
    {"manufacturing equipment-register",
     "cellchain manufacturing equipment-register --kind=K --name=NAME\n"
     "    --asset-tag=TAG --calibrated-on=YYYY-MM-DD --calibration-due=DATE\n"
     "    --calibration-reference=CERT [--location-id=L]\n"
     "Equipment in service, a custody item. Kinds: incubator,\n"
     "biosafety_cabinet, cell_counter, centrifuge, controlled_rate_freezer,\n"
     "other. QA or admin.\n"},
    {"manufacturing equipment-calibrate",
     "cellchain manufacturing equipment-calibrate --equipment-id=EQP\n"
     "    --calibrated-on=DATE --calibration-due=DATE\n"
     "    --calibration-reference=CERT\n"
     "A calibration performed. Technician or QA.\n"},
    {"manufacturing equipment-status",
     "cellchain manufacturing equipment-status --equipment-id=EQP\n"
     "    --status=in_service|out_of_service --reason=TEXT\n"
     "QA.\n"},
    {"manufacturing equipment-list",
     "cellchain manufacturing equipment-list [--kind=K]\n"
     "Equipment by asset tag.\n"},
    {"manufacturing batch-start",
     "cellchain manufacturing batch-start --lot-id=DONOR_LOT [--process=V]\n"
     "A batch from an AVAILABLE donor lot under process version V (default:\n"
     "the server's). Technician.\n"},
    {"manufacturing processing",
     "cellchain manufacturing processing --batch-id=BAT\n"
     "    --method=explant|enzymatic --tissue-grams=G --vessel-type=T\n"
     "    --vessel-count=N --seeded-at=TIME [--seeded-cells=N]\n"
     "    --location-id=L [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "The cord tissue into the P0 culture (signed PERFORMED), its vessels put\n"
     "in location L (the incubator); --seeded-cells\n"
     "for an enzymatic digest only. Too long after collection records a\n"
     "deviation. Technician.\n"},
    {"manufacturing passage-seed",
     "cellchain manufacturing passage-seed --source-step-id=STP\n"
     "    --vessel-type=T --vessel-count=N --seeded-at=TIME --seeded-cells=N\n"
     "    --location-id=L [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "Seeds the next passage, its vessels in location L (the incubator),\n"
     "from the cells a step harvested or a thaw\n"
     "recovered (counts such as 1e6). Technician.\n"},
    {"manufacturing harvest",
     "cellchain manufacturing harvest --step-id=STP --harvested-at=TIME\n"
     "    --harvested-cells=N [--viability=PCT] [--confluence=PCT]\n"
     "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "A culture's harvest; prints its population doublings. Technician.\n"},
    {"manufacturing verify",
     "cellchain manufacturing verify --step-id=STP --revision=N\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "The second person checks revision N of a step (signed VERIFIED); not\n"
     "the one who recorded it. Technician or QA.\n"},
    {"manufacturing correct",
     "cellchain manufacturing correct --batch-id=BAT --step-id=STP\n"
     "    --reason=TEXT [--revision=N] [value flags to change]\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "A new revision of the step's values: the current ones with those the\n"
     "flags give (--seeded-cells, --harvested-at, ...); the step must be\n"
     "verified again. Materials, equipment and vessel counts cannot change.\n"
     "Technician.\n"},
    {"manufacturing cryopreserve",
     "cellchain manufacturing cryopreserve --source-step-id=STP\n"
     "    --bank=master|working|final_product --cells-per-vial=N\n"
     "    --frozen-at=TIME --positions=LOC,... [--viability=PCT]\n"
     "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "A harvested step's cells into one vial per freezer position.\n"
     "Technician.\n"},
    {"manufacturing thaw",
     "cellchain manufacturing thaw --item-id=VIAL --thawed-at=TIME\n"
     "    --recovered-cells=N [--viability=PCT]\n"
     "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "A vial thawed; its cells can seed a passage. Technician.\n"},
    {"manufacturing product-harvest",
     "cellchain manufacturing product-harvest --source-step-id=STP\n"
     "    --harvested-at=TIME --harvested-cells=N [--viability=PCT]\n"
     "    [--volume-ml=ML] [--location-id=L]\n"
     "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "The final product lot, a custody item with the donor lot's DIN; the\n"
     "batch goes to QC_PENDING. Every verified step must be verified.\n"
     "Technician.\n"},
    {"manufacturing batch-abort",
     "cellchain manufacturing batch-abort --batch-id=BAT --reason=TEXT\n"
     "Stops the batch for good; its open vessels are discarded. QA.\n"},
    {"manufacturing deviation-record",
     "cellchain manufacturing deviation-record --batch-id=BAT [--step-id=STP]\n"
     "    --classification=minor|major|critical --description=TEXT\n"
     "    --impact=TEXT\n"
     "Technician or QA.\n"},
    {"manufacturing deviation-assess",
     "cellchain manufacturing deviation-assess --deviation-id=BDV\n"
     "    --assessment=TEXT [--classification=minor|major|critical]\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "QA's assessment closes the deviation (signed APPROVED).\n"},
    {"manufacturing batch-show",
     "cellchain manufacturing batch-show --batch-id=BAT\n"
     "The batch, every step with its passage, status, revision, population\n"
     "doublings and doubling time, corrections, deviations and banks.\n"},
    {"manufacturing batch-list",
     "cellchain manufacturing batch-list\n"
     "    [--state=in_process|qc_pending|aborted] [--lot-id=DONOR_LOT]\n"
     "Batches, newest first.\n"},
    {"manufacturing growth-curve",
     "cellchain manufacturing growth-curve --batch-id=BAT [--format=csv]\n"
     "Cumulative population doublings by day since processing, one row per\n"
     "harvest; --format=csv prints day,passage,cumulative_pd.\n"},
    {"system health",
     "cellchain system health\n"
     "SERVING when the server is up. No session needed.\n"},
    {"system version",
     "cellchain system version\n"
     "The server's version and hosted services. No session needed.\n"},
    {"system ping",
     "cellchain system ping\n"
     "A round trip through the server to PostgreSQL, and the workstation\n"
     "subject the server saw. No session needed.\n"},
    {"audit checkpoint",
     "cellchain audit checkpoint [--tree-size=N] [--save=FILE]\n"
     "The latest signed checkpoint, or the one of size N. Any logged-in "
     "user.\n--save writes it with the log's key to FILE, for QA to keep "
     "where the\ndatabase's owner cannot rewrite it (audit verify --since, "
     "cellchain-verify\nbundle --since).\n"},
    {"audit query",
     "cellchain audit query [--entity-type=T --entity-id=ID] [--din=DIN]\n"
     "                      [--actor=USER] [--action=A] [--from=TIME]\n"
     "                      [--before=TIME] [--newest-first] "
     "[--page-size=N]\n"
     "Records matching the filter (times RFC 3339). QA or admin.\n"},
    {"audit history",
     "cellchain audit history --entity-type=T --entity-id=ID\n"
     "One entity's records, with its hash chain checked. QA or admin.\n"},
    {"audit proof",
     "cellchain audit proof --record-id=ID [--tree-size=N]\n"
     "The record's inclusion proof, checked here against the signed\n"
     "checkpoint. Any logged-in user.\n"},
    {"audit verify",
     "cellchain audit verify [--since=FILE]\n"
     "Verifies the whole log on the server; exit 1 on any finding. QA.\n"
     "--since: a checkpoint saved before (audit checkpoint --save) that the\n"
     "log must still rebuild: a log truncated or rewritten since is a "
     "finding.\n"},
    {"audit export",
     "cellchain audit export --out=DIR [query filters] [--include-state]\n"
     "Writes a bundle of the query's records, keys, checkpoints and proofs;\n"
     "check it offline with cellchain-verify bundle DIR. QA.\n"},
};

constexpr char kCommonFlags[] =
    "\nEvery command also takes --target, --ca, --cert, --key, --deadline "
    "and\n--session-file; `cellchain --help` lists all flags and their "
    "variables.\nEvery audit command first checks the log's latest "
    "checkpoint against the\none this user last saw (kept in "
    "<session file>.checkpoint): a shorter or\nrewritten log is refused "
    "(LOG_TRUNCATED, LOG_FORKED).\n";

}  // namespace

int Report(const std::string& command, const grpc::Status& wire) {
  return Report(command, grpcx::FromGrpcStatus(wire));
}

int Report(const std::string& command, const absl::Status& status) {
  std::string reason = ReasonOf(status);
  std::string field = FieldOf(status);
  std::string message(status.message());
  // The access gate's refusals start with their reason, which is printed
  // once, at the end, like every other reason.
  if (!reason.empty() && message.starts_with(reason + ": ")) {
    message.erase(0, reason.size() + 2);
  }
  std::cerr << "cellchain: " << command << ": "
            << absl::StatusCodeToString(status.code()) << ": " << message;
  if (!reason.empty()) std::cerr << " (reason: " << reason << ")";
  if (!field.empty()) std::cerr << " (field: " << field << ")";
  std::cerr << "\n";
  return 1;
}

std::string DisplayTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  absl::Time time =
      absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

bool ParseTime(const std::string& text, google::protobuf::Timestamp* out) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return false;
  int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return true;
}

int Fail(const std::string& command, const std::string& message, int code) {
  std::cerr << "cellchain: " << command << ": " << message << "\n";
  return code;
}

std::unique_ptr<grpc::ClientContext> NewCallContext(
    const Options& options, std::chrono::milliseconds deadline,
    const std::string& request_id) {
  std::unique_ptr<grpc::ClientContext> context =
      grpcx::NewContext(deadline, request_id);
  if (!options.session_token.empty()) {
    context->AddMetadata("authorization", "Bearer " + options.session_token);
  }
  return context;
}

std::string NewRequestId() { return crypto::RandomId("cli"); }

namespace {

int Main(int argc, char** argv) {
  Options o;
  config::Loader loader("cellchain", "CELLCHAIN");
  loader.set_summary(kSummary);
  loader.String("target", &o.target, "Server address, HOST:PORT.");
  loader.ReadableFile("ca", &o.ca,
                      "PEM CA that issued the server's certificate.")
      .Required();
  loader.ReadableFile("cert", &o.cert,
                      "PEM client certificate of this workstation.")
      .Required();
  loader.ReadableFile("key", &o.key, "PEM private key of this client.")
      .Required();
  loader.Duration("deadline", &o.deadline, "Deadline of each call.");
  loader.String("entity-type", &o.entity_type, "audit: entity type filter.");
  loader.String("entity-id", &o.entity_id, "audit: entity id filter.");
  loader.String("din", &o.din,
                "audit: ISBT 128 DIN filter; donor lot/lots: the lot's DIN.");
  loader.String("actor", &o.actor, "audit: actor user id filter.");
  loader.String("action", &o.action, "audit: action filter.");
  loader.String("from", &o.from, "audit: records at or after (RFC 3339).");
  loader.String("before", &o.before, "audit: records before (RFC 3339).");
  loader.Bool("newest-first", &o.newest_first, "audit query: newest first.");
  loader.Int64("page-size", &o.page_size, 1, 1000,
               "audit query: records per page.");
  loader.String("record-id", &o.record_id, "audit proof: the record.");
  loader.Int64("tree-size", &o.tree_size, 0, INT64_MAX,
               "audit checkpoint/proof: a checkpointed size (0: latest).");
  loader.String("out", &o.out, "audit export: the bundle directory.");
  loader.String("save", &o.save,
                "audit checkpoint: also save it (with the log's key) to this "
                "file,\nto keep outside the database.");
  loader.String("since", &o.since,
                "audit verify: a checkpoint file saved before; the log must "
                "still\ncontain what it covers.");
  loader.Bool("include-state", &o.include_state,
              "audit export: include each entity's current state.");
  o.session_file = DefaultSessionFile();
  loader.String("session-file", &o.session_file,
                "Where login saves the session token and other commands "
                "read it.\n$CELLCHAIN_SESSION_TOKEN, when set, is used "
                "instead.");
  loader.String("user-id", &o.user_id, "login, user *: the user id.");
  loader.String("printed-name", &o.printed_name,
                "user create: the name e-signatures show.");
  loader.List("roles", &o.roles,
              "user create/roles: technician, qc_analyst, qa, pharmacist,\n"
              "clinician, admin (comma-separated).");
  loader.String("reason", &o.reason,
                "user *: why the change is made (audited).");
  loader.Bool("password-stdin", &o.password_stdin,
              "Read passwords from stdin, one line each (passwd: current,\n"
              "then new) instead of prompting at the terminal.");
  loader.String("password-env", &o.password_env,
                "Read the password from this environment variable (its "
                "name,\nnot the password).");
  loader.String("new-password-env", &o.new_password_env,
                "passwd: read the new password from this environment "
                "variable.");
  loader.String("item-id", &o.item_id,
                "custody: the item; manufacturing thaw: the vial.");
  loader.String("type", &o.item_type,
                "custody register: donor_lot, tissue_container, "
                "culture_vessel,\ncryovial, qc_sample, dose_bag, reagent_lot, "
                "equipment, product_lot.");
  loader.String("local-code", &o.local_code,
                "custody register: a local barcode (items without a DIN).");
  loader.String("product-code", &o.product_code,
                "custody register: ISBT 128 data structure 003 (=<...).");
  loader.String("expiration", &o.expiration,
                "custody register: ISBT 128 data structure 005 (&>...).");
  loader.String("chain-of-identity", &o.chain_of_identity,
                "custody register: ISBT 128 data structure 040.");
  loader.String("description", &o.description,
                "custody register, manufacturing deviation-record: free "
                "text.");
  loader.List("parents", &o.parents,
              "custody register/link: ITEM_ID:KIND,... (kinds: aliquot, "
              "split,\npool, passage, thaw, formulation, processing,\n"
              "cryopreservation, harvest, sample, material, equipment).");
  loader.String("location-id", &o.location_id,
                "custody: a location (register: where the item is put).");
  loader.String("patient-id", &o.patient_id,
                "custody register/end: the trial subject (e.g. RH-017).");
  loader.String("to-user", &o.to_user, "custody handoff: the recipient.");
  loader.String("to-location", &o.to_location,
                "custody handoff: the destination location.");
  loader.String("carrier", &o.carrier,
                "custody handoff: who carries it (default: you).");
  loader.String("condition", &o.condition,
                "custody handoff/accept: the item's condition.");
  loader.Bool("seal-broken", &o.seal_broken,
              "custody handoff/accept: the seal is NOT intact (accept: the\n"
              "item goes on hold).");
  loader.String("scan", &o.scan,
                "custody accept/find: what the scanner read; - reads one "
                "line\nfrom stdin (keyboard-wedge scanner).");
  loader.String("handoff-id", &o.handoff_id, "custody accept/cancel-handoff.");
  loader.String("hold-id", &o.hold_id, "custody release-hold: the hold.");
  loader.String("outcome", &o.outcome,
                "custody end: consumed, infused or discarded.");
  loader.String("fin", &o.fin,
                "custody din: the Facility Identification Number.");
  loader.String("kind", &o.kind,
                "custody location-add: site, room, freezer, rack, box, "
                "position;\nmanufacturing material-*/equipment-*: the "
                "material or equipment kind.");
  loader.String("name", &o.name,
                "custody location-add; manufacturing material-receive/\n"
                "equipment-register: the name.");
  loader.String("parent-location", &o.parent_location,
                "custody location-add/locations: the enclosing location.");
  loader.String("logger-id", &o.logger_id,
                "custody temperatures: the data logger.");
  loader.List("readings", &o.readings,
              "custody temperatures: TIME=CELSIUS,... (RFC 3339 times).");
  loader.String("min-celsius", &o.min_celsius,
                "custody set-limits; donor receive: lowest transport "
                "reading.");
  loader.String("max-celsius", &o.max_celsius,
                "custody set-limits; donor receive: highest transport "
                "reading.");
  loader.String("direction", &o.direction,
                "custody trace: backward (to the donor) or forward (to the\n"
                "patients).");
  loader.String("donor-code", &o.donor_code, "donor: the donor (DNR-...).");
  loader.Bool("identifying-stdin", &o.identifying_stdin,
              "donor register: read name=, date_of_birth=, mrn= lines from\n"
              "stdin.");
  loader.Bool("reveal", &o.reveal,
              "donor show: include identifying data (QA; audited; needs\n"
              "--reason).");
  loader.String("form-version", &o.form_version, "donor consent.");
  loader.String("consented-at", &o.consented_at, "donor consent: when.");
  loader.String("taken-by", &o.taken_by,
                "donor consent: who took it (printed name).");
  loader.String("witness", &o.witness, "donor consent: the witness.");
  loader.String("test", &o.test, "donor screen: the panel's test code.");
  loader.String("method", &o.method,
                "donor screen: the method; manufacturing processing: "
                "explant or\nenzymatic.");
  loader.String("kit-lot", &o.kit_lot, "donor screen: the kit's lot.");
  loader.String("drawn-at", &o.drawn_at, "donor screen: specimen drawn at.");
  loader.String("result", &o.result,
                "donor screen: non_reactive, reactive, indeterminate.");
  loader.String("delivered-at", &o.delivered_at,
                "donor register/receive: the birth.");
  loader.String("collected-at", &o.collected_at,
                "donor receive: cord collected at.");
  loader.String("received-at", &o.received_at,
                "donor receive: received at the lab.");
  loader.String("weight-grams", &o.weight_grams,
                "donor receive: tissue weight.");
  loader.String("deviation-id", &o.deviation_id,
                "donor assess; manufacturing deviation-assess.");
  loader.String("decision", &o.decision,
                "donor assess: acceptable or not_acceptable.");
  loader.String("assessment", &o.assessment,
                "donor assess, manufacturing deviation-assess: QA's text.");
  loader.String("lot-id", &o.lot_id,
                "donor: the donor lot; manufacturing batch-start/batch-list: "
                "the\ndonor lot of the batch.");
  loader.String("state", &o.state,
                "donor lots: quarantine, available or discarded;\n"
                "manufacturing batch-list: in_process, qc_pending, aborted.");
  loader.String("material-id", &o.material_id,
                "manufacturing material-*: the material lot (mat_... or its\n"
                "MAT- code).");
  loader.String("supplier", &o.supplier, "manufacturing material-receive.");
  loader.String("supplier-lot", &o.supplier_lot,
                "manufacturing material-receive: the supplier's lot number.");
  loader.String("expires-on", &o.expires_on,
                "manufacturing material-receive: YYYY-MM-DD, usable through "
                "it.");
  loader.String("status", &o.status,
                "manufacturing material-list: quarantine, released, "
                "rejected;\nequipment-status: in_service, out_of_service.");
  loader.String("equipment-id", &o.equipment_id,
                "manufacturing equipment-*: the equipment (eqp_...).");
  loader.String("asset-tag", &o.asset_tag,
                "manufacturing equipment-register: its label.");
  loader.String("calibrated-on", &o.calibrated_on,
                "manufacturing equipment-*: YYYY-MM-DD.");
  loader.String("calibration-due", &o.calibration_due,
                "manufacturing equipment-*: YYYY-MM-DD, usable through it.");
  loader.String("calibration-reference", &o.calibration_reference,
                "manufacturing equipment-*: the certificate number.");
  loader.String("batch-id", &o.batch_id, "manufacturing: the batch.");
  loader.String("process", &o.process_version,
                "manufacturing batch-start: the process version.");
  loader.String("step-id", &o.step_id, "manufacturing: the step.");
  loader.String("source-step-id", &o.source_step_id,
                "manufacturing passage-seed/cryopreserve/product-harvest:\n"
                "the step whose cells are used.");
  loader.Int64("revision", &o.revision, 0, INT64_MAX,
               "manufacturing verify/correct: the step's revision.");
  loader.String("tissue-grams", &o.tissue_grams,
                "manufacturing processing: tissue processed, g.");
  loader.String("vessel-type", &o.vessel_type,
                "manufacturing processing/passage-seed: \"T175 flask\".");
  loader.Int64("vessel-count", &o.vessel_count, 0, 10000,
               "manufacturing processing/passage-seed: culture vessels.");
  loader.String("seeded-at", &o.seeded_at,
                "manufacturing processing/passage-seed: when (processing: "
                "its start).");
  loader.String("seeded-cells", &o.seeded_cells,
                "manufacturing: viable cells seeded (1e6).");
  loader.String("harvested-at", &o.harvested_at,
                "manufacturing harvest/product-harvest: when.");
  loader.String("harvested-cells", &o.harvested_cells,
                "manufacturing harvest/product-harvest: viable cells (8e6).");
  loader.String("recovered-cells", &o.recovered_cells,
                "manufacturing thaw: viable cells recovered.");
  loader.String("viability", &o.viability, "manufacturing: viability, %.");
  loader.String("confluence", &o.confluence,
                "manufacturing harvest: confluence, %.");
  loader.String("bank", &o.bank,
                "manufacturing cryopreserve: master, working, final_product.");
  loader.String("cells-per-vial", &o.cells_per_vial,
                "manufacturing cryopreserve: viable cells per vial.");
  loader.String("frozen-at", &o.frozen_at, "manufacturing cryopreserve.");
  loader.String("thawed-at", &o.thawed_at, "manufacturing thaw.");
  loader.String("volume-ml", &o.volume_ml,
                "manufacturing product-harvest: volume, ml.");
  loader.List("material", &o.materials,
              "manufacturing steps: MAT_ID[:QUANTITY] a step used;\n"
              "repeatable (--material=A --material=B:500 ml).");
  loader.List("equipment", &o.equipment,
              "manufacturing steps: EQP_ID a step used; repeatable.");
  loader.List("positions", &o.positions,
              "manufacturing cryopreserve: LOC,... one freezer position per\n"
              "vial.");
  loader.String("classification", &o.classification,
                "manufacturing deviation-*: minor, major, critical.");
  loader.String("impact", &o.impact, "manufacturing deviation-record.");
  loader.Enum("format", &o.format, {"table", "csv"},
              "manufacturing growth-curve: table or csv.");
  absl::Status status = loader.Load(argc, argv);
  if (config::IsHelpRequested(status)) {
    std::string command;
    for (const std::string& arg : loader.positional()) {
      command += (command.empty() ? "" : " ") +
                 (command.empty() && arg == "mfg" ? "manufacturing" : arg);
    }
    for (const CommandHelp& help : kCommandHelp) {
      if (command == help.command) {
        std::cout << "Usage: " << help.text << kCommonFlags;
        return 0;
      }
    }
    std::cout << loader.Usage();
    return 0;
  }
  if (!status.ok()) {
    std::cerr << "cellchain: " << status.message() << "\n";
    return 2;
  }
  const std::vector<std::string>& args = loader.positional();
  Command run = nullptr;
  if (args.size() == 2 && args[0] == "system") run = FindSystemCommand(args[1]);
  if (args.size() == 2 && args[0] == "audit") run = FindAuditCommand(args[1]);
  if (args.size() == 2 && args[0] == "user") run = FindUserCommand(args[1]);
  if (args.size() == 2 && args[0] == "custody") {
    run = FindCustodyCommand(args[1]);
  }
  if (args.size() == 2 && args[0] == "donor") run = FindDonorCommand(args[1]);
  if (args.size() == 2 && (args[0] == "manufacturing" || args[0] == "mfg")) {
    run = FindManufacturingCommand(args[1]);
  }
  if (args.size() == 1) run = FindSessionCommand(args[0]);
  if (run == nullptr) {
    std::string command;
    for (const std::string& arg : args) {
      command += (command.empty() ? "" : " ") + arg;
    }
    std::cerr << "cellchain: unknown command \"" << command
              << "\"; see cellchain --help\n";
    return 2;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      grpcx::NewChannel({o.target, {o.cert, o.key, o.ca}});
  if (!channel.ok()) {
    std::cerr << "cellchain: " << channel.status().message() << "\n";
    return 2;
  }
  // The variable wins so that scripts and tests can act as someone without
  // writing a file. Without either the call goes out anyway: the server
  // decides what needs a session, and says so (SESSION_REQUIRED). A login
  // needs neither, and an unreadable old session must not prevent it.
  if (args[0] == "login") {
    // nothing to send
  } else if (std::optional<std::string> token =
                 config::GetEnv("CELLCHAIN_SESSION_TOKEN");
             token.has_value() && !token->empty()) {
    o.session_token = *token;
  } else if (!o.session_file.empty()) {
    absl::StatusOr<std::string> saved = ReadSessionFile(o.session_file);
    if (saved.ok()) {
      o.session_token = *saved;
      o.session_from_file = true;
    } else if (!absl::IsNotFound(saved.status())) {
      // Still call: `system health` needs no session, and for the rest the
      // server's refusal says what is missing.
      std::cerr << "cellchain: warning: " << saved.status().message()
                << "; sending no session\n";
    }
  }
  return run(*channel, o);
}

}  // namespace
}  // namespace cellchain::cli

int main(int argc, char** argv) { return cellchain::cli::Main(argc, argv); }
