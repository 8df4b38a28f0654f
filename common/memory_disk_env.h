// For the storage adapter only: the RocksDB environment behind a MemoryDisk.
#ifndef COMPTOIR_COMMON_MEMORY_DISK_ENV_H_
#define COMPTOIR_COMMON_MEMORY_DISK_ENV_H_

#include "common/memory_disk.h"

namespace rocksdb {
class Env;
}

namespace comptoir {

rocksdb::Env* MemoryDiskEnv(MemoryDisk& disk);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_MEMORY_DISK_ENV_H_
