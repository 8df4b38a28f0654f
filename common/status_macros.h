// Early-return helpers for absl::Status and absl::StatusOr.
//
//   RETURN_IF_ERROR(store->Write(batch));
//   ASSIGN_OR_RETURN(auto event, DecodeRecord(record));
#ifndef COMPTOIR_COMMON_STATUS_MACROS_H_
#define COMPTOIR_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define COMPTOIR_CONCAT_INNER_(a, b) a##b
#define COMPTOIR_CONCAT_(a, b) COMPTOIR_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                   \
  do {                                          \
    ::absl::Status comptoir_status_ = (expr);   \
    if (!comptoir_status_.ok()) return comptoir_status_; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  COMPTOIR_ASSIGN_OR_RETURN_IMPL_(COMPTOIR_CONCAT_(comptoir_statusor_, __LINE__), lhs, expr)

#define COMPTOIR_ASSIGN_OR_RETURN_IMPL_(var, lhs, expr) \
  auto var = (expr);                                     \
  if (!var.ok()) return std::move(var).status();         \
  lhs = std::move(var).value()

#endif  // COMPTOIR_COMMON_STATUS_MACROS_H_
