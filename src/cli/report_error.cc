#include <cstdio>

#include "cli/commands.h"

namespace snaplake::cli {

ExitCode ReportError(const Status& status) {
  if (status.ok()) return kExitOk;
  std::fprintf(stderr, "snaplake: %s\n", status.message().c_str());
  return kExitError;
}

}  // namespace snaplake::cli
