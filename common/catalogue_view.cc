#include "common/catalogue_view.h"

#include "common/authority.h"
#include "common/keys.h"
#include "common/network_defaults.h"
#include "common/status_macros.h"
#include "common/view_io.h"

namespace comptoir {
namespace {

// All records of one kind, or the defaults when the replica has none yet.
template <typename Record>
absl::StatusOr<std::vector<Record>> ListOrDefaults(const Store& store, absl::string_view kind,
                                                   const std::vector<Record>& defaults) {
  std::vector<Record> records;
  bool corrupt = false;
  RETURN_IF_ERROR(ScanViews(store, ViewPrefix({kind}), [&](absl::string_view, absl::string_view v) {
    Record record;
    if (!record.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
      corrupt = true;
      return false;
    }
    records.push_back(std::move(record));
    return true;
  }));
  if (corrupt) return absl::DataLossError(absl::StrCat("corrupt ", kind, " record"));
  if (records.empty()) return defaults;
  return records;
}

template <typename Record>
absl::StatusOr<std::optional<Record>> FindOrDefault(const Store& store, absl::string_view kind,
                                                    absl::string_view id,
                                                    const std::vector<Record>& defaults,
                                                    std::string (*id_of)(const Record&)) {
  ASSIGN_OR_RETURN(std::optional<Record> found, GetRecord<Record>(store, ViewKey({kind, id})));
  if (found.has_value()) return found;
  ASSIGN_OR_RETURN(std::vector<Record> all, ListOrDefaults<Record>(store, kind, defaults));
  for (Record& record : all) {
    if (id_of(record) == id) return std::optional<Record>(std::move(record));
  }
  return std::optional<Record>();
}

std::string DepartmentCode(const v1::Department& d) { return d.code(); }
std::string PrescriberId(const v1::Prescriber& p) { return p.prescriber_id(); }
std::string DonorId(const v1::Donor& d) { return d.donor_id(); }

// Whether `product`, defined by `origin`, gets its barcode: head office's
// products always do; a centre's local item only if no product of another
// site holds the code (a centre never takes a barcode from head office's
// catalogue or another centre: scans of it must keep finding that product).
absl::StatusOr<bool> MayTakeBarcode(const Store& store, const Batch& batch,
                                    const std::string& origin, const v1::Product& product) {
  if (origin == kHeadOfficeOrigin) return true;
  ASSIGN_OR_RETURN(std::optional<std::string> holder,
                   store.Get(Column::kViews, ViewKey({"barcode", product.barcode()}), &batch));
  if (!holder.has_value() || *holder == product.product_id()) return true;
  ASSIGN_OR_RETURN(std::optional<v1::Product> held,
                   GetRecord<v1::Product>(store, ViewKey({"product", *holder}), &batch));
  return !held.has_value() || held->defined_by() == origin;
}

}  // namespace

absl::Status FoldCatalogue(const Store& store, Batch& batch, const v1::EventCore& core) {
  switch (core.body_case()) {
    case v1::EventCore::kDepartmentDefined: {
      const v1::Department& department = core.department_defined().department();
      PutRecord(batch, ViewKey({"dept", department.code()}), department);
      return absl::OkStatus();
    }
    case v1::EventCore::kProductDefined: {
      v1::Product product = core.product_defined().product();
      product.set_defined_by(core.origin());
      const std::string key = ViewKey({"product", product.product_id()});
      ASSIGN_OR_RETURN(std::optional<v1::Product> previous,
                       GetRecord<v1::Product>(store, key, &batch));
      if (previous.has_value() && !previous->barcode().empty() &&
          previous->barcode() != product.barcode()) {
        const std::string old_key = ViewKey({"barcode", previous->barcode()});
        ASSIGN_OR_RETURN(std::optional<std::string> holder,
                         store.Get(Column::kViews, old_key, &batch));
        if (holder == product.product_id()) batch.Delete(Column::kViews, old_key);
      }
      if (!product.barcode().empty()) {
        ASSIGN_OR_RETURN(bool takes, MayTakeBarcode(store, batch, core.origin(), product));
        if (takes) {
          batch.Put(Column::kViews, ViewKey({"barcode", product.barcode()}), product.product_id());
        }
      }
      PutRecord(batch, key, product);
      return absl::OkStatus();
    }
    case v1::EventCore::kPrescriberDefined: {
      const v1::Prescriber& prescriber = core.prescriber_defined().prescriber();
      PutRecord(batch, ViewKey({"prescriber", prescriber.prescriber_id()}), prescriber);
      return absl::OkStatus();
    }
    case v1::EventCore::kDonorDefined: {
      const v1::Donor& donor = core.donor_defined().donor();
      PutRecord(batch, ViewKey({"donor", donor.donor_id()}), donor);
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();
  }
}

absl::StatusOr<std::optional<v1::Department>> FindDepartment(const Store& store,
                                                             absl::string_view code) {
  return FindOrDefault<v1::Department>(store, "dept", code, DefaultDepartments(), DepartmentCode);
}

absl::StatusOr<std::optional<v1::Product>> FindProduct(const Store& store, absl::string_view id) {
  return GetRecord<v1::Product>(store, ViewKey({"product", id}));
}

absl::StatusOr<std::optional<v1::Product>> FindProductByBarcode(const Store& store,
                                                                absl::string_view barcode) {
  ASSIGN_OR_RETURN(std::optional<std::string> id,
                   store.Get(Column::kViews, ViewKey({"barcode", barcode})));
  if (!id.has_value()) return std::optional<v1::Product>();
  return FindProduct(store, *id);
}

absl::StatusOr<std::optional<v1::Prescriber>> FindPrescriber(const Store& store,
                                                             absl::string_view id) {
  return FindOrDefault<v1::Prescriber>(store, "prescriber", id, DefaultPrescribers(),
                                       PrescriberId);
}

absl::StatusOr<std::optional<v1::Donor>> FindDonor(const Store& store, absl::string_view id) {
  return FindOrDefault<v1::Donor>(store, "donor", id, DefaultDonors(), DonorId);
}

absl::StatusOr<v1::Catalogue> ReadCatalogue(const Store& store) {
  v1::Catalogue catalogue;
  ASSIGN_OR_RETURN(auto departments,
                   ListOrDefaults<v1::Department>(store, "dept", DefaultDepartments()));
  for (auto& d : departments) *catalogue.add_departments() = std::move(d);
  ASSIGN_OR_RETURN(auto products, ListOrDefaults<v1::Product>(store, "product", {}));
  for (auto& p : products) *catalogue.add_products() = std::move(p);
  ASSIGN_OR_RETURN(auto prescribers,
                   ListOrDefaults<v1::Prescriber>(store, "prescriber", DefaultPrescribers()));
  for (auto& p : prescribers) *catalogue.add_prescribers() = std::move(p);
  ASSIGN_OR_RETURN(auto donors, ListOrDefaults<v1::Donor>(store, "donor", DefaultDonors()));
  for (auto& d : donors) *catalogue.add_donors() = std::move(d);
  return catalogue;
}

}  // namespace comptoir
