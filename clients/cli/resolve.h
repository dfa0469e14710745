// Resolver: what a person types for a thing, turned into the internal id the
// services take. People name things by what is written on them — a material
// lot by its MAT- code, equipment by its asset tag (BSC-02), a donor lot and
// its batch by the lot's DIN in any form it is printed or scanned, a place by
// its path of names (FRZ-01/R2/B3/A1) — and scripts keep using the internal
// ids (mat_…, eqp_…, lot_…, bat_…, loc_…), which pass through untouched
// without a call. Codes and names match regardless of case. Resolution uses
// only the services' existing List/Get RPCs, so it sees what the caller's
// roles let them see.
//
// ResolveFlags, before a command runs, replaces every such flag the command
// takes (its group's NamedFlags) by the id it names, so that every command
// accepts codes alike.
// Thread-safety: a Resolver caches what it has listed; one thread at a time.
#ifndef CELLCHAIN_CLIENTS_CLI_RESOLVE_H_
#define CELLCHAIN_CLIENTS_CLI_RESOLVE_H_

#include <grpcpp/channel.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/cli/group.h"
#include "clients/cli/options.h"

namespace cellchain::cli {

class Resolver {
 public:
  // `options` supplies the deadline and session of each call; it must
  // outlive the resolver.
  Resolver(std::shared_ptr<grpc::Channel> channel, const CallOptions& options);

  // Each returns the id that `text`, typed for `--flag`, names. Every error
  // message starts with "--flag: " and is one line:
  //   NOT_FOUND         nothing has that code, DIN or path;
  //   INVALID_ARGUMENT  `text` is empty or not of the thing's shape (a DIN
  //                     that does not parse), or it names several things
  //                     (the message lists them and says what to give);
  //   any code of the List/Get RPC that failed, its reason and field kept.
  //
  // A material lot: mat_… or its material code (MAT-…).
  absl::StatusOr<std::string> MaterialId(const char* flag,
                                         const std::string& text);
  // Equipment: eqp_… or its asset tag.
  absl::StatusOr<std::string> EquipmentId(const char* flag,
                                          const std::string& text);
  // A donor lot: lot_… or its DIN (every form isbt128::ParseDinText takes).
  absl::StatusOr<std::string> LotId(const char* flag, const std::string& text);
  // A batch: bat_… or its number, the DIN of its donor lot (one cord, one
  // batch). The lot's batch that was not aborted; when every batch of the
  // lot was aborted, the only one, else INVALID_ARGUMENT listing them.
  absl::StatusOr<std::string> BatchId(const char* flag,
                                      const std::string& text);
  // A custody item: itm_…, its local code (MAT-…, an asset tag; as typed,
  // else in upper case: custody matches a code exactly and lists no
  // items), or its DIN in any form (the item of that DIN without a product
  // code: a donor lot), through FindItemByScan as a scanner would.
  absl::StatusOr<std::string> ItemId(const char* flag, const std::string& text);
  // A location: loc_… or a path of names separated by "/": its first name
  // is that of any location above the positions of a box (a site, room,
  // freezer, rack or box — searched through the whole hierarchy, never
  // into boxes), each next name that of a child of the one before
  // ("FRZ-01/R2/B3/A1", "Culture room").
  absl::StatusOr<std::string> LocationId(const char* flag,
                                         const std::string& text);

 private:
  struct Place {
    std::string id;
    std::string name;
    int kind = 0;  // custody.v1.LocationKind
    std::string path;
  };
  // The children of `parent` ("" for the sites), listed once.
  absl::StatusOr<const std::vector<Place>*> Children(const Place& parent);

  std::shared_ptr<grpc::Channel> channel_;
  const CallOptions& options_;
  std::map<std::string, std::vector<Place>> children_;  // by parent id
  // Listed at most once per command.
  std::optional<std::vector<std::pair<std::string, std::string>>>
      materials_;  // code, id
  std::optional<std::vector<std::pair<std::string, std::string>>>
      equipment_;  // tag, id
};

// Replaces the value of every flag of `named` that `command` takes (a
// material, equipment, a donor lot, a batch, a custody item or a location,
// in the part of each value NamedFlag::part says) by the id it names. The
// first failure of `resolver`, as it returned it.
absl::Status ResolveFlags(const CommandSpec& command, Resolver& resolver,
                          const std::vector<NamedFlag>& named);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_RESOLVE_H_
