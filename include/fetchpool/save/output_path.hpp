#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fetchpool {

// Longest file or directory name -o creates, in bytes. Leaves room under NAME_MAX (255) for the
// ".N" suffixes of --on-exists rename and the ".NAME.part" partials of --continue.
inline constexpr std::size_t kMaxNameBytes = 200;

// Makes one decoded path component safe to create inside the output directory: '/', '\' and
// control characters (C0, DEL, C1) and invalid UTF-8 bytes become '_', a leading '.' or '-'
// becomes '_' (no hidden files, nothing a shell tool could take for an option, never "." or
// ".."), and names over kMaxNameBytes are cut on a UTF-8 boundary, keeping a short extension.
// Returns "" when nothing usable is left (empty, "." or "..").
std::string SanitizeName(std::string_view raw);

// Where one URL's body goes, relative to the output directory. Every part is sanitised.
struct OutputPath {
  std::vector<std::string> dirs;  // --mirror-paths: HOST[:PORT] then the path's directories
  std::string name;               // never empty
  std::string Relative() const;   // "dir/dir/name"
};

// Names a body after its URL: the last path segment, percent-decoded ("%2F" stays inside the
// name, as '_'), or "index.html" when the path ends in '/'. The query is ignored. With `mirror`,
// also HOST (plus ":PORT" when it is not the scheme's default) and each directory segment; empty,
// "." and ".." segments are dropped. nullopt when libcurl cannot parse the URL.
std::optional<OutputPath> OutputPathFromUrl(const std::string& url, bool mirror);

// The sanitised basename of the file name in a Content-Disposition value: filename* (RFC 8187,
// UTF-8 or ISO-8859-1) wins over filename. "" when there is none, or nothing usable in it.
std::string NameFromContentDisposition(std::string_view value);

// `name` for n == 0, otherwise "name.N": wget's scheme, appended after the whole name so copies
// sort next to the original and the original extension stays visible.
std::string NumberedName(std::string_view name, unsigned n);

}  // namespace fetchpool
