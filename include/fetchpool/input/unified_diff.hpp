#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fetchpool {

// Follows a unified diff (git diff, git diff -U0, git log -p, diff -u, diff -ru) line by line and
// picks out the added lines, each with its file and line number in the new version. File headers
// ("+++ b/PATH", git's a/ b/ prefixes dropped, diff -u's tab and timestamp cut, git's "quoted"
// names unquoted) name the file; "@@ -a,b +c,d @@" hunks are counted line by line, so a removed
// "--- x" or an added "+++ x" inside a hunk is content, not a header. A deleted file
// (+++ /dev/null) adds nothing; renames without changes, mode changes, binary files and
// "GIT binary patch" data have no hunks; "\ No newline at end of file" is skipped. Combined diffs
// of merges ("@@@") are not read.
// Thread-compatible: one per diff, fed in order.
class UnifiedDiff {
 public:
  struct Added {
    std::string_view path;   // the new file's name; valid until the next call
    std::uint64_t line = 0;  // 1-based, in the new version
    std::string_view text;   // the added line without its '+'
  };

  // The next line of the diff (without its '\n'). nullopt unless it is an added line of a file
  // that still exists.
  std::optional<Added> Line(std::string_view line);

 private:
  void Header(std::string_view line);
  bool StartHunk(std::string_view line);

  std::string path_;               // the new file; empty when deleted or not yet named
  bool git_prefixes_ = false;      // "diff --git a/... b/...": names carry a/ and b/
  bool old_has_a_prefix_ = false;  // the "--- a/..." line
  std::uint64_t old_left_ = 0;     // lines of the current hunk still to come, old side
  std::uint64_t new_left_ = 0;     // and new side
  std::uint64_t new_line_ = 0;     // the new-side number of the next line
};

}  // namespace fetchpool
