// cellchain-verify: wires argv and the standard streams to verify::Run (see
// verify.h for the commands and exit statuses).
#include <iostream>
#include <string>
#include <vector>

#include "clients/verify/verify.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return cellchain::verify::Run(args, std::cin, std::cout, std::cerr);
}
