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
}


@dataclasses.dataclass
class Option:
    names: list[str]  # as --help prints them: ["-w", "--workers"]
    metavar: str | None  # "N", "FILE", "'NAME: VALUE'"; None for a flag
    default: str | None
    repeatable: bool
    excludes: list[str]
    needs: list[str]
    description: str
    kind: str = "flag"  # flag | file | dir | enum | none | unplaced
    values: list[str] = dataclasses.field(default_factory=list)

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


def _description_column(lines: list[str]) -> int:
    """CLI11 aligns descriptions in one column; lines holding only a description start there."""
    columns = []
    for line in lines:
        stripped = line.lstrip(" ")
        if line.startswith("    ") and stripped and not stripped.startswith("-"):
            columns.append(len(line) - len(stripped))
    if not columns:
        raise HelpFormatError("no description column found in --help")
    return min(columns)


def _parse_left(left: str) -> tuple[list[str], str | None, str | None, bool, list[str], list[str]]:
    """'-q,--quiet Excludes: --silent --verbose' → names, metavar, default, repeatable, ..."""
    head, _, rest = left.partition(" ")
    names = head.split(",")
    if not all(re.fullmatch(r"--?[A-Za-z0-9][A-Za-z0-9.\-]*", n) for n in names):
        raise HelpFormatError(f"cannot read option names in {left!r}")
    excludes: list[str] = []
    needs: list[str] = []
    # Everything before the first "Excludes:" / "Needs:" is the metavar (it may hold spaces).
    parts = re.split(r"\s*\b(Excludes|Needs):\s*", rest)
    type_text = parts[0].strip()
    for label, value in zip(parts[1::2], parts[2::2]):
        (excludes if label == "Excludes" else needs).extend(value.split())
    metavar = default = None
    repeatable = False
    if type_text:
        if type_text.endswith("..."):
            repeatable = True
            type_text = type_text[:-3].strip()
        metavar, eq, default_text = type_text.partition("=")
        default = default_text if eq else None
    return names, metavar or None, default, repeatable, excludes, needs


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


def parse_help(text: str) -> tuple[list[Option], list[Positional]]:
    lines = text.splitlines()
    column = _description_column(lines)
    options: list[Option] = []
    positionals: list[Positional] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line and not line.startswith(" "):
            section = line.rstrip(":") if line.endswith(":") else ""
            continue
        if not line.startswith("  ") or line.startswith("   ") or section == "":
            continue
        # An entry. Its description is on the same line from `column` on, or, when the left
        # part is too wide, alone on the next line.
        if i < len(lines) and lines[i].startswith(" " * column) and lines[i].strip():
            left, description = line.strip(), lines[i].strip()
            i += 1
        else:
            left, description = line[:column].strip(), line[column:].strip()
        if section == "Positionals":
            metavar, _, dots = left.partition(" ")
            positionals.append(Positional(metavar, dots.strip() == "...", description))
            continue
        if not left.startswith("-"):
            raise HelpFormatError(f"unexpected line in section {section!r}: {line!r}")
        names, metavar, default, repeatable, excludes, needs = _parse_left(left)
        option = Option(names, metavar, default, repeatable, excludes, needs, description)
        _classify(option)
        options.append(option)
    if not options:
        raise HelpFormatError("no options found in --help")
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
