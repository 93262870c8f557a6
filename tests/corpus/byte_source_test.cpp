#include "cuvee/corpus/byte_source.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

using testing::TempDir;

// Text that compresses, but not to nothing: words drawn at random.
std::string sample_text(size_t bytes, uint64_t seed) {
  static const char* words[] = {"vine ", "cellar ", "barrel ", "grape ", "harvest\n", "cork "};
  SequentialRng rng(seed, Stream::kTest, 0);
  std::string text;
  while (text.size() < bytes) text += words[rng.next() % 6];
  text.resize(bytes);
  return text;
}

// gzip framing written by zlib's deflate, independent of the reader's inflate.
std::string gzip(const std::string& text) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// With the frame checksum, so that any corruption is detectable.
std::string zstd(const std::string& text) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(text.size()), '\0');
  out.resize(ZSTD_compress2(context, out.data(), out.size(), text.data(), text.size()));
  ZSTD_freeCCtx(context);
  return out;
}

std::string read_all(ByteSource& source, size_t chunk) {
  std::string all, buffer(chunk, '\0');
  while (size_t n = source.read(buffer.data(), chunk)) all.append(buffer, 0, n);
  return all;
}

std::string error_of(const std::filesystem::path& path) {
  try {
    auto source = ByteSource::open(path);
    read_all(*source, 4096);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ByteSource, GzipAndZstdReadBackTheirBytesWhateverTheReadSize) {
  TempDir dir;
  std::string text = sample_text(3 << 20, 1);  // several of the decoders' chunks
  auto gz = dir.write("a.jsonl.gz", gzip(text));
  auto zst = dir.write("a.jsonl.zst", zstd(text));
  for (size_t chunk : {size_t{7}, size_t{1} << 20}) {
    auto from_gz = ByteSource::open(gz);
    EXPECT_EQ(from_gz->compression(), Compression::kGzip);
    EXPECT_EQ(read_all(*from_gz, chunk), text);
    EXPECT_EQ(from_gz->bytes_consumed(), std::filesystem::file_size(gz));
    auto from_zst = ByteSource::open(zst);
    EXPECT_EQ(from_zst->compression(), Compression::kZstd);
    EXPECT_EQ(read_all(*from_zst, chunk), text);
    EXPECT_EQ(from_zst->bytes_consumed(), std::filesystem::file_size(zst));
  }
}

TEST(ByteSource, ConcatenatedMembersAndFramesReadAsOneStream) {
  TempDir dir;
  std::string a = sample_text(5000, 2), b = sample_text(70000, 3);
  auto gz = dir.write("two.gz", gzip(a) + gzip(b));
  auto zst = dir.write("two.zst", zstd(a) + zstd(b));
  EXPECT_EQ(read_all(*ByteSource::open(gz), 1000), a + b);
  EXPECT_EQ(read_all(*ByteSource::open(zst), 1000), a + b);
}

TEST(ByteSource, CompressionIsRecognisedByContentUnderAnyName) {
  TempDir dir;
  std::string text = sample_text(1000, 4);
  auto gz = dir.write("looks_plain.jsonl", gzip(text));
  auto zst = dir.write("no_suffix", zstd(text));
  auto source = ByteSource::open(gz);
  EXPECT_EQ(source->compression(), Compression::kGzip);
  EXPECT_EQ(read_all(*source, 100), text);
  EXPECT_EQ(read_all(*ByteSource::open(zst), 100), text);
  auto plain = dir.write("plain.txt", text);
  EXPECT_EQ(ByteSource::open(plain)->compression(), Compression::kNone);
  EXPECT_EQ(read_all(*ByteSource::open(plain), 100), text);
  EXPECT_EQ(read_all(*ByteSource::open(dir.write("empty.txt", "")), 100), "");
}

TEST(ByteSource, ANameThatPromisesCompressionTheContentLacksIsAnError) {
  TempDir dir;
  auto wrong = dir.write("docs.jsonl.gz", "{\"text\": \"not compressed\"}\n");
  EXPECT_NE(error_of(wrong).find("docs.jsonl.gz: the name says gzip"), std::string::npos)
      << error_of(wrong);
  auto swapped = dir.write("docs.jsonl.zst", gzip("x"));
  EXPECT_NE(error_of(swapped).find("the name says zstd"), std::string::npos) << error_of(swapped);
  auto empty = dir.write("empty.gz", "");
  EXPECT_NE(error_of(empty).find("the file is empty"), std::string::npos) << error_of(empty);
}

TEST(ByteSource, TruncatedOrCorruptStreamsAreErrorsNamingTheFile) {
  TempDir dir;
  std::string text = sample_text(200000, 5);
  std::string gz = gzip(text), zst = zstd(text);
  auto short_gz = dir.write("short.gz", gz.substr(0, gz.size() / 2));
  EXPECT_NE(error_of(short_gz).find("short.gz: truncated gzip stream"), std::string::npos)
      << error_of(short_gz);
  // A whole member missing only its 8-byte trailer (CRC and length) is truncated too.
  auto no_trailer = dir.write("no_trailer.gz", gz.substr(0, gz.size() - 8));
  EXPECT_NE(error_of(no_trailer).find("truncated gzip stream"), std::string::npos);
  auto short_zst = dir.write("short.zst", zst.substr(0, zst.size() / 2));
  EXPECT_NE(error_of(short_zst).find("short.zst: truncated zstd stream"), std::string::npos)
      << error_of(short_zst);
  std::string flipped = gz;
  flipped[gz.size() - 6] ^= 0x55;  // the stored length no longer matches
  auto bad_gz = dir.write("bad.gz", flipped);
  EXPECT_NE(error_of(bad_gz).find("bad.gz: corrupt gzip data"), std::string::npos)
      << error_of(bad_gz);
  auto garbage = dir.write("garbage.gz", gz + "trailing junk");
  EXPECT_NE(error_of(garbage).find("corrupt gzip data after member 1"), std::string::npos)
      << error_of(garbage);
  std::string zst_flipped = zst;
  zst_flipped[zst.size() / 2] ^= 0x55;
  auto bad_zst = dir.write("bad.zst", zst_flipped);
  EXPECT_NE(error_of(bad_zst).find("bad.zst: "), std::string::npos) << error_of(bad_zst);
}

TEST(ByteSource, SuffixesAreStrippedForTheFormatBeneath) {
  EXPECT_EQ(without_compression_suffix("a/b.jsonl.gz"), "a/b.jsonl");
  EXPECT_EQ(without_compression_suffix("b.json.zst"), "b.json");
  EXPECT_EQ(without_compression_suffix("b.txt"), "b.txt");
  EXPECT_EQ(compression_by_name("x.ZST"), Compression::kNone);  // names are case-sensitive
}

}  // namespace
}  // namespace cuvee
