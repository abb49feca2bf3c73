// Display names of Parquet metadata values, as parquet.thrift spells them
// ("INT64", "RLE_DICTIONARY", "DATA_PAGE_V2", "TIMESTAMP(MICROS,true)"), for
// `snaplake parquet schema` and `inspect`. Values outside the enums (files from
// newer writers) print as "UNKNOWN(<number>)".
#pragma once

#include <string>

#include "format/parquet/metadata/parquet_types.h"

namespace snaplake::cli {

std::string PhysicalTypeName(parquet::PhysicalType type);
std::string RepetitionName(parquet::FieldRepetitionType repetition);
std::string EncodingName(parquet::Encoding encoding);
std::string PageTypeName(parquet::PageType type);
std::string ConvertedTypeName(parquet::ConvertedType type);
// Thrift CompressionCodec values; "UNKNOWN(n)" outside the enum.
std::string CodecName(int32_t codec);
// "STRING", "DECIMAL(12,2)", "TIMESTAMP(MICROS,true)", "INTEGER(32,false)", ...
std::string LogicalTypeName(const parquet::LogicalType& type);
// The annotation parquet-java shows after a field: the logical type when
// present, else the converted type ("DECIMAL(p,s)" with its precision/scale);
// empty when the element has neither.
std::string AnnotationName(const parquet::SchemaElement& element);

}  // namespace snaplake::cli
