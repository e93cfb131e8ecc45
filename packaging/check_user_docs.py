#!/usr/bin/python3
"""Checks the project's Markdown documentation (ctest docs.user).

- every relative link in every Markdown file of the tree ([text](path), [text](path#anchor),
  [text](#anchor), images too) names a file that exists and, with an anchor, a heading of that
  file (GitHub's anchor rules);
- README.md stays a first screen: at most MAX_README_LINES lines;
- the user documents (README.md, docs/*.md, the man page) cite no commit hashes and no tracker
  numbers: they describe the program, not its history;
- docs/design.md's library graph (the mermaid block) is the graph src/*/CMakeLists.txt declare.

Usage: check_user_docs.py [SOURCE_DIR]   (default: the directory above this script's)
"""

from __future__ import annotations

import os
import re
import sys

MAX_README_LINES = 300
SKIP_DIRS = {".git", "node_modules"}
# Other projects' documents kept unchanged as test data (their links point into their own trees).
SKIP_PATHS = {os.path.join("tests", "input", "corpus")}

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"FAIL: {message}")


def markdown_files(root: str) -> list[str]:
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("build") and
                         os.path.relpath(os.path.join(directory, d), root) not in SKIP_PATHS)
        found += [os.path.join(directory, f) for f in sorted(files) if f.endswith(".md")]
    return found


def prose(text: str) -> str:
    """The text outside fenced code blocks and inline code, line for line."""
    out = []
    fence = None
    for line in text.split("\n"):
        m = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence is None and m:
            fence = m.group(1)
            out.append("")
        elif fence is not None:
            if line.strip().startswith(fence):
                fence = None
            out.append("")
        else:
            out.append(re.sub(r"`[^`]*`", "", line))
    return "\n".join(out)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`", "", heading.strip().lower())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link keeps its text
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: str, cache: dict[str, set[str]]) -> set[str]:
    if path not in cache:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        seen: dict[str, int] = {}
        result = set()
        fence = None
        for line in text.split("\n"):
            m = re.match(r"^\s*(`{3,}|~{3,})", line)
            if fence is None and m:
                fence = m.group(1)
                continue
            if fence is not None:
                if line.strip().startswith(fence):
                    fence = None
                continue
            h = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if h:
                base = slug(h.group(1))
                n = seen.get(base, 0)
                seen[base] = n + 1
                result.add(base if n == 0 else f"{base}-{n}")
        cache[path] = result
    return cache[path]


LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def check_links(root: str) -> int:
    cache: dict[str, set[str]] = {}
    count = 0
    for path in markdown_files(root):
        with open(path, encoding="utf-8") as f:
            text = prose(f.read())
        rel = os.path.relpath(path, root)
        for number, line in enumerate(text.split("\n"), 1):
            for target in LINK.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
                    continue
                count += 1
                file_part, _, anchor = target.partition("#")
                linked = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) \
                    if file_part else path
                where = f"{rel}:{number}: link {target!r}"
                if not os.path.exists(linked):
                    fail(f"{where}: no such file {os.path.relpath(linked, root)}")
                elif not os.path.realpath(linked).startswith(os.path.realpath(root) + os.sep):
                    fail(f"{where}: points outside the repository")
                elif anchor and linked.endswith(".md") and anchor not in anchors(linked, cache):
                    fail(f"{where}: {os.path.relpath(linked, root)} has no heading "
                         f"with anchor #{anchor}")
    return count


def check_readme_length(root: str) -> None:
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        lines = f.read().count("\n")
    if lines > MAX_README_LINES:
        fail(f"README.md has {lines} lines; the first screen keeps to {MAX_README_LINES}: move "
             "the detail to a page in docs/ and link to it")


# A commit hash: 7 to 40 hex digits with both a digit and a letter, not inside a longer hex run
# (a SHA-256 in an example is 64). Tracker numbers: "issue 16", "PR #7", "#12" (not "UTS #46").
HASH = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}(?![0-9A-Za-z])")
TRACKER = re.compile(r"\b(?:issues?|PRs?|pull requests?|bugs?|tickets?)\s+#?\d+"
                     r"|(?<![\w&/])(?<!UTS )#\d+\b",
                     re.IGNORECASE)


def check_user_documents(root: str) -> list[str]:
    docs = ["README.md", "packaging/fetchpool.1.scd.in"]
    docs += sorted(os.path.join("docs", f) for f in os.listdir(os.path.join(root, "docs"))
                   if f.endswith(".md"))
    for rel in docs:
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                for pattern, what in ((HASH, "a commit hash"), (TRACKER, "a tracker number")):
                    m = pattern.search(line)
                    if m:
                        fail(f"{rel}:{number}: {what} ({m.group(0)!r}) in a user document")
    return docs


def check_design_graph(root: str) -> int:
    declared: set[tuple[str, str]] = set()
    libraries = set()
    src = os.path.join(root, "src")
    for name in sorted(os.listdir(src)):
        cmake = os.path.join(src, name, "CMakeLists.txt")
        if not os.path.exists(cmake):
            continue
        with open(cmake, encoding="utf-8") as f:
            text = f.read()
        if not re.search(rf"add_library\(fetchpool_{re.escape(name)}\b", text):
            continue
        libraries.add(name)
        for args in re.findall(rf"target_link_libraries\(\s*fetchpool_{re.escape(name)}\s+([^)]*)\)",
                               text):
            for used in re.findall(r"\bfetchpool_(\w+)", args):
                declared.add((name, used))
    with open(os.path.join(root, "docs", "design.md"), encoding="utf-8") as f:
        design = f.read()
    block = re.search(r"```mermaid\n(.*?)```", design, flags=re.S)
    drawn: set[tuple[str, str]] = set()
    if not block:
        fail("docs/design.md has no ```mermaid block with the library graph")
        return 0
    for line in block.group(1).splitlines():
        m = re.match(r"^\s*(\w+)\s*-->\s*(.+?)\s*$", line)
        if m:
            drawn |= {(m.group(1), t.strip()) for t in m.group(2).split("&")}
    for a, b in sorted(declared - drawn):
        fail(f"docs/design.md's graph lacks {a} --> {b} (src/{a}/CMakeLists.txt links "
             f"fetchpool_{b}); add it, and the folder to the table if it is new")
    for a, b in sorted(drawn - declared):
        fail(f"docs/design.md's graph draws {a} --> {b}, which src/{a}/CMakeLists.txt does not "
             "declare")
    undrawn = sorted(lib for lib in libraries
                     if lib not in {x for edge in drawn for x in edge})
    for lib in undrawn:
        fail(f"docs/design.md's graph lacks the library {lib}")
    return len(declared)


def main() -> int:
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1
                           else os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    links = check_links(root)
    print(f"checked {links} relative links")
    check_readme_length(root)
    docs = check_user_documents(root)
    print(f"checked {len(docs)} user documents for commit hashes and tracker numbers")
    edges = check_design_graph(root)
    print(f"checked docs/design.md's graph against {edges} declared library dependencies")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all documentation checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
