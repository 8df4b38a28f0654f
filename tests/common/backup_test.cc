// Encrypted backups (common/backup.h, common/backup_crypto.h) of a real
// RocksDB store in a temporary directory: no personal data in clear in the
// file, the same data back with the right key, and a modified, truncated or
// wrongly keyed backup refused without touching the data directory.
#include "common/backup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "tests/testing/test_util.h"

namespace comptoir {
namespace {

namespace fs = std::filesystem;
using ::comptoir::testing::ReadFile;
using ::comptoir::testing::TempDir;

constexpr char kFamilyName[] = "Dupont-Lefebvre";
constexpr int kFamilies = 3000;  // several chunks of kBackupChunkBytes

std::string FamilyKey(int i) { return absl::StrCat("family/HEM-", 100000 + i); }
// With bytes that do not compress, so that the database spans several chunks.
std::string FamilyValue(int i) {
  const std::string noise = ToHex(Sha256(absl::StrCat(i)));
  return absl::StrCat(kFamilyName, " ", i, " Roubaix ", noise, ToHex(Sha256(noise)));
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

class EncryptedBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.Sub("backups"));
    key_ = BackupKey::Create(dir_.Sub("backup.key")).value();
    auto store = Store::Open({dir_.Sub("hem"), true, nullptr}).value();
    Batch batch;
    for (int i = 0; i < kFamilies; ++i) batch.Put(Column::kPersonal, FamilyKey(i), FamilyValue(i));
    ASSERT_TRUE(store->Write(batch).ok());
    v1::BackupInfo info;
    info.set_kind("node");
    info.set_site("hem");
    info.set_own_seq(42);
    info.set_dest(backup_);
    absl::StatusOr<v1::BackupInfo> written =
        WriteBackup(*store, {key_.get(), CheckpointDirFor(dir_.Sub("hem"))}, info);
    ASSERT_TRUE(written.ok()) << written.status();
    // The data a failed restore must leave alone.
    fs::create_directories(data_);
    WriteBytes(data_ + "/marker", "the data before");
  }

  // Restores `backup` into data_ with the key in `key_file`, then, if it
  // worked, reads every family back.
  absl::Status Restore(const std::string& backup, const std::string& key_file) {
    absl::StatusOr<std::string> staged = UnpackBackupForRestore(backup, key_file, data_);
    if (!staged.ok()) return staged.status();
    auto store = Store::Open({*staged, true, nullptr});
    if (!store.ok()) return store.status();
    for (int i = 0; i < kFamilies; ++i) {
      auto value = (*store)->Get(Column::kPersonal, FamilyKey(i));
      if (!value.ok() || *value != FamilyValue(i)) {
        return absl::InternalError(absl::StrCat("family ", i, " differs"));
      }
    }
    return absl::OkStatus();
  }

  void ExpectDataUntouched() {
    EXPECT_EQ(ReadFile(data_ + "/marker"), "the data before");
    EXPECT_FALSE(fs::exists(data_ + ".restoring")) << "no half-restored copy is left";
  }

  TempDir dir_;
  std::unique_ptr<BackupKey> key_;
  const std::string backup_ = dir_.Sub("backups/hem-1");
  const std::string data_ = dir_.Sub("restored");
};

TEST_F(EncryptedBackupTest, TheBackupFileHoldsNoNameInClearAndNoPlainCopyIsLeft) {
  const std::string bytes = ReadFile(backup_);
  ASSERT_GT(bytes.size(), 3 * kBackupChunkBytes) << "several chunks";
  EXPECT_EQ(bytes.find(kFamilyName), std::string::npos);
  EXPECT_EQ(bytes.find("Roubaix"), std::string::npos);
  EXPECT_FALSE(fs::exists(CheckpointDirFor(dir_.Sub("hem"))));
  struct stat info;
  ASSERT_EQ(stat(backup_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 077, 0u) << "owner only";
  // Only the backup itself is in the backups' directory (no temporary file).
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.Sub("backups")), fs::directory_iterator()),
            1);
  // The manifest is readable without the key.
  absl::StatusOr<v1::BackupInfo> manifest = ReadBackupManifest(backup_);
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->site(), "hem");
  EXPECT_EQ(manifest->own_seq(), 42u);
  EXPECT_EQ(manifest->key_id(), key_->id()) << "names the key it needs";
  EXPECT_GT(manifest->bytes(), 0u);
}

TEST_F(EncryptedBackupTest, TheRightKeyGivesBackTheSameData) {
  EXPECT_TRUE(Restore(backup_, key_->path()).ok());
}

TEST_F(EncryptedBackupTest, AFlippedByteAnywhereIsRefusedAndChangesNothing) {
  const std::string bytes = ReadFile(backup_);
  // In the manifest, the stream header, the first chunk, the middle, the end mark.
  const std::vector<size_t> positions = {30, bytes.find("own_seq") + 10, bytes.find("own_seq") + 40,
                                         bytes.size() / 2, bytes.size() - 1};
  for (size_t position : positions) {
    std::string modified = bytes;
    modified[position] ^= 0x01;
    const std::string path = dir_.Sub(absl::StrCat("backups/flipped-", position));
    WriteBytes(path, modified);
    absl::Status restored = Restore(path, key_->path());
    EXPECT_EQ(restored.code(), absl::StatusCode::kDataLoss) << position << ": " << restored;
    ExpectDataUntouched();
  }
}

TEST_F(EncryptedBackupTest, ATruncatedOrExtendedBackupIsRefusedAndChangesNothing) {
  const std::string bytes = ReadFile(backup_);
  // Where each chunk ends (format in common/backup_crypto.h), to cut exactly
  // between two chunks: only the end mark is missing there.
  auto fixed32 = [&](size_t at) {
    uint32_t value = 0;
    for (int i = 3; i >= 0; --i) value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
    return value;
  };
  std::vector<size_t> chunk_ends;
  for (size_t at = 24 + fixed32(20) + 24; at < bytes.size(); at += 4 + fixed32(at)) {
    chunk_ends.push_back(at + 4 + fixed32(at));
  }
  ASSERT_GE(chunk_ends.size(), 4u);
  ASSERT_EQ(chunk_ends.back(), bytes.size());
  for (size_t length : {size_t{10}, size_t{100}, chunk_ends[0], chunk_ends[1],
                        chunk_ends[chunk_ends.size() - 2], bytes.size() / 2, bytes.size() - 1}) {
    const std::string path = dir_.Sub(absl::StrCat("backups/cut-", length));
    WriteBytes(path, bytes.substr(0, length));
    absl::Status restored = Restore(path, key_->path());
    EXPECT_FALSE(restored.ok()) << length;
    if (length > 100) EXPECT_EQ(restored.code(), absl::StatusCode::kDataLoss) << restored;
    ExpectDataUntouched();
  }
  const std::string path = dir_.Sub("backups/extended");
  WriteBytes(path, bytes + "more");
  EXPECT_EQ(Restore(path, key_->path()).code(), absl::StatusCode::kDataLoss);
  ExpectDataUntouched();
}

TEST_F(EncryptedBackupTest, AnotherKeyIsRefusedNamingBothKeys) {
  std::unique_ptr<BackupKey> other = BackupKey::Create(dir_.Sub("other.key")).value();
  absl::Status restored = Restore(backup_, other->path());
  EXPECT_EQ(restored.code(), absl::StatusCode::kFailedPrecondition) << restored;
  EXPECT_NE(restored.message().find("wrong backup key"), absl::string_view::npos) << restored;
  EXPECT_NE(restored.message().find(key_->id()), absl::string_view::npos) << restored;
  EXPECT_NE(restored.message().find(other->id()), absl::string_view::npos) << restored;
  ExpectDataUntouched();
  // Without a key at all, the same.
  restored = Restore(backup_, "");
  EXPECT_EQ(restored.code(), absl::StatusCode::kFailedPrecondition) << restored;
  EXPECT_NE(restored.message().find("--backup-key"), absl::string_view::npos) << restored;
  ExpectDataUntouched();
}

TEST_F(EncryptedBackupTest, AKeyAnotherUserCanReadIsRefused) {
  ASSERT_EQ(chmod(key_->path().c_str(), 0644), 0);
  absl::StatusOr<std::unique_ptr<BackupKey>> loaded = BackupKey::Load(key_->path());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(loaded.status().message().find("chmod 600 " + key_->path()), absl::string_view::npos)
      << loaded.status();
  EXPECT_EQ(Restore(backup_, key_->path()).code(), absl::StatusCode::kFailedPrecondition);
  ExpectDataUntouched();
}

TEST_F(EncryptedBackupTest, AKeyFileIsOwnerOnlyNeverOverwrittenAndReadBackTheSame) {
  struct stat info;
  ASSERT_EQ(stat(key_->path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const std::string before = ReadFile(key_->path());
  EXPECT_EQ(BackupKey::Create(key_->path()).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadFile(key_->path()), before);
  absl::StatusOr<std::unique_ptr<BackupKey>> loaded = BackupKey::Load(key_->path());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->id(), key_->id());
  EXPECT_EQ(before.find(key_->id()) == std::string::npos, false) << "the id names the key";
  // A file without a key is refused.
  WriteBytes(dir_.Sub("empty.key"), "# nothing\n");
  ASSERT_EQ(chmod(dir_.Sub("empty.key").c_str(), 0600), 0);
  EXPECT_EQ(BackupKey::Load(dir_.Sub("empty.key")).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(EncryptedBackupTest, WithoutAKeyABackupIsRefusedSayingHowToMakeOne) {
  auto store = Store::Open({dir_.Sub("lille"), true, nullptr}).value();
  v1::BackupInfo info;
  info.set_kind("node");
  info.set_site("lille");
  info.set_dest(dir_.Sub("backups/lille-1"));
  absl::StatusOr<v1::BackupInfo> written =
      WriteBackup(*store, {nullptr, CheckpointDirFor(dir_.Sub("lille"))}, info);
  EXPECT_EQ(written.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(written.status().message().find("comptoir-node backup-key new"),
            absl::string_view::npos)
      << written.status();
  EXPECT_FALSE(fs::exists(dir_.Sub("backups/lille-1")));
}

TEST_F(EncryptedBackupTest, ABackupNeverReplacesAFile) {
  auto store = Store::Open({dir_.Sub("lille"), true, nullptr}).value();
  v1::BackupInfo info;
  info.set_kind("node");
  info.set_site("lille");
  info.set_dest(backup_);
  const std::string before = ReadFile(backup_);
  EXPECT_EQ(
      WriteBackup(*store, {key_.get(), CheckpointDirFor(dir_.Sub("lille"))}, info).status().code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadFile(backup_), before);
}

TEST_F(EncryptedBackupTest, AManifestWhoseSiteIsAPathIsRefused) {
  // Even a well-encrypted file: the site names a restore's default directory.
  fs::create_directories(dir_.Sub("empty"));
  const std::string path = dir_.Sub("backups/odd");
  ASSERT_TRUE(EncryptDirectory(dir_.Sub("empty"), "format = 1\nkind = node\nsite = ../../etc\n",
                               *key_, path)
                  .ok());
  EXPECT_EQ(ReadBackupManifest(path).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace comptoir
