#include "cli/commands.h"

namespace snaplake::cli {

void RegisterParquetCommands(CLI::App& app, ExitCode* exit_code) {
  auto* parquet = app.add_subcommand("parquet", "Inspect, print and convert Parquet files");
  parquet->require_subcommand(1);
  (void)exit_code;
}

}  // namespace snaplake::cli
