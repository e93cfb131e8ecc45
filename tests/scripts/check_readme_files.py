#!/usr/bin/python3
"""Usage: check_readme_files.py SOURCE_DIR [README]
Checks that the README's Design file table (the rows from the line starting "| file | holds |"
to the next blank line) names every file in include/fetchpool/ and every src/ file whose stem
has no header in include/fetchpool/, and that every file it names exists in include/fetchpool/,
src/ or share/. README defaults to SOURCE_DIR/README.md. Exits 1 with one line per problem on
stderr; prints "README file table: N files, ok" otherwise."""
import os, re, sys

HEADER = '| file | holds |'
# Directories a bare name may live in, and the prefixes a path may start with.
DIRS = ('include/fetchpool', 'src', 'share')


def stem(name):
    """dispatcher.hpp -> dispatcher, html_template.cpp.in -> html_template"""
    return name.split('.', 1)[0]


def table_rows(lines):
    """The table's data rows (header and separator excluded), or None if there is no table."""
    for i, line in enumerate(lines):
        if line.startswith(HEADER):
            rows = []
            for row in lines[i + 1:]:
                if not row.strip():
                    break
                rows.append(row)
            return [r for r in rows if not re.fullmatch(r'\|[\s|:-]*', r.strip())]
    return None


def first_cell(row):
    # The first column holds only backticked names, commas and slashes, so no escaped '|'.
    parts = row.strip().split('|')
    return parts[1] if len(parts) > 2 else ''


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__ + '\n')
        return 2
    root = argv[1]
    readme = argv[2] if len(argv) == 3 else os.path.join(root, 'README.md')
    problems = []

    with open(readme, encoding='utf-8') as f:
        rows = table_rows(f.read().splitlines())
    if rows is None:
        print(f'{readme}: no line starting "{HEADER}"', file=sys.stderr)
        return 1

    named = []  # every name in the first column, as written, in table order
    for row in rows:
        cell = first_cell(row)
        names = re.findall(r'`([^`]+)`', cell)
        if not names:
            problems.append(f'row names no file: {row.strip()}')
        named.extend(names)

    listing = {d: sorted(e for e in os.listdir(os.path.join(root, d))
                         if os.path.isfile(os.path.join(root, d, e)))
               for d in DIRS if os.path.isdir(os.path.join(root, d))}

    # Resolve each name to the repo-relative paths it refers to.
    covered = set()
    for name in named:
        if '/' in name:
            ok = os.path.isfile(os.path.join(root, name)) and name.startswith(
                tuple(d + '/' for d in DIRS))
            hits = [name] if ok else []
        else:
            hits = [f'{d}/{name}' for d in DIRS if name in listing.get(d, ())]
        if not hits:
            problems.append(f'named but not in {", ".join(d + "/" for d in DIRS)}: {name}')
        for path in hits:
            if path in covered:
                problems.append(f'named more than once: {path}')
            covered.add(path)

    headers = listing.get('include/fetchpool', [])
    header_stems = {stem(h) for h in headers}
    for h in headers:
        if f'include/fetchpool/{h}' not in covered:
            problems.append(f'not in the README file table: include/fetchpool/{h}')
    for s in listing.get('src', []):
        if stem(s) not in header_stems and f'src/{s}' not in covered:
            problems.append(f'not in the README file table (no header of the same name): src/{s}')

    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return 1
    print(f'README file table: {len(named)} files, ok')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
