// cellchain-label: wires argv and the standard streams to label::Run (see
// command.h for the commands and exit statuses).
#include <iostream>
#include <string>
#include <vector>

#include "clients/label/command.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return cellchain::label::Run(args, std::cout, std::cerr);
}
