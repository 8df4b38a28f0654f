// comptoir backup FILE | comptoir hub backup FILE
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "comptoir/v1/ops.grpc.pb.h"
#include "node/cli/cli_commands.h"

namespace comptoir::cli {
namespace {

void PrintBackup(const v1::BackupInfo& info) {
  std::cout << "backup of " << info.site() << " written to " << info.dest() << " ("
            << info.bytes() << " bytes";
  if (info.kind() == "hub") {
    std::cout << ", log head " << info.log_head();
  } else {
    std::cout << ", own seq " << info.own_seq();
  }
  std::cout << "), encrypted with backup key " << info.key_id() << "\n"
            << "restore it, with the daemon stopped, by: comptoir-" << info.kind()
            << " restore --from " << info.dest() << " --backup-key <the file of key "
            << info.key_id() << "> --data <its data directory>\n";
}

// The daemon writes the backup on its own machine: a relative path is taken
// from here, which is right when both run on the same machine.
std::string Absolute(const std::string& path) {
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  return error ? path : absolute.lexically_normal().string();
}

}  // namespace

void AddOpsCommands(CLI::App& app, CLI::App& hub, const Globals& globals, int& result) {
  static std::string dest;
  for (CLI::App* parent : {&app, &hub}) {
    const bool of_hub = parent == &hub;
    CLI::App* backup = parent->add_subcommand(
        "backup", of_hub ? "Write a consistent, encrypted copy of the running hub's database "
                           "into FILE"
                         : "Write a consistent, encrypted copy of the running node's database "
                           "into FILE");
    backup->add_option("file", dest,
                       "A new file on the daemon's machine (relative: from here)")
        ->required();
    backup->callback([&globals, &result, of_hub] {
      v1::CreateBackupRequest request;
      request.set_dest(Absolute(dest));
      result = Call<v1::BackupService>(globals, of_hub ? globals.hub : globals.node,
                                       &v1::BackupService::Stub::CreateBackup, request,
                                       PrintBackup);
    });
  }
}

}  // namespace comptoir::cli
