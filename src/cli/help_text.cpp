#include "fetchpool/cli/help_text.hpp"

#include <unistd.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "fetchpool/output/stats_report.hpp"

namespace fetchpool {
namespace {

constexpr int kIndent = 2;
constexpr std::string_view kNoShortName = "    ";  // as wide as "-w, "
// Names wider than this put their description on the next line instead of pushing every
// description to the right.
constexpr int kMaxDescriptionColumn = 30;

// Display columns of UTF-8 text: one per code point (the help holds no wide characters).
int Columns(std::string_view text) {
  return static_cast<int>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// "  -w, --workers N", "      --timeout SECS", "  -H, --header 'NAME: VALUE'...", "  FILE...".
std::string NameColumn(const CLI::Option& opt) {
  std::string out(kIndent, ' ');
  if (opt.get_positional()) {
    out += opt.get_name(true, false);
  } else {
    std::string names;
    for (const std::string& s : opt.get_snames()) names += (names.empty() ? "-" : ", -") + s;
    if (names.empty()) out += kNoShortName;
    for (const std::string& l : opt.get_lnames()) names += (names.empty() ? "--" : ", --") + l;
    out += names;
    if (opt.get_type_size() != 0 && !opt.get_type_name().empty()) {
      out += ' ' + opt.get_type_name();
    }
  }
  if (opt.get_expected_max() >= CLI::detail::expected_max_vector_size) out += "...";
  return out;
}

std::string Meaning(const CLI::Option& opt) {
  std::string text = opt.get_description();
  if (!opt.get_default_str().empty()) text += " [default: " + opt.get_default_str() + "]";
  return text;
}

// `text` from `column` on, broken between words before `width`; later lines indented to `column`.
void AppendWrapped(std::string& out, std::string_view text, int column, int width) {
  int at = column;
  bool line_empty = true;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(' '), text.size());
    const std::string_view word = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (word.empty()) continue;
    if (!line_empty && at + 1 + Columns(word) > width) {
      out += '\n';
      out.append(static_cast<std::size_t>(column), ' ');
      at = column;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++at;
    }
    out += word;
    at += Columns(word);
    line_empty = false;
  }
}

struct Entry {
  std::string name;
  std::string meaning;
};

std::vector<Entry> EntriesOf(const std::vector<const CLI::Option*>& options) {
  std::vector<Entry> entries;
  entries.reserve(options.size());
  for (const CLI::Option* o : options) entries.push_back({NameColumn(*o), Meaning(*o)});
  return entries;
}

void AppendSection(std::string& out, const std::string& title, const std::vector<Entry>& entries,
                   int column, int width) {
  if (entries.empty()) return;
  out += '\n' + title + ":\n";
  for (const Entry& e : entries) {
    out += e.name;
    if (!e.meaning.empty()) {
      const int used = Columns(e.name);
      if (used + 2 > column) {
        out += '\n';
        out.append(static_cast<std::size_t>(column), ' ');
      } else {
        out.append(static_cast<std::size_t>(column - used), ' ');
      }
      AppendWrapped(out, e.meaning, column, width);
    }
    out += '\n';
  }
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Free text (the description above, the footer below): its own line breaks kept, each line
// wrapped to `width`.
void AppendParagraphs(std::string& out, std::string_view text, int width) {
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    AppendWrapped(out, text.substr(0, end), 0, width);
    out += '\n';
    text.remove_prefix(std::min(end + 1, text.size()));
  }
}

}  // namespace

std::string HelpText(const CLI::App& app, int width) {
  const std::vector<const CLI::Option*> positionals =
      app.get_options([](const CLI::Option* o) { return o->get_positional(); });
  std::vector<std::pair<std::string, std::vector<Entry>>> groups;
  for (const std::string& group : app.get_groups()) {
    if (group.empty()) continue;  // CLI11's way of hiding an option
    groups.emplace_back(group, EntriesOf(app.get_options([&group](const CLI::Option* o) {
                          return o->get_group() == group && o->nonpositional();
                        })));
  }
  const std::vector<Entry> arguments = EntriesOf(positionals);

  // Descriptions line up just right of the widest name that fits before kMaxDescriptionColumn.
  int column = 0;
  auto widen = [&column](const Entry& e) {
    const int wanted = Columns(e.name) + 2;
    if (wanted <= kMaxDescriptionColumn) column = std::max(column, wanted);
  };
  for (const auto& [title, entries] : groups) std::for_each(entries.begin(), entries.end(), widen);
  std::for_each(arguments.begin(), arguments.end(), widen);

  std::string out;
  if (const std::string about = Trimmed(app.get_description()); !about.empty()) {
    AppendParagraphs(out, about, width);
    out += '\n';
  }
  out += "Usage: " + app.get_name() + " [OPTIONS]";
  for (const CLI::Option* o : positionals) out += " [" + Trimmed(NameColumn(*o)).substr(2) + ']';
  out += '\n';
  AppendSection(out, "Arguments", arguments, column, width);
  for (const auto& [title, entries] : groups) AppendSection(out, title, entries, column, width);
  if (const std::string footer = Trimmed(app.get_footer()); !footer.empty()) {
    out += '\n';
    AppendParagraphs(out, footer, width);
  }
  return out;
}

int HelpWidth() { return std::clamp(TerminalWidth(STDOUT_FILENO), 60, 100); }

}  // namespace fetchpool
