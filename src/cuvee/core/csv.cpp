#include "cuvee/core/csv.h"

#include <charconv>
#include <cmath>
#include <utility>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"

namespace cuvee {

std::optional<size_t> CsvTable::find_column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return std::nullopt;
}

size_t CsvTable::column(std::string_view name) const {
  auto index = find_column(name);
  if (!index) fail("{}: missing column '{}'", path.string(), name);
  return *index;
}

std::string CsvTable::where(size_t row) const {
  return fmt::format("{}:{}", path.string(), lines[row]);
}

double CsvTable::number(size_t row, size_t col) const {
  const std::string& cell = rows[row][col];
  double value = 0;
  const char* end = cell.data() + cell.size();
  auto [ptr, ec] = std::from_chars(cell.data(), end, value);
  if (cell.empty() || ec != std::errc() || ptr != end) {
    fail("{}: column '{}': expected a number, got '{}'", where(row), header[col], cell);
  }
  return value;
}

CsvTable parse_csv(std::string_view text, const std::filesystem::path& name) {
  CsvTable table;
  table.path = name;
  size_t pos = 0;
  size_t line = 1;
  std::vector<std::string> record;
  while (pos < text.size()) {
    size_t record_line = line;
    record.clear();
    std::string field;
    bool in_quotes = false;
    bool ended = false;
    while (!ended) {
      if (pos >= text.size()) {
        if (in_quotes) fail("{}:{}: unterminated quoted field", name.string(), record_line);
        record.push_back(std::exchange(field, {}));
        ended = true;
        break;
      }
      char c = text[pos++];
      if (in_quotes) {
        if (c == '"') {
          if (pos < text.size() && text[pos] == '"') {
            field += '"';
            ++pos;
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n') ++line;
          field += c;
        }
      } else if (c == '"' && field.empty()) {
        in_quotes = true;
      } else if (c == ',') {
        record.push_back(std::exchange(field, {}));
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
        ++line;
        record.push_back(std::exchange(field, {}));
        ended = true;
      } else {
        field += c;
      }
    }
    if (record.size() == 1 && record[0].empty()) continue;  // blank line
    if (table.header.empty()) {
      table.header = record;
    } else {
      if (record.size() != table.header.size()) {
        fail("{}:{}: expected {} fields as in the header, found {}", name.string(), record_line,
             table.header.size(), record.size());
      }
      table.rows.push_back(record);
      table.lines.push_back(record_line);
    }
  }
  if (table.header.empty()) fail("{}: empty file, expected a header row", name.string());
  return table;
}

CsvTable read_csv(const std::filesystem::path& path) {
  return parse_csv(read_file(path), path);
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return fmt::format("{}", value);
}

}  // namespace cuvee
