// Helpers shared by the tests: temporary directories, free ports, child
// processes, and waiting for a condition with a deadline (never a bare sleep).
#ifndef COMPTOIR_TESTS_TESTING_TEST_UTIL_H_
#define COMPTOIR_TESTS_TESTING_TEST_UTIL_H_

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace comptoir::testing {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (for a server that must
// be given its port before it starts, such as a hub that nodes wait for).
int PickFreePort();

// Polls `condition` (every few milliseconds) until it holds or `timeout`
// passes; returns whether it held. Waiting on a condition is not sleeping to
// hide a race: the condition is what the test asserts.
bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout);

// A child process. Its stdout and stderr go to `log_path` (appended).
// The destructor kills it (SIGKILL) if still running, and it is killed too if
// the test process dies first (PR_SET_PDEATHSIG), so no test leaves a daemon behind.
class Subprocess {
 public:
  Subprocess(std::vector<std::string> argv, std::string log_path);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Starts the process; false if it could not be started.
  bool Start();
  // Sends `signal` and waits; returns the exit status as from waitpid (or -1).
  int Stop(int signal);
  // If the process has exited, reaps it and returns true with its status (as
  // from waitpid); false while it runs.
  bool Exited(int* status);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  std::vector<std::string> argv_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// Reads a whole file ("" if missing).
std::string ReadFile(const std::string& path);

}  // namespace comptoir::testing

#endif  // COMPTOIR_TESTS_TESTING_TEST_UTIL_H_
