// FuzzInput: reads typed values off the front of a fuzzer's input, so that
// a target can turn bytes into sizes, indexes and hashes. Reading past the
// end yields zeros rather than failing: every input means something, which
// is what lets the fuzzer's mutations reach deep code. (clang ships a
// FuzzedDataProvider, but g++ builds the same targets for the ctest replay.)
//
// Thread-safety: a value used by one thread.
#ifndef CELLCHAIN_TESTS_FUZZ_FUZZ_INPUT_H_
#define CELLCHAIN_TESTS_FUZZ_FUZZ_INPUT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cellchain::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  uint8_t Byte() {
    if (rest_.empty()) return 0;
    uint8_t b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }

  // Eight bytes, big-endian.
  uint64_t U64() {
    uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value = (value << 8) | Byte();
    return value;
  }

  // A tree size or index: mostly small (where proofs are short and trees
  // can be built), sometimes any 64-bit value (where arithmetic overflows).
  uint64_t Count() {
    uint8_t kind = Byte();
    if (kind % 4 == 0) return U64();
    return (static_cast<uint64_t>(Byte()) << 8 | Byte()) % 1024;
  }

  // `n` bytes, zero-padded when the input runs out.
  std::string Bytes(size_t n) {
    size_t take = std::min(n, rest_.size());
    std::string out(rest_.substr(0, take));
    rest_.remove_prefix(take);
    out.resize(n, '\0');
    return out;
  }

  std::string_view Rest() const { return rest_; }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace cellchain::fuzz

#endif  // CELLCHAIN_TESTS_FUZZ_FUZZ_INPUT_H_
