// comptoir family export CARD [--html FILE] [--json FILE] [--force]
//
// A household's right of access (GDPR Article 15): what the node holds about
// it, written as a printable French document and as JSON (the protobuf JSON
// mapping of FamilyExport, as the web till's API gives it). Both files hold
// personal data: they are created readable by their owner only (0600), never
// replace an existing file unless --force, and the command says where they
// are and that they are to be handed over, then deleted.
#include <sys/stat.h>

#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/secret_file.h"
#include "comptoir/v1/till.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "node/cli/cli_commands.h"

namespace comptoir::cli {
namespace {

struct ExportFiles {
  std::string html;
  std::string json;
};

// The JSON the web till offers for the same household, indented for people.
std::string ExportJson(v1::FamilyExport held) {
  held.clear_html();
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(held, &json, options);
  return json;
}

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

std::string Absolute(const std::string& path) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  return error ? path : absolute.string();
}

int Export(const Globals& globals, const std::string& card, ExportFiles files, bool force) {
  if (files.html.empty() && files.json.empty()) {  // both, named after the card, here
    const std::string name = absl::StrCat("foyer-", absl::AsciiStrToUpper(card));
    files = {name + ".html", name + ".json"};
  }
  // Refused before asking the node: nothing personal is fetched for nothing.
  for (const std::string* path : {&files.html, &files.json}) {
    if (!path->empty() && Exists(*path) && !force) {
      return Usage(absl::StrCat("le fichier ", *path,
                                " existe déjà : choisissez un autre nom, ou ajoutez --force "
                                "pour le remplacer."));
    }
  }
  auto stub = v1::TillService::NewStub(Connect(globals.node));
  grpc::ClientContext context;
  SetDeadline(&context, globals);
  AttachSession(&context, globals, globals.node);
  v1::ExportFamilyRequest request;
  request.set_family_id(card);
  request.set_html(!files.html.empty());
  v1::FamilyExport held;
  grpc::Status status = stub->ExportFamily(&context, request, &held);
  if (!status.ok()) return Fail(status, globals.node);

  std::string written;
  for (const auto& [path, contents, what] :
       {std::tuple{files.html, held.html(), "document à imprimer ou à remettre"},
        std::tuple{files.json, ExportJson(held), "les mêmes données en JSON"}}) {
    if (path.empty()) continue;
    absl::Status saved = WriteSecretFile(path, contents);  // mode 0600 from the start
    if (!saved.ok()) {
      std::fprintf(stderr, "erreur : impossible d'écrire %s : %s\n", path.c_str(),
                   std::string(saved.message()).c_str());
      return 1;
    }
    absl::StrAppend(&written, "  ", Absolute(path), " (", what, ")\n");
  }
  std::cout << "Données détenues sur le foyer " << held.family_id() << " écrites dans :\n"
            << written
            << "Ces fichiers contiennent des données personnelles (lisibles par vous seul) : "
               "remettez-les au foyer, puis supprimez-les.\n";
  return 0;
}

}  // namespace

void AddFamilyExportCommand(CLI::App& family, const Globals& globals, int& result) {
  static std::string card;
  static ExportFiles files;
  static bool force = false;
  CLI::App* command = family.add_subcommand(
      "export",
      "Everything this centre holds about a household (right of access), as a French document "
      "and JSON; coordinators and head office");
  command->add_option("card", card, "Card id")->required();
  command->add_option("--html", files.html,
                      "Write the printable French document here (default, with neither "
                      "option: foyer-CARD.html and foyer-CARD.json in this directory)");
  command->add_option("--json", files.json, "Write the data as JSON here");
  command->add_flag("--force", force, "Replace files that already exist");
  command->callback([&] { result = Export(globals, card, files, force); });
}

}  // namespace comptoir::cli
