// Diagnostic lines on stderr, by level. The level comes from SNAPLAKE_LOG_LEVEL
// (error, warn, info, debug; default warn). Callers must not pass secrets:
// no credentials, signatures or presigned URLs ever reach a log line.
#pragma once

#include <string_view>

namespace snaplake {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

bool LogEnabled(LogLevel level);
// "2026-11-27T03:04:05.123Z snaplake debug: <message>"
void LogLine(LogLevel level, std::string_view message);

}  // namespace snaplake
