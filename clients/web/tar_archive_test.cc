// TarDirectory: GNU tar restores what it archived, byte for byte, a name
// longer than 100 bytes included (ustar's prefix field); a name ustar
// cannot hold is refused, naming it.
#include "clients/web/tar_archive.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::web {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string MakeTempDir() {
  std::string path = (fs::temp_directory_path() / "tar-test-XXXXXX").string();
  EXPECT_NE(mkdtemp(path.data()), nullptr);
  return path;
}

void Write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string Read(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

TEST(TarDirectoryTest, TarRestoresEveryFileAsWritten) {
  const std::string root = MakeTempDir();
  const fs::path dir = fs::path(root) / "in";
  std::string binary(1500, '\0');
  for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i);
  const std::string deep =
      "states/" + std::string(70, 'd') + "/" + std::string(90, 'f') + ".bin";
  Write(dir / "manifest.json", "{\"format\": \"x\"}\n");
  Write(dir / "records/000000000001.sig", binary);
  Write(dir / "records/empty", "");
  Write(dir / deep, "far down");
  fs::create_directories(dir / "consistency");

  absl::StatusOr<std::string> tar = TarDirectory(dir.string(), "bundle");
  ASSERT_TRUE(tar.ok()) << tar.status();
  EXPECT_EQ(tar->size() % 512, 0u);
  Write(fs::path(root) / "b.tar", *tar);
  ASSERT_EQ(std::system(("tar -xf '" + root + "/b.tar' -C '" + root + "'")
                            .c_str()),
            0);

  const fs::path out = fs::path(root) / "bundle";
  EXPECT_EQ(Read(out / "manifest.json"), "{\"format\": \"x\"}\n");
  EXPECT_EQ(Read(out / "records/000000000001.sig"), binary);
  EXPECT_TRUE(fs::is_regular_file(out / "records/empty"));
  EXPECT_EQ(fs::file_size(out / "records/empty"), 0u);
  EXPECT_EQ(Read(out / deep), "far down");
  EXPECT_TRUE(fs::is_directory(out / "consistency"));
  fs::remove_all(root);
}

TEST(TarDirectoryTest, ANameUstarCannotHoldIsRefused) {
  const std::string root = MakeTempDir();
  const std::string name = std::string(120, 'n');
  Write(fs::path(root) / name, "x");
  absl::StatusOr<std::string> tar = TarDirectory(root, "bundle");
  EXPECT_EQ(tar.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(tar.status().message(), HasSubstr(name));
  fs::remove_all(root);
}

}  // namespace
}  // namespace cellchain::web
