// Gives every test process its own PARQUET_ORACLES_DIR before main() runs.
//
// The `oracle` script copies its *.mjs readers into $PARQUET_ORACLES_DIR on every
// call. ctest runs tests in parallel, so one call's copy could truncate the
// script another call's node was loading; node then ran an empty module and
// exited 0 with no output (seen in CI as "the DuckDB oracle printed no JSON").
// Here each process gets a private directory holding links to the installed
// node_modules and a fresh package-lock.json (so `oracle` sees an up-to-date
// install and skips npm); its per-call copies then land where no one else reads.
// Child processes (oracle, python helpers that call it) inherit the variable.
// Without a finished shared install nothing changes and `oracle` installs as usual.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace {

namespace fs = std::filesystem;

fs::path OracleScriptDir() {
  const char* configured = std::getenv("SNAPLAKE_ORACLE");
  fs::path script = configured != nullptr && configured[0] != '\0'
                        ? fs::path(configured)
                        : fs::path(SNAPLAKE_SOURCE_DIR) / ".." / "shared" / "tools" / "parquet-oracles" / "oracle";
  return script.parent_path();
}

fs::path SharedInstallDir() {
  if (const char* dir = std::getenv("PARQUET_ORACLES_DIR"); dir != nullptr && dir[0] != '\0') return dir;
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : "/root") / ".cache" / "parquet-oracles";
}

class PrivateOracleDir {
 public:
  PrivateOracleDir() : owner_(getpid()) {
    std::error_code ec;
    const fs::path shared = SharedInstallDir();
    const fs::path lock = shared / "package-lock.json";
    const fs::path source_lock = OracleScriptDir() / "package-lock.json";
    // The same freshness test as the script's own install step.
    if (!fs::exists(shared / "node_modules" / ".installed", ec) || !fs::exists(source_lock, ec)) return;
    if (fs::last_write_time(lock, ec) <= fs::last_write_time(source_lock, ec) || ec) return;

    std::string pattern = (fs::temp_directory_path(ec) / "snaplake-oracle-XXXXXX").string();
    if (ec || mkdtemp(pattern.data()) == nullptr) return;
    const fs::path dir = pattern;
    fs::create_directory_symlink(fs::absolute(shared / "node_modules", ec), dir / "node_modules", ec);
    if (!ec) fs::copy_file(shared / "package.json", dir / "package.json", ec);
    if (!ec) fs::copy_file(lock, dir / "package-lock.json", ec);  // new mtime: newer than the source's
    if (ec) {
      fs::remove_all(dir, ec);
      return;
    }
    dir_ = dir;
    setenv("PARQUET_ORACLES_DIR", dir_.c_str(), /*overwrite=*/1);
  }

  ~PrivateOracleDir() {
    // A forked child that exits normally must not remove its parent's directory.
    if (dir_.empty() || getpid() != owner_) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);  // removes the node_modules link, not its target
  }

 private:
  pid_t owner_;
  fs::path dir_;
};

const PrivateOracleDir kPrivateOracleDir;

}  // namespace
