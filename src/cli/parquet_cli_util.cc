#include <cerrno>
#include <cstring>
#include <utility>

#include "cli/parquet_cli.h"
#include "storage/file_system.h"
#include "storage/local_file_system.h"

namespace snaplake::cli {

namespace {

bool StartsWithPath(const std::string& message, const std::string& path) {
  if (path.empty() || message.compare(0, path.size(), path) != 0) return false;
  // "<path>: ..." or "<path> is encrypted ...", but not "<path>x: ...".
  return message.size() == path.size() || message[path.size()] == ':' || message[path.size()] == ' ';
}

// Removes the first " '<path>'" (or a leading "'<path>' ") from message.
bool DropQuotedPath(std::string* message, const std::string& path) {
  std::string quoted = "'";
  quoted.append(path).append("'");
  size_t at = message->find(quoted);
  if (at == std::string::npos) return false;
  size_t begin = at;
  size_t end = at + quoted.size();
  if (begin > 0 && (*message)[begin - 1] == ' ') {
    --begin;
  } else if (end < message->size() && (*message)[end] == ' ') {
    ++end;
  }
  message->erase(begin, end - begin);
  return true;
}

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

Status FileError(const std::string& path, const Status& status) {
  if (status.ok()) return status;
  const std::string local = StripFileScheme(path);
  const std::string& message = status.message();
  if (StartsWithPath(message, path) || StartsWithPath(message, local)) return status;
  std::string rest = message;
  if (!DropQuotedPath(&rest, path) && local != path) DropQuotedPath(&rest, local);
  std::string full = path;
  full.append(": ").append(rest);
  return Status(status.code(), std::move(full));
}

Result<std::unique_ptr<parquet::ParquetReader>> OpenParquet(const std::string& path,
                                                            parquet::ReaderOptions options) {
  auto fs = FileSystemForPath(path);
  if (!fs.ok()) return FileError(path, fs.status());
  auto file = (*fs)->OpenRead(path);
  if (!file.ok()) return FileError(path, file.status());
  std::shared_ptr<RandomAccessFile> shared(std::move(file).value());
  auto reader = parquet::ParquetReader::Open(std::move(shared), std::move(options));
  if (!reader.ok()) return FileError(path, reader.status());
  return reader;
}

Result<bool> NextBatch(const std::string& path, parquet::ParquetReader* reader, ColumnBatch* batch) {
  auto more = reader->Next(batch);
  if (more.ok()) return more;
  Status st = FileError(path, more.status());
  // The reader speaks to programs; a CLI user needs the option instead.
  static constexpr std::string_view kInt96Hint = "read with ReaderOptions::int96_unit = TimeUnit::kMicros";
  const size_t at = st.message().find(kInt96Hint);
  if (at == std::string::npos) return st;
  std::string msg = st.message();
  msg.replace(at, kInt96Hint.size(), "use --int96 micros");
  return Status(st.code(), std::move(msg));
}

Result<int64_t> ParseByteSize(std::string_view text, std::string_view option_name) {
  auto invalid = [&](const char* why) {
    std::string msg = option_name.empty() ? std::string("size") : std::string(option_name);
    msg.append(": '").append(text.substr(0, 64)).append("' ").append(why);
    msg.append("; expected a positive number of bytes, optionally followed by k, M, G, T (powers of 1024, also ");
    msg.append("KiB, MiB, GiB, TiB) or KB, MB, GB, TB (powers of 1000), e.g. 512k, 64MiB");
    return Status::InvalidArgument(std::move(msg));
  };
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return invalid("is not a size");
  constexpr int64_t kMax = int64_t{1} << 62;
  int64_t number = 0;
  for (size_t i = 0; i < digits; ++i) {
    number = number * 10 + (text[i] - '0');
    if (number > kMax) return invalid("is too large");
  }
  std::string suffix;
  for (char c : text.substr(digits)) suffix.push_back(LowerAscii(c));
  struct Unit {
    const char* suffix;
    int64_t multiplier;
  };
  static constexpr int64_t kKi = 1024;
  static constexpr Unit kUnits[] = {
      {"", 1},          {"b", 1},
      {"k", kKi},       {"kib", kKi},       {"kb", 1000},
      {"m", kKi * kKi}, {"mib", kKi * kKi}, {"mb", 1000 * 1000},
      {"g", kKi * kKi * kKi}, {"gib", kKi * kKi * kKi}, {"gb", 1000 * 1000 * 1000},
      {"t", kKi * kKi * kKi * kKi}, {"tib", kKi * kKi * kKi * kKi}, {"tb", int64_t{1000} * 1000 * 1000 * 1000},
  };
  for (const Unit& u : kUnits) {
    if (suffix != u.suffix) continue;
    if (number == 0) return invalid("is zero");
    if (number > kMax / u.multiplier) return invalid("is too large");
    return number * u.multiplier;
  }
  return invalid("has an unknown unit");
}

Status StdoutWriter::Flush() {
  if (buffer_.empty()) return Status::OK();
  const size_t written = std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
  const bool failed = written != buffer_.size() || std::fflush(stdout) != 0;
  buffer_.clear();
  if (failed) {
    std::string msg = "stdout: write failed: ";
    msg.append(std::strerror(errno));
    return Status::IOError(std::move(msg));
  }
  return Status::OK();
}

}  // namespace snaplake::cli
