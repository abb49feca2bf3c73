#include "format/sample_data.h"

#include <cstdio>

namespace snaplake {

namespace {

// SplitMix64 over (seed, row, column): any row can be generated on its own.
uint64_t Mix(uint64_t seed, int64_t row, int column) {
  uint64_t z = seed + static_cast<uint64_t>(row) * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(column) * 0xd1b54a32d192ed03ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

bool IsNull(uint64_t r) { return r % 10 == 0; }

constexpr const char* kWords[] = {"aspirin", "ibuprofen", "paracetamol", "amoxicillin", "metformin",
                                  "lisinopril", "atorvastatin", "omeprazole", "salbutamol", "insulin",
                                  "warfarin", "prednisone", "cetirizine", "loratadine", "naproxen", "codeine"};
constexpr int kNumWords = sizeof(kWords) / sizeof(kWords[0]);

}  // namespace

Schema MixedSchema() {
  Schema s;
  s.fields = {
      {"id", Type::Int64(), false},
      {"quantity", Type::Int32(), true},
      {"price", Type::Decimal(12, 2), true},
      {"amount", Type::Decimal(28, 6), true},
      {"name", Type::String(), true},
      {"category", Type::String(), true},
      {"created", Type::Timestamp(TimeUnit::kMicros, true), true},
      {"updated", Type::Timestamp(TimeUnit::kMicros, false), true},
      {"day", Type::Date(), true},
      {"ratio", Type::Double(), true},
      {"active", Type::Boolean(), true},
  };
  return s;
}

void FillMixedBatch(int64_t first_row, int64_t rows, uint64_t seed, ColumnBatch* batch) {
  batch->Clear();
  Column& id = batch->mutable_column(0);
  Column& quantity = batch->mutable_column(1);
  Column& price = batch->mutable_column(2);
  Column& amount = batch->mutable_column(3);
  Column& name = batch->mutable_column(4);
  Column& category = batch->mutable_column(5);
  Column& created = batch->mutable_column(6);
  Column& updated = batch->mutable_column(7);
  Column& day = batch->mutable_column(8);
  Column& ratio = batch->mutable_column(9);
  Column& active = batch->mutable_column(10);
  char text[64];
  constexpr int64_t kEpoch2020Micros = 1577836800LL * 1000000;
  for (int64_t row = first_row; row < first_row + rows; ++row) {
    id.Append<int64_t>(row + 1);
    uint64_t r = Mix(seed, row, 1);
    if (IsNull(r)) quantity.AppendNull(); else quantity.Append<int32_t>(static_cast<int32_t>((r >> 8) % 1000));
    r = Mix(seed, row, 2);
    if (IsNull(r)) price.AppendNull(); else price.Append<int64_t>(static_cast<int64_t>((r >> 8) % 10000000));
    r = Mix(seed, row, 3);
    if (IsNull(r)) {
      amount.AppendNull();
    } else {
      __int128 v = static_cast<__int128>((r >> 4) % 1000000000000000000ULL) * 1000;
      if (r & 1) v = -v;
      amount.Append<__int128>(v);
    }
    r = Mix(seed, row, 4);
    if (IsNull(r)) {
      name.AppendNull();
    } else {
      int n = std::snprintf(text, sizeof(text), "%s-%llu", kWords[(r >> 8) % kNumWords],
                            static_cast<unsigned long long>((r >> 16) % 100000));
      name.AppendBytes(text, static_cast<size_t>(n));
    }
    r = Mix(seed, row, 5);
    if (IsNull(r)) {
      category.AppendNull();
    } else {
      int n = std::snprintf(text, sizeof(text), "cat-%u", static_cast<unsigned>((r >> 8) % 300));
      category.AppendBytes(text, static_cast<size_t>(n));
    }
    r = Mix(seed, row, 6);
    const int64_t ts = kEpoch2020Micros + row * 1000003 + static_cast<int64_t>((r >> 8) % 1000000);
    if (IsNull(r)) created.AppendNull(); else created.Append<int64_t>(ts);
    r = Mix(seed, row, 7);
    if (IsNull(r)) updated.AppendNull(); else updated.Append<int64_t>(ts + static_cast<int64_t>((r >> 8) % 86400000000LL));
    r = Mix(seed, row, 8);
    if (IsNull(r)) day.AppendNull(); else day.Append<int32_t>(18262 + static_cast<int32_t>((r >> 8) % 2000));
    r = Mix(seed, row, 9);
    if (IsNull(r)) ratio.AppendNull(); else ratio.Append<double>(static_cast<double>(r >> 11) / 9007199254740992.0);
    r = Mix(seed, row, 10);
    if (IsNull(r)) active.AppendNull(); else active.Append<uint8_t>((r >> 8) & 1);
  }
}

}  // namespace snaplake
