#include "cuvee/corpus/byte_source.h"

#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "cuvee/core/error.h"

namespace cuvee {
namespace fs = std::filesystem;

namespace {

constexpr size_t kInputChunk = 1 << 17;

bool has_suffix(const std::string& name, std::string_view suffix) {
  return name.size() > suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The file's first bytes, for messages about a name and content that disagree.
std::string hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{}{:02x}", out.empty() ? "" : " ", c);
  return out.empty() ? "nothing: the file is empty" : out;
}

class PlainSource final : public ByteSource {
 public:
  PlainSource(fs::path path, std::FILE* file)
      : ByteSource(std::move(path), file, Compression::kNone) {}
  size_t read(char* out, size_t capacity) override { return read_file(out, capacity); }
};

// zlib's inflate with gzip framing, one member after another.
class GzipSource final : public ByteSource {
 public:
  GzipSource(fs::path path, std::FILE* file)
      : ByteSource(std::move(path), file, Compression::kGzip), input_(kInputChunk) {
    std::memset(&stream_, 0, sizeof(stream_));
    // 16 + MAX_WBITS: a gzip header and trailer, a window of any size up to 32 KiB.
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) {
      fail("{}: cannot start the gzip decoder", path_.string());
    }
  }
  ~GzipSource() override { inflateEnd(&stream_); }

  size_t read(char* out, size_t capacity) override {
    if (capacity == 0) return 0;
    while (true) {
      if (stream_.avail_in == 0 && !at_end_) {
        size_t n = read_file(input_.data(), input_.size());
        at_end_ = n == 0;
        stream_.next_in = input_.data();
        stream_.avail_in = static_cast<uInt>(n);
      }
      if (stream_.avail_in == 0 && at_end_) {
        if (in_member_) corrupt("truncated gzip stream (it ends inside a member)");
        return 0;
      }
      if (!in_member_) {
        // Another member follows the last one (pigz, bgzip and `cat a.gz b.gz` write these).
        if (members_ > 0 && inflateReset(&stream_) != Z_OK) corrupt("cannot reset the decoder");
        in_member_ = true;
      }
      stream_.next_out = reinterpret_cast<Bytef*>(out);
      stream_.avail_out = static_cast<uInt>(capacity);
      int status = inflate(&stream_, Z_NO_FLUSH);
      if (status == Z_STREAM_END) {
        in_member_ = false;
        ++members_;
      } else if (status != Z_OK && status != Z_BUF_ERROR) {
        corrupt(fmt::format("corrupt gzip data{}: {}",
                            members_ > 0 ? fmt::format(" after member {}", members_) : "",
                            stream_.msg != nullptr ? stream_.msg : zError(status)));
      }
      size_t produced = capacity - stream_.avail_out;
      if (produced > 0) return produced;
    }
  }

 private:
  z_stream stream_;
  std::vector<Bytef> input_;
  bool at_end_ = false;
  bool in_member_ = false;
  uint64_t members_ = 0;
};

// zstd's streaming decoder, frame after frame.
class ZstdSource final : public ByteSource {
 public:
  ZstdSource(fs::path path, std::FILE* file)
      : ByteSource(std::move(path), file, Compression::kZstd),
        stream_(ZSTD_createDStream()),
        input_(ZSTD_DStreamInSize()) {
    if (stream_ == nullptr) fail("{}: cannot start the zstd decoder", path_.string());
  }
  ~ZstdSource() override { ZSTD_freeDStream(stream_); }

  size_t read(char* out, size_t capacity) override {
    if (capacity == 0) return 0;
    while (true) {
      if (position_ == filled_ && !at_end_) {
        filled_ = read_file(input_.data(), input_.size());
        position_ = 0;
        at_end_ = filled_ == 0;
      }
      // A call that filled the output may have left decoded bytes inside the decoder: it is
      // called again, without input, before the end of the file is believed.
      if (position_ == filled_ && at_end_ && !output_was_full_) {
        if (!frame_done_) corrupt("truncated zstd stream (it ends inside a frame)");
        return 0;
      }
      ZSTD_inBuffer input{input_.data(), filled_, position_};
      ZSTD_outBuffer output{out, capacity, 0};
      size_t status = ZSTD_decompressStream(stream_, &output, &input);
      if (ZSTD_isError(status)) {
        corrupt(fmt::format("corrupt zstd data: {}", ZSTD_getErrorName(status)));
      }
      // A call that moved nothing leaves the decoder where it was (at a frame's end, its
      // status is then the size of the next frame's header, not 0).
      if (input.pos != position_ || output.pos > 0) frame_done_ = status == 0;
      position_ = input.pos;
      output_was_full_ = output.pos == capacity;
      if (output.pos > 0) return output.pos;
    }
  }

 private:
  ZSTD_DStream* stream_;
  std::vector<char> input_;
  size_t filled_ = 0;
  size_t position_ = 0;
  bool at_end_ = false;
  bool frame_done_ = false;
  bool output_was_full_ = false;
};

}  // namespace

std::string_view compression_name(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

Compression compression_by_name(const fs::path& path) {
  std::string name = path.filename().string();
  if (has_suffix(name, ".gz")) return Compression::kGzip;
  if (has_suffix(name, ".zst") || has_suffix(name, ".zstd")) return Compression::kZstd;
  return Compression::kNone;
}

Compression compression_by_content(std::string_view head) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(head[i]); };
  if (head.size() >= 2 && byte(0) == 0x1f && byte(1) == 0x8b) return Compression::kGzip;
  if (head.size() >= 4 && byte(1) == 0xb5 && byte(2) == 0x2f && byte(3) == 0xfd &&
      byte(0) == 0x28) {
    return Compression::kZstd;
  }
  if (head.size() >= 4 && (byte(0) & 0xf0) == 0x50 && byte(1) == 0x2a && byte(2) == 0x4d &&
      byte(3) == 0x18) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

fs::path without_compression_suffix(const fs::path& path) {
  if (compression_by_name(path) == Compression::kNone) return path;
  fs::path stripped = path;
  stripped.replace_extension();
  return stripped;
}

void ByteSource::FileCloser::operator()(std::FILE* file) const {
  std::fclose(file);
}

ByteSource::ByteSource(fs::path path, std::FILE* file, Compression compression)
    : path_(std::move(path)), file_(file), compression_(compression) {}

size_t ByteSource::read_file(void* out, size_t capacity) {
  size_t n = std::fread(out, 1, capacity, file_.get());
  if (n == 0 && std::ferror(file_.get())) {
    fail("cannot read {}: {}", path_.string(), std::strerror(errno));
  }
  consumed_ += n;
  return n;
}

void ByteSource::corrupt(std::string_view what) const {
  fail("{}: {}", path_.string(), what);
}

std::unique_ptr<ByteSource> ByteSource::open(const fs::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) fail("cannot read {}: {}", path.string(), std::strerror(errno));
  char head[4];
  size_t n = std::fread(head, 1, sizeof(head), file);
  bool error = std::ferror(file) != 0 || std::fseek(file, 0, SEEK_SET) != 0;
  if (error) {
    int code = errno;
    std::fclose(file);
    fail("cannot read {}: {}", path.string(), std::strerror(code));
  }
  Compression by_content = compression_by_content(std::string_view(head, n));
  Compression by_name = compression_by_name(path);
  if (by_name != Compression::kNone && by_content != by_name) {
    std::fclose(file);
    fail("{}: the name says {} but the file does not start as {} data does (it starts with {})",
         path.string(), compression_name(by_name), compression_name(by_name),
         hex(std::string_view(head, n)));
  }
  switch (by_content) {
    case Compression::kGzip:
      return std::make_unique<GzipSource>(path, file);
    case Compression::kZstd:
      return std::make_unique<ZstdSource>(path, file);
    case Compression::kNone:
      break;
  }
  return std::make_unique<PlainSource>(path, file);
}

}  // namespace cuvee
