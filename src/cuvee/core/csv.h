// CSV tables (observation tables, loss traces, predictions): RFC 4180 quoting, a header row,
// every row as wide as the header. Errors name the file, line and column.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cuvee {

struct CsvTable {
  std::filesystem::path path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> lines;  // 1-based line of each row in the file

  // Index of the named column, or nullopt.
  std::optional<size_t> find_column(std::string_view name) const;
  // Index of the named column; an error naming the file if it is missing.
  size_t column(std::string_view name) const;
  // The cell parsed as a finite or non-finite double; an error naming file, line and column if
  // it is not a number. Empty cells are an error here; use cell_empty() to test first.
  double number(size_t row, size_t column) const;
  bool cell_empty(size_t row, size_t column) const { return rows[row][column].empty(); }
  // "file:line" of a row, for messages.
  std::string where(size_t row) const;
};

CsvTable read_csv(const std::filesystem::path& path);
CsvTable parse_csv(std::string_view text, const std::filesystem::path& name);

// A field quoted if it needs to be.
std::string csv_field(std::string_view text);
// The shortest decimal that reads back as the same double.
std::string format_number(double value);

}  // namespace cuvee
