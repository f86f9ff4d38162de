// Inputs the fuzz targets (fuzz/) found to crash, each fed to the function that crashed: it must
// throw scapredict::Error or return normally, and what it returns must keep the target's
// invariant. One test per bug; the comment names the target and what went wrong.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "engine/model_file.hpp"
#include "io/header.hpp"

namespace {

using namespace std::literals;
using scapredict::engine::decode_model_file;

// A model file around `head` and `weights`, lengths right, no checksum added.
std::string model_container(const std::string& head, const std::string& weights = "") {
  return "SCAPREDICT-MODEL\n" + std::to_string(head.size()) + "\n" + head + "\n" +
         std::to_string(weights.size()) + "\n" + weights;
}

}  // namespace

// fuzz_model: a header whose "format" is not a string. nlohmann's value("format", "") throws
// json::type_error 302, which escapes decode_model_file (and Classifier::load).
TEST(FuzzRegressions, ModelFileWhoseFormatIsNotAStringIsAModelError) {
  const std::string bytes = "SCAPREDICT-MODEL\n13\n{\"format\":11}\n"s;
  EXPECT_THROW(decode_model_file(bytes, "fuzz.spm"), scapredict::Error);
}

// fuzz_model (same cause as above, one line later): a "format_version" that is not a number
// makes value("format_version", -1) throw json::type_error 302.
TEST(FuzzRegressions, ModelFileWhoseVersionIsNotANumberIsAModelError) {
  const std::string bytes =
      model_container(R"({"format":"scapredict-model","format_version":"2"})");
  EXPECT_THROW(decode_model_file(bytes, "fuzz.spm"), scapredict::Error);
}

// fuzz_model: a "format_version" too large for an int. value("format_version", -1) converts the
// double to int, which is undefined behaviour (UBSan: "1e+300 is outside the range of
// representable values of type 'int'"); without UBSan it happens to read as a wrong version.
TEST(FuzzRegressions, ModelFileWithAHugeVersionIsAModelError) {
  for (const char* version : {"1e300", "-1e300", "2147483648.0"}) {
    const std::string bytes = model_container(
        std::string(R"({"format":"scapredict-model","format_version":)") + version + "}");
    EXPECT_THROW(decode_model_file(bytes, "fuzz.spm"), scapredict::Error) << version;
  }
}

// Found by reading decode_model_file (beyond the fuzzer's 4 kB inputs): "features" nested 300000
// arrays deep (a 600 kB header, far below the 64 MiB allowed) overflows the stack in the
// recursive nlohmann serializer that model_checksum uses (json_text -> serializer::dump);
// about 60000 levels suffice in a release build.
TEST(FuzzRegressions, ModelFileWithDeeplyNestedFeaturesIsAModelError) {
  constexpr std::size_t kDepth = 300000;
  const std::string head = R"({"features":)" + std::string(kDepth, '[') + std::string(kDepth, ']') +
                           R"(,"normalisation":0,"format":"scapredict-model","format_version":2,)"
                           R"("checksum_fnv1a64":"0000000000000000"})";
  EXPECT_THROW(decode_model_file(model_container(head), "fuzz.spm"), scapredict::Error);
}

// fuzz_header: a comment or signal description that ends in '\r' (a line ending "\r\r\n",
// "\r\t\n" or a last line "...\r\r") keeps that '\r'. format_header writes it just before the
// '\n', where parse_header strips it as a CRLF line end: formatting a parsed header and parsing
// it again changes it.
TEST(FuzzRegressions, HeaderWithCarriageReturnBeforeTheLineEndFormatsStably) {
  for (std::string_view text :
       {"9 0\n#\r\r"sv, "r 1 250\nr.dat 212 200 12 0 0 0 0 ECG\r\t\n"sv, "r 0\n# note\r\r\n"sv}) {
    const auto h = scapredict::io::parse_header(text, "fuzz.hea");
    const std::string formatted = scapredict::io::format_header(h);
    const auto again = scapredict::io::parse_header(formatted, "again.hea");
    EXPECT_EQ(scapredict::io::format_header(again), formatted) << testing::PrintToString(text);
  }
}

// fuzz_header, the same '\r' on the record line (after the fix above for comments and
// descriptions): fields are split at blanks only, so a record line ending "\r\r\n" (or "\r \n")
// keeps a '\r' in its last field, the base time or the base date; format_header writes it before
// the '\n' and parsing again drops it. Minimised fuzzer input: "5 2 2 0 \r\r\nt 212\nt 212".
TEST(FuzzRegressions, RecordLineWithCarriageReturnBeforeTheLineEndFormatsStably) {
  for (std::string_view text : {"5 2 2 0 \r\r\nt 212\nt 212"sv, "r 0 250 10 12:00:00\r\r\n"sv,
                                "r 0 250 10 12:00:00 01/01/2000\r\r\n"sv}) {
    const auto h = scapredict::io::parse_header(text, "fuzz.hea");
    const std::string formatted = scapredict::io::format_header(h);
    const auto again = scapredict::io::parse_header(formatted, "again.hea");
    EXPECT_EQ(scapredict::io::format_header(again), formatted) << testing::PrintToString(text);
  }
}
