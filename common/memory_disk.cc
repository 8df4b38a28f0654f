// The memory disk: RocksDB's in-memory file system (NewMemEnv) behind a
// wrapper that records, per file, how many bytes were synced.
#include "common/memory_disk.h"

#include <algorithm>
#include <map>
#include <optional>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/memory_disk_env.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace comptoir {
namespace {

// Synced length of every file written through the disk, by path.
class SyncLedger {
 public:
  void Created(const std::string& path, uint64_t synced) {
    std::lock_guard<std::mutex> lock(mu_);
    synced_[path] = synced;
  }
  void Synced(const std::string& path, uint64_t size) {
    std::lock_guard<std::mutex> lock(mu_);
    synced_[path] = size;
  }
  void Renamed(const std::string& from, const std::string& to) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = synced_.find(from);
    if (it == synced_.end()) return;
    synced_[to] = it->second;
    synced_.erase(from);
  }
  void Linked(const std::string& from, const std::string& to) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = synced_.find(from);
    if (it != synced_.end()) synced_[to] = it->second;
  }
  void Deleted(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    synced_.erase(path);
  }
  // The synced length, or nullopt for a file never written through the disk.
  std::optional<uint64_t> SyncedOf(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = synced_.find(path);
    if (it == synced_.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, uint64_t> All() const {
    std::lock_guard<std::mutex> lock(mu_);
    return synced_;
  }
  void FailSyncs(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    failing_prefix_ = prefix;
  }
  bool SyncFails(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mu_);
    return !failing_prefix_.empty() && path.rfind(failing_prefix_, 0) == 0;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> synced_;
  std::string failing_prefix_;  // MemoryDisk::FailSyncs
};

class TrackedFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string path, SyncLedger* ledger)
      : FSWritableFileOwnerWrapper(std::move(file)), path_(std::move(path)), ledger_(ledger) {}

  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    return Recorded(target()->Sync(options, dbg), options, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    return Recorded(target()->Fsync(options, dbg), options, dbg);
  }

 private:
  // After a sync: what the file holds now is on the disk.
  rocksdb::IOStatus Recorded(rocksdb::IOStatus synced, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) {
    if (ledger_->SyncFails(path_)) {
      return rocksdb::IOStatus::IOError("memory disk: sync failed (MemoryDisk::FailSyncs)", path_);
    }
    if (synced.ok()) ledger_->Synced(path_, target()->GetFileSize(options, dbg));
    return synced;
  }

  const std::string path_;
  SyncLedger* ledger_;
};

// RocksDB's record of a database's settings ("OPTIONS-000007", written first
// as "OPTIONS-000007.dbtmp"), for tools such as ldb: it is never read to open
// a database. Writing one at every open (serialising every option of every
// column family, then parsing it back to verify it) cost most of a simulated
// open, so the memory disk refuses it; RocksDB then opens without it (see
// Store::Open, fail_if_options_file_error).
bool IsOptionsFile(const std::string& path) {
  const size_t slash = path.rfind('/');
  return path.compare(slash == std::string::npos ? 0 : slash + 1, 8, "OPTIONS-") == 0;
}

class TrackingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  TrackingFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target, SyncLedger* ledger)
      : FileSystemWrapper(target), ledger_(ledger) {}
  const char* Name() const override { return "ComptoirMemoryDisk"; }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    if (IsOptionsFile(path)) {
      return rocksdb::IOStatus::NotSupported("the memory disk keeps no OPTIONS file", path);
    }
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->NewWritableFile(path, options, &file, dbg);
    if (!s.ok()) return s;
    ledger_->Created(path, 0);
    *result = std::make_unique<TrackedFile>(std::move(file), path, ledger_);
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->ReopenWritableFile(path, options, &file, dbg);
    if (!s.ok()) return s;
    // What the file held before is as durable as it was.
    if (!ledger_->SyncedOf(path).has_value()) {
      ledger_->Created(path, file->GetFileSize(rocksdb::IOOptions(), dbg));
    }
    *result = std::make_unique<TrackedFile>(std::move(file), path, ledger_);
    return s;
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& path, const std::string& old_path,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->ReuseWritableFile(path, old_path, options, &file, dbg);
    if (!s.ok()) return s;
    ledger_->Deleted(old_path);
    ledger_->Created(path, 0);
    *result = std::make_unique<TrackedFile>(std::move(file), path, ledger_);
    return s;
  }
  rocksdb::IOStatus DeleteFile(const std::string& path, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->DeleteFile(path, options, dbg);
    if (s.ok()) ledger_->Deleted(path);
    return s;
  }
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->RenameFile(from, to, options, dbg);
    if (s.ok()) ledger_->Renamed(from, to);
    return s;
  }
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->LinkFile(from, to, options, dbg);
    if (s.ok()) ledger_->Linked(from, to);
    return s;
  }

 private:
  SyncLedger* ledger_;
};

std::string Join(const std::string& dir, const std::string& name) {
  return (!dir.empty() && dir.back() == '/') ? dir + name : absl::StrCat(dir, "/", name);
}

absl::Status FromIo(const rocksdb::IOStatus& s, const std::string& what) {
  if (s.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

}  // namespace

struct MemoryDisk::Rep {
  SyncLedger ledger;
  std::unique_ptr<rocksdb::Env> memory_env;
  std::shared_ptr<TrackingFileSystem> file_system;
  std::unique_ptr<rocksdb::Env> env;
};

rocksdb::Env* MemoryDiskEnv(MemoryDisk& disk) { return disk.rep().env.get(); }

MemoryDisk::MemoryDisk() : rep_(std::make_unique<Rep>()) {
  rep_->memory_env.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  rep_->file_system =
      std::make_shared<TrackingFileSystem>(rep_->memory_env->GetFileSystem(), &rep_->ledger);
  rep_->env = rocksdb::NewCompositeEnv(rep_->file_system);
}

MemoryDisk::~MemoryDisk() = default;

void MemoryDisk::FailSyncs(const std::string& prefix) { rep_->ledger.FailSyncs(prefix); }

absl::Status MemoryDisk::PowerLossCopy(const std::string& from_dir, const std::string& to_dir) {
  rocksdb::FileSystem* fs = rep_->file_system.get();
  const rocksdb::IOOptions io;
  std::vector<std::string> names;
  if (auto s = fs->GetChildren(from_dir, io, &names, nullptr); !s.ok()) {
    return FromIo(s, absl::StrCat("cannot list ", from_dir));
  }
  if (auto s = fs->CreateDirIfMissing(to_dir, io, nullptr); !s.ok()) {
    return FromIo(s, absl::StrCat("cannot create ", to_dir));
  }
  for (const std::string& name : names) {
    // The lock belongs to the process holding the database, not to its data.
    if (name == "." || name == ".." || name == "LOCK") continue;
    const std::string from = Join(from_dir, name);
    uint64_t size = 0;
    if (!fs->GetFileSize(from, io, &size, nullptr).ok()) continue;  // not a file
    const uint64_t keep = std::min(size, rep_->ledger.SyncedOf(from).value_or(size));
    std::unique_ptr<rocksdb::FSSequentialFile> in;
    if (auto s = fs->NewSequentialFile(from, rocksdb::FileOptions(), &in, nullptr); !s.ok()) {
      return FromIo(s, absl::StrCat("cannot read ", from));
    }
    std::string bytes(keep, '\0');
    rocksdb::Slice read;
    if (auto s = in->Read(keep, io, &read, bytes.data(), nullptr); !s.ok()) {
      return FromIo(s, absl::StrCat("cannot read ", from));
    }
    std::unique_ptr<rocksdb::FSWritableFile> out;
    const std::string to = Join(to_dir, name);
    if (auto s = fs->NewWritableFile(to, rocksdb::FileOptions(), &out, nullptr); !s.ok()) {
      return FromIo(s, absl::StrCat("cannot write ", to));
    }
    rocksdb::IOStatus s = out->Append(read, io, nullptr);
    if (s.ok()) s = out->Sync(io, nullptr);
    if (s.ok()) s = out->Close(io, nullptr);
    if (!s.ok()) return FromIo(s, absl::StrCat("cannot write ", to));
  }
  return absl::OkStatus();
}

absl::Status MemoryDisk::DeleteAll(const std::string& prefix) {
  for (const auto& [path, synced] : rep_->ledger.All()) {
    if (path.compare(0, prefix.size(), prefix) != 0) continue;
    rocksdb::IOStatus s = rep_->file_system->DeleteFile(path, rocksdb::IOOptions(), nullptr);
    if (s.IsNotFound() || s.IsPathNotFound()) {
      rep_->ledger.Deleted(path);  // gone already (an old info log RocksDB renamed over)
      continue;
    }
    if (!s.ok()) return FromIo(s, absl::StrCat("cannot delete ", path));
  }
  return absl::OkStatus();
}

size_t MemoryDisk::UnsyncedBytes() const {
  size_t unsynced = 0;
  for (const auto& [path, synced] : rep_->ledger.All()) {
    uint64_t size = 0;
    if (rep_->file_system->GetFileSize(path, rocksdb::IOOptions(), &size, nullptr).ok() &&
        size > synced) {
      unsynced += size - synced;
    }
  }
  return unsynced;
}

}  // namespace comptoir
