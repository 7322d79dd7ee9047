// docs/rules.md: the rule reference, generated from the rule files (`infralint rules --format
// markdown`, build target `rules-doc`); tests/cli fails when the committed copy is stale.
#include <map>
#include <ostream>
#include <string>

#include "engine/rules/sections.hpp"
#include "engine/text.hpp"
#include "reporters/report.hpp"

namespace infralint {

namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// The longest run of backticks in a text, plus one: a fence that the text cannot close.
std::string fence_for(const std::string& text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

void example(const rules::Rule& r, const std::string& kind, std::ostream& out) {
  static const std::map<std::string, std::string> language = {
      {"terraform", "hcl"},         {"compose", "yaml"},         {"kubernetes", "yaml"},
      {"dockerfile", "dockerfile"}, {"github-workflow", "yaml"}, {"dependabot", "yaml"},
      {"prometheus-rules", "yaml"}, {"otel-collector", "yaml"}};
  for (const auto& [file, content] : rules::example_files(r, kind)) {
    std::string lang = r.formats.empty()              ? ""
                       : language.count(r.formats[0]) ? language.at(r.formats[0])
                                                      : "";
    if (!file.empty()) {
      out << "`" << file << "`:\n\n";
      if (file.find("Dockerfile") != std::string::npos)
        lang = "dockerfile";
      else if (file.size() > 3 && file.compare(file.size() - 3, 3, ".tf") == 0)
        lang = "hcl";
      else if (file.find(".json") != std::string::npos)
        lang = "json";
      else
        lang = "yaml";
    }
    const std::string f = fence_for(content);
    out << f << lang << "\n"
        << content << (content.empty() || content.back() == '\n' ? "" : "\n") << f << "\n\n";
  }
}

}  // namespace

void write_rules_markdown(const std::vector<const rules::Rule*>& all, std::ostream& out) {
  std::map<std::string, std::vector<const rules::Rule*>> by_section;
  for (const auto* r : all) by_section[r->section].push_back(r);
  out << "# Rules\n\n"
      << "<!-- Generated from rules/*.yaml by `cmake --build build --target rules-doc` "
         "(`infralint rules --format markdown`). Do not edit: edit the rule files. -->\n\n"
      << "infralint's built-in rules, one per recommendation of the infrastructure review "
         "(and `extra` for the good practice every peer checks). Every rule has fixtures in "
      << "`fixtures/<id>/` that fail and pass it; `docs/rules-language.md` explains the rule "
         "language, to write your own.\n\n"
      << "## Coverage\n\n| section | recommendation | rules |\n| --- | --- | --- |\n";
  for (const auto& s : rules::review_sections()) {
    std::vector<std::string> ids;
    for (const auto* r : by_section[std::string(s.id)])
      ids.push_back("[" + r->id + "](#" + ascii_lower(r->id) + ")");
    out << "| " << s.id << " | " << s.title << " | " << (ids.empty() ? "—" : join(ids, ", "))
        << " |\n";
  }
  out << "\n";
  for (const auto& s : rules::review_sections()) {
    const auto& rs = by_section[std::string(s.id)];
    if (rs.empty()) continue;
    out << "## " << s.id << " " << s.title << "\n\n";
    for (const auto* r : rs) {
      out << "### " << r->id << "\n\n**" << r->name << "**\n\n"
          << "| severity | formats | default | tags |\n| --- | --- | --- | --- |\n"
          << "| " << rules::severity_name(r->severity) << " | " << join(r->formats, ", ") << " | "
          << (r->enabled_by_default ? "on" : "off (select it by id or in the configuration)")
          << " | " << join(r->tags, ", ") << " |\n\n"
          << r->description << "\n\n**How to fix:** " << r->remediation << "\n\n";
      if (!r->parameters.empty()) {
        out << "**Parameters:**";
        for (auto it = r->parameters.begin(); it != r->parameters.end(); ++it)
          out << " `" << it.key() << "` (default " << it.value().dump() << ")";
        out << "\n\n";
      }
      if (!r->peer_ids.empty()) {
        out << "**Same check in other tools:**";
        bool first = true;
        for (const auto& [tool, ids] : r->peer_ids) {
          out << (first ? " " : "; ") << tool << " " << join(ids, ", ");
          first = false;
        }
        out << "\n\n";
      }
      out << "Fails:\n\n";
      example(*r, "fail", out);
      out << "Passes:\n\n";
      example(*r, "pass", out);
    }
  }
}

}  // namespace infralint
