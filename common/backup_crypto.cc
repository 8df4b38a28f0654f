// The encrypted backup file (format in common/backup_crypto.h).
#include "common/backup_crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/secret_file.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace comptoir {
namespace {

namespace fs = std::filesystem;
using State = crypto_secretstream_xchacha20poly1305_state;

constexpr char kMagic[] = "CPTRBKUP";
constexpr size_t kMagicBytes = sizeof kMagic - 1;
constexpr uint32_t kFormat = 1;
constexpr size_t kKeyIdBytes = 8;
constexpr size_t kMaxManifestBytes = 64 * 1024;
constexpr size_t kMaxNameBytes = 255;
constexpr size_t kStreamHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr size_t kChunkOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;

void PutFixed(std::string* out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(value >> (8 * i)));
}

uint64_t GetFixed(const char* in, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = value << 8 | static_cast<unsigned char>(in[i]);
  return value;
}

// The error of a failed write or sync of `what`, by what the caller can do.
absl::Status WriteError(int error, const std::string& what) {
  const std::string text = absl::StrCat("cannot write ", what, ": ", std::strerror(error));
  if (error == ENOSPC || error == EDQUOT) return absl::ResourceExhaustedError(text);
  return absl::FailedPreconditionError(text);
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Flushes `file` to the disk. False (errno set) on failure.
bool SyncFile(std::FILE* file) { return std::fflush(file) == 0 && fsync(fileno(file)) == 0; }

bool SyncDirectory(const fs::path& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool synced = fsync(fd) == 0;
  close(fd);
  return synced;
}

// A new file, mode 0600 from the start. Null (errno set) if it exists.
File CreateFile(const fs::path& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return nullptr;
  File file(fdopen(fd, "wb"));
  if (!file) close(fd);
  return file;
}

// Encrypts the plain stream into chunks of kBackupChunkBytes on `out`.
class ChunkWriter {
 public:
  ChunkWriter(std::FILE* out, const BackupKey& key, std::string first_ad)
      : out_(out), ad_(std::move(first_ad)) {
    unsigned char header[kStreamHeaderBytes];
    crypto_secretstream_xchacha20poly1305_init_push(&state_, header, key.bytes());
    ok_ = std::fwrite(header, 1, sizeof header, out_) == sizeof header;
  }
  ~ChunkWriter() { sodium_memzero(&state_, sizeof state_); }

  void Write(absl::string_view bytes) {
    while (ok_ && !bytes.empty()) {
      const size_t take = std::min(bytes.size(), kBackupChunkBytes - plain_.size());
      plain_.append(bytes.data(), take);
      bytes.remove_prefix(take);
      if (plain_.size() == kBackupChunkBytes) Push(0);
    }
  }
  // Pushes what is left as the FINAL chunk. False (errno set) if a write failed.
  bool Finish() {
    if (ok_) Push(crypto_secretstream_xchacha20poly1305_TAG_FINAL);
    sodium_memzero(plain_.data(), plain_.size());
    return ok_;
  }

 private:
  void Push(unsigned char tag) {
    cipher_.resize(plain_.size() + kChunkOverhead);
    unsigned long long length = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &state_, cipher_.data(), &length, reinterpret_cast<const unsigned char*>(plain_.data()),
        plain_.size(), reinterpret_cast<const unsigned char*>(ad_.data()), ad_.size(), tag);
    ad_.clear();  // the header authenticates with the first chunk only
    std::string prefix;
    PutFixed(&prefix, length, 4);
    ok_ = std::fwrite(prefix.data(), 1, prefix.size(), out_) == prefix.size() &&
          std::fwrite(cipher_.data(), 1, length, out_) == length;
    plain_.clear();
  }

  std::FILE* out_;
  State state_;
  std::string ad_;
  std::string plain_;
  std::vector<unsigned char> cipher_;
  bool ok_ = false;
};

// Decrypts and checks the chunks of `in`, giving back the plain stream.
class ChunkReader {
 public:
  ChunkReader(std::FILE* in, std::string path, std::string first_ad)
      : in_(in), path_(std::move(path)), ad_(std::move(first_ad)) {}
  ~ChunkReader() {
    sodium_memzero(&state_, sizeof state_);
    sodium_memzero(plain_.data(), plain_.size());
  }

  absl::Status Start(const BackupKey& key) {
    unsigned char header[kStreamHeaderBytes];
    if (std::fread(header, 1, sizeof header, in_) != sizeof header ||
        crypto_secretstream_xchacha20poly1305_init_pull(&state_, header, key.bytes()) != 0) {
      return Damaged("its stream header is missing or damaged");
    }
    return absl::OkStatus();
  }

  // The next `n` plain bytes.
  absl::StatusOr<absl::string_view> Read(size_t n) {
    if (pos_ > 0) {
      plain_.erase(0, pos_);
      pos_ = 0;
    }
    while (plain_.size() < n) RETURN_IF_ERROR(Pull());
    pos_ = n;
    return absl::string_view(plain_.data(), n);
  }

  // OK when the plain stream ends here: the FINAL chunk read, nothing after it.
  absl::Status ExpectEnd() {
    if (plain_.size() > pos_ || !final_) return Damaged("data follows its end mark");
    if (std::fgetc(in_) != EOF) return Damaged("bytes follow its last chunk");
    return absl::OkStatus();
  }

 private:
  absl::Status Pull() {
    if (final_) return Damaged("its end mark comes before the end of its data");
    char prefix[4];
    if (std::fread(prefix, 1, sizeof prefix, in_) != sizeof prefix) {
      return Damaged("it is truncated (no end mark)");
    }
    const uint64_t length = GetFixed(prefix, 4);
    if (length < kChunkOverhead || length > kBackupChunkBytes + kChunkOverhead) {
      return Damaged(absl::StrCat("chunk ", chunk_, " has an impossible length"));
    }
    cipher_.resize(length);
    if (std::fread(cipher_.data(), 1, length, in_) != length) {
      return Damaged("it is truncated (no end mark)");
    }
    const size_t old_size = plain_.size();
    plain_.resize(old_size + length - kChunkOverhead);
    unsigned long long plain_length = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(
            &state_, reinterpret_cast<unsigned char*>(&plain_[old_size]), &plain_length, &tag,
            cipher_.data(), length, reinterpret_cast<const unsigned char*>(ad_.data()),
            ad_.size()) != 0) {
      return Damaged(absl::StrCat("chunk ", chunk_, " fails its authentication check"));
    }
    ad_.clear();
    ++chunk_;
    final_ = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    return absl::OkStatus();
  }

  absl::Status Damaged(absl::string_view why) const {
    return absl::DataLossError(absl::StrCat("the backup ", path_, " was modified or damaged: ", why,
                                            "; nothing was restored"));
  }

  std::FILE* in_;
  std::string path_;
  std::string ad_;
  State state_;
  std::string plain_;
  size_t pos_ = 0;
  std::vector<unsigned char> cipher_;
  int chunk_ = 0;
  bool final_ = false;
};

std::string EncodeHeader(const std::string& key_id_hex, absl::string_view manifest) {
  std::string header(kMagic, kMagicBytes);
  PutFixed(&header, kFormat, 4);
  unsigned char id[kKeyIdBytes];
  size_t length = 0;
  sodium_hex2bin(id, sizeof id, key_id_hex.data(), key_id_hex.size(), nullptr, &length, nullptr);
  header.append(reinterpret_cast<const char*>(id), sizeof id);
  PutFixed(&header, manifest.size(), 4);
  header.append(manifest.data(), manifest.size());
  return header;
}

// Streams the regular files of `source_dir` into `writer`.
absl::Status WriteEntries(const fs::path& source_dir, ChunkWriter& writer) {
  std::error_code error;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(source_dir, error)) {
    if (!entry.is_regular_file(error)) {
      return absl::FailedPreconditionError(
          absl::StrCat(entry.path().string(), " is not a regular file: cannot back it up"));
    }
    files.push_back(entry.path());
  }
  if (error)
    return absl::FailedPreconditionError(absl::StrCat("cannot list ", source_dir.string()));
  std::sort(files.begin(), files.end());
  std::string buffer(kBackupChunkBytes, '\0');
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    File in(std::fopen(file.c_str(), "rb"));
    struct stat info;
    if (!in || fstat(fileno(in.get()), &info) != 0) {
      return absl::FailedPreconditionError(absl::StrCat("cannot read ", file.string()));
    }
    std::string entry_header;
    PutFixed(&entry_header, name.size(), 4);
    entry_header += name;
    PutFixed(&entry_header, static_cast<uint64_t>(info.st_size), 8);
    writer.Write(entry_header);
    uint64_t left = static_cast<uint64_t>(info.st_size);
    while (left > 0) {
      const size_t got =
          std::fread(buffer.data(), 1, std::min<uint64_t>(left, buffer.size()), in.get());
      if (got == 0) {
        return absl::FailedPreconditionError(absl::StrCat(file.string(), " changed while read"));
      }
      writer.Write(absl::string_view(buffer.data(), got));
      left -= got;
    }
  }
  std::string end;
  PutFixed(&end, 0, 4);
  writer.Write(end);
  return absl::OkStatus();
}

// Reads the entries of `reader` into the files of `dest_dir`.
absl::Status ReadEntries(ChunkReader& reader, const fs::path& dest_dir, const std::string& path) {
  for (;;) {
    ASSIGN_OR_RETURN(absl::string_view prefix, reader.Read(4));
    const uint64_t name_length = GetFixed(prefix.data(), 4);
    if (name_length == 0) return reader.ExpectEnd();
    if (name_length > kMaxNameBytes) {
      return absl::DataLossError(absl::StrCat("the backup ", path, " names a file too long"));
    }
    ASSIGN_OR_RETURN(absl::string_view name_bytes, reader.Read(name_length));
    const std::string name(name_bytes);
    if (name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos) {
      return absl::DataLossError(
          absl::StrCat("the backup ", path, " names a file '", name, "' outside its database"));
    }
    ASSIGN_OR_RETURN(absl::string_view size_bytes, reader.Read(8));
    uint64_t left = GetFixed(size_bytes.data(), 8);
    const fs::path target = dest_dir / name;
    File out = CreateFile(target);
    if (!out) return WriteError(errno, target.string());
    while (left > 0) {
      ASSIGN_OR_RETURN(absl::string_view bytes,
                       reader.Read(std::min<uint64_t>(left, kBackupChunkBytes)));
      if (std::fwrite(bytes.data(), 1, bytes.size(), out.get()) != bytes.size()) {
        return WriteError(errno, target.string());
      }
      left -= bytes.size();
    }
    if (!SyncFile(out.get())) return WriteError(errno, target.string());
  }
}

}  // namespace

absl::Status EncryptDirectory(const std::string& source_dir, absl::string_view manifest,
                              const BackupKey& key, const std::string& dest) {
  std::error_code error;
  if (fs::exists(dest, error))
    return absl::AlreadyExistsError(absl::StrCat(dest, " already exists"));
  if (manifest.size() > kMaxManifestBytes) return absl::InvalidArgumentError("manifest too long");
  const std::string temporary = absl::StrCat(dest, ".tmp-", ToHex(RandomBytes(6)));
  File out = CreateFile(temporary);
  if (!out) return WriteError(errno, temporary);
  const std::string header = EncodeHeader(key.id(), manifest);
  absl::Status status = absl::OkStatus();
  if (std::fwrite(header.data(), 1, header.size(), out.get()) != header.size()) {
    status = WriteError(errno, temporary);
  }
  if (status.ok()) {
    ChunkWriter writer(out.get(), key, header);
    status = WriteEntries(source_dir, writer);
    if (status.ok() && !writer.Finish()) status = WriteError(errno, temporary);
  }
  if (status.ok() && !SyncFile(out.get())) status = WriteError(errno, temporary);
  // link() fails if `dest` appeared meanwhile: a backup never replaces a file.
  if (status.ok() && link(temporary.c_str(), dest.c_str()) != 0) {
    status = errno == EEXIST ? absl::AlreadyExistsError(absl::StrCat(dest, " already exists"))
                             : WriteError(errno, dest);
  }
  out.reset();
  unlink(temporary.c_str());
  if (status.ok() && !SyncDirectory(fs::path(dest).parent_path())) {
    status = WriteError(errno, fs::path(dest).parent_path().string());
    unlink(dest.c_str());
  }
  return status;
}

absl::StatusOr<BackupHeader> ReadBackupHeader(const std::string& path) {
  File in(std::fopen(path.c_str(), "rb"));
  char fixed[kMagicBytes + 4 + kKeyIdBytes + 4];
  if (!in || std::fread(fixed, 1, sizeof fixed, in.get()) != sizeof fixed ||
      std::memcmp(fixed, kMagic, kMagicBytes) != 0) {
    return absl::NotFoundError(
        absl::StrCat(path, " is not a Comptoir backup file: use a file made by `comptoir backup`"));
  }
  const uint64_t format = GetFixed(fixed + kMagicBytes, 4);
  if (format != kFormat) {
    return absl::DataLossError(absl::StrCat(path, " is a backup of format ", format,
                                            ", which this version cannot read (format ", kFormat,
                                            ")"));
  }
  BackupHeader header;
  header.key_id = ToHex(absl::string_view(fixed + kMagicBytes + 4, kKeyIdBytes));
  const uint64_t length = GetFixed(fixed + kMagicBytes + 4 + kKeyIdBytes, 4);
  header.manifest.resize(std::min<uint64_t>(length, kMaxManifestBytes + 1));
  if (length > kMaxManifestBytes ||
      std::fread(header.manifest.data(), 1, length, in.get()) != length) {
    return absl::DataLossError(absl::StrCat(path, " has a damaged header"));
  }
  return header;
}

absl::Status DecryptToDirectory(const std::string& path, const BackupKey& key,
                                const std::string& dest_dir) {
  ASSIGN_OR_RETURN(BackupHeader header, ReadBackupHeader(path));
  if (header.key_id != key.id()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "wrong backup key: ", path, " was encrypted with backup key ", header.key_id, ", and ",
        key.path(), " holds key ", key.id(), "; give the key file of that time (--backup-key)"));
  }
  File in(std::fopen(path.c_str(), "rb"));
  const std::string plain_header = EncodeHeader(header.key_id, header.manifest);
  if (!in || std::fseek(in.get(), static_cast<long>(plain_header.size()), SEEK_SET) != 0) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  std::error_code error;
  if (fs::exists(dest_dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat(dest_dir, " already exists"));
  }
  RETURN_IF_ERROR(MakePrivateDirectory(dest_dir));
  ChunkReader reader(in.get(), path, plain_header);
  absl::Status status = reader.Start(key);
  if (status.ok()) status = ReadEntries(reader, dest_dir, path);
  if (status.ok() && !SyncDirectory(dest_dir)) status = WriteError(errno, dest_dir);
  if (!status.ok()) fs::remove_all(dest_dir, error);
  return status;
}

}  // namespace comptoir
