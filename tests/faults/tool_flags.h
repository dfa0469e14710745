// The command line of the fault tools (acked_check, network_probe): every
// argument is --name=value, a name either text or a number (at least
// `min_number`). A pure function of its arguments.
#ifndef CELLCHAIN_TESTS_FAULTS_TOOL_FLAGS_H_
#define CELLCHAIN_TESTS_FAULTS_TOOL_FLAGS_H_

#include <map>
#include <string>
#include <string_view>

namespace cellchain::faults {

// Sets each named flag's variable from argv. False, having said why on
// stderr under `program`'s name, on an argument not --name=value, an
// unknown name, or a number that is not one or is below `min_number`.
bool ParseNamedFlags(int argc, char** argv, std::string_view program,
                     const std::map<std::string, std::string*>& text,
                     const std::map<std::string, int*>& numbers,
                     int min_number);

}  // namespace cellchain::faults

#endif  // CELLCHAIN_TESTS_FAULTS_TOOL_FLAGS_H_
