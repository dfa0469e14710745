// Group: one command group of the cellchain CLI ("manufacturing", "custody",
// ...; the session commands login, logout, whoami and passwd form the group
// without a name). A group owns everything about its commands: for each
// command the flags it takes, its --help and the function that runs it; the
// group's flags, declared on the command line's config::Loader and bound to
// the group's own options struct; the request fields whose flag is not named
// after them; and which of its flags name things (a MAT- code, a DIN, a
// location's path) that main() turns into ids before the command runs.
//
// Each *_commands.cc defines its group with GroupOf<TheirOptions> and
// exports it as a function (ManufacturingGroup()); commands.cc lists them.
// Thread-safety: a Group is constant after construction; an Invocation is
// used by main() alone.
#ifndef CELLCHAIN_CLIENTS_CLI_GROUP_H_
#define CELLCHAIN_CLIENTS_CLI_GROUP_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "clients/cli/options.h"
#include "services/common/config/config.h"

namespace cellchain::cli {

struct CommandSpec {
  const char* command;  // "manufacturing batch-start", "login"
  // The flags it takes besides CommonFlags(), space-separated, without the
  // "--"; a trailing "!" marks one it cannot run without.
  const char* flags;
  // The usage lines, then what it does; built at start-up when it names
  // values read from the proto.
  std::string help;
};

// A request field whose flag is not the field's name in kebab case
// ("donor_lot_id" is --lot-id), so that a refusal naming the field names
// the flag the person typed.
struct FieldAlias {
  const char* field;
  const char* flag;
};

// A flag whose value names a thing by what is written on it; main() asks
// the Resolver (resolve.h) for its id when the command takes the flag.
struct NamedFlag {
  enum class Thing { kMaterial, kEquipment, kLot, kBatch, kItem, kLocation };
  // Where the name is in each value: all of it; before the first ":"
  // (MAT:QUANTITY); before the last ":" (ITEM:KIND, a code may hold one).
  enum class Part { kWhole, kBeforeFirstColon, kBeforeLastColon };
  const char* flag;
  Thing thing;
  std::string* value = nullptr;                // a single-valued flag, or
  std::vector<std::string>* values = nullptr;  // a list's every item
  Part part = Part::kWhole;
};

// A command line's group options, bound to its flags, and what runs them.
class Invocation {
 public:
  virtual ~Invocation() = default;
  // The part every command has: where to call, as whom, why.
  virtual CallOptions& call() = 0;
  virtual std::vector<NamedFlag> named_flags() = 0;
  // Runs `command`, one of its group's commands; its exit status.
  virtual int Run(const CommandSpec& command,
                  std::shared_ptr<grpc::Channel> channel) = 0;
  // The group's options struct (for tests): the type its group declared.
  template <typename O>
  const O& As() const {
    return *static_cast<const O*>(options());
  }

 private:
  virtual const void* options() const = 0;
};

class Group {
 public:
  virtual ~Group() = default;
  // "manufacturing", "" for the session commands; "mfg", "" when none.
  virtual const char* name() const = 0;
  virtual const char* alias() const = 0;
  // What its commands are about, in a few words without a colon or a full
  // stop ("Trial subjects, their dose orders and doses"): `cellchain
  // --help` follows it with ": " and its commands' words, read from
  // commands().
  virtual const char* about() const = 0;
  // Said under the help of the group and of each of its commands ("" for
  // nothing): what holds for all of them.
  virtual const char* help_note() const = 0;
  virtual const std::vector<CommandSpec>& commands() const = 0;
  virtual const std::vector<FieldAlias>& field_aliases() const = 0;
  // A new options struct with the group's flags declared on `loader`.
  virtual std::unique_ptr<Invocation> Declare(config::Loader& loader) const = 0;
};

// One command of a group whose options are `O` (which derives from
// CallOptions).
template <typename O>
struct Command {
  CommandSpec spec;
  int (*run)(std::shared_ptr<grpc::Channel> channel, const O& options);
};

template <typename O>
struct GroupDefinition {
  const char* name;
  const char* alias;
  const char* about;  // Group::about()
  // Declares the group's flags (not the common ones) bound to `options`.
  void (*declare)(config::Loader& loader, O& options);
  std::vector<Command<O>> commands;
  std::vector<FieldAlias> field_aliases;
  // Its flags that name things; nullptr when none do.
  std::vector<NamedFlag> (*named_flags)(O& options) = nullptr;
  const char* help_note = "";
};

template <typename O>
class GroupOf final : public Group {
 public:
  explicit GroupOf(GroupDefinition<O> definition)
      : definition_(std::move(definition)) {
    for (const Command<O>& command : definition_.commands) {
      specs_.push_back(command.spec);
    }
  }

  const char* name() const override { return definition_.name; }
  const char* alias() const override { return definition_.alias; }
  const char* about() const override { return definition_.about; }
  const char* help_note() const override { return definition_.help_note; }
  const std::vector<CommandSpec>& commands() const override { return specs_; }
  const std::vector<FieldAlias>& field_aliases() const override {
    return definition_.field_aliases;
  }
  std::unique_ptr<Invocation> Declare(config::Loader& loader) const override {
    auto invocation = std::make_unique<Bound>(definition_);
    definition_.declare(loader, invocation->values);
    return invocation;
  }

 private:
  struct Bound final : Invocation {
    explicit Bound(const GroupDefinition<O>& definition)
        : definition(definition) {}
    CallOptions& call() override { return values; }
    std::vector<NamedFlag> named_flags() override {
      if (definition.named_flags == nullptr) return {};
      return definition.named_flags(values);
    }
    int Run(const CommandSpec& command,
            std::shared_ptr<grpc::Channel> channel) override {
      for (const Command<O>& c : definition.commands) {
        if (c.spec.command == command.command) {
          return c.run(std::move(channel), values);
        }
      }
      return 2;  // not this group's command: ParseCommandLine never says so
    }
    const void* options() const override { return &values; }

    const GroupDefinition<O>& definition;
    O values;
  };

  GroupDefinition<O> definition_;
  std::vector<CommandSpec> specs_;
};

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_GROUP_H_
