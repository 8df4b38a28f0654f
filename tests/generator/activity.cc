#include "tests/generator/activity.h"

#include <algorithm>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/civil_day.h"
#include "common/money.h"
#include "common/status_macros.h"
#include "node/notice.h"

namespace comptoir::generator {

namespace {

constexpr int64_t kDayMillis = 86'400'000;
// Departments and discounts of the network's defaults (common/network_defaults.cc).
constexpr uint32_t kGroceryBp = 8000, kClothesBp = 8000, kHairBp = 7000;

const char* const kPrescribers[] = {"ccas-hem", "ccas-roubaix", "ccas-lys-lez-lannoy"};
const char* const kDonors[] = {"fondation-kiabi", "fondation-carrefour", "leclerc"};
const char* const kBands[] = {"0-150", "150-300", "300-450", ""};
// Shaped like the seed document's Hem figures: two households in three are
// single parents; two in three live on benefits or have no income, one in
// four on a pension, invalidity or low wages.
const v1::HouseholdType kTypes[] = {
    v1::SINGLE_PARENT,         v1::SINGLE_PARENT, v1::SINGLE_PARENT, v1::SINGLE_PARENT,
    v1::SINGLE_PARENT,         v1::SINGLE_PARENT, v1::SINGLE_PARENT, v1::SINGLE_PARENT,
    v1::COUPLE_WITH_CHILDREN,  v1::COUPLE_WITH_CHILDREN, v1::SINGLE_PERSON,
    v1::COUPLE_WITHOUT_CHILDREN};
const v1::IncomeSource kBenefits[] = {v1::RSA, v1::RSA, v1::AAH, v1::UNEMPLOYMENT_BENEFIT,
                                      v1::NO_INCOME};
const v1::IncomeSource kEarned[] = {v1::WAGES, v1::PENSION, v1::INVALIDITY};

struct Product {
  std::string id;
  std::string department;
  int64_t price_cents;
  uint32_t discount_bp;
};

struct SiteState {
  Till* till = nullptr;
  std::map<std::string, int64_t> stock;  // units the generator knows are on the shelves
  std::vector<Product> grocery;
  Product clothes;
  Product haircut;
  Product yogurt;
  std::string yogurt_lot;
  struct Session {
    std::string workshop_id;
    std::string day;
    std::vector<std::pair<std::string, uint32_t>> seats;
  };
  std::vector<Session> sessions;
};

struct Family {
  std::string id;
  std::string home;
  std::string roams_to;  // another centre, or empty
  int join = 0;          // day index
  int stop = 0;          // day index after the last visit
  double visit_chance = 0;
  std::string referral_id;
  std::string referral_end;
  int registered_before_settle = -1;  // day of the settle that made it known everywhere
  std::vector<uint32_t> members;
};

struct Transfer {
  std::string id;
  std::string source;
  std::string destination;
  std::string product;
  int stage = 0;  // 0 proposed, 1 accepted, 2 shipped, 3 done
  int64_t shipped = 0;
};

class Player {
 public:
  Player(const ActivityOptions& options, const std::map<std::string, Till*>& tills,
         const NetworkHooks& hooks)
      : options_(options), hooks_(hooks), random_(options.seed) {
    for (const auto& [site, till] : tills) {
      sites_[site].till = till;
      site_ids_.push_back(site);
    }
  }

  absl::StatusOr<Facts> Run() {
    SetDay(0);
    for (const std::string& site : site_ids_) RETURN_IF_ERROR(SetUpSite(site));
    PlanFamilies();
    for (int d = 0; d < options_.days; ++d) {
      SetDay(d);
      RETURN_IF_ERROR(PlayDay(d));
    }
    if (!options_.offline_site.empty()) RETURN_IF_ERROR(SetOnline(options_.offline_site, true));
    RETURN_IF_ERROR(hooks_.settle(site_ids_));
    return std::move(facts_);
  }

 private:
  // --- time and randomness ---
  void SetDay(int d) {
    day_index_ = d;
    day_ = *AddDays(options_.first_day, d);
    now_ms_ = static_cast<int64_t>(*DayNumber(day_)) * kDayMillis + 9 * 3'600'000;
    hooks_.set_time(now_ms_);
  }
  // Each till command happens a little after the previous one.
  void Tick() { hooks_.set_time(now_ms_ += 200); }
  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(random_) < p; }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[static_cast<size_t>(Uniform(0, static_cast<int>(N) - 1))];
  }

  void Count(const std::string& site, const std::string& day, const char* metric,
             const std::string& label, int64_t value) {
    facts_.counts.push_back(FactCount{site, day, metric, label, value});
  }

  bool Offline(const std::string& site) const { return offline_.count(site) > 0; }

  absl::Status SetOnline(const std::string& site, bool online) {
    if (online) {
      offline_.erase(site);
    } else {
      offline_.insert(site);
    }
    return hooks_.set_online(site, online);
  }

  // --- set-up ---
  absl::StatusOr<Product> Define(Till& till, const std::string& name, const std::string& department,
                                 int64_t price, uint32_t discount_bp) {
    Tick();
    v1::DefineLocalProductRequest request;
    request.set_name(name);
    request.set_department(department);
    request.set_reference_price_cents(price);
    ASSIGN_OR_RETURN(v1::Product product, till.DefineLocalProduct(request));
    return Product{product.product_id(), department, price, discount_bp};
  }

  absl::StatusOr<std::string> Receive(const std::string& site, const Product& product,
                                      int64_t quantity, const std::string& donor,
                                      v1::ExpiryKind kind, const std::string& expiry) {
    Tick();
    v1::ReceiveStockRequest request;
    request.set_product_id(product.id);
    request.set_quantity(quantity);
    request.set_donor_id(donor);
    request.set_expiry_kind(kind);
    request.set_expiry_day(expiry);
    ASSIGN_OR_RETURN(v1::Lot lot, sites_[site].till->ReceiveStock(request));
    if (kind != v1::DLC) sites_[site].stock[product.id] += quantity;
    Count(site, day_, "donation_lots", donor, 1);
    Count(site, day_, "donation_units", donor, quantity);
    Count(site, day_, "donation_reference_cents", donor, quantity * product.price_cents);
    return lot.lot_id();
  }

  absl::Status SetUpSite(const std::string& site) {
    SiteState& state = sites_[site];
    Till& till = *state.till;
    const std::pair<const char*, int64_t> groceries[] = {
        {"Riz 1 kg", 189}, {"Lait 1 L", 99}, {"Pâtes 500 g", 117}, {"Huile 1 L", 349},
        {"Café 250 g", 333}};
    for (const auto& [name, price] : groceries) {
      ASSIGN_OR_RETURN(Product product, Define(till, name, "epicerie", price, kGroceryBp));
      state.grocery.push_back(product);
      RETURN_IF_ERROR(
          Receive(site, product, 2000, "leclerc", v1::EXPIRY_KIND_UNSPECIFIED, "").status());
    }
    ASSIGN_OR_RETURN(state.clothes, Define(till, "Pull enfant", "pret-a-porter", 1299, kClothesBp));
    RETURN_IF_ERROR(Receive(site, state.clothes, 300, "fondation-kiabi",
                            v1::EXPIRY_KIND_UNSPECIFIED, "")
                        .status());
    ASSIGN_OR_RETURN(state.haircut, Define(till, "Coupe", "coiffure", 1500, kHairBp));
    ASSIGN_OR_RETURN(state.yogurt, Define(till, "Yaourts x4", "epicerie", 179, kGroceryBp));
    return absl::OkStatus();
  }

  void PlanFamilies() {
    for (const std::string& site : site_ids_) {
      for (int i = 0; i < options_.families_per_site; ++i) {
        Family family;
        family.home = site;
        // Most families join in the first months, some all through the period.
        family.join = Chance(0.5) ? Uniform(0, options_.days / 6)
                                  : Uniform(0, std::max(0, options_.days - 2));
        // Many families come for a few months only (the seed document: 346
        // welcomed in a year, 84 still coming).
        family.stop = Chance(0.7) ? Uniform(family.join + 1, options_.days) : options_.days;
        family.visit_chance = std::uniform_real_distribution<double>(0.02, 0.15)(random_);
        if (site_ids_.size() > 1 && site != options_.offline_site && Chance(options_.roaming_share)) {
          std::string other = site;
          while (other == site || other == options_.offline_site) {
            other = site_ids_[static_cast<size_t>(Uniform(0, static_cast<int>(site_ids_.size()) - 1))];
            if (site_ids_.size() == 2 && options_.offline_site == other) break;
          }
          if (other != site && other != options_.offline_site) family.roams_to = other;
        }
        families_.push_back(family);
      }
    }
  }

  // --- one day ---
  absl::Status PlayDay(int d) {
    if (!options_.offline_site.empty()) {
      if (d == options_.offline_from) RETURN_IF_ERROR(SetOnline(options_.offline_site, false));
      if (d == options_.offline_from + options_.offline_days && options_.offline_days > 0) {
        RETURN_IF_ERROR(SetOnline(options_.offline_site, true));
      }
    }
    if (d % 7 == 0) RETURN_IF_ERROR(Settle());
    for (Family& family : families_) {
      if (family.join == d) RETURN_IF_ERROR(Register(family));
    }
    for (Family& family : families_) {
      if (d <= family.join || d >= family.stop || !Chance(family.visit_chance)) continue;
      std::string site = family.home;
      if (!family.roams_to.empty() && family.registered_before_settle >= 0 && Chance(0.3) &&
          !Offline(family.roams_to) && synced_referral_end_[family.id] >= day_) {
        site = family.roams_to;
      }
      if (site == family.home && family.referral_end < day_) RETURN_IF_ERROR(Renew(family));
      RETURN_IF_ERROR(Visit(family, site));
    }
    for (Family& family : families_) {
      if (d > family.join && d < family.stop && Chance(0.002)) RETURN_IF_ERROR(Update(family));
    }
    for (const std::string& site : site_ids_) {
      if (d % 7 == 3) {
        for (int lots = Uniform(1, 3); lots > 0; --lots) {
          const Product& product = sites_[site].grocery[static_cast<size_t>(Uniform(0, 4))];
          RETURN_IF_ERROR(Receive(site, product, Uniform(10, 200), Pick(kDonors), v1::DDM,
                                  *AddDays(day_, 200))
                              .status());
        }
      }
      if (d % 30 == 5) {
        ASSIGN_OR_RETURN(sites_[site].yogurt_lot,
                         Receive(site, sites_[site].yogurt, 40, "fondation-carrefour", v1::DLC,
                                 *AddDays(day_, 3)));
      }
      if (d % 30 == 10 && !sites_[site].yogurt_lot.empty()) RETURN_IF_ERROR(WriteOff(site));
      if (d % 30 == 12) RETURN_IF_ERROR(ScheduleWorkshop(site));
      for (SiteState::Session& session : sites_[site].sessions) {
        if (session.day == day_) RETURN_IF_ERROR(TakeAttendance(site, session));
      }
    }
    if (d % 30 == 1) RETURN_IF_ERROR(ProposeTransfer());
    return absl::OkStatus();
  }

  absl::Status Settle() {
    std::vector<std::string> online;
    for (const std::string& site : site_ids_) {
      if (!Offline(site)) online.push_back(site);
    }
    RETURN_IF_ERROR(hooks_.settle(online));
    for (Family& family : families_) {
      if (family.id.empty() || Offline(family.home)) continue;
      if (family.registered_before_settle < 0) family.registered_before_settle = day_index_;
      synced_referral_end_[family.id] = family.referral_end;
    }
    return AdvanceTransfers();
  }

  absl::Status Register(Family& family) {
    Till& till = *sites_[family.home].till;
    Tick();
    v1::RegisterFamilyRequest request;
    request.set_notice_version(std::string(CurrentNoticeVersion()));
    request.set_family_name(absl::StrCat("Famille ", families_registered_++));
    FactFamily fact;
    fact.home = family.home;
    fact.household_type = Pick(kTypes);
    request.set_household_type(static_cast<v1::HouseholdType>(fact.household_type));
    std::set<int> sources;
    const int group = Uniform(1, 100);
    if (group <= 66) {
      for (int n = Uniform(0, 1); n >= 0; --n) sources.insert(Pick(kBenefits));
    } else if (group <= 91) {
      sources.insert(Pick(kEarned));
      if (Chance(0.3)) sources.insert(Pick(kBenefits));
    } else if (group <= 96) {
      sources.insert(v1::OTHER_INCOME);
    }  // else: not told
    for (int source : sources) {
      request.add_income_sources(static_cast<v1::IncomeSource>(source));
      fact.income_sources.push_back(source);
    }
    fact.band = Pick(kBands);
    request.set_reste_a_vivre_band(fact.band);
    const int adults = fact.household_type == v1::SINGLE_PARENT ||
                               fact.household_type == v1::SINGLE_PERSON
                           ? 1
                           : 2;
    const int children = fact.household_type == v1::SINGLE_PERSON ||
                                 fact.household_type == v1::COUPLE_WITHOUT_CHILDREN
                             ? 0
                             : Uniform(1, 4);
    for (int i = 0; i < adults + children; ++i) {
      v1::MemberInput* member = request.add_members();
      member->set_first_name(absl::StrCat("Membre", i + 1));
      member->set_sex(Chance(0.5) ? v1::FEMALE : v1::MALE);
      // Children 0 to 18 (some turn 18 during the period), adults 19 to 75.
      const int year = YearOf(day_) - (i < adults ? Uniform(19, 75) : Uniform(0, 18));
      member->set_birth_year(static_cast<uint32_t>(year));
      fact.birth_years.push_back(static_cast<int>(member->birth_year()));
    }
    ASSIGN_OR_RETURN(v1::FamilyView view, till.RegisterFamily(request));
    family.id = view.family_id();
    for (const v1::MemberView& member : view.members()) family.members.push_back(member.member_id());
    facts_.families[family.id] = fact;
    Count(family.home, day_, "registrations", "", 1);

    Tick();
    v1::GrantReferralRequest referral;
    referral.set_family_id(family.id);
    referral.set_prescriber_id(Pick(kPrescribers));
    referral.set_start_day(day_);
    referral.set_end_day(*AddDays(day_, 119));
    if (Chance(0.2)) referral.set_monthly_ceiling_cents(50'000);
    ASSIGN_OR_RETURN(v1::ReferralView granted, till.GrantReferral(referral));
    family.referral_id = granted.referral_id();
    family.referral_end = granted.end_day();
    Count(family.home, day_, "referrals", referral.prescriber_id(), 1);
    return absl::OkStatus();
  }

  absl::Status Renew(Family& family) {
    Tick();
    v1::RenewReferralRequest request;
    request.set_referral_id(family.referral_id);
    request.set_end_day(*AddDays(day_, 119));
    ASSIGN_OR_RETURN(v1::ReferralView renewed, sites_[family.home].till->RenewReferral(request));
    family.referral_end = renewed.end_day();
    Count(family.home, day_, "renewals", "", 1);
    return absl::OkStatus();
  }

  absl::Status Update(Family& family) {
    Tick();
    v1::UpdateFamilyRequest request;
    request.set_family_id(family.id);
    const int type = Pick(kTypes);
    request.set_household_type(static_cast<v1::HouseholdType>(type));
    if (!sites_[family.home].till->UpdateFamily(request).ok()) return absl::OkStatus();
    facts_.families[family.id].household_type = type;
    return absl::OkStatus();
  }

  absl::Status Visit(const Family& family, const std::string& site) {
    SiteState& state = sites_[site];
    v1::RecordSaleRequest request;
    request.set_family_id(family.id);
    request.set_request_id(absl::StrCat("gen-", sales_made_++));
    request.set_payment_method(Chance(0.7) ? v1::CASH : v1::CARD);
    FactSale sale{site, day_, family.id, {}, false};
    absl::Status restocked;
    auto add = [&](const Product& product, int64_t units, uint32_t member) {
      if (product.department != "coiffure") {
        // A donation arrives before the shelf runs out.
        if (state.stock[product.id] < units + 10 && restocked.ok()) {
          restocked = Receive(site, product, 500, Pick(kDonors), v1::EXPIRY_KIND_UNSPECIFIED, "")
                          .status();
        }
        state.stock[product.id] -= units;
      }
      v1::SaleLineRequest* item = request.add_items();
      item->set_product_id(product.id);
      item->set_quantity(units);
      item->set_member_id(member);
      const int64_t reference = product.price_cents * units;
      sale.lines.push_back(FactLine{product.department, units, reference,
                                    FamilyPriceCents(reference, product.discount_bp), member});
    };
    std::set<size_t> chosen;
    for (int n = Uniform(1, 5); n > 0; --n) chosen.insert(static_cast<size_t>(Uniform(0, 4)));
    for (size_t index : chosen) add(state.grocery[index], Uniform(1, 3), 0);
    if (Chance(0.3)) add(state.clothes, 1, 0);
    if (Chance(0.04)) {
      add(state.haircut, 1, family.members[static_cast<size_t>(
                                Uniform(0, static_cast<int>(family.members.size()) - 1))]);
    }
    RETURN_IF_ERROR(restocked);
    Tick();
    absl::StatusOr<v1::RecordSaleResponse> recorded = state.till->RecordSale(request);
    if (!recorded.ok()) {
      return absl::Status(recorded.status().code(),
                          absl::StrCat("sale of ", family.id, " at ", site, " on ", day_, ": ",
                                       recorded.status().message()));
    }
    int64_t reference = 0, paid = 0;
    for (const FactLine& line : sale.lines) {
      reference += line.reference_cents;
      paid += line.paid_cents;
    }
    if (recorded->reference_total_cents() != reference || recorded->family_total_cents() != paid) {
      return absl::InternalError(absl::StrCat("the till priced ", recorded->receipt_no(), " at ",
                                              recorded->family_total_cents(), " cents, expected ",
                                              paid));
    }
    if (Chance(0.025)) {
      Tick();
      v1::VoidSaleRequest void_request;
      void_request.set_receipt_no(recorded->receipt_no());
      void_request.set_reason("erreur de saisie");
      RETURN_IF_ERROR(state.till->VoidSale(void_request).status());
      sale.voided = true;
    }
    facts_.sales.push_back(std::move(sale));
    return absl::OkStatus();
  }

  absl::Status WriteOff(const std::string& site) {
    SiteState& state = sites_[site];
    const int64_t units = Uniform(5, 20);
    Tick();
    v1::AdjustStockRequest request;
    request.set_product_id(state.yogurt.id);
    request.set_lot_id(state.yogurt_lot);
    request.set_delta(-units);
    request.set_reason(v1::EXPIRED);
    RETURN_IF_ERROR(state.till->AdjustStock(request).status());
    Count(site, day_, "expired_units", "", units);
    Count(site, day_, "expired_cents", "", units * state.yogurt.price_cents);
    state.yogurt_lot.clear();
    return absl::OkStatus();
  }

  absl::Status ScheduleWorkshop(const std::string& site) {
    SiteState& state = sites_[site];
    Tick();
    v1::ScheduleWorkshopRequest request;
    request.set_theme("Atelier cuisine");
    request.set_day(*AddDays(day_, 7));
    request.set_places(8);
    ASSIGN_OR_RETURN(v1::WorkshopView workshop, state.till->ScheduleWorkshop(request));
    SiteState::Session session{workshop.workshop_id(), request.day(), {}};
    for (const Family& family : families_) {
      if (session.seats.size() == 3) break;
      if (family.home != site || family.id.empty() || !Chance(0.5)) continue;
      Tick();
      v1::WorkshopMemberRequest seat;
      seat.set_workshop_id(session.workshop_id);
      seat.set_family_id(family.id);
      seat.set_member_id(family.members.front());
      RETURN_IF_ERROR(state.till->RegisterForWorkshop(seat).status());
      session.seats.emplace_back(family.id, family.members.front());
    }
    Count(site, session.day, "workshop_sessions", "", 1);
    Count(site, session.day, "workshop_places", "", 8);
    state.sessions.push_back(std::move(session));
    return absl::OkStatus();
  }

  absl::Status TakeAttendance(const std::string& site, const SiteState::Session& session) {
    int64_t present = 0;
    auto record = [&](const std::pair<std::string, uint32_t>& seat, bool attended) {
      Tick();
      v1::RecordAttendanceRequest request;
      request.set_workshop_id(session.workshop_id);
      request.set_family_id(seat.first);
      request.set_member_id(seat.second);
      request.set_attended(attended);
      return sites_[site].till->RecordAttendance(request).status();
    };
    for (size_t i = 0; i < session.seats.size(); ++i) {
      const bool attended = i != 2;
      RETURN_IF_ERROR(record(session.seats[i], attended));
      present += attended;
    }
    if (session.seats.size() >= 2) {  // the volunteer corrects a mistake
      RETURN_IF_ERROR(record(session.seats[1], false));
      --present;
    }
    Count(site, session.day, "workshop_attendance", "", present);
    return absl::OkStatus();
  }

  absl::Status ProposeTransfer() {
    std::vector<std::string> candidates;
    for (const std::string& site : site_ids_) {
      if (site != options_.offline_site) candidates.push_back(site);
    }
    if (candidates.size() < 2) return absl::OkStatus();
    const size_t source = static_cast<size_t>(Uniform(0, static_cast<int>(candidates.size()) - 1));
    size_t destination = source;
    while (destination == source) {
      destination = static_cast<size_t>(Uniform(0, static_cast<int>(candidates.size()) - 1));
    }
    Transfer transfer;
    transfer.source = candidates[source];
    transfer.destination = candidates[destination];
    transfer.product = sites_[transfer.source].grocery[static_cast<size_t>(Uniform(0, 4))].id;
    // The destination asks only for a product it can know: defined at the
    // source before the last settle (set-up products always are).
    Tick();
    v1::ProposeTransferRequest request;
    request.set_kind(v1::ProposeTransferRequest::REQUEST);
    request.set_other_site(transfer.source);
    v1::TransferItem* item = request.add_items();
    item->set_product_id(transfer.product);
    item->set_quantity(20);
    ASSIGN_OR_RETURN(v1::TransferView proposed,
                     sites_[transfer.destination].till->ProposeTransfer(request));
    transfer.id = proposed.transfer_id();
    transfers_.push_back(transfer);
    return absl::OkStatus();
  }

  absl::Status AdvanceTransfers() {
    for (Transfer& transfer : transfers_) {
      if (transfer.stage == 0) {
        Tick();
        v1::AnswerTransferRequest answer;
        answer.set_transfer_id(transfer.id);
        answer.set_accept(true);
        RETURN_IF_ERROR(sites_[transfer.source].till->AnswerTransfer(answer).status());
      } else if (transfer.stage == 1) {
        Tick();
        v1::ShipTransferRequest ship;
        ship.set_transfer_id(transfer.id);
        ASSIGN_OR_RETURN(v1::TransferView shipped, sites_[transfer.source].till->ShipTransfer(ship));
        for (const v1::ShippedLot& lot : shipped.shipped()) transfer.shipped += lot.quantity();
        sites_[transfer.source].stock[transfer.product] -= transfer.shipped;
        Count(transfer.source, day_, "transferred_out_units", "", transfer.shipped);
      } else if (transfer.stage == 2) {
        const int64_t missing = Uniform(0, 2);
        const int64_t damaged = Uniform(0, 1);
        Tick();
        v1::ReceiveTransferRequest receive;
        receive.set_transfer_id(transfer.id);
        v1::ReceiveItemRequest* item = receive.add_items();
        item->set_product_id(transfer.product);
        item->set_arrived(transfer.shipped - missing);
        item->set_damaged(damaged);
        if (missing + damaged > 0) item->set_reason("carton abîmé");
        RETURN_IF_ERROR(sites_[transfer.destination].till->ReceiveTransfer(receive).status());
        Count(transfer.destination, day_, "transferred_in_units", "", transfer.shipped - missing);
        Count(transfer.destination, day_, "transfer_damaged_units", "", damaged);
      } else {
        continue;
      }
      ++transfer.stage;
    }
    return absl::OkStatus();
  }

  const ActivityOptions& options_;
  const NetworkHooks& hooks_;
  std::mt19937_64 random_;
  std::map<std::string, SiteState> sites_;
  std::vector<std::string> site_ids_;
  std::set<std::string> offline_;
  std::vector<Family> families_;
  std::map<std::string, std::string> synced_referral_end_;
  std::vector<Transfer> transfers_;
  Facts facts_;
  int day_index_ = 0;
  std::string day_;
  int64_t now_ms_ = 0;
  int families_registered_ = 0;
  int sales_made_ = 0;
};

}  // namespace

absl::StatusOr<Facts> PlayActivity(const ActivityOptions& options,
                                   const std::map<std::string, Till*>& tills,
                                   const NetworkHooks& hooks) {
  if (tills.empty()) return absl::InvalidArgumentError("no centre to play");
  if (!DayNumber(options.first_day).has_value() || options.days <= 0) {
    return absl::InvalidArgumentError("first_day must be YYYY-MM-DD and days positive");
  }
  return Player(options, tills, hooks).Run();
}

}  // namespace comptoir::generator
