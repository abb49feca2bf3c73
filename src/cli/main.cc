// snaplake: the command-line entry point. Each command group lives in its own
// file under src/cli/ and registers itself here.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"
#include "common/version.h"

int main(int argc, char** argv) {
  CLI::App app{"snaplake: consistent database snapshots to Parquet and Delta Lake"};
  app.set_version_flag("--version", std::string(snaplake::kCreatedBy));
  app.require_subcommand(1);
  snaplake::cli::ExitCode exit_code = 0;
  // Storage options may follow the command name: subcommands pass them up.
  app.fallthrough();
  snaplake::cli::RegisterStorageOptions(app, &exit_code);
  snaplake::cli::RegisterParquetCommands(app, &exit_code);
  snaplake::cli::RegisterExportCommands(app, &exit_code);
  snaplake::cli::RegisterLakeCommands(app, &exit_code);
  snaplake::cli::RegisterStorageCommands(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message (or the help); its own codes (104-109) are
    // folded into one documented status for a bad command line.
    const int code = app.exit(e);
    return code == 0 ? snaplake::cli::kExitOk : snaplake::cli::kExitUsage;
  }
  return exit_code;
}
