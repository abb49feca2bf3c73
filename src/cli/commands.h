// Command groups of the snaplake CLI. Each Register* adds a subcommand tree to
// the app; the chosen command stores its process exit status in *exit_code.
// Errors are printed as one line on stderr: "snaplake: <what went wrong>".
#pragma once

#include <CLI/CLI.hpp>

#include "common/status.h"

namespace snaplake::cli {

using ExitCode = int;

// Exit statuses shared by every command (documented in README and docs/cli.md).
inline constexpr ExitCode kExitOk = 0;
inline constexpr ExitCode kExitError = 1;       // the command failed; see the message
inline constexpr ExitCode kExitUsage = 2;       // bad command line (unknown option, missing argument)
inline constexpr ExitCode kExitTaskExists = 3;  // export start: ExportTaskAlreadyExists (a rerun is safe)

// Prints "snaplake: <message>" on stderr and returns kExitError (for !ok()).
ExitCode ReportError(const Status& status);

// Global --s3-* / --region / --sse ... options; call before registering commands.
void RegisterStorageOptions(CLI::App& app, ExitCode* exit_code);
void RegisterParquetCommands(CLI::App& app, ExitCode* exit_code);
void RegisterStorageCommands(CLI::App& app, ExitCode* exit_code);
void RegisterExportCommands(CLI::App& app, ExitCode* exit_code);
void RegisterLakeCommands(CLI::App& app, ExitCode* exit_code);  // ingest, delta, catalog

}  // namespace snaplake::cli
