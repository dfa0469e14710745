// Published known answers for the ledger's cryptography, shared by the tests
// of merkle.h and of cellchain-verify so that each checks against the same
// outside values: the RFC 6962 test tree of transparency-dev/merkle
// (proof/verify_test.go, formerly certificate-transparency's
// merkle_tree_test) and the signed notes of golang.org/x/mod/sumdb/note.
//
// Test-only; constants only, so thread-safe.
#ifndef CELLCHAIN_SERVICES_LEDGER_KNOWN_ANSWERS_TESTING_H_
#define CELLCHAIN_SERVICES_LEDGER_KNOWN_ANSWERS_TESTING_H_

namespace cellchain::ledger::testing {

// The eight leaves of the test tree, hex-encoded.
inline constexpr const char* kLeafDataHex[] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

// kRootHex[n - 1]: the root of the tree of the first n leaves.
inline constexpr const char* kRootHex[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};
inline constexpr const char* kRoot6 = kRootHex[5];
inline constexpr const char* kRoot8 = kRootHex[7];

// The root of the empty tree: SHA-256 of nothing.
inline constexpr char kEmptyRootHex[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// SHA-256(0x00 || 40414243): the leaf hash of leaf 5.
inline constexpr char kLeaf5Hash[] =
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658";

// The inclusion proof of leaf 5 in the tree of size 8, and the consistency
// proof from size 6 to size 8, comma-separated as cellchain-verify's --proof
// takes them.
inline constexpr char kInclusionProof[] =
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b,"
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0,"
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7";
inline constexpr char kConsistencyProof[] =
    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a,"
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0,"
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7";

// The verifier keys of the note package's documentation.
inline constexpr char kPeterVkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
inline constexpr char kEnochVkey[] =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";

// The documentation's note: its text, a blank line, Peter's signature.
inline constexpr char kPeterNote[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNI"
    "uGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

}  // namespace cellchain::ledger::testing

#endif  // CELLCHAIN_SERVICES_LEDGER_KNOWN_ANSWERS_TESTING_H_
