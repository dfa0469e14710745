// sequencer_bench: how fast the sequencer integrates, how soon a commit is in
// a signed checkpoint, and how fast the log serves inclusion proofs. Figures,
// not a test.
//
//   cmake --build B --target sequencer_bench cellchaind
//   B/bin/sequencer_bench [flags]
//
// Prints, in one run against one fresh database:
//   1. Integration rate. --records (default 1,000,000) pending records are
//      pre-loaded with SQL (INSERT ... SELECT generate_series into
//      records and pending): made-up record bytes of about a real record's
//      size, each SIGNED for real with the bench service's key (signed here
//      on every core, passed as one bytea): the sequencer checks every
//      record's signature against the keyring before it integrates it, so
//      signatures are part of the figure. Then VACUUM
//      ANALYZE and CHECKPOINT (what autovacuum and the checkpointer do to a
//      table filled over time), and a Sequencer (role cellchain_audit,
//      --batch records per transaction) drains them: records/s from its
//      start to the last record integrated, with the checkpoints it signed
//      meanwhile. The root of the last checkpoint is checked against the
//      root computed in memory from the leaves.
//   2. Inclusion proofs at that size: --proofs (default 10,000) proofs of
//      random indexes at the full tree size through LogStore (one query
//      each), p50/p99/max; each proof is then verified (not timed).
//   3. Commit -> signed checkpoint under load: --load-writers threads (each
//      its own connection, synchronous_commit on) commit transactions of
//      --load-tx-records records each, paced to --load-rate records/s in
//      all, for --load-seconds, while the sequencer runs with its defaults
//      (idle poll 50 ms, checkpoint interval 250 ms). For each transaction:
//      the time from its COMMIT returning to the sequencer's COMMIT of the
//      first checkpoint that contains all its records; p50/p99/max.
//
// Database: as append_bench. With the ctest fixture's environment
// (CELLCHAIN_TEST_PG etc., cmake/CellchainTesting.cmake) it uses that
// cluster; otherwise it starts a throwaway cluster of its own with
// tests/fixtures/pg_cluster.sh (port --port, default 55441, state under
// /tmp, migrated with this build's cellchaind) and removes it at exit.
//
// Flags: --records=N --batch=N --proofs=N --load-rate=N --load-seconds=N
//        --load-writers=N --load-tx-records=N --port=N
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "services/common/crypto/ed25519.h"
#include "services/common/log/log.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/transaction.h"
#include "services/common/status/status.h"
#include "services/common/testing/test_database.h"
#include "services/ledger/bench/bench_cluster.h"
#include "services/ledger/bench/bench_run.h"
#include "services/ledger/bench/tool_flags.h"
#include "services/ledger/keyring.h"
#include "services/ledger/ledger.h"
#include "services/ledger/log_store.h"
#include "services/ledger/merkle.h"
#include "services/ledger/note.h"
#include "services/ledger/sequencer.h"
#include "services/ledger/verifier.h"

namespace cellchain::ledger {
namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  int records = 1000000;
  int batch = 10000;
  int proofs = 10000;
  int load_rate = 20000;
  int load_seconds = 10;
  int load_writers = 4;
  int load_tx_records = 20;
  int port = 55441;
};

using bench::Die;
using bench::FirstLine;
using bench::OrDie;
using bench::Setting;

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  bench::ToolFlags tool("sequencer_bench",
                        "The sequencer's figures (docs/performance.md).");
  tool.Int("records", &flags.records, 1, bench::kAnyInt,
           "Pending records the sequencer integrates.");
  tool.Int("batch", &flags.batch, 1, bench::kAnyInt,
           "Records per transaction while integrating.");
  tool.Int("proofs", &flags.proofs, 1, bench::kAnyInt,
           "Inclusion proofs served at that size.");
  tool.Int("load-rate", &flags.load_rate, 1, bench::kAnyInt,
           "Records/s written in all during the lag run.");
  tool.Int("load-seconds", &flags.load_seconds, 1, bench::kAnyInt,
           "Seconds of the lag run.");
  tool.Int("load-writers", &flags.load_writers, 1, bench::kAnyInt,
           "Writing threads of the lag run.");
  tool.Int("load-tx-records", &flags.load_tx_records, 1, bench::kAnyInt,
           "Records per transaction of the lag run.");
  tool.Int("port", &flags.port, 1, 65535,
           "Port of the throwaway cluster (without the ctest fixture's).");
  tool.LoadOrExit(argc, argv);
  return flags;
}

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double Millis(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
};

Percentiles Summarize(std::vector<double> values) {
  Percentiles p;
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  auto at = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(values.size()));
    return values[std::min(i, values.size() - 1)];
  };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  p.max = values.back();
  return p;
}

// Records and their pending rows, `first`..`first + n - 1`, named
// "<prefix><i>", queued in that order. Made-up bytes of 400 bytes (RecordBytes)
// signed with key $4: $5 holds the 64-byte signatures in order.
constexpr char kLoadSql[] =
    "WITH r AS ("
    " INSERT INTO cellchain_audit.records"
    " (record_id, service, key_id, recorded_at, entity_type, entity_id,"
    "  entity_seq, actor_user_id, action, request_id, record_bytes,"
    "  signature, leaf_hash)"
    " SELECT $1 || i, 'bench', $4, now(),"
    "  'bench_item', 'itm_' || $1 || (i % 1000), i / 1000 + 1, 'usr_bench',"
    "  'bench_item.touch',"
    "  'req_' || $1 || i,"
    "  convert_to(rpad($1 || i, 400, '.'), 'UTF8'),"
    "  substring($5::bytea FROM ((i - $2::bigint) * 64 + 1)::int FOR 64),"
    "  sha256('\\x00'::bytea || convert_to(rpad($1 || i, 400, '.'), 'UTF8'))"
    " FROM generate_series($2::bigint, $3::bigint) i"
    " RETURNING record_id, leaf_hash)"
    " INSERT INTO cellchain_audit.pending (record_id, leaf_hash)"
    " SELECT record_id, leaf_hash FROM r";

// The bench service's record-signing key (registered by the owner, listed in
// the sequencer's keyring).
const crypto::Ed25519PrivateKey& BenchKey() {
  static const crypto::Ed25519PrivateKey* key = new crypto::Ed25519PrivateKey(
      OrDie(crypto::Ed25519PrivateKey::Generate(), "bench key"));
  return *key;
}
std::string BenchKeyId() {
  return SigningKeyId("bench", BenchKey().PublicKeyRaw());
}

// What kLoadSql stores as record i's bytes: rpad(prefix || i, 400, '.').
std::string RecordBytes(const std::string& prefix, int64_t i) {
  std::string bytes = absl::StrCat(prefix, i);
  bytes.resize(400, '.');
  return bytes;
}

// kLoadSql's parameters for records first..last, signed on every core.
pg::Params LoadParams(const std::string& prefix, int64_t first, int64_t last) {
  const int64_t n = last - first + 1;
  std::string signatures(static_cast<size_t>(n) * 64, '\0');
  const int threads =
      n < 256 ? 1 : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int64_t k = t; k < n; k += threads) {
        std::string signature = OrDie(BenchKey().Sign(RecordSignatureMessage(
                                          RecordBytes(prefix, first + k))),
                                      "signing");
        signatures.replace(static_cast<size_t>(k) * 64, 64, signature);
      }
    });
  }
  for (std::thread& thread : pool) thread.join();
  pg::Params params;
  params.Add(prefix);
  params.Add(first);
  params.Add(last);
  params.Add(BenchKeyId());
  params.Add(pg::Param::Bytes(signatures));
  return params;
}

std::unique_ptr<Sequencer> NewSequencer(
    const std::string& conninfo, int batch,
    std::function<void(const SignedCheckpoint&)> on_checkpoint) {
  SequencerOptions options;
  options.conninfo = conninfo;
  options.keyring =
      OrDie(Keyring::Of({{"bench", BenchKey().PublicKeyRaw()}}), "keyring");
  options.batch_size = batch;
  options.on_checkpoint = std::move(on_checkpoint);
  crypto::Ed25519PrivateKey key =
      OrDie(crypto::Ed25519PrivateKey::Generate(), "sequencer key");
  return OrDie(Sequencer::Create(std::move(options), std::move(key)),
               "creating the sequencer");
}

// 1. Pre-load and drain.
void IntegrationRate(testing::TestDatabase& db, pg::Connection& admin,
                     const Flags& flags) {
  std::cout << "\n## 1. integration rate\n"
            << "pre-loading " << flags.records
            << " pending records (SQL generate_series; made-up bytes, "
               "400 B each, signed here) ...\n"
            << std::flush;
  Clock::time_point load_start = Clock::now();
  constexpr int kChunk = 100000;
  for (int first = 0; first < flags.records; first += kChunk) {
    int last = std::min(flags.records, first + kChunk) - 1;
    OrDie(admin.Exec(kLoadSql, LoadParams("rec_pre_", first, last)).status(),
          "pre-loading records");
  }
  // One statement each: VACUUM refuses to run in a transaction block.
  for (const char* sql :
       {"VACUUM ANALYZE cellchain_audit.records",
        "VACUUM ANALYZE cellchain_audit.pending", "CHECKPOINT"}) {
    OrDie(admin.ExecScript(sql), sql);
  }
  std::cout << absl::StrFormat(
      "pre-loaded in %.1f s (then VACUUM ANALYZE, "
      "CHECKPOINT)\n",
      Seconds(Clock::now() - load_start));

  std::atomic<int> checkpoints = 0;
  std::unique_ptr<Sequencer> sequencer =
      NewSequencer(db.ConninfoAs("cellchain_audit"), flags.batch,
                   [&](const SignedCheckpoint&) { ++checkpoints; });
  Clock::time_point start = Clock::now();
  sequencer->Start();
  const uint64_t target = static_cast<uint64_t>(flags.records);
  while (sequencer->state().tree_size < target) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    absl::Status error = sequencer->state().last_error;
    if (!error.ok()) Die("sequencer", error);
  }
  Clock::time_point end = Clock::now();
  sequencer->Stop();  // signs the last checkpoint
  SequencerState state = sequencer->state();
  double seconds = Seconds(end - start);
  std::cout << absl::StrFormat(
      "integrated %d records in %.2f s: %.0f records/s (batch %d, %d "
      "batches, %d checkpoints signed while draining)\n",
      flags.records, seconds, flags.records / seconds, flags.batch,
      state.batches, checkpoints.load());

  // Sanity: the last checkpoint's root is the in-memory root of the leaves.
  pg::Result leaves_result =
      OrDie(admin.Exec("SELECT leaf_hash FROM cellchain_audit.log_entries "
                       "ORDER BY log_index",
                       {}, pg::ResultFormat::kBinary),
            "reading leaves");
  std::vector<Hash> leaves;
  leaves.reserve(leaves_result.rows());
  for (int i = 0; i < leaves_result.rows(); ++i) {
    leaves.push_back(OrDie(
        HashFromBytes(OrDie(leaves_result.GetBytes(i, 0), "leaf")), "leaf"));
  }
  if (!state.last_checkpoint.has_value() ||
      state.last_checkpoint->tree_size != leaves.size() ||
      state.last_checkpoint->root != RootOf(leaves)) {
    Die("checking the root", absl::InternalError("root mismatch"));
  }
  std::cout << "checked: last checkpoint (size " << leaves.size()
            << ") root == RootOf(leaves) computed in memory\n";
}

// 2. Inclusion proofs at the full size.
void ProofLatency(testing::TestDatabase& db, const Flags& flags) {
  std::cout << "\n## 2. inclusion proof latency\n";
  pg::Connection connection = OrDie(
      pg::Connection::Open(db.ConninfoAs("cellchain_audit")), "connecting");
  LogStore store(connection);
  uint64_t size = OrDie(store.TreeSize(), "tree size");
  Hash root = OrDie(store.RootAt(size), "root");
  std::mt19937_64 random(42);
  std::uniform_int_distribution<uint64_t> pick(0, size - 1);
  std::vector<double> millis;
  std::vector<std::pair<uint64_t, std::vector<Hash>>> proofs;
  millis.reserve(flags.proofs);
  proofs.reserve(flags.proofs);
  LogStoreStats before = store.stats();
  for (int i = 0; i < flags.proofs; ++i) {
    uint64_t index = pick(random);
    Clock::time_point start = Clock::now();
    std::vector<Hash> proof =
        OrDie(store.InclusionProof(index, size), "inclusion proof");
    millis.push_back(Millis(Clock::now() - start));
    proofs.emplace_back(index, std::move(proof));
  }
  LogStoreStats after = store.stats();
  for (const auto& [index, proof] : proofs) {
    LogEntry entry = OrDie(store.EntryAt(index), "entry");
    OrDie(VerifyInclusion(index, size, entry.leaf_hash, proof, root),
          "verifying a proof");
  }
  Percentiles p = Summarize(millis);
  std::cout << absl::StrFormat(
      "%d proofs of random indexes at tree size %d: p50 %.3f ms, p99 %.3f "
      "ms, max %.3f ms; %.1f rows and %.1f queries per proof; all verified\n",
      flags.proofs, size, p.p50, p.p99, p.max,
      static_cast<double>(after.rows - before.rows) / flags.proofs,
      static_cast<double>(after.queries - before.queries) / flags.proofs);
}

// 3. Commit -> checkpoint under a steady load.
void CheckpointLatency(testing::TestDatabase& db, pg::Connection& admin,
                       const Flags& flags) {
  std::cout << "\n## 3. commit -> signed checkpoint latency under load\n";
  struct Observed {
    uint64_t tree_size;
    Clock::time_point at;
  };
  absl::Mutex mu;
  std::vector<Observed> checkpoints;  // guarded by mu
  std::unique_ptr<Sequencer> sequencer =
      NewSequencer(db.ConninfoAs("cellchain_audit"), 10000,
                   [&](const SignedCheckpoint& checkpoint) {
                     Clock::time_point now = Clock::now();
                     absl::MutexLock lock(&mu);
                     checkpoints.push_back({checkpoint.tree_size, now});
                   });
  sequencer->Start();
  while (!sequencer->state().is_leader) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  // Each transaction t of writer w: records "rec_l<w>_<t>_<k>".
  struct Committed {
    std::string prefix;
    Clock::time_point at;
  };
  std::vector<std::vector<Committed>> committed(flags.load_writers);
  const double tx_per_second_per_writer =
      static_cast<double>(flags.load_rate) /
      (flags.load_tx_records * flags.load_writers);
  const auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / tx_per_second_per_writer));
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(50);
  const Clock::time_point stop =
      start + std::chrono::seconds(flags.load_seconds);
  std::vector<std::thread> writers;
  std::atomic<int> failures = 0;
  // Writers with exactly a service's privileges.
  const std::string writer_conninfo =
      db.ConninfoAs(OrDie(db.CreateServiceRole("bench"), "creating a role"));
  for (int w = 0; w < flags.load_writers; ++w) {
    writers.emplace_back([&, w] {
      pg::Connection conn =
          OrDie(pg::Connection::Open(writer_conninfo), "writer connection");
      // Writers start evenly spread over one period.
      Clock::time_point next = start + period * w / flags.load_writers;
      for (int t = 0;; ++t) {
        std::this_thread::sleep_until(next);
        if (Clock::now() >= stop) break;
        next += period;
        std::string prefix = absl::StrCat("rec_l", w, "_", t, "_");
        absl::Status status =
            conn.Exec(kLoadSql,
                      LoadParams(prefix, 0, flags.load_tx_records - 1))
                .status();
        if (!status.ok()) {
          ++failures;
          continue;
        }
        committed[w].push_back({prefix, Clock::now()});
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  Clock::time_point writers_done = Clock::now();
  // Let the last records reach a checkpoint.
  pg::Result counted =
      OrDie(admin.Exec("SELECT count(*) FROM cellchain_audit.records"),
            "counting records");
  const uint64_t final_size =
      static_cast<uint64_t>(OrDie(counted.GetInt64(0, 0), "count"));
  while (true) {
    SequencerState state = sequencer->state();
    if (state.last_checkpoint.has_value() &&
        state.last_checkpoint->tree_size >= final_size) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  sequencer->Stop();

  // The largest index of each transaction's records.
  pg::Result indexes = OrDie(
      admin.Exec("SELECT substring(record_id FROM '^(rec_l[0-9]+_[0-9]+_)'),"
                 " max(log_index) FROM cellchain_audit.log_entries"
                 " WHERE record_id LIKE 'rec\\_l%' GROUP BY 1"),
      "reading indexes");
  absl::flat_hash_map<std::string, uint64_t> last_index;
  for (int i = 0; i < indexes.rows(); ++i) {
    last_index[OrDie(indexes.GetString(i, 0), "prefix")] =
        static_cast<uint64_t>(OrDie(indexes.GetInt64(i, 1), "index"));
  }
  std::vector<Observed> observed;
  {
    absl::MutexLock lock(&mu);
    observed = checkpoints;
  }
  std::vector<double> millis;
  int64_t transactions = 0;
  for (const std::vector<Committed>& of_writer : committed) {
    for (const Committed& c : of_writer) {
      ++transactions;
      auto it = last_index.find(c.prefix);
      if (it == last_index.end())
        Die("load", absl::InternalError("a transaction's records "
                                        "are not in the log"));
      // The first checkpoint (in commit order) that contains it.
      auto cp = std::find_if(
          observed.begin(), observed.end(),
          [&](const Observed& o) { return o.tree_size > it->second; });
      if (cp == observed.end()) {
        Die("load", absl::InternalError("no checkpoint covers a record"));
      }
      millis.push_back(Millis(cp->at - c.at));
    }
  }
  double load_seconds = Seconds(writers_done - start);
  Percentiles p = Summarize(millis);
  std::cout << absl::StrFormat(
      "%d writers, %d records per transaction, target %d records/s: "
      "achieved %.0f records/s (%d transactions in %.1f s, %d failed)\n"
      "commit -> signed checkpoint: p50 %.0f ms, p99 %.0f ms, max %.0f ms "
      "(%d checkpoints)\n",
      flags.load_writers, flags.load_tx_records, flags.load_rate,
      transactions * flags.load_tx_records / load_seconds, transactions,
      load_seconds, failures.load(), p.p50, p.p99, p.max, observed.size());
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  bench::ExitOnSignals();
  log::SetMinLevel(log::Level::kWarning);  // one line per checkpoint otherwise

  std::cout << "# sequencer_bench\nmachine: " << bench::Machine() << "\n";
  {
    auto [db, admin] = bench::OpenDatabaseOrDie("cc-seq-bench", flags.port);
    std::cout << "database: " << FirstLine(Setting(admin, "SELECT version()"))
              << "\nsynchronous_commit="
              << Setting(admin, "SHOW synchronous_commit")
              << " fsync=" << Setting(admin, "SHOW fsync")
              << " shared_buffers=" << Setting(admin, "SHOW shared_buffers")
              << " (Unix socket; the sequencer connects as cellchain_audit)\n";
    OrDie(RegisterSigningKey(admin, "bench", BenchKey().PublicKeyRaw(),
                             absl::Now() - absl::Hours(1)),
          "registering the bench key");
    IntegrationRate(*db, admin, flags);
    ProofLatency(*db, flags);
    CheckpointLatency(*db, admin, flags);
  }
  return 0;
}

}  // namespace
}  // namespace cellchain::ledger

int main(int argc, char** argv) { return cellchain::ledger::Main(argc, argv); }
