#include "clients/cli/commands.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/table.h"

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
    "  custody location-add | locations   the storage hierarchy (a box's\n"
    "                     positions at once: --grid=9x9)\n"
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
    "  donor screen       results of the panel: --test=CODE:RESULT...,\n"
    "                     repeated, or --panel-file\n"
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
    "  manufacturing batch-show | step-show | batch-list | growth-curve\n"
    "  manufacturing process-show   a process version's limits and windows\n"
    "Things are named by what is written on them, in any case, or by their\n"
    "ids (mat_..., eqp_..., lot_..., bat_..., itm_..., loc_...): a material\n"
    "lot by its MAT- code, equipment by its asset tag, a donor lot by its\n"
    "DIN, a batch by its donor lot's DIN, an item by its local code or DIN,\n"
    "a location by its path of names (FRZ-01/R2/B3/A1). A name of several\n"
    "things, or of none, is refused.\n"
    "Roles: technician, qc_analyst, qa, pharmacist, clinician, admin.\n"
    "Every command but login and system * needs a session; "
    "$CELLCHAIN_SESSION_TOKEN,\nwhen set, is used instead of the session "
    "file.\n";

// Every command with the flags it reads. A change also takes --reason (the
// audit record's), a signed one --password-stdin and --password-env; the
// "!" ids are those the server would refuse as missing, asked for here by
// their flag before anything is sent.
const CommandSpec kCommands[] = {
    {"login", "user-id password-stdin password-env",
     "cellchain login --user-id=ID [--password-stdin | --password-env=VAR]\n"
     "Opens a session bound to this workstation's certificate and saves its\n"
     "token in the session file (mode 0600). The password is typed without\n"
     "echo, or read as one line from stdin (--password-stdin), or from the\n"
     "environment variable VAR (--password-env); never from an argument.\n"
     "A temporary password must be changed next, with cellchain passwd.\n"},
    {"logout", "",
     "cellchain logout\n"
     "Ends the session on the server and deletes the session file (also when\n"
     "the server no longer knows the session). A token given in\n"
     "$CELLCHAIN_SESSION_TOKEN is ended, and no file is touched.\n"},
    {"whoami", "",
     "cellchain whoami\n"
     "The session's user, roles, expiry and the workstation it is bound to.\n"},
    {"passwd", "password-stdin password-env new-password-env",
     "cellchain passwd [--password-stdin] [--password-env=VAR]\n"
     "                 [--new-password-env=VAR]\n"
     "Changes your own password. Typed without echo (the new one twice), or\n"
     "--password-stdin: two lines, current then new; or the current one from\n"
     "--password-env and the new one from --new-password-env. The new one\n"
     "must follow the password policy (length, not your user id, not one of\n"
     "your last passwords).\n"},
    {"user create",
     "user-id! printed-name roles reason password-stdin password-env",
     "cellchain user create --user-id=ID --printed-name=NAME --roles=R,...\n"
     "                      [--password-stdin | --password-env=VAR]"
     " [--reason=TEXT]\n"
     "Creates a user with a temporary password (typed twice, or from stdin or\n"
     "VAR), which they must change at first login. Admin only. User ids are\n"
     "2 to 32 of [a-z0-9._-] and are never reused.\n"},
    {"user list", "",
     "cellchain user list\n"
     "Every user with roles, status and notes (locked, password change\n"
     "required). Admin or QA.\n"},
    {"user show", "user-id!",
     "cellchain user show --user-id=ID\n"
     "One user in full. Admin or QA.\n"},
    {"user roles", "user-id! roles reason",
     "cellchain user roles --user-id=ID --roles=R,... --reason=TEXT\n"
     "Replaces the user's roles; the reason goes into the audit record.\n"
     "Admin only; an admin cannot change their own roles; technician and qa\n"
     "are not given together unless cellchaind runs --allow-technician-qa.\n"},
    {"user disable", "user-id! reason",
     "cellchain user disable --user-id=ID --reason=TEXT\n"
     "Disables the user (never deleted) and ends their sessions. Admin\n"
     "only.\n"},
    {"user enable", "user-id! reason",
     "cellchain user enable --user-id=ID --reason=TEXT\n"
     "Enables a disabled user again. Admin only.\n"},
    {"user unlock", "user-id! reason",
     "cellchain user unlock --user-id=ID --reason=TEXT\n"
     "Unlocks a user locked out by failed attempts. Admin only.\n"},
    {"user reset-password", "user-id! reason password-stdin password-env",
     "cellchain user reset-password --user-id=ID --reason=TEXT\n"
     "                              [--password-stdin | --password-env=VAR]\n"
     "Sets a temporary password (typed twice, or from stdin or VAR) and ends\n"
     "the user's sessions; they must change it at next login. Admin only.\n"},
    {"custody din", "fin! reason",
     "cellchain custody din --fin=FIN\n"
     "Allocates the next DIN of the facility for this year: unique, never\n"
     "reused. Prints the data structure for a label and the eye-readable\n"
     "form with the boxed check character. Technician.\n"},
    {"custody register",
     "type din local-code product-code expiration chain-of-identity parents "
     "location-id patient-id description reason",
     "cellchain custody register --type=T (--din=DS | --local-code=CODE)\n"
     "    [--product-code=DS] [--expiration=DS] [--chain-of-identity=DS]\n"
     "    [--parents=ITEM:KIND,...] [--location-id=L] [--patient-id=P]\n"
     "    [--description=TEXT]\n"
     "Registers a physical item derived from its parents; you become its\n"
     "custodian. Technician, QC analyst, pharmacist.\n"},
    {"custody link", "item-id! parents reason",
     "cellchain custody link --item-id=ID --parents=ITEM:KIND [--reason=T]\n"
     "Adds a derivation link (a pool input, a reagent lot consumed,\n"
     "equipment used). A link that would close a cycle is refused.\n"},
    {"custody show", "item-id!",
     "cellchain custody show --item-id=ID\n"
     "The item, its holds and its handoffs.\n"},
    {"custody find", "scan",
     "cellchain custody find --scan=DATA|-\n"
     "The item a scanned label names (ISBT 128 or a local code).\n"},
    {"custody location-add", "kind name parent-location grid reason",
     "cellchain custody location-add --kind=K --name=N [--parent-location=L]\n"
     "    [--grid=ROWSxCOLUMNS]\n"
     "Adds a storage location inside --parent-location (a site has none).\n"
     "site > room > freezer > rack > box > position. A box with --grid=9x9\n"
     "gets its positions at once, rows lettered and columns numbered (A1 ...\n"
     "I9); if one is refused the rest are not sent, and the same command run\n"
     "again creates only what is missing. QA or admin.\n"},
    {"custody locations", "parent-location",
     "cellchain custody locations [--parent-location=L]\n"
     "The sites, or a location's children with each position's item.\n"},
    {"custody handoff",
     "item-id! to-user to-location carrier condition seal-broken reason",
     "cellchain custody handoff --item-id=ID [--to-user=U] [--to-location=L]\n"
     "    [--carrier=U] [--condition=TEXT] [--seal-broken]\n"
     "Starts a handoff; only the custodian may. The item is in transit\n"
     "until accepted.\n"},
    {"custody accept", "handoff-id! scan condition seal-broken reason",
     "cellchain custody accept --handoff-id=H --scan=DATA|- [--condition=T]\n"
     "    [--seal-broken]\n"
     "Accepts by scanning the item; a scan of another item is refused and\n"
     "audited. A broken seal puts the item on hold.\n"},
    {"custody cancel-handoff", "handoff-id! reason",
     "cellchain custody cancel-handoff "
     "--handoff-id=H [--reason=T]\n"
     "Cancels an open handoff; the item stays with its custodian.\n"},
    {"custody temperatures", "item-id location-id readings logger-id reason",
     "cellchain custody temperatures (--item-id=ID | --location-id=L)\n"
     "    --readings=TIME=CELSIUS,... [--logger-id=LOGGER]\n"
     "Records readings; one out of an item type's range flags the item.\n"},
    {"custody limits", "",
     "cellchain custody limits\n"
     "The temperature range of every item type.\n"},
    {"custody set-limits", "type min-celsius max-celsius reason",
     "cellchain custody set-limits --type=T --min-celsius=X --max-celsius=Y\n"
     "    --reason=TEXT\n"
     "Sets an item type's temperature range. QA.\n"},
    {"custody hold", "item-id! reason",
     "cellchain custody hold --item-id=ID --reason=TEXT\n"
     "Puts the item on hold. A held item may be moved and sampled, never\n"
     "used.\n"},
    {"custody release-hold", "hold-id! reason password-stdin password-env",
     "cellchain custody release-hold --hold-id=H --reason=TEXT\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "QA's e-signature (APPROVED): your password is asked again.\n"},
    {"custody recall", "item-id! reason",
     "cellchain custody recall --item-id=LOT --reason=TEXT\n"
     "Holds a donor or reagent lot and every item derived from it. QA.\n"},
    {"custody end", "item-id! outcome patient-id reason",
     "cellchain custody end --item-id=ID --outcome=consumed|infused|discarded\n"
     "    [--patient-id=P] [--reason=TEXT]\n"
     "Ends the item's life in custody. Infused needs the patient; discarded\n"
     "needs a reason.\n"},
    {"custody trace", "item-id! direction",
     "cellchain custody trace --item-id=ID [--direction=backward|forward]\n"
     "The derivation tree with the audit record behind each link, then the\n"
     "donor lots, reagent lots, equipment, QC samples, operators and\n"
     "patients on it.\n"},
    {"donor register", "delivered-at identifying-stdin reason",
     "cellchain donor register [--delivered-at=TIME] [--identifying-stdin]\n"
     "A birth mother under a new pseudonymous donor code. Identifying data,\n"
     "if any, is read from stdin (name=..., date_of_birth=YYYY-MM-DD,\n"
     "mrn=...), never from the command line; it is stored sealed.\n"
     "Technician or QA.\n"},
    {"donor show", "donor-code! reveal reason",
     "cellchain donor show --donor-code=DNR-... [--reveal --reason=WHY]\n"
     "Consent, screening, signed determinations, the eligibility the data\n"
     "gives now, and the lots. --reveal shows identifying data: QA only,\n"
     "and the viewing is audited with the reason.\n"},
    {"donor consent",
     "donor-code! form-version consented-at taken-by witness reason",
     "cellchain donor consent --donor-code=D --form-version=V\n"
     "    --consented-at=TIME --taken-by=NAME --witness=NAME\n"
     "Records the donor's consent. The witness is someone other than the\n"
     "person taking consent.\n"},
    {"donor withdraw", "donor-code! reason",
     "cellchain donor withdraw --donor-code=D --reason=TEXT\n"
     "Withdrawal of consent: every lot of the donor goes on hold, and no\n"
     "further cord is received from her.\n"},
    {"donor screen",
     "donor-code! test panel-file method kit-lot drawn-at result reason",
     "cellchain donor screen --donor-code=D --drawn-at=TIME\n"
     "    (--test=CODE:RESULT[:METHOD[:KIT_LOT]]... | --panel-file=FILE)\n"
     "    [--method=M] [--kit-lot=K] [--result=R]\n"
     "Records results of the screening panel, one test or the whole panel at\n"
     "once: repeated --test flags, or a file of "
     "CODE:RESULT[:METHOD[:KIT_LOT]]\n"
     "lines (# comments); --method, --kit-lot and --result fill what an entry\n"
     "leaves out (--test=CODE --result=R records one). Results are\n"
     "non_reactive, reactive or indeterminate. Each result is its own record;\n"
     "the first refused stops the rest, and running the same command again\n"
     "records only what was not recorded (the same result of the same\n"
     "specimen is never recorded twice by you).\n"
     "Tests: HIV12_AB HIV1_NAT HBSAG HBC_AB HBV_NAT HCV_AB HCV_NAT HTLV_AB\n"
     "SYPHILIS WNV_NAT TCRUZI_AB CMV_AB. A correction is a new result.\n"},
    {"donor determine", "donor-code! reason password-stdin password-env",
     "cellchain donor determine --donor-code=D [--password-stdin | "
     "--password-env=VAR]\n"
     "QA signs (APPROVED) the eligibility the stored data gives: ELIGIBLE or\n"
     "INELIGIBLE, with every reason. An incomplete record is not signed\n"
     "(ELIGIBILITY_INCOMPLETE names what is missing; donor show gives it).\n"},
    {"donor receive",
     "donor-code! delivered-at collected-at received-at min-celsius "
     "max-celsius weight-grams location-id reason",
     "cellchain donor receive --donor-code=D --delivered-at=TIME\n"
     "    --collected-at=TIME --received-at=TIME --min-celsius=X "
     "--max-celsius=Y\n"
     "    --weight-grams=G [--location-id=L]\n"
     "The cord's lot gets a DIN and a custody item, in quarantine. Late\n"
     "receipt or transport out of range records a deviation. Technician.\n"},
    {"donor assess",
     "deviation-id! decision assessment reason password-stdin password-env",
     "cellchain donor assess --deviation-id=DEV "
     "--decision=acceptable|not_acceptable\n"
     "    --assessment=TEXT [--password-stdin | --password-env=VAR]\n"
     "QA's signed assessment (APPROVED) of a deviation of the donor lot.\n"},
    {"donor release-lot", "lot-id! reason password-stdin password-env",
     "cellchain donor release-lot --lot-id=LOT [--password-stdin | "
     "--password-env=VAR]\n"
     "Quarantine -> available, signed by QA: only for an ELIGIBLE donor\n"
     "determined on current data, every deviation assessed acceptable.\n"},
    {"donor discard-lot", "lot-id! reason",
     "cellchain donor discard-lot --lot-id=LOT --reason=TEXT\n"
     "The lot and its custody item are discarded.\n"},
    {"donor lot", "lot-id din",
     "cellchain donor lot (--lot-id=LOT | --din=DIN)\n"
     "One lot with its deviations; the DIN as scanned or typed.\n"},
    {"donor lots", "state from before din donor-code page-size",
     "cellchain donor lots [--state=quarantine|available|discarded]\n"
     "    [--from=TIME] [--before=TIME] [--din=DIN] [--donor-code=D]\n"
     "Lots, newest receipt first.\n"},
    {"manufacturing material-receive",
     "kind name supplier supplier-lot expires-on location-id reason "
     "received-at late-entry-reason",
     "cellchain manufacturing material-receive --kind=K --name=NAME\n"
     "    --supplier=S --supplier-lot=LOT --expires-on=YYYY-MM-DD\n"
     "    [--location-id=L] [--received-at=TIME [--late-entry-reason=TEXT]]\n"
     "A material lot in quarantine, registered in custody as a reagent lot.\n"
     "Kinds: medium, supplement, dissociation_reagent, digestion_enzyme,\n"
     "cryoprotectant, heparin, saline, other. --received-at dates a receipt\n"
     "entered after the fact; later than the server allows after it needs\n"
     "--late-entry-reason. Technician or QA.\n"},
    {"manufacturing material-release",
     "material-id! reason password-stdin password-env released-at "
     "late-entry-reason",
     "cellchain manufacturing material-release --material-id=MAT\n"
     "    [--released-at=TIME [--late-entry-reason=TEXT]]\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "QA releases a quarantined, unexpired lot (signed APPROVED); only\n"
     "released lots may be used by a step, and only after their release.\n"
     "--released-at dates a release entered after the fact; later than the\n"
     "server allows after it needs --late-entry-reason.\n"},
    {"manufacturing material-reject",
     "material-id! reason password-stdin password-env",
     "cellchain manufacturing material-reject --material-id=MAT --reason=TEXT\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "QA rejects a quarantined lot (signed REJECTED).\n"},
    {"manufacturing material-show", "material-id!",
     "cellchain manufacturing material-show --material-id=MAT|MAT-CODE\n"
     "One lot and every step that used it.\n"},
    {"manufacturing material-list", "status kind",
     "cellchain manufacturing material-list\n"
     "    [--status=quarantine|released|rejected] [--kind=K]\n"
     "Lots by name, then expiry.\n"},
    {"manufacturing equipment-register",
     "kind name asset-tag calibrated-on calibration-due calibration-reference "
     "location-id reason",
     "cellchain manufacturing equipment-register --kind=K --name=NAME\n"
     "    --asset-tag=TAG --calibrated-on=YYYY-MM-DD --calibration-due=DATE\n"
     "    --calibration-reference=CERT [--location-id=L]\n"
     "Equipment in service, a custody item. Kinds: incubator,\n"
     "biosafety_cabinet, cell_counter, centrifuge, controlled_rate_freezer,\n"
     "other. QA or admin.\n"},
    {"manufacturing equipment-calibrate",
     "equipment-id! calibrated-on calibration-due calibration-reference reason",
     "cellchain manufacturing equipment-calibrate --equipment-id=EQP\n"
     "    --calibrated-on=DATE --calibration-due=DATE\n"
     "    --calibration-reference=CERT\n"
     "A calibration performed. Technician or QA.\n"},
    {"manufacturing equipment-status", "equipment-id! status reason",
     "cellchain manufacturing equipment-status --equipment-id=EQP\n"
     "    --status=in_service|out_of_service --reason=TEXT\n"
     "Takes equipment out of service or puts it back. QA.\n"},
    {"manufacturing equipment-list", "kind",
     "cellchain manufacturing equipment-list [--kind=K]\n"
     "Equipment by asset tag.\n"},
    {"manufacturing batch-start",
     "lot-id! process reason started-at late-entry-reason",
     "cellchain manufacturing batch-start --lot-id=DONOR_LOT [--process=V]\n"
     "    [--started-at=TIME [--late-entry-reason=TEXT]]\n"
     "A batch from an AVAILABLE donor lot under process version V (default:\n"
     "the server's). No step may lie before its start: --started-at dates a\n"
     "batch record entered after the fact; later than the server allows\n"
     "after it needs --late-entry-reason. Technician.\n"},
    {"manufacturing processing",
     "batch-id! method tissue-grams vessel-type vessel-count seeded-at "
     "seeded-cells location-id material equipment reason password-stdin "
     "password-env late-entry-reason",
     "cellchain manufacturing processing --batch-id=BAT\n"
     "    --method=explant|enzymatic --tissue-grams=G --vessel-type=T\n"
     "    --vessel-count=N --seeded-at=TIME [--seeded-cells=N]\n"
     "    --location-id=L [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--late-entry-reason=TEXT] [--password-stdin | --password-env=VAR]\n"
     "The cord tissue into the P0 culture (signed PERFORMED), its vessels put\n"
     "at location L (a room, or a position in it: custody has no incubator\n"
     "kind; name the incubator with --equipment); --seeded-cells\n"
     "for an enzymatic digest only. Too long after collection records a\n"
     "deviation. Technician.\n"},
    {"manufacturing passage-seed",
     "source-step-id! vessel-type vessel-count seeded-at seeded-cells "
     "location-id material equipment reason password-stdin password-env "
     "leftover late-entry-reason",
     "cellchain manufacturing passage-seed --source-step-id=STP\n"
     "    --vessel-type=T --vessel-count=N --seeded-at=TIME --seeded-cells=N\n"
     "    --location-id=L [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--leftover=discarded|banked|carried] [--late-entry-reason=TEXT]\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "Seeds the next passage, its vessels at location L (a room, or a\n"
     "position in it; the incubator is --equipment),\n"
     "from the cells a step harvested or a thaw\n"
     "recovered (counts such as 1e6). Cells the seeding leaves in the source\n"
     "need --leftover: discarded, banked (only a freeze may draw on them) or\n"
     "carried. A step entered later after its time than the server allows\n"
     "needs --late-entry-reason. Technician.\n"},
    {"manufacturing harvest",
     "step-id! harvested-at harvested-cells viability confluence material "
     "equipment reason password-stdin password-env late-entry-reason",
     "cellchain manufacturing harvest --step-id=STP --harvested-at=TIME\n"
     "    --harvested-cells=N [--viability=PCT] [--confluence=PCT]\n"
     "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--late-entry-reason=TEXT] [--password-stdin | --password-env=VAR]\n"
     "A culture's harvest; prints its population doublings. Technician.\n"},
    {"manufacturing verify",
     "step-id! revision reason password-stdin password-env",
     "cellchain manufacturing verify --step-id=STP [--revision=N]\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "The second person checks revision N of a step (signed VERIFIED); not\n"
     "the one who recorded it. Without --revision the step is printed as\n"
     "step-show prints it and the revision shown is verified once you answer\n"
     "yes (a line on stdin, before the password with --password-stdin); it\n"
     "is refused if the step changed since. Technician or QA.\n"},
    {"manufacturing correct",
     "batch-id! step-id! revision reason material equipment bank "
     "cells-per-vial confluence frozen-at harvested-at harvested-cells method "
     "recovered-cells seeded-at seeded-cells thawed-at tissue-grams "
     "vessel-count vessel-type viability volume-ml leftover password-stdin "
     "password-env",
     "cellchain manufacturing correct --batch-id=BAT --step-id=STP\n"
     "    --reason=TEXT [--revision=N] [value flags to change]\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "A new revision of the step's values: the current ones with those the\n"
     "flags give (--seeded-cells, --harvested-at, ...); the step must be\n"
     "verified again. Materials, equipment and vessel counts cannot change.\n"
     "Technician.\n"},
    {"manufacturing cryopreserve",
     "source-step-id! bank cells-per-vial frozen-at positions viability "
     "material equipment reason password-stdin password-env "
     "late-entry-reason",
     "cellchain manufacturing cryopreserve --source-step-id=STP\n"
     "    --bank=master|working|final_product --cells-per-vial=N\n"
     "    --frozen-at=TIME --positions=LOC,... [--viability=PCT]\n"
     "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--late-entry-reason=TEXT] [--password-stdin | --password-env=VAR]\n"
     "A harvested step's cells into one vial per freezer position.\n"
     "Technician.\n"},
    {"manufacturing thaw",
     "item-id! thawed-at recovered-cells viability material equipment reason "
     "password-stdin password-env late-entry-reason",
     "cellchain manufacturing thaw --item-id=VIAL --thawed-at=TIME\n"
     "    --recovered-cells=N [--viability=PCT]\n"
     "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--late-entry-reason=TEXT] [--password-stdin | --password-env=VAR]\n"
     "A vial thawed; its cells can seed a passage. Technician.\n"},
    {"manufacturing product-harvest",
     "source-step-id! harvested-at harvested-cells viability volume-ml "
     "location-id material equipment reason password-stdin password-env "
     "late-entry-reason",
     "cellchain manufacturing product-harvest --source-step-id=STP\n"
     "    --harvested-at=TIME --harvested-cells=N [--viability=PCT]\n"
     "    [--volume-ml=ML] [--location-id=L]\n"
     "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
     "    [--late-entry-reason=TEXT] [--password-stdin | --password-env=VAR]\n"
     "The final product lot, a custody item with the donor lot's DIN; the\n"
     "batch goes to QC_PENDING. Every verified step must be verified.\n"
     "Technician.\n"},
    {"manufacturing batch-abort",
     "batch-id! reason password-stdin password-env",
     "cellchain manufacturing batch-abort --batch-id=BAT --reason=TEXT\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "Stops the batch for good (signed REJECTED, with the reason); its open\n"
     "vessels are discarded. batch-show shows who aborted it and when. QA.\n"},
    {"manufacturing deviation-record",
     "batch-id! step-id classification description impact reason",
     "cellchain manufacturing deviation-record --batch-id=BAT [--step-id=STP]\n"
     "    --classification=minor|major|critical --description=TEXT\n"
     "    --impact=TEXT\n"
     "Records a deviation of the batch or of one of its steps. Technician or\n"
     "QA.\n"},
    {"manufacturing deviation-assess",
     "deviation-id! assessment classification reason password-stdin "
     "password-env",
     "cellchain manufacturing deviation-assess --deviation-id=BDV\n"
     "    --assessment=TEXT [--classification=minor|major|critical]\n"
     "    [--password-stdin | --password-env=VAR]\n"
     "QA's assessment closes the deviation (signed APPROVED).\n"},
    {"manufacturing batch-show", "batch-id!",
     "cellchain manufacturing batch-show --batch-id=BAT\n"
     "The batch, every step with its passage, status, revision, population\n"
     "doublings and doubling time, corrections, deviations and banks; then\n"
     "every step in full, as step-show prints it.\n"},
    {"manufacturing step-show", "step-id!",
     "cellchain manufacturing step-show --step-id=STP\n"
     "Every recorded value of the step (times, counts, viability, confluence,\n"
     "vessels, leftover cells, materials by code and lot, equipment by tag),\n"
     "who recorded and verified it, a late entry's reason, the deviations it\n"
     "raised, and each correction's old -> new values with its reason.\n"},
    {"manufacturing batch-list", "state lot-id",
     "cellchain manufacturing batch-list\n"
     "    [--state=in_process|qc_pending|aborted] [--lot-id=DONOR_LOT]\n"
     "Batches, newest first.\n"},
    {"manufacturing growth-curve", "batch-id! format",
     "cellchain manufacturing growth-curve --batch-id=BAT [--format=csv]\n"
     "Cumulative population doublings by day since processing, one row per\n"
     "harvest; --format=csv prints day,passage,cumulative_pd.\n"},
    {"manufacturing process-show", "process",
     "cellchain manufacturing process-show [--process=V]\n"
     "The limits the steps are held to under process version V (default:\n"
     "the server's): max passage, max cumulative population doublings, the\n"
     "minimum plausible doubling time, whether a step past a limit is\n"
     "refused or recorded with a deviation, the steps a second person\n"
     "verifies, the collection-to-processing and late-entry windows and the\n"
     "vial fill. Technician, QC analyst or QA.\n"},
    {"system health", "",
     "cellchain system health\n"
     "SERVING when the server is up. No session needed.\n"},
    {"system version", "",
     "cellchain system version\n"
     "The server's version and hosted services. No session needed.\n"},
    {"system ping", "",
     "cellchain system ping\n"
     "A round trip through the server to PostgreSQL, and the workstation\n"
     "subject the server saw. No session needed.\n"},
    {"audit checkpoint", "tree-size save",
     "cellchain audit checkpoint [--tree-size=N] [--save=FILE]\n"
     "The latest signed checkpoint, or the one of size N. Any logged-in "
     "user.\n--save writes it with the log's key to FILE, for QA to keep "
     "where the\ndatabase's owner cannot rewrite it (audit verify --since, "
     "cellchain-verify\nbundle --since).\n"},
    {"audit query",
     "entity-type entity-id din actor action from before newest-first "
     "page-size",
     "cellchain audit query [--entity-type=T --entity-id=ID] [--din=DIN]\n"
     "                      [--actor=USER] [--action=A] [--from=TIME]\n"
     "                      [--before=TIME] [--newest-first] "
     "[--page-size=N]\n"
     "Records matching the filter (times RFC 3339). QA or admin.\n"},
    {"audit history", "entity-type! entity-id!",
     "cellchain audit history --entity-type=T --entity-id=ID\n"
     "One entity's records, with its hash chain checked. QA or admin.\n"},
    {"audit proof", "record-id! tree-size",
     "cellchain audit proof --record-id=ID [--tree-size=N]\n"
     "The record's inclusion proof, checked here against the signed\n"
     "checkpoint. Any logged-in user.\n"},
    {"audit verify", "since",
     "cellchain audit verify [--since=FILE]\n"
     "Verifies the whole log on the server; exit 1 on any finding. QA.\n"
     "--since: a checkpoint saved before (audit checkpoint --save) that the\n"
     "log must still rebuild: a log truncated or rewritten since is a "
     "finding.\n"},
    {"audit export",
     "out entity-type entity-id din actor action from before include-state",
     "cellchain audit export --out=DIR [query filters] [--include-state]\n"
     "Writes a bundle of the query's records, keys, checkpoints and proofs;\n"
     "check it offline with cellchain-verify bundle DIR. QA.\n"},
};

constexpr char kCommonFlagsHelp[] =
    "\nEvery command also takes --target, --ca, --cert, --key, --deadline "
    "and\n--session-file; `cellchain --help` lists all flags and their "
    "variables.\nEvery audit command first checks the log's latest "
    "checkpoint against the\none this user last saw (kept in "
    "<session file>.checkpoint): a shorter or\nrewritten log is refused "
    "(LOG_TRUNCATED, LOG_FORKED).\n";

// Request fields whose flag is not the field's name in kebab case.
struct FieldAlias {
  const char* field;
  const char* flag;
};
constexpr FieldAlias kFieldAliases[] = {
    {"donor_lot_id", "lot-id"},
    {"tissue_weight_grams", "weight-grams"},
    {"transport_min_celsius", "min-celsius"},
    {"transport_max_celsius", "max-celsius"},
    {"parent_location_id", "parent-location"},
    {"position_location_ids", "positions"},
    {"to_user_id", "to-user"},
    {"to_location_id", "to-location"},
    {"carrier_user_id", "carrier"},
    {"test_code", "test"},
    {"specimen_drawn_at", "drawn-at"},
    {"item_type", "type"},
    {"bank_kind", "bank"},
    {"materials", "material"},
    {"equipment_ids", "equipment"},
    {"seeded_viable_cells", "seeded-cells"},
    {"harvested_viable_cells", "harvested-cells"},
    {"recovered_viable_cells", "recovered-cells"},
    {"viability_percent", "viability"},
    {"confluence_percent", "confluence"},
    {"vial_item_id", "item-id"},
    {"process_version", "process"},
    {"received_from", "from"},
    {"received_to", "before"},
    {"recorded_from", "from"},
    {"recorded_before", "before"},
    {"actor_user_id", "actor"},
};

bool Takes(const CommandSpec& spec, std::string_view flag) {
  for (const std::string& f : FlagsOf(spec)) {
    if (f == flag) return true;
  }
  return false;
}

// "Seeds the next passage, …" from a help text: the first sentence after
// the usage lines, on one line.
std::string FirstSentence(std::string_view help) {
  std::string text;
  bool usage = true;
  for (const std::string& line :
       std::vector<std::string>(absl::StrSplit(std::string(help), '\n'))) {
    if (usage && (line.starts_with("cellchain ") || line.starts_with(" "))) {
      continue;
    }
    usage = false;
    if (line.empty()) break;
    if (!text.empty()) text += " ";
    text += line;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.' && (i + 1 == text.size() || text[i + 1] == ' ')) {
      return text.substr(0, i + 1);
    }
  }
  return text;
}

}  // namespace

const std::vector<CommandSpec>& Commands() {
  static const auto* const commands =
      new std::vector<CommandSpec>(std::begin(kCommands), std::end(kCommands));
  return *commands;
}

std::string CommandName(const std::vector<std::string>& words) {
  std::string name;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) name += " ";
    name += i == 0 && words[i] == "mfg" ? "manufacturing" : words[i];
  }
  return name;
}

const CommandSpec* FindCommand(const std::vector<std::string>& words) {
  std::string name = CommandName(words);
  for (const CommandSpec& spec : Commands()) {
    if (name == spec.command) return &spec;
  }
  return nullptr;
}

const std::vector<std::string>& CommonFlags() {
  static const auto* const flags = new std::vector<std::string>{
      "target", "ca", "cert", "key", "deadline", "session-file"};
  return *flags;
}

std::vector<std::string> FlagsOf(const CommandSpec& spec) {
  std::vector<std::string> flags;
  for (std::string f : std::vector<std::string>(
           absl::StrSplit(spec.flags, ' ', absl::SkipEmpty()))) {
    if (f.ends_with("!")) f.pop_back();
    flags.emplace_back(f);
  }
  return flags;
}

std::vector<std::string> RequiredFlagsOf(const CommandSpec& spec) {
  std::vector<std::string> flags;
  for (std::string f : std::vector<std::string>(
           absl::StrSplit(spec.flags, ' ', absl::SkipEmpty()))) {
    if (f.ends_with("!")) flags.emplace_back(f.substr(0, f.size() - 1));
  }
  return flags;
}

bool IsKnownFlag(std::string_view name) {
  static const auto* const known = [] {
    auto* set = new std::set<std::string, std::less<>>(CommonFlags().begin(),
                                                       CommonFlags().end());
    for (const CommandSpec& spec : Commands()) {
      for (std::string& f : FlagsOf(spec)) set->insert(std::move(f));
    }
    return set;
  }();
  return known->contains(name);
}

const char* Summary() { return kSummary; }

std::string CommandHelp(const CommandSpec& spec) {
  return absl::StrCat("Usage: ", spec.help, kCommonFlagsHelp);
}

std::string GroupHelp(std::string_view group) {
  std::string name = CommandName({std::string(group)});
  std::string prefix = name + " ";
  Table table({}, "  ");
  for (const CommandSpec& spec : Commands()) {
    std::string_view command = spec.command;
    if (!command.starts_with(prefix)) continue;
    table.AddRow(
        {std::string(command.substr(prefix.size())), FirstSentence(spec.help)});
  }
  if (table.rows() == 0) return "";
  return absl::StrCat(
      "Usage: cellchain ", name, " COMMAND [flags]\n",
      name == "manufacturing" ? "(or: cellchain mfg ...)\n" : "",
      "Commands (`cellchain ", name, " COMMAND --help` explains one):\n",
      table.ToString(), kCommonFlagsHelp);
}

std::string FlagForField(std::string_view command, std::string_view field) {
  const CommandSpec* spec = nullptr;
  for (const CommandSpec& s : Commands()) {
    if (command == s.command) spec = &s;
  }
  if (spec == nullptr || field.empty()) return "";
  // "position_location_ids[2]", "values.seeded_at",
  // "filter.din.check_character": the field itself, then its components
  // from the innermost out (a part of the DIN is the --din's).
  std::vector<std::string_view> candidates = {field};
  std::vector<std::string_view> components;
  for (size_t start = 0; start <= field.size();) {
    size_t dot = std::min(field.find('.', start), field.size());
    components.push_back(field.substr(start, dot - start));
    start = dot + 1;
  }
  if (components.size() > 1) {
    candidates.insert(candidates.end(), components.rbegin(), components.rend());
  }
  for (std::string_view candidate : candidates) {
    candidate = candidate.substr(0, candidate.find('['));
    for (const FieldAlias& alias : kFieldAliases) {
      if (candidate == alias.field && Takes(*spec, alias.flag)) {
        return alias.flag;
      }
    }
    std::string kebab(candidate);
    std::replace(kebab.begin(), kebab.end(), '_', '-');
    if (Takes(*spec, kebab)) return kebab;
  }
  return "";
}

}  // namespace cellchain::cli
