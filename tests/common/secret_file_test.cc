// Secret files and private directories (common/secret_file.h), on real files
// in a temporary directory.
#include "common/secret_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

using ::comptoir::testing::ReadFile;
using ::comptoir::testing::TempDir;

mode_t ModeOf(const std::string& path) {
  struct stat info;
  EXPECT_EQ(stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

// Restores the process's umask when the test ends.
class Umask {
 public:
  explicit Umask(mode_t mask) : previous_(umask(mask)) {}
  ~Umask() { umask(previous_); }

 private:
  mode_t previous_;
};

TEST(SecretFileTest, ASecretFileIsOwnerOnlyFromTheStartAndReplacedWhole) {
  TempDir dir;
  const std::string path = dir.Sub("hem.token");
  {
    Umask permissive(0);  // the mode does not depend on the umask
    ASSERT_TRUE(WriteSecretFile(path, "first\n").ok());
  }
  EXPECT_EQ(ModeOf(path), 0600);
  EXPECT_EQ(ReadFile(path), "first\n");
  ASSERT_TRUE(WriteSecretFile(path, "second\n").ok());
  EXPECT_EQ(ReadFile(path), "second\n");
  EXPECT_EQ(ModeOf(path), 0600);
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "hem.token") << "no temporary left behind";
  }
  EXPECT_EQ(files, 1u);
  EXPECT_EQ(WriteSecretFile(dir.Sub("missing/hem.token"), "x").code(),
            absl::StatusCode::kNotFound);
}

TEST(SecretFileTest, AFileOthersCanReadOrChangeIsRefusedWithTheFix) {
  TempDir dir;
  const std::string path = dir.Sub("hem.token");
  std::ofstream(path) << "token\n";
  for (mode_t mode : {0600, 0400}) {
    ASSERT_EQ(chmod(path.c_str(), mode), 0);
    EXPECT_TRUE(CheckSecretFileMode(path, "token file").ok()) << std::oct << mode;
  }
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  absl::Status refused = CheckSecretFileMode(path, "token file");
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(), "token file " + path +
                                   " can be read by other users (mode 0644); run: chmod 600 " +
                                   path);
  ASSERT_EQ(chmod(path.c_str(), 0602), 0);
  EXPECT_NE(CheckSecretFileMode(path, "token file").message().find("can be changed by other users"),
            absl::string_view::npos);
  ASSERT_EQ(chmod(path.c_str(), 0620), 0);
  EXPECT_EQ(CheckSecretFileMode(path, "token file").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckSecretFileMode(dir.Sub("missing"), "token file").code(),
            absl::StatusCode::kNotFound);
}

// The packaged layout: root installs the file 0640 root:comptoir for a
// daemon running as comptoir. Only a file owned by root may be group-readable.
TEST(SecretFileTest, OnlyARootOwnedFileMayBeReadByItsGroup) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to own and give away files";
  TempDir dir;
  const std::string path = dir.Sub("hub.key");
  std::ofstream(path) << "key\n";
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  EXPECT_TRUE(CheckSecretFileMode(path, "TLS private key").ok());
  // Replacing it keeps what it was for: root's, group-readable.
  ASSERT_TRUE(WriteSecretFile(path, "new key\n").ok());
  EXPECT_EQ(ModeOf(path), 0640);
  ASSERT_EQ(chmod(path.c_str(), 0660), 0);
  EXPECT_NE(CheckSecretFileMode(path, "TLS private key").message().find("run: chmod 640"),
            absl::string_view::npos)
      << "the fix keeps the group's read";
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  ASSERT_EQ(chown(path.c_str(), 65534, 65534), 0);  // nobody's
  EXPECT_EQ(CheckSecretFileMode(path, "TLS private key").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(SecretFileTest, ADataDirectoryIsMadePrivate) {
  TempDir dir;
  const std::string fresh = dir.Sub("data/hem");
  {
    Umask permissive(0);
    ASSERT_TRUE(MakePrivateDirectory(fresh).ok());
  }
  EXPECT_EQ(ModeOf(fresh), 0700);
  const std::string old = dir.Sub("old");
  ASSERT_EQ(mkdir(old.c_str(), 0755), 0);
  ASSERT_EQ(chmod(old.c_str(), 0755), 0);
  ASSERT_TRUE(MakePrivateDirectory(old).ok());
  EXPECT_EQ(ModeOf(old), 0700) << "an existing directory is tightened";
  std::ofstream(dir.Sub("file")) << "x";
  EXPECT_EQ(MakePrivateDirectory(dir.Sub("file")).code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace comptoir
