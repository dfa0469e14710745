// load_prefill: fills a load stack's audit log up to --records records, so
// that load_bench can measure how cost grows with the log (issue 13, "How
// cost grows"; docs/performance.md, "Whole stack under load"). A tool for
// figures, not a test.
//
//   build/bin/load_prefill --pg=CONNINFO --signing-key=PKI/signing/custody.key
//       --service=custody --records=100000
//
// As sequencer_bench's pre-load: records are inserted with SQL (INSERT ...
// SELECT generate_series into cellchain_audit.records and pending, 50,000 a
// statement), each SIGNED for real with a record-signing key on QA's keyring
// (the stack's own custody key), signed here on every core and passed as one
// bytea; the running stack's sequencer then admits (checks every signature)
// and integrates them into the Merkle tree as it would any service's
// records. The tool waits until none is pending.
//
// The rows are spread over the indexed columns as a lab's log would be:
// 8 records per entity (entity_seq 1..8) over five entity types, 50 actors,
// 16 actions, a DIN on the dose records, recorded_at one millisecond apart
// ending now. The record bytes are made up (400 bytes, not a serialized
// AuditRecord): the sequencer checks signatures and leaf hashes, not the
// contents, and load_bench reads only the records it wrote itself. A log
// pre-filled so does NOT pass `cellchain audit verify`; use it only on a
// throwaway load stack.
//
// Counts every record already stored: --records is the total to reach, so
// 10000 then 100000 then 1000000 adds 10k, 90k and 900k.
// Exit: 0 filled and integrated, 1 on a database or key error, 2 on bad
// flags.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/pg/connection.h"
#include "services/ledger/bench/tool_flags.h"
#include "services/ledger/record_format.h"

namespace cellchain::load {
namespace {

using Clock = std::chrono::steady_clock;

// Records first..last ($2..$3) named "rec_pf_<i>"; $1 the key id, $4 the
// 64-byte signatures in order, $5 the number of the last record to be
// stored (recorded_at counts back from now by it).
constexpr char kFillSql[] =
    "WITH r AS ("
    " INSERT INTO cellchain_audit.records"
    " (record_id, service, key_id, recorded_at, entity_type, entity_id,"
    "  entity_seq, actor_user_id, action, din, request_id, record_bytes,"
    "  signature, leaf_hash)"
    " SELECT 'rec_pf_' || i, split_part($1, ':', 1), $1,"
    "  now() - ($5::bigint - i) * interval '1 millisecond',"
    "  (ARRAY['item','dose','qc_result','order','handoff'])[(i / 8) % 5 + 1],"
    "  'pf_' || (i / 8), i % 8 + 1, 'usr_pf_' || (i % 50),"
    "  'prefill.action_' || (i % 16),"
    "  CASE WHEN (i / 8) % 5 = 1 THEN 'W0000' || lpad((i / 8)::text, 8, '0')"
    "   END,"
    "  'req_pf_' || i,"
    "  convert_to(rpad('rec_pf_' || i, 400, '.'), 'UTF8'),"
    "  substring($4::bytea FROM ((i - $2::bigint) * 64 + 1)::int FOR 64),"
    "  sha256('\\x00'::bytea ||"
    "   convert_to(rpad('rec_pf_' || i, 400, '.'), 'UTF8'))"
    " FROM generate_series($2::bigint, $3::bigint) i"
    " RETURNING record_id, leaf_hash)"
    " INSERT INTO cellchain_audit.pending (record_id, leaf_hash)"
    " SELECT record_id, leaf_hash FROM r";

// What kFillSql stores as record i's bytes.
std::string RecordBytes(int64_t i) {
  std::string bytes = absl::StrCat("rec_pf_", i);
  bytes.resize(400, '.');
  return bytes;
}

// The signatures of records first..last, 64 bytes each, on every core.
absl::StatusOr<std::string> Sign(const crypto::Ed25519PrivateKey& key,
                                 int64_t first, int64_t last) {
  const int64_t n = last - first + 1;
  std::string signatures(static_cast<size_t>(n) * 64, '\0');
  const int threads =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<absl::Status> errors(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int64_t k = t; k < n; k += threads) {
        absl::StatusOr<std::string> signature =
            key.Sign(ledger::RecordSignatureMessage(RecordBytes(first + k)));
        if (!signature.ok()) {
          errors[t] = signature.status();
          return;
        }
        signatures.replace(static_cast<size_t>(k) * 64, 64, *signature);
      }
    });
  }
  for (std::thread& thread : pool) thread.join();
  for (const absl::Status& error : errors) {
    if (!error.ok()) return error;
  }
  return signatures;
}

absl::StatusOr<int64_t> Count(pg::Connection& db, const char* sql) {
  absl::StatusOr<pg::Result> result = db.Exec(sql);
  if (!result.ok()) return result.status();
  return result->GetInt64(0, 0);
}

int Fail(const std::string& what, const absl::Status& status) {
  std::cerr << "load_prefill: " << what << ": " << status << "\n";
  return 1;
}

int Main(int argc, char** argv) {
  std::string pg;
  std::string signing_key;
  std::string service = "custody";
  int64_t target = 1;  // Required: never used as a default
  bench::ToolFlags tool("load_prefill",
                        "Fills a load stack's audit log up to --records "
                        "records (tests/load/run.sh's RECORDS).");
  config::Loader& flags = tool.loader();
  flags.String("pg", &pg, "A superuser's conninfo on the stack's database.")
      .Required();
  flags
      .String("signing-key", &signing_key,
              "The service's signing key (PEM) the records are signed with.")
      .Required();
  flags.String("service", &service, "The service the records are of.");
  flags
      .Int64("records", &target, 1, std::numeric_limits<int64_t>::max(),
             "The total of records to reach, those stored included.")
      .Required();
  tool.LoadOrExit(argc, argv);
  absl::StatusOr<crypto::Ed25519PrivateKey> key =
      crypto::Ed25519PrivateKey::FromPemFile(signing_key);
  if (!key.ok()) return Fail("reading the signing key", key.status());
  const std::string key_id = ledger::SigningKeyId(service, key->PublicKeyRaw());
  absl::StatusOr<pg::Connection> db = pg::Connection::Open(pg);
  if (!db.ok()) return Fail("connecting", db.status());

  absl::StatusOr<int64_t> stored =
      Count(*db, "SELECT count(*) FROM cellchain_audit.records");
  absl::StatusOr<int64_t> prefilled =
      Count(*db,
            "SELECT count(*) FROM cellchain_audit.records"
            " WHERE record_id LIKE 'rec\\_pf\\_%'");
  if (!stored.ok()) return Fail("counting records", stored.status());
  if (!prefilled.ok()) return Fail("counting records", prefilled.status());
  const int64_t to_add = target - *stored;
  if (to_add <= 0) {
    std::cout << "load_prefill: " << *stored << " records stored already\n";
    return 0;
  }
  const int64_t first = *prefilled;
  const int64_t last = first + to_add - 1;
  std::cout << "load_prefill: " << *stored << " records stored; adding "
            << to_add << " signed with " << key_id << "\n"
            << std::flush;
  const Clock::time_point start = Clock::now();
  constexpr int64_t kChunk = 50000;
  for (int64_t from = first; from <= last; from += kChunk) {
    const int64_t to = std::min(last, from + kChunk - 1);
    absl::StatusOr<std::string> signatures = Sign(*key, from, to);
    if (!signatures.ok()) return Fail("signing", signatures.status());
    pg::Params params;
    params.Add(key_id);
    params.Add(from);
    params.Add(to);
    params.Add(pg::Param::Bytes(*signatures));
    params.Add(last);
    absl::Status inserted = db->Exec(kFillSql, params).status();
    if (!inserted.ok()) return Fail("inserting records", inserted);
  }
  const double inserted_s =
      std::chrono::duration<double>(Clock::now() - start).count();
  // The sequencer admits and integrates them; a record it refused would
  // stay pending forever, so a stall is reported, not waited out.
  int64_t pending = 0, last_pending = -1;
  Clock::time_point progress = Clock::now();
  while (true) {
    absl::StatusOr<int64_t> now_pending =
        Count(*db, "SELECT count(*) FROM cellchain_audit.pending");
    if (!now_pending.ok())
      return Fail("counting pending", now_pending.status());
    pending = *now_pending;
    if (pending == 0) break;
    if (pending != last_pending) progress = Clock::now();
    last_pending = pending;
    if (Clock::now() - progress > std::chrono::seconds(60)) {
      return Fail("waiting for the sequencer",
                  absl::DeadlineExceededError(absl::StrCat(
                      pending,
                      " records still pending after 60 s without "
                      "progress (refused? see cellchaind's log)")));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const double total_s =
      std::chrono::duration<double>(Clock::now() - start).count();
  // What autovacuum would have done to tables filled over weeks.
  for (const char* sql : {"VACUUM ANALYZE cellchain_audit.records",
                          "VACUUM ANALYZE cellchain_audit.log_entries",
                          "VACUUM ANALYZE cellchain_audit.tree_nodes"}) {
    absl::Status vacuumed = db->ExecScript(sql);
    if (!vacuumed.ok()) return Fail(sql, vacuumed);
  }
  std::cout << absl::StrFormat(
      "load_prefill: %d records stored; %d added: signed and inserted in "
      "%.1f s, integrated by the stack's sequencer %.1f s after the start, "
      "then VACUUM ANALYZE\n",
      target, to_add, inserted_s, total_s);
  return 0;
}

}  // namespace
}  // namespace cellchain::load

int main(int argc, char** argv) { return cellchain::load::Main(argc, argv); }
