#include "common/stats_csv.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace comptoir {

namespace {

// Quotes a CSV field when it needs it (labels are free text for bands).
std::string Field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

class Writer {
 public:
  explicit Writer(const v1::StatsRow& row)
      : prefix_(absl::StrCat(row.from_day(), ",", row.to_day(), ",",
                             row.site().empty() ? "network" : Field(row.site()), ",")) {}
  void Add(const char* metric, const std::string& label, const std::string& value) {
    absl::StrAppend(&out_, prefix_, metric, ",", Field(label), ",", value, "\n");
  }
  void Add(const char* metric, int64_t value) { Add(metric, "", absl::StrCat(value)); }
  void Add(const char* metric, const std::string& label, int64_t value) {
    Add(metric, label, absl::StrCat(value));
  }
  template <typename Counts>
  void Labels(const char* metric, const char* share_metric, const Counts& counts, int64_t total) {
    for (const v1::LabelCount& count : counts) {
      Add(metric, count.label(), count.count());
      if (share_metric != nullptr) Add(share_metric, count.label(), SharePercent(count.count(), total));
    }
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string prefix_;
  std::string out_;
};

}  // namespace

std::string SharePercent(int64_t part, int64_t total) {
  if (total <= 0) return "0.0";
  const int64_t tenths = (part * 1000 + total / 2) / total;
  return absl::StrFormat("%d.%d", tenths / 10, tenths % 10);
}

std::string StatsReportCsv(const v1::StatsReport& report) {
  std::string csv = "from_day,to_day,site,metric,label,value\n";
  for (const v1::StatsRow& row : report.rows()) {
    Writer w(row);
    w.Add("households", row.households());
    w.Add("new_households", row.new_households());
    w.Add("still_coming", row.still_coming());
    w.Add("still_coming_share_pct", "", SharePercent(row.still_coming(), row.households()));
    w.Add("persons", row.persons());
    w.Add("adults", row.adults());
    w.Add("children", row.children());
    w.Add("registrations", row.registrations());
    w.Add("renewals", row.renewals());
    w.Labels("household_type", "household_type_share_pct", row.household_types(), row.households());
    w.Labels("income_source", "income_source_share_pct", row.income_sources(), row.households());
    w.Labels("income_group", "income_group_share_pct", row.income_groups(), row.households());
    w.Labels("reste_a_vivre_band", "reste_a_vivre_band_share_pct", row.reste_a_vivre_bands(),
             row.households());
    w.Labels("referrals", nullptr, row.referrals_by_prescriber(), 0);
    w.Add("visits", row.visits());
    w.Add("baskets", row.baskets());
    w.Add("voided_sales", row.voided_sales());
    w.Add("reference_cents", row.reference_cents());
    w.Add("paid_cents", row.paid_cents());
    w.Add("given_cents", row.given_cents());
    for (const v1::DepartmentFigures& d : row.departments()) {
      w.Add("department_units", d.department(), d.units());
      w.Add("department_reference_cents", d.department(), d.reference_cents());
      w.Add("department_paid_cents", d.department(), d.paid_cents());
      w.Add("department_given_cents", d.department(), d.given_cents());
    }
    w.Add("hair_persons", row.hair_persons());
    for (const v1::DonorFigures& d : row.donations()) {
      w.Add("donation_lots", d.donor_id(), d.lots());
      w.Add("donation_units", d.donor_id(), d.units());
      w.Add("donation_reference_cents", d.donor_id(), d.reference_cents());
    }
    w.Add("expired_units", row.expired_units());
    w.Add("expired_cents", row.expired_cents());
    w.Add("transferred_out_units", row.transferred_out_units());
    w.Add("transferred_in_units", row.transferred_in_units());
    w.Add("transfer_damaged_units", row.transfer_damaged_units());
    w.Add("workshop_sessions", row.workshop_sessions());
    w.Add("workshop_places", row.workshop_places());
    w.Add("workshop_attendance", row.workshop_attendance());
    for (const v1::Cohort& cohort : row.cohorts()) {
      w.Add("cohort_households", cohort.month(), cohort.households());
      for (int k = 0; k < cohort.returned_size(); ++k) {
        w.Add("cohort_returned", absl::StrCat(cohort.month(), "+", k + 1), cohort.returned(k));
      }
    }
    w.Add("running_costs_cents", row.running_costs_cents());
    w.Add("balance_cents", row.balance_cents());
    csv += w.Take();
  }
  for (const v1::SiteFreshness& fresh : report.freshness()) {
    absl::StrAppend(&csv, ",,", Field(fresh.site()), ",latest_event_unix_ms,,",
                    fresh.latest_event_unix_ms(), "\n");
  }
  return csv;
}

}  // namespace comptoir
