// The simulation's end checks that look across replicas (SimWorld::Check in
// sim_world.cc runs them once the network is quiet): what each replica holds
// of every chain, stock conservation and stock figures everywhere, and family
// records.
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/family_view.h"
#include "common/routing.h"
#include "common/status_macros.h"
#include "common/transfer_view.h"
#include "tests/sim/sim_world.h"

namespace comptoir::testing {

absl::Status SimWorld::CheckReplicasOf(const std::string& origin) {
  ASSIGN_OR_RETURN(ChainHead hub_head, hub_->HeadOf(origin));
  // The parties of a transfer, as the hub knows them (answers and
  // cancellations name only the transfer).
  const TransferPartiesLookup parties =
      [this](absl::string_view id) -> std::optional<std::pair<std::string, std::string>> {
    absl::StatusOr<std::optional<v1::TransferView>> transfer = FindTransfer(hub_->store(), id);
    if (!transfer.ok() || !transfer->has_value()) return std::nullopt;
    return std::make_pair((*transfer)->source(), (*transfer)->destination());
  };
  for (Node& node : nodes_) {
    ASSIGN_OR_RETURN(ChainHead head, node.store->events().Head(origin));
    if (head.seq != hub_head.seq || head.hash != hub_head.hash) {
      return absl::InternalError(absl::StrCat(node.site, " holds ", origin, "'s chain up to ",
                                              head.seq, ", the hub up to ", hub_head.seq,
                                              head.seq == hub_head.seq ? " (another head)" : ""));
    }
  }
  for (uint64_t seq = 1; seq <= hub_head.seq; ++seq) {
    ASSIGN_OR_RETURN(std::optional<v1::EventRecord> at_hub, hub_->events().Read(origin, seq));
    if (!at_hub.has_value()) {
      return absl::DataLossError(absl::StrCat("the hub lacks ", origin, "/", seq));
    }
    v1::EventCore core;
    if (!core.ParseFromString(at_hub->core())) {
      return absl::DataLossError(absl::StrCat("the hub's ", origin, "/", seq, " does not parse"));
    }
    const Route route = RouteOf(core, parties);
    for (Node& node : nodes_) {
      ASSIGN_OR_RETURN(std::optional<v1::EventRecord> held, node.store->events().Read(origin, seq));
      const bool entitled = node.site == origin || Entitled(route, node.site);
      if (held.has_value() && held->core() != at_hub->core()) {
        return absl::InternalError(absl::StrCat(node.site, "'s copy of ", origin, "/", seq,
                                                " differs from the hub's"));
      }
      if (entitled && !held.has_value()) {
        return absl::InternalError(absl::StrCat(node.site, " is entitled to ", origin, "/", seq,
                                                " and holds only its link"));
      }
      // A centre not entitled may still hold it: an answer that reached a
      // restored hub before its proposal went to every centre (unsettled route).
      if (held.has_value()) {
        ++counts_.events_checked;
      } else {
        ++counts_.links_checked;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status SimWorld::CheckStockEverywhere() {
  RETURN_IF_ERROR(CheckConservation(hub_->store()));
  ASSIGN_OR_RETURN(Balances at_hub, ReadBalances(hub_->store()));
  auto print = [](const ProductBalance& b) {
    return absl::StrCat("donated ", b.donated, " in ", b.transferred_in, " adjusted ", b.adjusted,
                        " sold ", b.sold, " out ", b.transferred_out, " stock ", b.stock,
                        " in transit ", b.in_transit, " lost ", b.lost_in_transit);
  };
  for (Node& node : nodes_) {
    absl::Status conserved = CheckConservation(node.store->store());
    if (!conserved.ok()) {
      return absl::InternalError(absl::StrCat("at ", node.site, ": ", conserved.message()));
    }
    ASSIGN_OR_RETURN(Balances balances, ReadBalances(node.store->store()));
    // Stock movements (shipments, receipts) go to the whole network: every
    // replica's figures for every centre, and for the network, are the hub's.
    for (const auto& [site, products] : at_hub) {
      for (const auto& [product, expected] : products) {
        const ProductBalance shown = balances[site][product];
        if (print(shown) != print(expected)) {
          return absl::InternalError(absl::StrCat(
              node.site, "'s figures for ", site.empty() ? "the network" : site, "/", product, ": ",
              print(shown), "; the hub's: ", print(expected)));
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::Status SimWorld::CheckFamilies(
    const std::map<std::string, std::map<uint64_t, OwnEvent>>& confirmed) {
  // What each family's fields must hold: the edit with the greatest (hlc,
  // origin) among those at the hub, or what the family was registered with.
  struct Field {
    uint64_t hlc = 0;
    std::string origin;
    std::string value;
  };
  std::map<std::string, std::map<std::string, Field>> expected;  // family -> field -> winner
  auto offer = [&](const std::string& family, const std::string& field, uint64_t hlc,
                   const std::string& origin, const std::string& value) {
    Field& current = expected[family][field];
    if (std::tie(hlc, origin) > std::tie(current.hlc, current.origin)) {
      current = Field{hlc, origin, value};
    }
  };
  for (const Node& home : nodes_) {
    // Registered at installation (see OpenShop), early in its home's chain.
    ASSIGN_OR_RETURN(std::vector<std::string> chain, HubChain(home.site));
    bool found = false;
    for (const std::string& bytes : chain) {
      v1::EventCore core;
      if (!core.ParseFromString(bytes) || !core.has_family_registered() ||
          core.family_registered().family_id() != home.shop.family_id) {
        continue;
      }
      const std::string& family = home.shop.family_id;
      offer(family, "household", core.hlc(), home.site,
            std::to_string(core.family_registered().household_type()));
      offer(family, "postcode", core.hlc(), home.site, core.family_registered().postcode());
      offer(family, "name", core.hlc(), home.site, "Martin");
      found = true;
      break;
    }
    if (!found) return absl::InternalError(absl::StrCat("the hub lacks family ", home.shop.family_id));
  }
  for (const auto& [site, events] : confirmed) {
    for (const auto& [seq, event] : events) {
      if (event.kind != OwnEvent::kFamilyEdit) continue;
      ASSIGN_OR_RETURN(std::optional<v1::EventRecord> record, hub_->events().Read(site, seq));
      v1::EventCore core;
      if (!record.has_value() || !core.ParseFromString(record->core())) {
        return absl::DataLossError(absl::StrCat("the hub's ", site, "/", seq, " is unreadable"));
      }
      if (event.household_type) {
        offer(event.family_id, "household", core.hlc(), site, std::to_string(*event.household_type));
      }
      if (event.postcode) offer(event.family_id, "postcode", core.hlc(), site, *event.postcode);
      if (event.family_name) offer(event.family_id, "name", core.hlc(), site, *event.family_name);
    }
  }
  ASSIGN_OR_RETURN(std::vector<v1::FamilyRecord> at_hub, AllFamilies(hub_->store()));
  std::string hub_records;
  for (const v1::FamilyRecord& family : at_hub) {
    absl::StrAppend(&hub_records, family.DebugString());
    auto fields = expected.find(family.family_id());
    if (fields == expected.end()) continue;
    const std::map<std::string, std::string> shown = {
        {"household", std::to_string(family.household_type())},
        {"postcode", family.postcode()},
        {"name", family.family_name()}};
    for (const auto& [field, winner] : fields->second) {
      if (shown.at(field) != winner.value) {
        return absl::InternalError(absl::StrCat(
            "family ", family.family_id(), " holds ", field, " \"", shown.at(field),
            "\" at the hub; the latest edit (", winner.origin, ", hlc ", winner.hlc, ") set \"",
            winner.value, "\""));
      }
    }
  }
  for (Node& node : nodes_) {
    ASSIGN_OR_RETURN(std::vector<v1::FamilyRecord> held, AllFamilies(node.store->store()));
    std::string records;
    for (const v1::FamilyRecord& family : held) absl::StrAppend(&records, family.DebugString());
    if (records != hub_records) {
      return absl::InternalError(absl::StrCat(node.site, "'s family records differ from the hub's:\n",
                                              records, "hub:\n", hub_records));
    }
  }
  return absl::OkStatus();
}

}  // namespace comptoir::testing
