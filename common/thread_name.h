// Names the calling thread (at most 15 characters shown), so that `top -H`,
// `perf report --sort comm` and gdb tell the daemons' threads apart.
#ifndef COMPTOIR_COMMON_THREAD_NAME_H_
#define COMPTOIR_COMMON_THREAD_NAME_H_

#include <pthread.h>

namespace comptoir {

inline void NameThisThread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_THREAD_NAME_H_
