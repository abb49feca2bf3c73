// CLI11 wiring of `snaplake parquet schema|inspect|cat|convert|generate`.
// The commands themselves are in parquet_*_command.cc; see docs/cli.md.
#include <exception>
#include <functional>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/parquet_cli.h"

namespace snaplake::cli {

namespace {

// Runs a command; nothing it throws (std::bad_alloc, a library's exception)
// may escape as a crash, so exceptions become one-line errors too.
ExitCode RunGuarded(const std::function<Status()>& run) {
  Status st;
  try {
    st = run();
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("internal error: ") + e.what());
  } catch (...) {
    st = Status::Internal("internal error: unknown exception");
  }
  return ReportError(st);
}

CLI::Option* AddOutputFormat(CLI::App* cmd, std::shared_ptr<std::string> format) {
  return cmd->add_option("--output,-o", *format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

OutputFormat ToFormat(const std::string& s) { return s == "json" ? OutputFormat::kJson : OutputFormat::kText; }

// Binds --int96; the callback turns the text into settings->int96_unit.
std::shared_ptr<std::string> AddReadOptions(CLI::App* cmd) {
  auto int96 = std::make_shared<std::string>("nanos");
  cmd->add_option("--int96", *int96,
                  "Read INT96 timestamps as nanos (precise, years 1677..2262) or micros (any year)")
      ->check(CLI::IsMember({"nanos", "micros"}))
      ->capture_default_str();
  return int96;
}

void ApplyReadOptions(const std::string& int96, ReadSettings* settings) {
  settings->int96_unit = int96 == "micros" ? TimeUnit::kMicros : TimeUnit::kNanos;
}

void AddWriteOptions(CLI::App* cmd, WriteSettings* s) {
  cmd->add_option("--compression,-c", s->compression,
                  "Page compression: none, snappy, gzip, zstd, lz4_raw, brotli")
      ->capture_default_str();
  cmd->add_option("--row-group-size", s->row_group_size,
                  "Close a row group at this many compressed bytes (e.g. 128MiB; default 128MiB)");
  cmd->add_option("--page-size", s->page_size, "Close a data page at this many bytes (e.g. 1MiB; default 1MiB)");
  cmd->add_option("--page-version", s->page_version, "Data page version: 1 or 2")->capture_default_str();
  cmd->add_flag("!--no-dictionary", s->dictionary, "Do not dictionary-encode columns");
  cmd->add_flag("--delta", s->delta, "DELTA_BINARY_PACKED for integers that are not dictionary-encoded");
}

void RegisterSchema(CLI::App* parquet, ExitCode* exit_code) {
  auto* cmd = parquet->add_subcommand("schema", "Show a file's Parquet schema and the snaplake type of each column");
  auto args = std::make_shared<SchemaCommand>();
  auto format = std::make_shared<std::string>("text");
  cmd->add_option("file", args->file, "Parquet file (path or file:// URI)")->required();
  AddOutputFormat(cmd, format);
  auto int96 = AddReadOptions(cmd);
  cmd->callback([=] {
    args->output = ToFormat(*format);
    ApplyReadOptions(*int96, &args->read);
    *exit_code = RunGuarded([&] { return RunSchema(*args); });
  });
}

void RegisterInspect(CLI::App* parquet, ExitCode* exit_code) {
  auto* cmd = parquet->add_subcommand(
      "inspect", "Show a file's metadata: row groups, column chunks, encodings, sizes and statistics");
  auto args = std::make_shared<InspectCommand>();
  auto format = std::make_shared<std::string>("text");
  cmd->add_option("file", args->file, "Parquet file (path or file:// URI)")->required();
  AddOutputFormat(cmd, format);
  cmd->callback([=] {
    args->output = ToFormat(*format);
    *exit_code = RunGuarded([&] { return RunInspect(*args); });
  });
}

void RegisterCat(CLI::App* parquet, ExitCode* exit_code) {
  auto* cmd = parquet->add_subcommand("cat", "Print a file's rows as JSON lines");
  auto args = std::make_shared<CatCommand>();
  auto limit = std::make_shared<int64_t>(0);
  cmd->add_option("file", args->file, "Parquet file (path or file:// URI)")->required();
  CLI::Option* limit_option = cmd->add_option("--limit,-n", *limit, "Print at most this many rows");
  cmd->add_option("--columns", args->columns, "Only these top-level columns, in this order (a,b,c)")
      ->delimiter(',');
  auto int96 = AddReadOptions(cmd);
  cmd->callback([=] {
    if (limit_option->count() > 0) args->limit = *limit;
    ApplyReadOptions(*int96, &args->read);
    *exit_code = RunGuarded([&] { return RunCat(*args); });
  });
}

void RegisterConvert(CLI::App* parquet, ExitCode* exit_code) {
  auto* cmd = parquet->add_subcommand("convert", "Rewrite a Parquet file with other compression/encoding settings");
  auto args = std::make_shared<ConvertCommand>();
  cmd->add_option("input", args->input, "Parquet file to read")->required();
  cmd->add_option("output", args->output, "Parquet file to write (replaced if it exists)")->required();
  auto int96 = AddReadOptions(cmd);
  AddWriteOptions(cmd, &args->settings);
  cmd->callback([=] {
    ApplyReadOptions(*int96, &args->read);
    *exit_code = RunGuarded([&] { return RunConvert(*args); });
  });
}

void RegisterGenerate(CLI::App* parquet, ExitCode* exit_code) {
  auto* cmd = parquet->add_subcommand(
      "generate", "Write the synthetic 'mixed' table (11 columns of common types, ~10% NULLs) for demos and benchmarks");
  auto args = std::make_shared<GenerateCommand>();
  cmd->add_option("output", args->output, "Parquet file to write (replaced if it exists)")->required();
  cmd->add_option("--rows", args->rows, "Number of rows")->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed; the same seed gives the same rows")->capture_default_str();
  AddWriteOptions(cmd, &args->settings);
  cmd->callback([=] { *exit_code = RunGuarded([&] { return RunGenerate(*args); }); });
}

}  // namespace

void RegisterParquetCommands(CLI::App& app, ExitCode* exit_code) {
  auto* parquet = app.add_subcommand("parquet", "Inspect, print and convert Parquet files");
  parquet->require_subcommand(1);
  RegisterSchema(parquet, exit_code);
  RegisterInspect(parquet, exit_code);
  RegisterCat(parquet, exit_code);
  RegisterConvert(parquet, exit_code);
  RegisterGenerate(parquet, exit_code);
}

}  // namespace snaplake::cli
