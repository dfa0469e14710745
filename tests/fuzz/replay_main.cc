// The replay driver: what a fuzz target is linked with when it is not built
// by clang with libFuzzer (the normal g++ build and CI). It runs the target's
// LLVMFuzzerTestOneInput on every file of its seed corpus, then on a fixed
// number of pseudo-random mutations of them, from a fixed seed, so that CI
// runs the same inputs every time and a failure reproduces with the command
// it prints. It is the "short run of each in CI"; the real search for bad
// inputs is libFuzzer's (tests/fuzz/run.sh).
//
//   <target>_fuzzer [--mutations=N] [--seed=S] [--max-len=BYTES]
//                   [--only=K] [--save=FILE] CORPUS_DIR_OR_FILE...
//
// --only=K runs corpus input K (0-based, corpus files first in name order,
// then the mutations) alone, and --save=FILE writes that input to FILE, so
// a failure found here can be handed to the libFuzzer binary or kept in the
// corpus. When a target aborts or faults, a signal handler writes the input
// it was running to ./<target>-crash.bin and says which one it was.
//
// Exit status: 0 when every input returned, 2 for a bad command line or an
// empty corpus; a crash ends the process with its signal.
//
// Thread-safety: a program of its own, single-threaded; the signal handler
// only reads what the loop wrote before calling the target.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// What the signal handler needs, prepared before each input runs.
const uint8_t* g_current = nullptr;
size_t g_current_size = 0;
char g_current_label[256] = "";
char g_crash_path[512] = "crash.bin";

void WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n <= 0) return;
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void OnCrash(int sig) {
  // Only async-signal-safe calls: write, open, close, signal, raise.
  const char* head = "\nfuzz replay: crashed on ";
  WriteAll(2, head, strlen(head));
  WriteAll(2, g_current_label, strlen(g_current_label));
  int fd = open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    WriteAll(fd, g_current, g_current_size);
    close(fd);
    const char* saved = "; the input is in ";
    WriteAll(2, saved, strlen(saved));
    WriteAll(2, g_crash_path, strlen(g_crash_path));
  }
  WriteAll(2, "\n", 1);
  signal(sig, SIG_DFL);
  raise(sig);
}

// splitmix64: tiny, and the same sequence on every platform and standard
// library (std::uniform_int_distribution is not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n) for n > 0.
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

 private:
  uint64_t state_;
};

using Bytes = std::vector<uint8_t>;

// Bytes parsers give meaning to: separators, signs, digits, the ends of
// ranges, the first byte of a UTF-8 em dash, NUL and DEL.
constexpr uint8_t kInteresting[] = {0,   1,   '\n', '\r', ' ',  '=',  '&',
                                    '+', '-', '/',  '"',  '\\', '{',  '}',
                                    '[', ']', ':',  ',',  '0',  '9',  'A',
                                    'z', '%', 0x7f, 0x80, 0xc3, 0xe2, 0xff};

// One edit of `input`, drawing material from `corpus` for splices.
void MutateOnce(Bytes& input, const std::vector<Bytes>& corpus, Rng& rng,
                size_t max_len) {
  const Bytes& other = corpus[rng.Below(corpus.size())];
  switch (rng.Below(10)) {
    case 0:  // flip a bit
      if (!input.empty()) input[rng.Below(input.size())] ^= 1u << rng.Below(8);
      break;
    case 1:  // a random byte
      if (!input.empty()) {
        input[rng.Below(input.size())] = static_cast<uint8_t>(rng.Next());
      }
      break;
    case 2:  // an interesting byte
      if (!input.empty()) {
        input[rng.Below(input.size())] =
            kInteresting[rng.Below(std::size(kInteresting))];
      }
      break;
    case 3: {  // insert 1-8 random or interesting bytes
      size_t at = rng.Below(input.size() + 1);
      size_t n = 1 + rng.Below(8);
      for (size_t i = 0; i < n; ++i) {
        uint8_t b = rng.Below(2) == 0
                        ? static_cast<uint8_t>(rng.Next())
                        : kInteresting[rng.Below(std::size(kInteresting))];
        input.insert(input.begin() + static_cast<ptrdiff_t>(at), b);
      }
      break;
    }
    case 4:  // erase a range
      if (!input.empty()) {
        size_t at = rng.Below(input.size());
        size_t n = 1 + rng.Below(std::min<size_t>(16, input.size() - at));
        input.erase(input.begin() + static_cast<ptrdiff_t>(at),
                    input.begin() + static_cast<ptrdiff_t>(at + n));
      }
      break;
    case 5:  // duplicate a range
      if (!input.empty()) {
        size_t at = rng.Below(input.size());
        size_t n = 1 + rng.Below(std::min<size_t>(32, input.size() - at));
        Bytes chunk(input.begin() + static_cast<ptrdiff_t>(at),
                    input.begin() + static_cast<ptrdiff_t>(at + n));
        size_t to = rng.Below(input.size() + 1);
        input.insert(input.begin() + static_cast<ptrdiff_t>(to), chunk.begin(),
                     chunk.end());
      }
      break;
    case 6:  // splice: this input's head, another's tail
      if (!other.empty()) {
        input.resize(rng.Below(input.size() + 1));
        size_t from = rng.Below(other.size());
        input.insert(input.end(), other.begin() + static_cast<ptrdiff_t>(from),
                     other.end());
      }
      break;
    case 7:  // truncate
      input.resize(rng.Below(input.size() + 1));
      break;
    case 8:  // insert a piece of another input (its tokens, in effect)
      if (!other.empty()) {
        size_t from = rng.Below(other.size());
        size_t n = 1 + rng.Below(std::min<size_t>(24, other.size() - from));
        size_t at = rng.Below(input.size() + 1);
        input.insert(input.begin() + static_cast<ptrdiff_t>(at),
                     other.begin() + static_cast<ptrdiff_t>(from),
                     other.begin() + static_cast<ptrdiff_t>(from + n));
      }
      break;
    default:  // nudge a byte: digits to their neighbours, counts off by one
      if (!input.empty()) {
        uint8_t& b = input[rng.Below(input.size())];
        b = static_cast<uint8_t>(rng.Below(2) == 0 ? b + 1 : b - 1);
      }
      break;
  }
  if (input.size() > max_len) input.resize(max_len);
}

Bytes Mutant(const std::vector<Bytes>& corpus, Rng& rng, size_t max_len) {
  Bytes input = corpus[rng.Below(corpus.size())];
  size_t edits = 1 + rng.Below(4);
  for (size_t i = 0; i < edits; ++i) MutateOnce(input, corpus, rng, max_len);
  return input;
}

bool ReadFile(const std::filesystem::path& path, Bytes& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in),
             std::istreambuf_iterator<char>());
  return true;
}

// Runs the target on an exact-size heap copy, so that a read past the end
// lands outside the allocation (and is caught where a sanitizer is linked).
void RunOne(const Bytes& input, const std::string& label) {
  std::snprintf(g_current_label, sizeof g_current_label, "%s", label.c_str());
  uint8_t* copy = new uint8_t[input.empty() ? 1 : input.size()];
  if (!input.empty()) std::memcpy(copy, input.data(), input.size());
  g_current = copy;
  g_current_size = input.size();
  LLVMFuzzerTestOneInput(copy, input.size());
  g_current = nullptr;
  g_current_size = 0;
  delete[] copy;
}

bool ParseCount(std::string_view arg, std::string_view flag, uint64_t& out) {
  if (!arg.starts_with(flag)) return false;
  std::string value(arg.substr(flag.size()));
  char* end = nullptr;
  out = std::strtoull(value.c_str(), &end, 10);
  return !value.empty() && *end == '\0';
}

int Usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s [--mutations=N] [--seed=S] [--max-len=BYTES] "
               "[--only=K] [--save=FILE] CORPUS_DIR_OR_FILE...\n",
               program);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t mutations = 20000;
  uint64_t seed = 1;
  uint64_t max_len = 4096;
  uint64_t only = 0;
  bool has_only = false;
  std::string save;
  std::vector<std::filesystem::path> paths;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (ParseCount(arg, "--mutations=", mutations) ||
        ParseCount(arg, "--seed=", seed) ||
        ParseCount(arg, "--max-len=", max_len)) {
      continue;
    }
    if (ParseCount(arg, "--only=", only)) {
      has_only = true;
    } else if (arg.starts_with("--save=")) {
      save = std::string(arg.substr(7));
    } else if (arg.starts_with("-")) {
      return Usage(argv[0]);
    } else {
      paths.emplace_back(arg);
    }
  }
  if (paths.empty() || max_len == 0) return Usage(argv[0]);

  std::string name = std::filesystem::path(argv[0]).filename().string();
  std::snprintf(g_crash_path, sizeof g_crash_path, "%s-crash.bin",
                name.c_str());
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
    signal(sig, OnCrash);
  }

  // The corpus, files in name order so that input numbers are stable.
  std::vector<std::filesystem::path> files;
  for (const std::filesystem::path& path : paths) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else {
      files.push_back(path);
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Bytes> corpus;
  for (const std::filesystem::path& file : files) {
    Bytes bytes;
    if (!ReadFile(file, bytes)) {
      std::fprintf(stderr, "%s: cannot read %s\n", name.c_str(), file.c_str());
      return 2;
    }
    corpus.push_back(std::move(bytes));
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "%s: the corpus is empty\n", name.c_str());
    return 2;
  }

  auto start = std::chrono::steady_clock::now();
  Rng rng(seed);
  uint64_t ran = 0;
  uint64_t total = corpus.size() + mutations;
  if (has_only && only >= total) {
    std::fprintf(stderr, "%s: --only=%llu: there are %llu inputs\n",
                 name.c_str(), static_cast<unsigned long long>(only),
                 static_cast<unsigned long long>(total));
    return 2;
  }
  for (uint64_t k = 0; k < total; ++k) {
    Bytes input;
    std::string label;
    if (k < corpus.size()) {
      input = corpus[k];
      label = "input " + std::to_string(k) + " (" + files[k].string() + ")";
    } else {
      // Every mutation is drawn even when --only skips it, so that input K
      // is the same input with or without --only.
      input = Mutant(corpus, rng, max_len);
      label = "input " + std::to_string(k) + " (mutation " +
              std::to_string(k - corpus.size()) + ", seed " +
              std::to_string(seed) + "; rerun: " + name +
              " --seed=" + std::to_string(seed) +
              " --mutations=" + std::to_string(mutations) +
              " --max-len=" + std::to_string(max_len) +
              " --only=" + std::to_string(k) + " --save=FILE CORPUS)";
    }
    if (has_only && k != only) continue;
    if (has_only && !save.empty()) {
      std::ofstream out(save, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(input.data()),
                static_cast<std::streamsize>(input.size()));
      if (!out) {
        std::fprintf(stderr, "%s: cannot write %s\n", name.c_str(),
                     save.c_str());
        return 2;
      }
    }
    RunOne(input, label);
    ++ran;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf(
      "%s: ran %llu inputs (%zu corpus files, %llu mutations, seed %llu, "
      "max %llu bytes) in %.2f s, %.0f inputs/s; none crashed\n",
      name.c_str(), static_cast<unsigned long long>(ran), corpus.size(),
      static_cast<unsigned long long>(has_only ? 0 : mutations),
      static_cast<unsigned long long>(seed),
      static_cast<unsigned long long>(max_len), seconds,
      seconds > 0 ? static_cast<double>(ran) / seconds : 0.0);
  return 0;
}
