// comptoir-generate: plays a seeded, realistic period of activity through the
// real till API of one or more centres syncing with a running hub, so that a
// network can be tried (and its statistics checked) on lifelike data.
//
//   comptoir-generate --hub 127.0.0.1:7400 --data demo --sites hem,lille
//       --from 2026-01-01 --days 365 --families 60 --seed 1 --expect expected.json
//
// The centres' databases are created under --data/<site>; serve them with
// `comptoir-node --site <site> --data <dir>/<site>` afterwards. --expect writes
// the network report the hub should give for the whole period (ground truth).
#include <fstream>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_split.h"
#include "common/civil_day.h"
#include "google/protobuf/util/json_util.h"
#include "tests/generator/expected_stats.h"
#include "tests/generator/play_network.h"

int main(int argc, char** argv) {
  CLI::App app{"comptoir-generate: a seeded period of activity played through real tills"};
  comptoir::generator::ActivityOptions activity;
  comptoir::generator::NetworkOptions network;
  std::string sites = "hem";
  std::string expect_path;
  network.hub_address = "127.0.0.1:7400";
  app.add_option("--hub", network.hub_address, "Hub to sync with")->capture_default_str();
  app.add_option("--hub-admin", network.hub_admin_address,
                 "The hub administrator's socket, to read its status (unix:<hub data>/comptoir.sock)");
  app.add_option("--data", network.dir, "Directory for the centres' databases")->required();
  app.add_option("--sites", sites, "Centres, comma-separated")->capture_default_str();
  app.add_option("--token-dir", network.token_dir,
                 "Directory holding each centre's credential as <dir>/<site>");
  app.add_option("--seed", activity.seed, "Same seed, same activity")->capture_default_str();
  app.add_option("--from", activity.first_day, "First day played")->capture_default_str();
  app.add_option("--days", activity.days, "Days played")->capture_default_str();
  app.add_option("--families", activity.families_per_site, "Families per centre")
      ->capture_default_str();
  app.add_option("--roaming", activity.roaming_share, "Share of families shopping elsewhere too")
      ->capture_default_str();
  app.add_option("--offline-site", activity.offline_site, "A centre cut off for a while");
  app.add_option("--offline-from", activity.offline_from, "Day index the cut starts");
  app.add_option("--offline-days", activity.offline_days, "Length of the cut in days");
  app.add_option("--expect", expect_path, "Write the expected whole-period report (JSON) here");
  CLI11_PARSE(app, argc, argv);
  network.sites = absl::StrSplit(sites, ',', absl::SkipEmpty());

  absl::StatusOr<comptoir::generator::Facts> facts =
      comptoir::generator::PlayNetwork(activity, network);
  if (!facts.ok()) {
    std::cerr << "error: " << facts.status().message() << "\n";
    return 1;
  }
  size_t voided = 0;
  for (const auto& sale : facts->sales) voided += sale.voided;
  std::cout << "played " << activity.days << " days from " << activity.first_day << " at "
            << sites << ": " << facts->families.size() << " families, " << facts->sales.size()
            << " sales (" << voided << " voided)\n";
  if (!expect_path.empty()) {
    const std::string last = *comptoir::AddDays(activity.first_day, activity.days - 1);
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    // As `comptoir --json` prints it, so that the two compare directly.
    options.always_print_primitive_fields = true;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(
        comptoir::generator::ExpectedRow(*facts, activity.first_day, last, ""), &json, options);
    std::ofstream(expect_path) << json;
    std::cout << "expected report for " << activity.first_day << ".." << last << " in "
              << expect_path << "\n";
  }
  return 0;
}
