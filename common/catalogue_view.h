// The catalogue and network lists as a replica holds them: departments and
// their discounts, products (network and local), prescribers, donors. Folded
// from DepartmentDefined, ProductDefined, PrescriberDefined, DonorDefined.
// Until a replica has received any department (or prescriber, or donor), the
// lookups answer from common/network_defaults.h.
#ifndef COMPTOIR_COMMON_CATALOGUE_VIEW_H_
#define COMPTOIR_COMMON_CATALOGUE_VIEW_H_

#include <optional>

#include "absl/status/statusor.h"
#include "common/store.h"
#include "comptoir/v1/events.pb.h"
#include "comptoir/v1/till.pb.h"

namespace comptoir {

absl::Status FoldCatalogue(const Store& store, Batch& batch, const v1::EventCore& core);

absl::StatusOr<std::optional<v1::Department>> FindDepartment(const Store& store,
                                                             absl::string_view code);
absl::StatusOr<std::optional<v1::Product>> FindProduct(const Store& store, absl::string_view id);
absl::StatusOr<std::optional<v1::Product>> FindProductByBarcode(const Store& store,
                                                                absl::string_view barcode);
absl::StatusOr<std::optional<v1::Prescriber>> FindPrescriber(const Store& store,
                                                             absl::string_view id);
absl::StatusOr<std::optional<v1::Donor>> FindDonor(const Store& store, absl::string_view id);
absl::StatusOr<v1::Catalogue> ReadCatalogue(const Store& store);

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_CATALOGUE_VIEW_H_
