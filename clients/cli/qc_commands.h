// cellchain qc ... (cellchain.qc.v1.QcService): release testing of a
// batch's product lot and QA's disposition of it, as the lab and QA do
// them — QA writes and approves a specification (signed APPROVED), a QC
// analyst opens the lot for a harvested batch, samples are drawn, an
// analyst enters each result (signed PERFORMED) and another reviews it
// (REVIEWED), QA invalidates a result or closes an OOS investigation, QA
// disposes the lot with a signature, and the certificate of analysis is
// shown and saved. A lot is named by its id (qcl_...) or by its batch
// (--batch-id: bat_... or the batch's number, its donor lot's DIN).
// Thread-safety: as group.h.
#ifndef CELLCHAIN_CLIENTS_CLI_QC_COMMANDS_H_
#define CELLCHAIN_CLIENTS_CLI_QC_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

struct QcOptions : CallOptions {
  // specifications
  std::string spec_id;    // spc_...
  std::string spec_name;  // "RH-UCMSC-RELEASE"; the server's default if ""
  std::string product;
  bool use_default = false;
  std::string tests_file;  // {"tests": [SpecTest as proto3 JSON, ...]}
  // lots: by id, or by the batch (a named flag the Resolver turns into
  // bat_...)
  std::string lot_id;  // qcl_...
  std::string batch_id;
  std::string state;  // lot-list: testing, released, ...
  // samples and results
  std::vector<std::string> tests;  // sample-draw: the test codes
  std::string description;
  std::string drawn_at;  // RFC 3339
  std::string location_id;
  std::string sample_id;
  std::string test;  // result-enter: one test code
  std::string value;
  std::string unit;
  std::string tested_at;  // RFC 3339
  std::string instrument;
  std::string retest_of;  // res_...: the result a retest repeats
  // A retest's co-signer (cosigner.h), QA at the analyst's workstation:
  // --qa-approver, --qa-approver-password-env.
  std::string qa_approver;
  std::string qa_approver_password_env;
  std::string result_id;
  // investigations and disposition
  std::string investigation_id;
  std::string outcome;  // lab_error, product_failure, inconclusive
  std::string conclusion;
  std::string disposition;       // released, conditionally_released, ...
  int64_t expected_version = 0;  // 0: not checked
  std::string out;               // certificate: where the PDF goes
  std::string format = "table";  // spec-list, lot-list: table, json or csv
};

const Group& QcGroup();

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_QC_COMMANDS_H_
