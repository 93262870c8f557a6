#include "cuvee/corpus/document_reader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "cuvee/core/error.h"
#include "cuvee/core/utf8.h"
#include "cuvee/corpus/byte_source.h"
#include "cuvee/corpus/document_ids.h"

namespace cuvee {
namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_json_input(const fs::path& path) {
  std::string name = without_compression_suffix(path).filename().string();
  return ends_with(name, ".jsonl") || ends_with(name, ".json") || ends_with(name, ".ndjson");
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

}  // namespace

// Lines of one file, from its (decompressed) bytes.
class DocumentReader::Source {
 public:
  explicit Source(const fs::path& path) : bytes_(ByteSource::open(path)) {}

  // The next line without its newline; false at end of file.
  bool read_line(std::string& line) {
    line.clear();
    while (true) {
      if (pos_ < data_.size()) {
        size_t newline = data_.find('\n', pos_);
        if (newline != std::string::npos) {
          line.append(data_, pos_, newline - pos_);
          pos_ = newline + 1;
          ++line_number_;
          return true;
        }
        line.append(data_, pos_);
        pos_ = data_.size();
      }
      if (!refill()) {
        if (line.empty()) return false;
        ++line_number_;
        return true;
      }
    }
  }

  uint64_t line_number() const { return line_number_; }
  uint64_t bytes_consumed() const { return bytes_->bytes_consumed(); }

 private:
  bool refill() {
    data_.resize(1 << 20);
    pos_ = 0;
    data_.resize(bytes_->read(data_.data(), data_.size()));
    return !data_.empty();
  }

  std::unique_ptr<ByteSource> bytes_;
  std::string data_;
  size_t pos_ = 0;
  uint64_t line_number_ = 0;
};

DocumentReader::DocumentReader(std::vector<fs::path> inputs, ReaderOptions options)
    : inputs_(std::move(inputs)), options_(std::move(options)) {
  if (inputs_.empty()) fail("no input files given");
  for (const auto& path : inputs_) {
    std::error_code error;
    auto status = fs::status(path, error);
    if (error || !fs::exists(status)) fail("cannot read {}: no such file", path.string());
    if (!fs::is_regular_file(status)) fail("cannot read {}: not a regular file", path.string());
    std::FILE* probe = std::fopen(path.c_str(), "rb");
    if (probe == nullptr) fail("cannot read {}: {}", path.string(), std::strerror(errno));
    std::fclose(probe);
    total_bytes_ += fs::file_size(path);
  }
}

DocumentReader::~DocumentReader() = default;

uint64_t DocumentReader::bytes_read() const {
  return finished_bytes_ + (source_ ? source_->bytes_consumed() : 0);
}

bool DocumentReader::open_next() {
  if (source_) {
    finished_bytes_ += source_->bytes_consumed();
    source_.reset();
  }
  if (next_input_ >= inputs_.size()) return false;
  source_ = std::make_unique<Source>(inputs_[next_input_++]);
  return true;
}

bool DocumentReader::next_batch(std::vector<RawDocument>& batch, size_t max_bytes) {
  size_t buffered = 0;
  std::string line;
  if (!source_ && !open_next()) return false;
  while (buffered < max_bytes) {
    size_t file = next_input_ - 1;
    bool json = is_json_input(inputs_[file]);
    if (json) {
      if (!source_->read_line(line)) {
        if (!open_next()) break;
        continue;
      }
      if (is_blank(line)) continue;
      buffered += line.size();
      batch.push_back({std::move(line), true, file, source_->line_number()});
      line = std::string();
    } else if (options_.split == TextSplit::kFile) {
      RawDocument doc{std::string(), false, file, 1};
      bool first = true;
      while (source_->read_line(line)) {
        if (!first) doc.payload += '\n';
        doc.payload += line;
        first = false;
      }
      buffered += doc.payload.size();
      batch.push_back(std::move(doc));
      if (!open_next()) break;
    } else {
      RawDocument doc{std::string(), false, file, 0};
      bool have_line = false;
      while ((have_line = source_->read_line(line))) {
        if (is_blank(line)) {
          if (!doc.payload.empty()) break;
          continue;
        }
        if (doc.payload.empty()) {
          doc.line = source_->line_number();
        } else {
          doc.payload += '\n';
        }
        doc.payload += line;
      }
      if (!doc.payload.empty()) {
        buffered += doc.payload.size();
        batch.push_back(std::move(doc));
      }
      if (!have_line && !open_next()) break;
    }
  }
  return !batch.empty();
}

namespace {

// nlohmann::json's names of the JSON types, as the error messages have always used them.
const char* json_type_name(simdjson::dom::element_type type) {
  switch (type) {
    case simdjson::dom::element_type::ARRAY:
      return "array";
    case simdjson::dom::element_type::OBJECT:
      return "object";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
      return "number";
    case simdjson::dom::element_type::STRING:
      return "string";
    case simdjson::dom::element_type::BOOL:
      return "boolean";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
  }
  return "value";
}

void check_not_empty(ValidatedDocument& result, const std::string& where) {
  if (result.text.find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
    result.error = fmt::format("{}: empty document", where);
    result.reason = "empty document";
  }
}

// The document's id from its field: `found` whether the object has the field, `id` its value
// when that is a string or a whole number (as JSON writes it), `type` the value's JSON type.
// False, with the error set, when there is no usable id.
bool take_id(ValidatedDocument& result, const std::string& where, const std::string& id_key,
             bool found, const char* type, std::optional<std::string> id) {
  if (!found) {
    result.error = fmt::format(
        "{}: no '{}' field for the document's id (--id-key '' imports without ids)", where, id_key);
    result.reason = "missing id field";
    return false;
  }
  if (!id) {
    result.error = fmt::format("{}: field '{}' is {}, expected a string or a whole number", where,
                               id_key, type);
    result.reason = "id not a string or whole number";
    return false;
  }
  if (auto problem = id_problem(*id); !problem.empty()) {
    result.error = fmt::format("{}: field '{}' is {}", where, id_key, problem);
    result.reason = "unusable id";
    return false;
  }
  result.id = std::move(*id);
  return true;
}

// The same checks as validate_document's, through nlohmann::json (valid UTF-8 already).
ValidatedDocument validate_with_nlohmann(const RawDocument& doc, const std::string& where,
                                         const std::string& text_key, const std::string& id_key) {
  ValidatedDocument result;
  nlohmann::json object;
  try {
    object = nlohmann::json::parse(doc.payload);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    result.error = fmt::format("{}: malformed JSON: {}", where, e.what());
    result.reason = "malformed JSON";
    return result;
  }
  auto it = object.is_object() ? object.find(text_key) : object.end();
  if (!object.is_object()) {
    result.error = fmt::format("{}: expected a JSON object, found {}", where, object.type_name());
    result.reason = "not a JSON object";
  } else if (it == object.end()) {
    result.error =
        fmt::format("{}: no '{}' field (name the text field with --text-key)", where, text_key);
    result.reason = "missing text field";
  } else if (!it->is_string()) {
    result.error =
        fmt::format("{}: field '{}' is {}, expected a string", where, text_key, it->type_name());
    result.reason = "text not a string";
  } else {
    result.text = it->get<std::string>();
    if (!id_key.empty()) {
      auto id = object.find(id_key);
      std::optional<std::string> value;
      if (id != object.end() && id->is_string()) value = id->get<std::string>();
      if (id != object.end() && id->is_number_integer()) value = id->dump();
      if (!take_id(result, where, id_key, id != object.end(),
                   id == object.end() ? "" : id->type_name(), value)) {
        return result;
      }
    }
    check_not_empty(result, where);
  }
  return result;
}

}  // namespace

bool has_field(const RawDocument& doc, const std::string& key) {
  if (!doc.json) return false;
  auto object = nlohmann::json::parse(doc.payload, nullptr, /*allow_exceptions=*/false);
  return object.is_object() && object.contains(key);
}

ValidatedDocument validate_document(const RawDocument& doc, const fs::path& file,
                                    const std::string& text_key, const std::string& id_key) {
  ValidatedDocument result;
  auto where = [&] { return fmt::format("{}:{}", file.string(), doc.line); };
  auto bad_utf8 = [&](size_t bad) {
    result.error = fmt::format("{}: invalid UTF-8 at byte {} of the {}", where(), bad,
                               doc.json ? "line" : "document");
    result.reason = "invalid UTF-8";
    return result;
  };
  if (doc.json) {
    // simdjson's DOM parser reads the whole line (so trailing garbage is an error, as with any
    // strict parser) and validates its UTF-8 as it goes, so good lines need no pass of their
    // own. A line with bad bytes is reported as bad UTF-8, not as malformed JSON, whichever of
    // the two the parser noticed first. One parser per thread: it keeps its buffers.
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (auto error = parser.parse(doc.payload.data(), doc.payload.size()).get(root); error) {
      if (size_t bad = find_invalid_utf8(doc.payload); bad != std::string_view::npos) {
        return bad_utf8(bad);
      }
      // simdjson's DOM holds no integer beyond 64 bits; JSON allows them, so a line it cannot
      // read a number of goes to nlohmann::json (which reads them as doubles), once.
      if (error == simdjson::NUMBER_ERROR) {
        return validate_with_nlohmann(doc, where(), text_key, id_key);
      }
      result.error = fmt::format("{}: malformed JSON: {}", where(), simdjson::error_message(error));
      result.reason = "malformed JSON";
      return result;
    }
    if (root.type() != simdjson::dom::element_type::OBJECT) {
      result.error =
          fmt::format("{}: expected a JSON object, found {}", where(), json_type_name(root.type()));
      result.reason = "not a JSON object";
      return result;
    }
    // The last field of that name counts, as when the object is read into a map.
    std::optional<simdjson::dom::element> text, id;
    for (auto field : simdjson::dom::object(root)) {
      if (field.key == text_key) text = field.value;
      if (!id_key.empty() && field.key == id_key) id = field.value;
    }
    if (!text) {
      result.error =
          fmt::format("{}: no '{}' field (name the text field with --text-key)", where(), text_key);
      result.reason = "missing text field";
      return result;
    }
    if (text->type() != simdjson::dom::element_type::STRING) {
      result.error = fmt::format("{}: field '{}' is {}, expected a string", where(), text_key,
                                 json_type_name(text->type()));
      result.reason = "text not a string";
      return result;
    }
    result.text = std::string_view(*text);
    if (!id_key.empty()) {
      std::optional<std::string> value;
      const auto type = id ? id->type() : simdjson::dom::element_type::NULL_VALUE;
      if (type == simdjson::dom::element_type::STRING) value = std::string(std::string_view(*id));
      if (type == simdjson::dom::element_type::INT64) value = std::to_string(int64_t(*id));
      if (type == simdjson::dom::element_type::UINT64) value = std::to_string(uint64_t(*id));
      if (!take_id(result, where(), id_key, id.has_value(), json_type_name(type), value)) {
        return result;
      }
    }
  } else {
    if (size_t bad = find_invalid_utf8(doc.payload); bad != std::string_view::npos) {
      return bad_utf8(bad);
    }
    if (!id_key.empty()) {
      result.error = fmt::format(
          "{}: plain text has no '{}' field for the document's id (ids come from JSONL; "
          "--id-key '' imports without them)",
          where(), id_key);
      result.reason = "missing id field";
      return result;
    }
    result.text = doc.payload;
  }
  check_not_empty(result, where());
  return result;
}

}  // namespace cuvee
