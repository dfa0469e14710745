// The enum storage convention (docs/decisions/0014-sql-and-enums.md) held
// against the migrated schemas (fixture pg_cluster): every smallint code
// column says in its comment which proto enum it holds, that enum exists,
// and the column's CHECK accepts exactly the enum's numbers 1..max (0..max
// where the comment says when 0 is stored) — so an enum that grows without
// a migration fails here, not at a technician's first INSERT of the new
// value.
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cellchain/clinical/v1/clinical.pb.h"
#include "cellchain/common/v1/access.pb.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "cellchain/labels/v1/labels.pb.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "services/common/pg/connection.h"
#include "services/common/testing/status_matchers.h"
#include "services/common/testing/test_database.h"

namespace cellchain {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;

// Numbers that are not codes.
const std::set<std::string>& NumericColumns() {
  static const auto* columns = new std::set<std::string>{
      "cellchain_custody.din_sequences.year",
      "cellchain_custody.din_allocations.year",
      "cellchain_audit.tree_nodes.level",
  };
  return *columns;
}

struct CodeColumn {
  std::string name;     // schema.table.column
  std::string comment;  // "" when none
  std::string check;    // the column's own CHECK, "" when none
};

class EnumColumnsPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Keeps the generated descriptors linked into this binary.
    (void)custody::v1::ItemType_descriptor();
    (void)donor::v1::LotState_descriptor();
    (void)manufacturing::v1::StepKind_descriptor();
    (void)qc::v1::LotState_descriptor();
    (void)dose::v1::DoseState_descriptor();
    (void)clinical::v1::InfusionState_descriptor();
    (void)labels::v1::ScanMismatch_descriptor();
    (void)common::v1::Role_descriptor();
    CC_ASSERT_OK_AND_ASSIGN(db_, testing::TestDatabase::Create());
    CC_ASSERT_OK_AND_ASSIGN(conn_, pg::Connection::Open(db_->conninfo()));
  }

  std::vector<CodeColumn> SmallintColumns() {
    std::vector<CodeColumn> out;
    absl::StatusOr<pg::Result> r = conn_->Exec(
        "SELECT c.table_schema || '.' || c.table_name || '.' || c.column_name,"
        "  coalesce(col_description(format('%I.%I', c.table_schema,"
        "    c.table_name)::regclass, c.ordinal_position), ''),"
        "  coalesce((SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k"
        "    JOIN pg_attribute a ON a.attrelid = k.conrelid"
        "     AND k.conkey = ARRAY[a.attnum]"
        "    WHERE k.contype = 'c' AND a.attname = c.column_name"
        "      AND k.conrelid = format('%I.%I', c.table_schema,"
        "        c.table_name)::regclass LIMIT 1), '') "
        "FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_schema, table_name) "
        "WHERE c.table_schema LIKE 'cellchain\\_%' "
        "  AND t.table_type = 'BASE TABLE' "
        "  AND c.udt_name IN ('int2', '_int2') "
        "ORDER BY 1");
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return out;
    for (int row = 0; row < r->rows(); ++row) {
      out.push_back({r->GetString(row, 0).value_or("?"),
                     r->GetString(row, 1).value_or("?"),
                     r->GetString(row, 2).value_or("?")});
    }
    return out;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::optional<pg::Connection> conn_;
};

// The enum a comment "enum <name>" or "enum[] <name>" names, or null. A
// column that stores 0 where the enum says so (a scan's mismatch on a
// pass) says when: "enum <name> (0, UNSPECIFIED, <when>)"; then
// `zero_stored` is set.
const EnumDescriptor* NamedEnum(const std::string& comment,
                                bool* zero_stored = nullptr) {
  static const std::regex kEnum(
      R"(^enum(\[\])? ([A-Za-z0-9_.]+)( \(0, UNSPECIFIED, [^)]+\))?$)");
  std::smatch m;
  if (!std::regex_match(comment, m, kEnum)) return nullptr;
  if (zero_stored != nullptr) *zero_stored = m[3].matched;
  return DescriptorPool::generated_pool()->FindEnumTypeByName(m[2].str());
}

int MaxNumber(const EnumDescriptor& e) {
  int max = 0;
  for (int i = 0; i < e.value_count(); ++i) {
    max = std::max(max, e.value(i)->number());
  }
  return max;
}

TEST_F(EnumColumnsPgTest,
       EverySmallintCodeColumnNamesItsEnumOrSaysWhatItHolds) {
  std::vector<CodeColumn> columns = SmallintColumns();
  ASSERT_GE(columns.size(), 20u) << "the service schemas were not migrated";
  for (const CodeColumn& c : columns) {
    if (NumericColumns().contains(c.name)) continue;
    EXPECT_FALSE(c.comment.empty())
        << c.name << " holds codes but no comment says which";
    if (absl::StartsWith(c.comment, "enum")) {
      EXPECT_NE(NamedEnum(c.comment), nullptr)
          << c.name << ": \"" << c.comment << "\" names no known proto enum";
    }
  }
}

TEST_F(EnumColumnsPgTest, AnEnumColumnsCheckSpansExactlyTheEnumsNumbers) {
  static const std::regex kRange(R"(>= (\d+)\) AND \(\w+ <= (\d+)\))");
  int checked = 0;
  std::set<std::string> names;
  for (const CodeColumn& c : SmallintColumns()) {
    bool zero_stored = false;
    const EnumDescriptor* e = NamedEnum(c.comment, &zero_stored);
    if (e == nullptr || c.check.empty()) continue;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(c.check, m, kRange))
        << c.name << ": a CHECK that is not a range: " << c.check;
    // 0 (UNSPECIFIED) only where the comment says it is stored.
    EXPECT_EQ(std::stoi(m[1].str()), zero_stored ? 0 : 1)
        << c.name << " (" << e->full_name() << ", \"" << c.comment
        << "\"): " << c.check;
    EXPECT_EQ(std::stoi(m[2].str()), MaxNumber(*e))
        << c.name << " holds " << e->full_name() << ", whose numbers reach "
        << MaxNumber(*e) << ", but its CHECK is " << c.check;
    ++checked;
    names.insert(c.name);
  }
  EXPECT_GE(checked, 15);
  // The last schemas `cellchaind migrate` applies are among them, every
  // code column of each: clinical's (an infusion's state, route, artery and
  // remainder's disposal; an observation entry's arrhythmia and ischemic
  // event; an adverse event's classification, its seriousness criteria and
  // its lookback's links) and labels' (a print job's label type, kind and
  // state; a scan's result and mismatch, 0 on a pass).
  for (const char* column :
       {"cellchain_labels.print_jobs.label_type",
        "cellchain_labels.print_jobs.kind", "cellchain_labels.print_jobs.state",
        "cellchain_labels.label_verifications.result",
        "cellchain_labels.label_verifications.mismatch",
        "cellchain_clinical.infusions.state",
        "cellchain_clinical.infusions.route",
        "cellchain_clinical.infusions.artery",
        "cellchain_clinical.infusions.remainder_disposal",
        "cellchain_clinical.observation_entries.arrhythmia_type",
        "cellchain_clinical.observation_entries.ischemic_event_type",
        "cellchain_clinical.adverse_events.seriousness",
        "cellchain_clinical.adverse_events.severity",
        "cellchain_clinical.adverse_events.relatedness",
        "cellchain_clinical.adverse_events.outcome",
        "cellchain_clinical.adverse_event_criteria.criterion",
        "cellchain_clinical.lookback_links.link"}) {
    EXPECT_THAT(names, ::testing::Contains(column));
  }
}

}  // namespace
}  // namespace cellchain
