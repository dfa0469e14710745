#include "services/common/crypto/ed25519.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/encoding.h"

namespace cellchain::crypto {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Unhex(std::string_view hex) { return HexDecode(hex).value(); }

struct Rfc8032Vector {
  const char* name;
  const char* secret;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 section 7.1, TEST 1-3.
constexpr Rfc8032Vector kVectors[] = {
    {"TEST 1",
     "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2",
     "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3",
     "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

TEST(CryptoEd25519Test, Rfc8032Vectors) {
  for (const Rfc8032Vector& v : kVectors) {
    SCOPED_TRACE(v.name);
    absl::StatusOr<Ed25519PrivateKey> key =
        Ed25519PrivateKey::FromSeed(Unhex(v.secret));
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(HexEncode(key->PublicKeyRaw()), v.public_key);

    std::string message = Unhex(v.message);
    absl::StatusOr<std::string> signature = key->Sign(message);
    ASSERT_TRUE(signature.ok()) << signature.status();
    EXPECT_EQ(HexEncode(*signature), v.signature);

    absl::StatusOr<Ed25519PublicKey> pub =
        Ed25519PublicKey::FromRaw(Unhex(v.public_key));
    ASSERT_TRUE(pub.ok()) << pub.status();
    EXPECT_TRUE(pub->Verify(message, Unhex(v.signature)));
  }
}

TEST(CryptoEd25519Test, AnyFlippedBitFailsVerification) {
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate().value();
  Ed25519PublicKey pub = key.public_key();
  const std::string message = "lot LOT-42 released by qp_01";
  const std::string signature = key.Sign(message).value();
  ASSERT_TRUE(pub.Verify(message, signature));

  for (size_t bit = 0; bit < message.size() * 8; ++bit) {
    std::string tampered = message;
    tampered[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    EXPECT_FALSE(pub.Verify(tampered, signature)) << "message bit " << bit;
  }
  for (size_t bit = 0; bit < signature.size() * 8; ++bit) {
    std::string tampered = signature;
    tampered[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    EXPECT_FALSE(pub.Verify(message, tampered)) << "signature bit " << bit;
  }
  EXPECT_FALSE(pub.Verify(message, signature.substr(1)));
  EXPECT_FALSE(pub.Verify(message, ""));
  Ed25519PublicKey other = Ed25519PrivateKey::Generate().value().public_key();
  EXPECT_FALSE(other.Verify(message, signature));
}

TEST(CryptoEd25519Test, RejectsWrongSizes) {
  EXPECT_EQ(Ed25519PrivateKey::FromSeed("short").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PublicKey::FromRaw(std::string(33, 'x')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CryptoEd25519Test, PemRoundTrip) {
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate().value();
  absl::StatusOr<std::string> pem = key.ToPem();
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_THAT(*pem, StartsWith("-----BEGIN PRIVATE KEY-----\n"));

  absl::StatusOr<Ed25519PrivateKey> back = Ed25519PrivateKey::FromPem(*pem);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->PublicKeyRaw(), key.PublicKeyRaw());
  EXPECT_EQ(back->Sign("m").value(), key.Sign("m").value());

  absl::StatusOr<std::string> pub_pem = key.PublicKeyPem();
  ASSERT_TRUE(pub_pem.ok()) << pub_pem.status();
  EXPECT_THAT(*pub_pem, StartsWith("-----BEGIN PUBLIC KEY-----\n"));
  absl::StatusOr<Ed25519PublicKey> pub = Ed25519PublicKey::FromPem(*pub_pem);
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(pub->Raw(), key.PublicKeyRaw());
  EXPECT_EQ(pub->ToPem().value(), *pub_pem);
}

TEST(CryptoEd25519Test, KeysMoveAndCopy) {
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate().value();
  std::string raw = key.PublicKeyRaw();
  Ed25519PrivateKey moved = std::move(key);
  std::string signature = moved.Sign("m").value();

  Ed25519PublicKey pub = moved.public_key();
  Ed25519PublicKey copy = pub;
  Ed25519PublicKey assigned =
      Ed25519PublicKey::FromRaw(std::string(32, '\0')).value();
  assigned = copy;
  EXPECT_TRUE(pub.Verify("m", signature));
  EXPECT_TRUE(copy.Verify("m", signature));
  EXPECT_TRUE(assigned.Verify("m", signature));
  EXPECT_EQ(assigned.Raw(), raw);
}

TEST(CryptoEd25519Test, ConcurrentSignAndVerifyOnOneKey) {
  const Ed25519PrivateKey key = Ed25519PrivateKey::Generate().value();
  const Ed25519PublicKey pub = key.public_key();
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string message = absl::StrCat("thread ", t, " message ", i);
        absl::StatusOr<std::string> sig = key.Sign(message);
        if (!sig.ok() || !pub.Verify(message, *sig)) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(failures, ::testing::Each(0));
}

// A fresh directory under the test's temporary directory.
class CryptoEd25519FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "ed25519_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string Write(const std::string& name, std::string_view content) {
    std::string path = absl::StrCat(dir_, "/", name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(absl::StrCat(dir_, "/", name), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // Runs `command` in the directory; true iff it exits 0.
  bool Run(const std::string& command) {
    int status = std::system(
        absl::StrCat("cd '", dir_, "' && ", command, " >cmd.out 2>&1").c_str());
    return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  bool HaveOpenSslCli() { return Run("openssl version"); }

  std::string dir_;
};

TEST_F(CryptoEd25519FileTest, FromPemFileNamesTheProblem) {
  std::string missing = dir_ + "/nope.pem";
  absl::StatusOr<Ed25519PrivateKey> r = Ed25519PrivateKey::FromPemFile(missing);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(),
              AllOf(HasSubstr(missing), HasSubstr("No such file")));

  std::string text = Write("notes.txt", "just some text\n");
  r = Ed25519PrivateKey::FromPemFile(text);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(),
              AllOf(HasSubstr(text), HasSubstr("not PEM")));

  EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
  ASSERT_NE(rsa, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(
      PEM_write_bio_PrivateKey(bio, rsa, nullptr, nullptr, 0, nullptr, nullptr),
      1);
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio, rsa), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string rsa_pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(rsa);
  std::string rsa_path = Write("rsa.pem", rsa_pem);
  r = Ed25519PrivateKey::FromPemFile(rsa_path);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(),
              AllOf(HasSubstr(rsa_path), HasSubstr("RSA"),
                    HasSubstr("expected an Ed25519 key")));
  absl::StatusOr<Ed25519PublicKey> p = Ed25519PublicKey::FromPemFile(rsa_path);
  EXPECT_THAT(p.status().message(),
              AllOf(HasSubstr(rsa_path), HasSubstr("RSA")));

  // A public key where a private key is expected, and an encrypted key.
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate().value();
  std::string pub_path = Write("pub.pem", key.PublicKeyPem().value());
  r = Ed25519PrivateKey::FromPemFile(pub_path);
  EXPECT_THAT(r.status().message(),
              AllOf(HasSubstr(pub_path), HasSubstr("holds a public key")));
  std::string enc_path = Write("enc.pem",
                               "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
                               "-----END ENCRYPTED PRIVATE KEY-----\n");
  r = Ed25519PrivateKey::FromPemFile(enc_path);
  EXPECT_THAT(r.status().message(),
              AllOf(HasSubstr(enc_path), HasSubstr("encrypted")));

  std::string garbled =
      Write("garbled.pem",
            "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n");
  r = Ed25519PrivateKey::FromPemFile(garbled);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(garbled));
}

TEST_F(CryptoEd25519FileTest, KeyFileWrittenWithToPemReadsBack) {
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate().value();
  std::string key_path = Write("key.pem", key.ToPem().value());
  std::string pub_path = Write("pub.pem", key.PublicKeyPem().value());
  absl::StatusOr<Ed25519PrivateKey> back =
      Ed25519PrivateKey::FromPemFile(key_path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->PublicKeyRaw(), key.PublicKeyRaw());
  absl::StatusOr<Ed25519PublicKey> pub =
      Ed25519PublicKey::FromPemFile(pub_path);
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(pub->Raw(), key.PublicKeyRaw());
}

TEST_F(CryptoEd25519FileTest, SignatureVerifiesWithOpenSslCli) {
  if (!HaveOpenSslCli()) GTEST_SKIP() << "no openssl command";
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate().value();
  const std::string message = "dose 7: 2.0e6 cells/kg\n";
  Write("pub.pem", key.PublicKeyPem().value());
  Write("msg.bin", message);
  Write("sig.bin", key.Sign(message).value());
  EXPECT_TRUE(
      Run("openssl pkeyutl -verify -pubin -inkey pub.pem -rawin "
          "-in msg.bin -sigfile sig.bin"))
      << Read("cmd.out");

  // The same check refuses a signature over another message.
  Write("other.bin", message + "x");
  EXPECT_FALSE(
      Run("openssl pkeyutl -verify -pubin -inkey pub.pem -rawin "
          "-in other.bin -sigfile sig.bin"));
}

TEST_F(CryptoEd25519FileTest, OpenSslCliSignatureVerifiesHere) {
  if (!HaveOpenSslCli()) GTEST_SKIP() << "no openssl command";
  const std::string message = "release LOT-7";
  Write("msg.bin", message);
  ASSERT_TRUE(Run("openssl genpkey -algorithm ed25519 -out key.pem"))
      << Read("cmd.out");
  ASSERT_TRUE(Run("openssl pkey -in key.pem -pubout -out pub.pem"))
      << Read("cmd.out");
  ASSERT_TRUE(
      Run("openssl pkeyutl -sign -inkey key.pem -rawin "
          "-in msg.bin -out sig.bin"))
      << Read("cmd.out");

  absl::StatusOr<Ed25519PublicKey> pub =
      Ed25519PublicKey::FromPemFile(dir_ + "/pub.pem");
  ASSERT_TRUE(pub.ok()) << pub.status();
  std::string signature = Read("sig.bin");
  EXPECT_TRUE(pub->Verify(message, signature));
  EXPECT_FALSE(pub->Verify(message + ".", signature));

  // The key openssl generated loads too, and signs identically (Ed25519 is
  // deterministic).
  absl::StatusOr<Ed25519PrivateKey> key =
      Ed25519PrivateKey::FromPemFile(dir_ + "/key.pem");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->Sign(message).value(), signature);
}

}  // namespace
}  // namespace cellchain::crypto
