// `snaplake cp SRC DST [--recursive]`: copies files between local folders and
// S3 (either way, or within S3 server-side), like `aws s3 cp`, with snaplake's
// own S3 client: handy to move an export, and the benchmark of that client.
#include <cstdio>

#include "cli/commands.h"
#include "storage/file_copy.h"

namespace snaplake::cli {

void RegisterStorageCommands(CLI::App& app, ExitCode* exit_code) {
  struct Args {
    std::string from;
    std::string to;
    bool recursive = false;
    int parallel = 4;
    bool quiet = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cp = app.add_subcommand("cp", "Copy files between local folders and s3:// (like aws s3 cp)");
  cp->add_option("source", args->from, "file or folder: a path, file:// or s3://bucket/key")->required();
  cp->add_option("target", args->to, "file or folder: a path, file:// or s3://bucket/key")->required();
  cp->add_flag("-r,--recursive", args->recursive, "copy every file under the source folder/prefix");
  cp->add_option("--parallel", args->parallel, "files copied at once with --recursive (default 4)")
      ->check(CLI::Range(1, 256));
  cp->add_flag("-q,--quiet", args->quiet, "print nothing on success");
  cp->callback([args, exit_code] {
    Result<CopyStats> stats =
        args->recursive ? CopyTree(args->from, args->to, args->parallel) : CopyFile(args->from, args->to);
    if (!stats.ok()) {
      *exit_code = ReportError(stats.status());
      return;
    }
    if (!args->quiet) {
      std::printf("copied %lld files, %lld bytes\n", static_cast<long long>(stats->files),
                  static_cast<long long>(stats->bytes));
    }
    *exit_code = kExitOk;
  });
}

}  // namespace snaplake::cli
