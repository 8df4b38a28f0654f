#include "common/store.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/memory_disk_env.h"
#include "common/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace comptoir {
namespace {

const char* const kColumnNames[kColumnCount] = {"events", "personal", "log", "views", "meta"};

// The one converter from rocksdb::Status.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsIOError() && s.IsNoSpace()) return absl::ResourceExhaustedError(message);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return absl::UnavailableError(message);
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return absl::UnavailableError(
        absl::StrCat(message, " (is another process using this data directory?)"));
  }
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  return absl::InternalError(message);
}

}  // namespace

// A batch keeps each key's latest write once, in a hash index, so that reads
// through the batch see pending writes; Store::Write hands them to RocksDB in
// key order (the memtable inserts sorted keys fastest). Since keys are unique
// within it, applying it atomically is order-free.
struct Batch::Rep {
  struct Op {
    int column;
    std::string key;
    std::optional<std::string> value;  // nullopt: delete
  };
  // A deque never moves its elements, so the index may point into them.
  std::deque<Op> ops;
  absl::flat_hash_map<std::pair<int, absl::string_view>, Op*> index;
  size_t bytes = 0;
  const Batch* under = nullptr;  // read below this batch's own writes
  // Store::Prepare's result, written as it is (null once the ops change).
  std::unique_ptr<rocksdb::WriteBatch> prepared;

  Op& At(Column column, absl::string_view key) {
    prepared.reset();
    auto found = index.find(std::make_pair(static_cast<int>(column), key));
    if (found != index.end()) return *found->second;
    Op& op = ops.emplace_back(Op{static_cast<int>(column), std::string(key), std::nullopt});
    index.emplace(std::make_pair(op.column, absl::string_view(op.key)), &op);
    return op;
  }
};

Batch::Batch() : rep_(std::make_unique<Rep>()) {}
Batch::~Batch() = default;
Batch::Batch(Batch&&) noexcept = default;
Batch& Batch::operator=(Batch&&) noexcept = default;

int Batch::Count() const { return static_cast<int>(rep_->ops.size()); }
size_t Batch::ByteSize() const { return rep_->bytes; }

void Batch::Put(Column column, absl::string_view key, absl::string_view value) {
  rep_->bytes += key.size() + value.size();
  rep_->At(column, key).value.emplace(value);
}

void Batch::ReadThrough(const Batch* under) { rep_->under = under; }

void Batch::Delete(Column column, absl::string_view key) {
  rep_->bytes += key.size();
  rep_->At(column, key).value.reset();
}

struct Store::Rep {
  std::shared_ptr<MemoryDisk> memory_disk;  // outlives the database on it
  std::string path;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::WriteOptions write_options;

  ~Rep() {
    for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
    if (db) db->Close();
  }
};

Store::Store(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Store::~Store() = default;

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const Options& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 5;
  db_options.max_total_wal_size = 256 << 20;
  rocksdb::BlockBasedTableOptions table_options;
  table_options.whole_key_filtering = true;
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  // Memtables grow in 1 MiB blocks instead of write_buffer_size / 8 (8 MiB per
  // column family, 48 MiB on every open, mostly unused by a centre's traffic).
  cf_options.arena_block_size = 1 << 20;

  if (options.memory_disk) {
    // Simulations open thousands of small databases and copy them as a power
    // cut would (MemoryDisk::PowerLossCopy): nothing may write in the
    // background, or a copy could be torn and a seed would not replay. So no
    // flush before the (large) memtable fills, no automatic compaction, no
    // periodic task; small arena blocks, no thread per column family at open.
    db_options.env = MemoryDiskEnv(*options.memory_disk);
    db_options.stats_dump_period_sec = 0;
    db_options.stats_persist_period_sec = 0;
    db_options.info_log_level = rocksdb::InfoLogLevel::HEADER_LEVEL;
    db_options.max_file_opening_threads = 1;
    // The memory disk refuses RocksDB's OPTIONS file (common/memory_disk.cc:
    // writing it was most of an open's cost); the database opens without it.
    db_options.fail_if_options_file_error = false;
    cf_options.write_buffer_size = 64 << 20;
    cf_options.arena_block_size = 64 << 10;
    cf_options.disable_auto_compactions = true;
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (const char* name : kColumnNames) descriptors.emplace_back(name, cf_options);

  auto rep = std::make_unique<Rep>();
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("cannot open database at ", options.path));
  rep->memory_disk = options.memory_disk;
  rep->path = options.path;
  rep->db.reset(raw);
  // handles[0] is the default family, which we do not use.
  rep->db->DestroyColumnFamilyHandle(handles[0]);
  rep->handles.assign(handles.begin() + 1, handles.end());
  rep->write_options.sync = options.sync;
  return std::unique_ptr<Store>(new Store(std::move(rep)));
}

absl::Status Store::Write(Batch& batch) { return WriteWith(batch, rep_->write_options.sync); }

absl::Status Store::WriteUnsynced(Batch& batch) { return WriteWith(batch, false); }

absl::Status Store::Build(Batch& batch) const {
  // In key order within each column: the memtables take sorted keys fastest.
  std::vector<const Batch::Rep::Op*> sorted;
  sorted.reserve(batch.rep_->ops.size());
  for (const Batch::Rep::Op& op : batch.rep_->ops) sorted.push_back(&op);
  std::sort(sorted.begin(), sorted.end(), [](const Batch::Rep::Op* a, const Batch::Rep::Op* b) {
    return a->column != b->column ? a->column < b->column : a->key < b->key;
  });
  auto wb = std::make_unique<rocksdb::WriteBatch>(batch.rep_->bytes + 16 * sorted.size());
  for (const Batch::Rep::Op* op : sorted) {
    rocksdb::ColumnFamilyHandle* handle = rep_->handles[op->column];
    rocksdb::Status s = op->value.has_value() ? wb->Put(handle, op->key, *op->value)
                                              : wb->Delete(handle, op->key);
    if (!s.ok()) return FromRocks(s, "cannot build write batch");
  }
  batch.rep_->prepared = std::move(wb);
  return absl::OkStatus();
}

void Store::Prepare(Batch& batch) const {
  // Left unprepared if it fails: the write builds it again and says why.
  Build(batch).IgnoreError();
}

absl::Status Store::WriteWith(Batch& batch, bool sync) {
  rocksdb::WriteOptions options = rep_->write_options;
  options.sync = sync;
  if (batch.rep_->prepared == nullptr) RETURN_IF_ERROR(Build(batch));
  return FromRocks(rep_->db->Write(options, batch.rep_->prepared.get()), "write failed");
}

absl::StatusOr<std::optional<std::string>> Store::Get(Column column, absl::string_view key,
                                                      const Batch* batch) const {
  for (const Batch* layer = batch; layer != nullptr; layer = layer->rep_->under) {
    auto it = layer->rep_->index.find(std::make_pair(static_cast<int>(column), key));
    if (it != layer->rep_->index.end()) return it->second->value;
  }
  std::string value;
  rocksdb::Status s = rep_->db->Get(rocksdb::ReadOptions(), rep_->handles[static_cast<int>(column)],
                                    rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "read failed");
  return std::optional<std::string>(std::move(value));
}

absl::StatusOr<std::vector<std::optional<std::string>>> Store::MultiGet(
    Column column, const std::vector<std::string>& keys) const {
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  rep_->db->MultiGet(rocksdb::ReadOptions(), rep_->handles[static_cast<int>(column)], keys.size(),
                     slices.data(), values.data(), statuses.data());
  std::vector<std::optional<std::string>> found(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return FromRocks(statuses[i], "read failed");
    found[i].emplace(values[i].data(), values[i].size());
  }
  return found;
}

absl::Status Store::Scan(
    Column column, absl::string_view begin, absl::string_view end,
    const std::function<bool(absl::string_view, absl::string_view)>& visit) const {
  rocksdb::ReadOptions read_options;
  rocksdb::Slice upper(end.data(), end.size());
  if (!end.empty()) read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      rep_->db->NewIterator(read_options, rep_->handles[static_cast<int>(column)]));
  for (it->Seek(rocksdb::Slice(begin.data(), begin.size())); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    rocksdb::Slice v = it->value();
    if (!visit(absl::string_view(k.data(), k.size()), absl::string_view(v.data(), v.size()))) {
      break;
    }
  }
  return FromRocks(it->status(), "scan failed");
}

const std::string& Store::path() const { return rep_->path; }
bool Store::on_memory_disk() const { return rep_->memory_disk != nullptr; }

absl::Status Store::Expunge() {
  rocksdb::FlushOptions flush;
  flush.wait = true;
  RETURN_IF_ERROR(FromRocks(rep_->db->Flush(flush, rep_->handles), "flush failed"));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  compact.change_level = false;
  for (Column column : {Column::kPersonal, Column::kViews}) {
    RETURN_IF_ERROR(FromRocks(
        rep_->db->CompactRange(compact, rep_->handles[static_cast<int>(column)], nullptr, nullptr),
        "compaction failed"));
  }
  // Write-ahead logs retired by the flush go now, not at the next background job.
  return FromRocks(rep_->db->FlushWAL(true), "cannot sync the write-ahead log");
}

uint64_t Store::ApproximateSize() const {
  uint64_t total = 0;
  for (auto* handle : rep_->handles) {
    uint64_t size = 0;
    if (rep_->db->GetIntProperty(handle, "rocksdb.total-sst-files-size", &size)) total += size;
    if (rep_->db->GetIntProperty(handle, "rocksdb.cur-size-all-mem-tables", &size)) total += size;
  }
  return total;
}

std::vector<Store::ColumnSizes> Store::Sizes() const {
  std::vector<ColumnSizes> sizes;
  for (int i = 0; i < kColumnCount; ++i) {
    ColumnSizes column{kColumnNames[i], 0, 0, 0};
    rocksdb::ColumnFamilyHandle* handle = rep_->handles[i];
    rep_->db->GetIntProperty(handle, "rocksdb.estimate-live-data-size", &column.live_data_bytes);
    rep_->db->GetIntProperty(handle, "rocksdb.total-sst-files-size", &column.sst_files_bytes);
    rep_->db->GetIntProperty(handle, "rocksdb.cur-size-all-mem-tables", &column.memtable_bytes);
    sizes.push_back(column);
  }
  return sizes;
}

absl::Status Store::Checkpoint(const std::string& dest_dir) const {
  std::error_code error;
  if (std::filesystem::exists(dest_dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat(dest_dir, " already exists"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(rep_->db.get(), &raw);
  if (!s.ok()) return FromRocks(s, "cannot start a checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush = 0: flush every column family first, so that the copy
  // is SST files plus the WAL that makes them consistent with each other.
  s = checkpoint->CreateCheckpoint(dest_dir, /*log_size_for_flush=*/0);
  if (s.ok()) return absl::OkStatus();
  absl::Status status = FromRocks(s, absl::StrCat("cannot write a checkpoint to ", dest_dir));
  if (status.code() == absl::StatusCode::kInternal) {
    return absl::FailedPreconditionError(status.message());
  }
  return status;
}

}  // namespace comptoir
