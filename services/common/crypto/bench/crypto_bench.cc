// Throughput of the crypto primitives on this machine. Not a test: run
//   build/services/common/crypto/bench/crypto_bench
// and read items_per_second (Ed25519, SHA-256) and Time (scrypt).
#include <string>

#include "benchmark/benchmark.h"
#include "services/common/crypto/crypto.h"

namespace cellchain::crypto {
namespace {

const std::string kMessage(256, 'm');  // About the size of a signed record.

void BM_Ed25519Sign(benchmark::State& state) {
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate().value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(key.Sign(kMessage));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ed25519Sign)->ThreadRange(1, 2)->UseRealTime();

void BM_Ed25519Verify(benchmark::State& state) {
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate().value();
  Ed25519PublicKey pub = key.public_key();
  std::string signature = key.Sign(kMessage).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(pub.Verify(kMessage, signature));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ed25519Verify)->ThreadRange(1, 2)->UseRealTime();

void BM_HashPasswordDefault(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(HashPassword("correct horse battery staple"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashPasswordDefault)->Unit(benchmark::kMillisecond);

void BM_Sha256(benchmark::State& state) {
  std::string data(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    benchmark::DoNotOptimize(Sha256(data));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(64)->Arg(4096);

void BM_RandomId(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(RandomId("don"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RandomId);

}  // namespace
}  // namespace cellchain::crypto
