// cellchain-label: wires argv and the standard streams to label::Run, the
// offline commands (command.h), or to label::RunStation for `station ...`,
// the labels service's client (station.h); see both for the commands and
// exit statuses.
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "clients/label/command.h"
#include "clients/label/station.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "station") {
    return cellchain::label::RunStation(std::span(args).subspan(1));
  }
  return cellchain::label::Run(args, std::cout, std::cerr);
}
