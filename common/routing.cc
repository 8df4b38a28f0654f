#include "common/routing.h"

#include <algorithm>

#include "common/keys.h"

namespace comptoir {
namespace {

constexpr char kRoutedTag = '\x01';

}  // namespace

// The routing table. What each kind's audience is and why, read from what the
// views and tills of a centre use of other centres' events (common/*_view.cc,
// node/till_*.cc, node/sale_pricing.cc).
Audience AudienceOf(v1::EventCore::BodyCase body) {
  switch (body) {
    // Sales: network-wide, although head office alone needs the lines. A
    // family's monthly ceiling is checked at whichever centre it shops, from
    // the spending every centre's sales add up (family_view AddSpending, fed by
    // SaleRecorded.family_total_cents and day, reversed by SaleVoided); and a
    // sale takes units out of the selling centre's lots, which the surplus and
    // needs lists of every centre read. Withholding the lines would need the
    // spending and the stock movement in a separate network-wide event, a
    // change of the sale's schema not made here. The till note (personal part)
    // does stay at the centre and the hub.
    case v1::EventCore::kSaleRecorded:
    case v1::EventCore::kSaleVoided:
    // Families and referrals: any centre's till must recognise a family and
    // know its rights (a referral covering today) and its ceiling, offline.
    case v1::EventCore::kFamilyRegistered:
    case v1::EventCore::kFamilyUpdated:
    case v1::EventCore::kReferralGranted:
    case v1::EventCore::kReferralRenewed:
    case v1::EventCore::kReferralEnded:
    // An erasure: every replica that may hold the household's personal parts
    // must drop them, offline ones when they come back.
    case v1::EventCore::kFamilyErased:
    // Network configuration and the catalogue (a centre's local products too:
    // they can be transferred, and lists name them): prices and discounts.
    case v1::EventCore::kDepartmentDefined:
    case v1::EventCore::kProductDefined:
    case v1::EventCore::kPrescriberDefined:
    case v1::EventCore::kDonorDefined:
    // Stock summaries: the surplus list shows other centres' lots, the needs
    // list compares their stock with their minimum, the donors' report at
    // every till sums gifts per centre.
    case v1::EventCore::kStockReceived:
    case v1::EventCore::kStockAdjusted:
    case v1::EventCore::kSurplusMarked:
    case v1::EventCore::kMinimumSet:
    // A transfer's shipment and reception move stock: units leave the
    // source's lots and arrive in the destination's (transfer_view.cc folds
    // them from the event alone). Every centre's surplus and needs lists read
    // those figures, so the movement is network-wide, like a stock receipt.
    // Neither carries anything of the negotiation.
    case v1::EventCore::kTransferShipped:
    case v1::EventCore::kTransferReceived:
    // Every till lists the network's workshops, so that a volunteer can point
    // a family to one at another centre.
    case v1::EventCore::kWorkshopScheduled:
    // People's accounts, their roles and password hashes (Argon2id, never a
    // password): a volunteer may log in at any centre, while it is offline.
    case v1::EventCore::kAccountCreated:
    case v1::EventCore::kAccountChanged:
    case v1::EventCore::kPasswordSet:
      return Audience::kNetwork;

    // A transfer's negotiation (what is asked or offered, the note, the
    // answer and its reason, a cancellation): only the source and the
    // destination act on it.
    case v1::EventCore::kTransferProposed:
    case v1::EventCore::kTransferAnswered:
    case v1::EventCore::kTransferCancelled:
      return Audience::kParties;

    // Who registered for and attended which workshop is a family's story, not
    // its rights; only the organising centre records and reads seats (the
    // till refuses them elsewhere), and head office counts attendance. Other
    // centres see the workshop without its seats.
    case v1::EventCore::kWorkshopRegistered:
    case v1::EventCore::kWorkshopAttended:
    // Head office's budget figures: only the hub's statistics use them.
    case v1::EventCore::kRunningCostsSet:
      return Audience::kOriginAndHub;

    // A kind this build does not know: see routing.h.
    case v1::EventCore::BODY_NOT_SET:
      return Audience::kNetwork;
  }
  return Audience::kNetwork;
}

// Where personal parts go, beyond the origin and the hub (see routing.h).
PersonalAudience PersonalAudienceOf(v1::EventCore::BodyCase body) {
  switch (body) {
    // Names: any centre's till must recognise the household at the counter.
    case v1::EventCore::kFamilyRegistered:
    case v1::EventCore::kFamilyUpdated:
      return PersonalAudience::kWithCore;
    // A transfer's note, the reason of a refusal or a cancellation, and why
    // what arrived differs from what was shipped: written by one party for
    // the other. The reception itself goes to the whole network (it moves
    // stock), its reasons only to the source and the destination.
    case v1::EventCore::kTransferProposed:
    case v1::EventCore::kTransferAnswered:
    case v1::EventCore::kTransferCancelled:
    case v1::EventCore::kTransferReceived:
      return PersonalAudience::kParties;
    // A void's reason, a stock adjustment's comment, a referral's project or
    // end reason: the centre's own business, and head office's.
    default:
      return PersonalAudience::kNone;
  }
}

Route RouteOf(const v1::EventCore& core, const TransferPartiesLookup& parties) {
  Route route;
  route.audience = AudienceOf(core.body_case());
  route.personal = PersonalAudienceOf(core.body_case());
  route.settled = core.body_case() != v1::EventCore::BODY_NOT_SET;
  if (route.audience != Audience::kParties && route.personal != PersonalAudience::kParties) {
    return route;
  }
  // Only well-formed site ids (at most 32 characters): nothing else can sync.
  auto named = [&](const std::string& source, const std::string& destination) {
    for (const std::string* site : {&source, &destination}) {
      if (IsValidSiteId(*site)) route.parties.push_back(*site);
    }
  };
  switch (core.body_case()) {
    case v1::EventCore::kTransferProposed:
      named(core.transfer_proposed().source(), core.transfer_proposed().destination());
      break;
    case v1::EventCore::kTransferAnswered:
    case v1::EventCore::kTransferCancelled: {
      const std::string& id = core.has_transfer_answered() ? core.transfer_answered().transfer_id()
                                                           : core.transfer_cancelled().transfer_id();
      std::optional<std::pair<std::string, std::string>> known =
          parties ? parties(id) : std::nullopt;
      if (known.has_value()) named(known->first, known->second);
      break;
    }
    case v1::EventCore::kTransferReceived:
      named(core.transfer_received().source(), core.transfer_received().destination());
      break;
    default:
      break;
  }
  if (route.audience != Audience::kParties) {
    // A reception: network-wide; without named parties its reasons stay.
    if (route.parties.empty()) route.personal = PersonalAudience::kNone;
    return route;
  }
  if (route.parties.empty()) {
    route.audience = Audience::kNetwork;
    route.settled = false;
  }
  return route;
}

bool Entitled(const Route& route, absl::string_view site) {
  switch (route.audience) {
    case Audience::kNetwork:
      return true;
    case Audience::kParties:
      return std::find(route.parties.begin(), route.parties.end(), site) != route.parties.end();
    case Audience::kOriginAndHub:
      return false;
  }
  return true;
}

bool PersonalEntitled(const Route& route, absl::string_view site) {
  switch (route.personal) {
    case PersonalAudience::kNone:
      return false;
    case PersonalAudience::kWithCore:
      return Entitled(route, site);
    case PersonalAudience::kParties:
      return Entitled(route, site) &&
             std::find(route.parties.begin(), route.parties.end(), site) != route.parties.end();
  }
  return false;
}

std::string EncodeLogValue(absl::string_view origin, uint64_t seq, const Route& route) {
  std::string value;
  if (route.settled) {
    value.push_back(kRoutedTag);
    value.push_back(static_cast<char>(route.audience));
    value.push_back(static_cast<char>(route.personal));
    value.push_back(static_cast<char>(route.parties.size()));
    for (const std::string& party : route.parties) {
      value.push_back(static_cast<char>(party.size()));
      value += party;
    }
  }
  value += EventKey(origin, seq);
  return value;
}

std::optional<LogValue> DecodeLogValue(absl::string_view value) {
  LogValue decoded;
  if (!value.empty() && value[0] == kRoutedTag) {
    if (value.size() < 4) return std::nullopt;
    Route route;
    const uint8_t audience = static_cast<uint8_t>(value[1]);
    if (audience < 1 || audience > 3) return std::nullopt;
    route.audience = static_cast<Audience>(audience);
    const uint8_t personal = static_cast<uint8_t>(value[2]);
    if (personal > 2) return std::nullopt;
    route.personal = static_cast<PersonalAudience>(personal);
    const size_t count = static_cast<uint8_t>(value[3]);
    size_t at = 4;
    for (size_t i = 0; i < count; ++i) {
      if (at >= value.size()) return std::nullopt;
      const size_t size = static_cast<uint8_t>(value[at++]);
      if (at + size > value.size()) return std::nullopt;
      route.parties.emplace_back(value.substr(at, size));
      at += size;
    }
    value.remove_prefix(at);
    decoded.route = std::move(route);
  }
  if (!ParseEventKey(value, &decoded.origin, &decoded.seq)) return std::nullopt;
  return decoded;
}

}  // namespace comptoir
