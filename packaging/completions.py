#!/usr/bin/python3
"""Generates fetchpool's bash, zsh and fish completions from the built binary's --help.

The completions are derived from what `fetchpool --help` prints, at build time, so they cannot
drift from the CLI: a new, renamed or removed option shows up in them on the next build.

How an option's value is completed comes from its metavar (FILE and DIR complete file and
directory names; numbers and free text complete nothing) or from VALUE_KINDS below. Enum values
(--format text|jsonl|csv ...) are read from the option's --help description ("Output format:
text, jsonl (JSON Lines) or csv"). An option that takes a value the generator cannot place is
still completed (as free text) but listed by unplaced(); the packaging test fails on it, so
whoever adds an option to the CLI is told to place it here.

Usage: completions.py (--binary PATH | --help-file FILE) --out-dir DIR
writes DIR/fetchpool (bash), DIR/_fetchpool (zsh) and DIR/fetchpool.fish.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import subprocess
import sys

PROGRAM = "fetchpool"

# Metavars whose meaning is the same wherever they appear.
METAVAR_KINDS = {
    "FILE": "file",
    "DIR": "dir",
    "N": "none",
    "SECS": "none",
    "BYTES": "none",
    "URL": "none",
    "TEXT": "none",
    "DAYS": "none",
    "MS": "none",
}

# Options whose value is completed in a way their metavar does not say. "enum" takes the
# values from the description; "none" completes nothing (free text the shell cannot guess).
VALUE_KINDS = {
    "--color": "enum",
    "--format": "enum",
    "--on-exists": "enum",
    "--shard": "none",  # K/N
    "--rate": "none",  # N[/s|/m]
    "--header": "none",  # 'NAME: VALUE'
    "--user": "none",  # USER:PASSWORD
    "--accept": "none",  # RANGES
    "--annotate": "enum",
    "--per-host-rate": "none",  # N[/s|/m]
    "--warn": "none",  # SPEC
    "--max-cache-age": "none",  # DURATION
    "--input": "enum",
    "--sitemap": "file",  # FILE|URL: a file is what can be completed
    "--rewrite-suffix": "none",  # SUFFIX
}

# Options that exclude one another: once one is on the line, zsh stops offering the others.
# --help does not print these (the man page states them, and the command line refuses the
# combination); packaging/check_docs.py checks each pair against the binary.
EXCLUSIVE = [
    ("--quiet", "--silent", "--verbose"),
    ("--silent", "--annotate"),
    ("--progress", "--no-progress"),
    ("--http1.1", "--http2"),
    ("--head", "--output-dir"),
    ("--continue", "--content-disposition"),
    ("--rewrite", "--rewrite-suffix"),
]


@dataclasses.dataclass
class Option:
    names: list[str]  # as --help prints them: ["-w", "--workers"]
    metavar: str | None  # "N", "FILE", "'NAME: VALUE'"; None for a flag
    default: str | None
    repeatable: bool
    description: str
    kind: str = "flag"  # flag | file | dir | enum | none | unplaced
    values: list[str] = dataclasses.field(default_factory=list)
    excludes: list[str] = dataclasses.field(default_factory=list)

    @property
    def long(self) -> str | None:
        return next((n for n in self.names if n.startswith("--")), None)

    @property
    def short(self) -> str | None:
        return next((n for n in self.names if not n.startswith("--")), None)

    @property
    def key(self) -> str:
        return self.long or self.names[0]


@dataclasses.dataclass
class Positional:
    metavar: str
    repeatable: bool
    description: str


class HelpFormatError(Exception):
    pass


_NAME = r"--?[A-Za-z0-9][A-Za-z0-9.\-]*"
_NAMES = re.compile(rf"({_NAME}(?:, {_NAME})*)(?: (.+))?")


def _parse_left(left: str) -> tuple[list[str], str | None, bool]:
    """'-w, --workers N' → names, metavar, repeatable."""
    m = _NAMES.fullmatch(left)
    if not m:
        raise HelpFormatError(f"cannot read option names in {left!r}")
    names = m.group(1).split(", ")
    metavar = (m.group(2) or "").strip()
    repeatable = metavar.endswith("...")
    if repeatable:
        metavar = metavar[:-3].strip()
    return names, metavar or None, repeatable


def _split_default(description: str) -> tuple[str, str | None]:
    """'Output format: text or csv [default: text]' → ('Output format: text or csv', 'text')."""
    m = re.fullmatch(r"(.*?)\s*\[default: ([^\]]*)\]", description)
    return (m.group(1), m.group(2)) if m else (description, None)


def _enum_values(description: str) -> list[str]:
    """'Output format: text, jsonl (JSON Lines) or csv' → ['text', 'jsonl', 'csv']."""
    text = re.sub(r"\([^)]*\)", "", description)
    text = text.rsplit(":", 1)[-1]
    words = [w.strip() for w in re.split(r",|\bor\b", text)]
    return [w for w in words if w]


def _classify(option: Option) -> None:
    if option.metavar is None:
        option.kind = "flag"
        return
    kind = VALUE_KINDS.get(option.key) or METAVAR_KINDS.get(option.metavar)
    if kind == "enum":
        option.values = _enum_values(option.description)
        if not option.values or not all(re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", v)
                                        for v in option.values):
            # The description does not list values in the form _enum_values reads.
            kind = "unplaced"
            option.values = []
    option.kind = kind or "unplaced"


def _entries(lines: list[str]) -> list[tuple[str, str, str]]:
    """(section, left, description) per entry. An entry starts at column 2 (a long option with
    no short name at column 6); its description starts after a gap of two spaces or more, or on
    the next line when the left part is too wide, and continues on the lines indented further."""
    entries: list[tuple[str, str, str]] = []
    section = ""
    for line in lines:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            section = line[:-1] if line.endswith(":") else ""
        elif section and indent < 8:
            left, _, description = line.strip().partition("  ")
            entries.append((section, left, description.strip()))
        elif section and entries and entries[-1][0] == section:
            previous = entries[-1]
            joined = (previous[2] + " " + line.strip()).strip()
            entries[-1] = (previous[0], previous[1], joined)
    return entries


def parse_help(text: str) -> tuple[list[Option], list[Positional]]:
    options: list[Option] = []
    positionals: list[Positional] = []
    for section, left, description in _entries(text.splitlines()):
        if section == "Arguments":
            metavar = left[:-3] if left.endswith("...") else left
            positionals.append(Positional(metavar, left.endswith("..."), description))
            continue
        if not left.startswith("-"):
            raise HelpFormatError(f"unexpected entry in section {section!r}: {left!r}")
        names, metavar, repeatable = _parse_left(left)
        description, default = _split_default(description)
        option = Option(names, metavar, default, repeatable, description)
        _classify(option)
        options.append(option)
    if not options:
        raise HelpFormatError("no options found in --help")
    by_name = {n: o for o in options for n in o.names}
    for group in EXCLUSIVE:
        for name in group:
            if name not in by_name:
                raise HelpFormatError(f"EXCLUSIVE names {name}, which --help does not list")
            by_name[name].excludes += [n for n in group if n != name]
    return options, positionals


def unplaced(options: list[Option]) -> list[Option]:
    return [o for o in options if o.kind == "unplaced"]


def _aliases(options: list[Option]) -> dict[str, list[str]]:
    table = {}
    for o in options:
        for n in o.names:
            table[n] = o.names
    return table


# --- bash -----------------------------------------------------------------------------------


def _bash_case(names: list[str]) -> str:
    return " | ".join(names)


def emit_bash(options: list[Option], positionals: list[Positional]) -> str:
    by_kind: dict[str, list[str]] = {}
    enums = []
    for o in options:
        if o.kind == "enum":
            enums.append(o)
        elif o.kind != "flag":
            by_kind.setdefault("none" if o.kind == "unplaced" else o.kind, []).extend(o.names)
    words = " ".join(n for o in options for n in o.names)
    value_longs = " ".join(f"{o.long}=" for o in options if o.long and o.kind != "flag")
    out = [
        f"# bash completion for {PROGRAM}(1). Generated from `{PROGRAM} --help` by",
        "# packaging/completions.py at build time; do not edit.",
        "",
        f"_{PROGRAM}()",
        "{",
        "    local cur prev words cword split",
        "    _init_completion -s || return",
        "",
        '    case $prev in',
    ]
    for o in enums:
        out += [
            f"        {_bash_case(o.names)})",
            f"            COMPREPLY=($(compgen -W '{' '.join(o.values)}' -- \"$cur\"))",
            "            return",
            "            ;;",
        ]
    if by_kind.get("file"):
        out += [f"        {_bash_case(by_kind['file'])})", "            _filedir", "            return",
                "            ;;"]
    if by_kind.get("dir"):
        out += [f"        {_bash_case(by_kind['dir'])})", "            _filedir -d",
                "            return", "            ;;"]
    if by_kind.get("none"):
        out += [f"        {_bash_case(by_kind['none'])})", "            return", "            ;;"]
    out += [
        "    esac",
        "",
        "    $split && return",
        "",
        '    if [[ $cur == -* ]]; then',
        f"        COMPREPLY=($(compgen -W '{words}' -- \"$cur\"))",
        "        return",
        "    fi",
        "",
    ]
    if positionals:
        out.append("    # " + ", ".join(p.metavar for p in positionals) + ": file names")
    out += [
        "    _filedir",
        "} &&",
        f"    complete -F _{PROGRAM} {PROGRAM}",
        "",
        f"# options taking a value: {value_longs}",
        "# ex: filetype=sh",
        "",
    ]
    return "\n".join(out)


# --- zsh ------------------------------------------------------------------------------------


def _zsh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _zsh_brackets(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _zsh_message(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:")


def emit_zsh(options: list[Option], positionals: list[Positional]) -> str:
    aliases = _aliases(options)
    specs = []
    for o in options:
        excluded = []
        if o.key in ("--help", "--version"):
            excluded = ["-", "*"]  # nothing else makes sense after these
        elif not o.repeatable:
            excluded = list(o.names)
        for e in o.excludes:
            for n in aliases.get(e, [e]):
                if n not in excluded:
                    excluded.append(n)
        prefix = ("*" if o.repeatable else "") + (f"({' '.join(excluded)})" if excluded else "")
        description = _zsh_brackets(o.description)
        if o.kind == "flag":
            action = ""
        else:
            message = _zsh_message(o.metavar.strip("'") if o.metavar else "value")
            if o.kind == "enum":
                action = f":{message}:({' '.join(o.values)})"
            elif o.kind == "file":
                action = f":{message}:_files"
            elif o.kind == "dir":
                action = f":{message}:_files -/"
            else:
                action = f":{message}: "
        for n in o.names:
            suffix = "" if o.kind == "flag" else ("=" if n.startswith("--") else "+")
            specs.append(_zsh_quote(f"{prefix}{n}{suffix}[{description}]{action}"))
    for p in positionals:
        star = "*" if p.repeatable else ""
        specs.append(_zsh_quote(f"{star}:{_zsh_message(p.metavar)}:_files"))
    body = " \\\n  ".join(specs)
    return (
        f"#compdef {PROGRAM}\n"
        f"# zsh completion for {PROGRAM}(1). Generated from `{PROGRAM} --help` by\n"
        "# packaging/completions.py at build time; do not edit.\n"
        "\n"
        f"_arguments -s -S \\\n  {body}\n"
    )


# --- fish -----------------------------------------------------------------------------------


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def emit_fish(options: list[Option], positionals: list[Positional]) -> str:
    out = [
        f"# fish completion for {PROGRAM}(1). Generated from `{PROGRAM} --help` by",
        "# packaging/completions.py at build time; do not edit.",
        "",
    ]
    for o in options:
        parts = ["complete", "-c", PROGRAM]
        for n in o.names:
            if n.startswith("--"):
                parts += ["-l", n[2:]]
            elif len(n) == 2:
                parts += ["-s", n[1:]]
            else:
                parts += ["-o", n[1:]]
        if o.kind == "enum":
            parts += ["-x", "-a", _fish_quote(" ".join(o.values))]
        elif o.kind == "file":
            parts += ["-r", "-F"]
        elif o.kind == "dir":
            parts += ["-x", "-a", _fish_quote("(__fish_complete_directories)")]
        elif o.kind != "flag":
            parts += ["-x"]
        parts += ["-d", _fish_quote(o.description)]
        out.append(" ".join(parts))
    if positionals:
        out.append("# " + ", ".join(p.metavar for p in positionals)
                   + ": fish completes file names for arguments by default")
    out.append("")
    return "\n".join(out)


OUTPUTS = {
    PROGRAM: emit_bash,
    f"_{PROGRAM}": emit_zsh,
    f"{PROGRAM}.fish": emit_fish,
}


def help_text(binary: str) -> str:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="80")
    return subprocess.run([binary, "--help"], check=True, capture_output=True, text=True,
                          env=env).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--binary", help="the built fetchpool, run with --help")
    source.add_argument("--help-file", help="a saved --help output")
    parser.add_argument("--out-dir", required=True)
    args = parser.parse_args()
    if args.binary:
        text = help_text(args.binary)
    else:
        with open(args.help_file, encoding="utf-8") as f:
            text = f.read()
    try:
        options, positionals = parse_help(text)
    except HelpFormatError as e:
        print(f"completions.py: {e}", file=sys.stderr)
        return 1
    for o in unplaced(options):
        print(f"completions.py: warning: {o.key} {o.metavar}: no completion rule; add it to "
              "VALUE_KINDS (completing it as free text)", file=sys.stderr)
    os.makedirs(args.out_dir, exist_ok=True)
    for name, emit in OUTPUTS.items():
        path = os.path.join(args.out_dir, name)
        content = emit(options, positionals)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(content)
        os.replace(tmp, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
