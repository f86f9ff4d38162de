#pragma once
// WFDB annotation files in MIT format, with the standard annotation codes.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/header.hpp"

namespace scapredict::io {

/// One annotation, with the fields of WFDB's WFDB_Annotation.
struct Annotation {
  std::int64_t sample = 0;  ///< time, in samples from the record start
  int code = 0;             ///< anntyp: 1 = NORMAL ('N'), 5 = PVC ('V'), 28 = RHYTHM ('+'), ...
  int subtype = 0;          ///< subtyp
  int chan = 0;             ///< chan
  int num = 0;              ///< num
  std::string aux;          ///< aux string (e.g. "(VF" on a rhythm change), may be empty
  bool operator==(const Annotation&) const = default;
};

namespace code {
inline constexpr int kNormal = 1, kPvc = 5, kApc = 8, kNoise = 14, kRhythm = 28, kVfOn = 32,
                     kVfOff = 33;
}

/// The standard mnemonic of an annotation code ("N", "V", "+", "[", ...); "?" plus the number
/// for codes with none.
std::string mnemonic(int code);
/// The code of a standard mnemonic, or nullopt.
std::optional<int> code_from_mnemonic(const std::string& m);
/// True for codes that mark a beat: WFDB's isqrs (B, ? and r included).
bool is_beat(int code);

/// Parses MIT-format annotation bytes (SKIP, NUM, SUB, CHN and AUX included). `source` names the
/// file in error messages. Throws IoError on a truncated or malformed stream.
std::vector<Annotation> parse_annotations(std::span<const std::uint8_t> bytes,
                                          const std::string& source);
/// Encodes annotations (sorted by sample) in MIT format, ending with the end-of-file word.
std::vector<std::uint8_t> encode_annotations(const std::vector<Annotation>& annotations);

/// Reads `record`.`annotator` (e.g. "100" + "atr"). Throws IoError when missing or malformed.
std::vector<Annotation> read_annotations(const std::filesystem::path& record,
                                         const std::string& annotator);
/// Writes `record`.`annotator` atomically.
void write_annotations(const std::filesystem::path& record, const std::string& annotator,
                       const std::vector<Annotation>& annotations);
/// The annotator to read when none is named: "atr" (audited) if its file exists, else "ari",
/// else nullopt.
std::optional<std::string> default_annotator(const std::filesystem::path& record);

/// Path of the annotation file of `record` for `annotator`.
std::filesystem::path annotation_path(const std::filesystem::path& record,
                                      const std::string& annotator);

/// A rhythm episode from the rhythm-change annotations ("(N", "(VF", ...): [start, end) samples.
struct RhythmEpisode {
  std::string rhythm;  ///< the aux text without the leading '(' (e.g. "VF", "N")
  std::int64_t start = 0;
  std::int64_t end = 0;
};
/// Throws IoError "<source>: annotation at sample S lies outside the record (N samples)" when an
/// annotation falls before the start or past the end of a record of `n_samples` samples.
void check_annotations_fit(const std::vector<Annotation>& annotations, std::int64_t n_samples,
                           const std::string& source);

/// Episodes in time order; the last one ends at `n_samples`.
std::vector<RhythmEpisode> rhythm_episodes(const std::vector<Annotation>& annotations,
                                           std::int64_t n_samples);

/// Where a VF onset was found.
struct VfOnset {
  enum class Source { kHeaderComment, kRhythmAnnotation, kVfMarker };
  std::int64_t sample = 0;
  double seconds = 0.0;  ///< elapsed time from the record start
  Source source = Source::kHeaderComment;
};
std::string to_string(VfOnset::Source source);

/// Parses "H:MM:SS" or "HH:MM:SS[.s]" (hours may exceed 24) into seconds; nullopt if malformed.
std::optional<double> parse_elapsed_time(const std::string& text);

/// The VF onset of a record: the header comment `vfon: H:MM:SS` (elapsed time since the record
/// start) when present; else the first "(VF"/"(VFL" rhythm annotation or '[' marker in
/// `annotations`; else nullopt ("no VF onset" is a value, not an error). Throws IoError for a
/// malformed vfon comment.
std::optional<VfOnset> vf_onset(const Header& header,
                                const std::vector<Annotation>* annotations = nullptr);

}  // namespace scapredict::io
