// cellchain-verify: wires argv and the standard streams to verify::Run (see
// verify.h for the commands and exit statuses).
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "clients/verify/verify.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  cellchain::verify::RunOptions options;
  options.err_is_terminal = isatty(STDERR_FILENO) == 1;
  return cellchain::verify::Run(args, std::cin, std::cout, std::cerr, options);
}
