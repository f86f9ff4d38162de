#pragma once
// AUDIT.md, audit.json and the audit's figures; the side-by-side section of REPORT.md.
#include <filesystem>
#include <string>

#include "eval/paper/audit.hpp"

namespace scapredict::report {

/// The markdown of AUDIT.md. Figures are drawn into `out` as the sections that show them are
/// written (a section links only the figures gnuplot drew).
std::string audit_markdown(const eval::AuditResult& result, const std::filesystem::path& out);

/// The "Paper vs reproduction vs controls" section shared by AUDIT.md and REPORT.md.
std::string side_by_side_markdown(const eval::AuditResult& result);

/// Writes AUDIT.md, audit.json and the figures into `out`, and replaces the side-by-side section
/// of out/REPORT.md when that file exists.
void write_audit_report(const eval::AuditResult& result, const std::filesystem::path& out);

}  // namespace scapredict::report
