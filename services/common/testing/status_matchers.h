// GoogleTest assertions for absl::Status / absl::StatusOr (Debian's Abseil
// has no status matchers). The failure message prints the status.
//
//   CC_ASSERT_OK(conn.ExecScript("..."));
//   CC_EXPECT_OK(tx.Commit());
//   CC_ASSERT_OK_AND_ASSIGN(pg::Result r, conn.Exec("SELECT 1"));
//
// Thread-safety: as GoogleTest's assertions.
#ifndef CELLCHAIN_SERVICES_COMMON_TESTING_STATUS_MATCHERS_H_
#define CELLCHAIN_SERVICES_COMMON_TESTING_STATUS_MATCHERS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "services/common/status/status.h"

namespace cellchain::testing {

inline const absl::Status& StatusOf(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace cellchain::testing

#define CC_EXPECT_OK(expr)                                                 \
  do {                                                                     \
    const ::absl::Status cc_test_status_ =                                 \
        ::cellchain::testing::StatusOf(expr);                              \
    EXPECT_TRUE(cc_test_status_.ok()) << #expr << ": " << cc_test_status_; \
  } while (false)

#define CC_ASSERT_OK(expr)                                                 \
  do {                                                                     \
    const ::absl::Status cc_test_status_ =                                 \
        ::cellchain::testing::StatusOf(expr);                              \
    ASSERT_TRUE(cc_test_status_.ok()) << #expr << ": " << cc_test_status_; \
  } while (false)

#define CC_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  CC_ASSERT_OK_AND_ASSIGN_IMPL_(           \
      CC_STATUS_CONCAT_(cc_test_statusor_, __LINE__), lhs, expr)
#define CC_ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr)     \
  auto tmp = (expr);                                      \
  ASSERT_TRUE(tmp.ok()) << #expr << ": " << tmp.status(); \
  lhs = std::move(tmp).value()

#endif  // CELLCHAIN_SERVICES_COMMON_TESTING_STATUS_MATCHERS_H_
