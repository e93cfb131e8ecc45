#!/usr/bin/python3
"""Checks the man page and the shell completions against the built binary's --help (ctest
packaging.docs).

- every option --help prints is in the man page's OPTIONS, and OPTIONS names no option that
  --help does not print; the man page has every section the project promises; its version, the
  binary's --version and project(VERSION) agree;
- the completion generator knows how to complete every option that takes a value, and the
  options it treats as excluding one another are refused together by the binary;
- each of the bash, zsh and fish scripts lists every option;
- bash: the script loads through bash-completion's own loader and registers for fetchpool, and
  simulated completions give options, enum values and file and directory names;
- zsh: the script parses, compinit registers it for fetchpool, and completions typed into an
  interactive zsh on a pseudo-terminal give options, enum values and file and directory names;
- fish: fish's own completion engine gives options, enum values and directory names.

Usage: check_docs.py --binary PATH --version X.Y.Z --man fetchpool.1 --completions DIR
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import completions  # noqa: E402

SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "INPUT", "OUTPUT", "EXIT STATUS",
            "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"]
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"FAIL: {message}")


def ok(message: str) -> None:
    print(f"ok: {message}")


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, **kwargs)


def option_pattern(name: str) -> re.Pattern:
    # A whole option name: not part of a longer one (--progress inside --no-progress).
    return re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w.-]*\w)")


# --- man page ----------------------------------------------------------------------------


def roff_to_text(roff: str) -> str:
    text = re.sub(r"\\f[BIRP]|\\f\(..|\\&|\\e(?=\w)", "", roff)
    return text.replace("\\-", "-").replace("\\(en", "-").replace("\\e", "\\")


def man_sections(roff: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    name = None
    for line in roff.splitlines():
        m = re.match(r'\.SH\s+"?([^"]+)"?\s*$', line)
        if m:
            name = m.group(1).strip()
            sections[name] = ""
        elif name:
            sections[name] += line + "\n"
    return sections


def check_man(man_path: str, options: list[completions.Option], version: str) -> None:
    with open(man_path, encoding="utf-8") as f:
        roff = f.read()
    sections = {k: roff_to_text(v) for k, v in man_sections(roff).items()}
    missing = [s for s in SECTIONS if s not in sections]
    if missing:
        fail(f"man page lacks sections {missing} (has {list(sections)})")
    else:
        ok(f"man page has sections {', '.join(SECTIONS)}")
    text = sections.get("OPTIONS", "")
    undocumented = [n for o in options for n in o.names if not option_pattern(n).search(text)]
    if undocumented:
        fail(f"man page OPTIONS does not document {undocumented}")
    else:
        ok(f"man page OPTIONS documents all {len(options)} options --help prints")
    known = {n for o in options for n in o.names}
    # Option-looking words in the item headers of OPTIONS (the .TP/.P lines scdoc emits):
    # an option the man page documents that --help no longer has.
    headers = re.findall(r"^(-[^\n]*)$", text, flags=re.M)
    words = {w.rstrip(".") for h in headers
             for w in re.findall(r"(?<![\w-])--?[A-Za-z][\w.-]*", h)}
    stale = sorted(words - known)
    if stale:
        fail(f"man page OPTIONS documents options --help does not print: {stale}")
    else:
        ok("man page OPTIONS documents no option --help lacks")
    th = re.search(r"^\.TH .*$", roff, flags=re.M)
    if not th or f"fetchpool {version}" not in th.group(0):
        fail(f"man page header {th.group(0) if th else None!r} does not say fetchpool {version}")
    else:
        ok(f"man page header says fetchpool {version}")


# --- completions: every option listed ------------------------------------------------------


def listed_bash(script: str, o: completions.Option) -> bool:
    words = re.search(r"compgen -W '([^']*)' -- \"\$cur\"\)\)\n\s*return\n\s*fi", script)
    return bool(words) and all(n in words.group(1).split() for n in o.names)


def listed_zsh(script: str, o: completions.Option) -> bool:
    # Specs look like '(-w --workers)-w+[...]', '*-H+[...]' or '--json[...]'.
    return all(re.search(r"[')*]" + re.escape(n) + r"[=+]?\[", script) for n in o.names)


def listed_fish(script: str, o: completions.Option) -> bool:
    lines = script.splitlines()

    def has(n: str) -> bool:
        flag = f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}"
        return any(re.search(r"^complete -c fetchpool .*" + re.escape(flag) + r"( |$)", l)
                   for l in lines)

    return all(has(n) for n in o.names)


def check_listed(directory: str, options: list[completions.Option]) -> None:
    for name, listed in (("fetchpool", listed_bash), ("_fetchpool", listed_zsh),
                         ("fetchpool.fish", listed_fish)):
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            script = f.read()
        missing = [o.key for o in options if not listed(script, o)]
        if missing:
            fail(f"{name} does not list {missing}")
        else:
            ok(f"{name} lists all {len(options)} options")


# --- bash, through bash-completion -----------------------------------------------------------

BASH_DRIVER = r"""
source "$BASH_COMPLETION" || exit 3
__load_completion fetchpool || { echo "__load_completion found no fetchpool"; exit 4; }
complete -p fetchpool
# complete LINE: sets COMP_* as readline would for the cursor at the end of LINE.
complete_line() {
    COMP_LINE=$1
    COMP_POINT=${#COMP_LINE}
    # Split as readline does: words, with COMP_WORDBREAKS characters such as '=' on their own.
    local IFS=$' \t\n'
    read -r -a COMP_WORDS <<<"${COMP_LINE//=/ = }"
    [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    local spec func
    spec=$(complete -p fetchpool)
    func=${spec#*-F }
    func=${func%% *}
    "$func" fetchpool "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf '%s\n' "== $1" "${COMPREPLY[@]}"
}
cd "$SCRATCH"
complete_line 'fetchpool --for'
complete_line 'fetchpool --format '
complete_line 'fetchpool --format=j'
complete_line 'fetchpool --on-exists s'
complete_line 'fetchpool --color '
complete_line 'fetchpool --junit rep'
complete_line 'fetchpool -o '
complete_line 'fetchpool -w '
complete_line 'fetchpool urls'
"""


def replies(output: str) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        if line.startswith("== "):
            current = line[3:]
            result[current] = []
        elif current is not None and line:
            result[current].append(line)
    return result


def expect(label: str, got: dict[str, list[str]], line: str, want: list[str],
           exact: bool = True) -> None:
    have = got.get(line)
    if have is None:
        fail(f"{label}: no completion ran for {line!r}")
    elif (sorted(have) != sorted(want)) if exact else not set(want) <= set(have):
        fail(f"{label}: {line!r} completes to {have}, expected {want}")
    else:
        ok(f"{label}: {line!r} -> {' '.join(have) if have else '(nothing)'}")


def make_scratch(tmp: str) -> str:
    scratch = os.path.join(tmp, "cwd")
    os.makedirs(os.path.join(scratch, "reports"))
    os.makedirs(os.path.join(scratch, "out"))
    for name in ("report.xml", "urls.txt"):
        open(os.path.join(scratch, name), "w").close()
    return scratch


def check_bash(directory: str, tmp: str, scratch: str) -> None:
    if not os.path.exists(BASH_COMPLETION):
        fail(f"{BASH_COMPLETION} missing: apt-get install bash-completion (scripts/install-deps.sh)")
        return
    # bash-completion's loader looks in $BASH_COMPLETION_USER_DIR/completions, as it looks in
    # /usr/share/bash-completion/completions for installed packages.
    user_dir = os.path.join(tmp, "bash-completion")
    os.makedirs(os.path.join(user_dir, "completions"))
    shutil.copy(os.path.join(directory, "fetchpool"), os.path.join(user_dir, "completions"))
    env = dict(os.environ, BASH_COMPLETION=BASH_COMPLETION, BASH_COMPLETION_USER_DIR=user_dir,
               SCRATCH=scratch, HOME=tmp, XDG_DATA_DIRS=os.path.join(tmp, "none"))
    r = run(["bash", "--norc", "--noprofile", "-c", BASH_DRIVER], env=env)
    if r.returncode != 0:
        fail(f"bash driver exited {r.returncode}: {r.stdout}{r.stderr}")
        return
    first = r.stdout.splitlines()[0] if r.stdout else ""
    if re.fullmatch(r"complete -F \S+ fetchpool", first):
        ok(f"bash-completion loads the script: {first}")
    else:
        fail(f"complete -p fetchpool says {first!r}")
    got = replies(r.stdout)
    expect("bash", got, "fetchpool --for", ["--format"])
    expect("bash", got, "fetchpool --format ", ["text", "jsonl", "csv"])
    expect("bash", got, "fetchpool --format=j", ["jsonl"])
    expect("bash", got, "fetchpool --on-exists s", ["skip"])
    expect("bash", got, "fetchpool --color ", ["auto", "always", "never"])
    expect("bash", got, "fetchpool --junit rep", ["report.xml", "reports"])
    expect("bash", got, "fetchpool -o ", ["out", "reports"])
    expect("bash", got, "fetchpool -w ", [])
    expect("bash", got, "fetchpool urls", ["urls.txt"])


# --- zsh ---------------------------------------------------------------------------------------

# Types LINE and a key bound to complete-word into an interactive zsh on a pseudo-terminal
# (zpty), with compadd wrapped to print every match it is given; prints the matches.
ZSH_DRIVER = r'''
zmodload zsh/zpty || exit 3
dir=$1 line=$2 tmp=$3
zpty z zsh -f -i
zpty -w z "PROMPT=''; RPROMPT=''; fpath=($dir \$fpath); autoload -U compinit; compinit -u -d $tmp/zcd"
zpty -w z "zstyle ':completion:*' menu no"
zpty -w z 'compadd () { if (( ${@[(I)-(O|A|D)]} )); then builtin compadd "$@"; return; fi; local -a __hits; builtin compadd -A __hits "$@"; local h; for h in $__hits; do print -r -- "<<$h>>"; done; builtin compadd "$@" }'
zpty -w z 'capture() { zle complete-word; print -r -- "<<E""ND>>"; zle kill-whole-line; }; zle -N capture; bindkey "^T" capture'
zpty -w -n z "$line"$'\C-t'
out="" n=0
while (( n++ < 200 )); do
  if zpty -r -t z chunk; then out+=$chunk; [[ $out == *'<<END>>'* ]] && break; else sleep 0.05; fi
done
zpty -d z
[[ $out == *'<<END>>'* ]] || { print "no completion finished for: $line"; exit 4; }
print -r -- "$out" | grep -ao '<<[^>]*>>' | sed 's/^<<//; s/>>$//' | grep -v '^END$' | sort -u
'''


def check_zsh(directory: str, tmp: str, scratch: str) -> None:
    if not shutil.which("zsh"):
        fail("zsh missing: apt-get install zsh (scripts/install-deps.sh)")
        return
    script = os.path.join(directory, "_fetchpool")
    r = run(["zsh", "-n", script])
    if r.returncode != 0:
        fail(f"zsh -n _fetchpool: {r.stderr}")
        return
    ok("zsh parses _fetchpool")
    r = run(["zsh", "-f", "-c",
             'fpath=("$1" $fpath); autoload -U compinit; compinit -u -d "$2/zcompdump"; '
             'print -r -- "$_comps[fetchpool]"', "zsh", directory, tmp],
            env=dict(os.environ, HOME=tmp))
    if r.returncode != 0 or r.stdout.strip() != "_fetchpool":
        fail(f"compinit does not register _fetchpool for fetchpool: {r.stdout!r} {r.stderr!r}")
    else:
        ok("zsh compinit registers _fetchpool for fetchpool")
    cases = [
        ("fetchpool --for", ["--format"], True),
        ("fetchpool --format ", ["text", "jsonl", "csv"], True),
        ("fetchpool --on-exists=", ["rename", "skip", "overwrite", "fail"], True),
        ("fetchpool -o ", ["out", "reports"], True),
        ("fetchpool --junit rep", ["report.xml", "reports"], True),
        ("fetchpool -q -", ["--workers", "--output-dir", "-w"], False),
    ]
    for line, want, exact in cases:
        r = run(["zsh", "-f", "-c", ZSH_DRIVER, "zsh", directory, line, tmp],
                env=dict(os.environ, HOME=tmp), cwd=scratch)
        if r.returncode != 0:
            fail(f"zsh: completing {line!r}: {r.stdout}{r.stderr}")
            continue
        # The terminal echoes the driver's own commands; matches hold no quote or dollar.
        got = [w for w in r.stdout.splitlines() if w and not re.search(r'["$]', w)]
        expect("zsh", {line: got}, line, want, exact)
        if line == "fetchpool -q -" and ({"--quiet", "--silent", "-s", "-v"} & set(got)):
            fail(f"zsh: after -q it still offers the options -q excludes: {got}")


# --- fish ----------------------------------------------------------------------------------------


def check_fish(directory: str, tmp: str, scratch: str) -> None:
    if not shutil.which("fish"):
        fail("fish missing: apt-get install fish (scripts/install-deps.sh)")
        return
    lines = ["fetchpool --for", "fetchpool --format ", "fetchpool --format=c",
             "fetchpool --on-exists ", "fetchpool -o ", "fetchpool --cacert rep"]
    program = "; ".join(f"echo '== {l}'; complete -C'{l}'" for l in lines)
    env = dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "config"),
               XDG_DATA_HOME=os.path.join(tmp, "data"))
    r = run(["fish", "--no-config", "-c",
             f"source {directory}/fetchpool.fish; cd {scratch}; {program}"], env=env)
    if r.returncode != 0:
        fail(f"fish exited {r.returncode}: {r.stderr}")
        return
    got = {k: [v.split("\t")[0] for v in vs] for k, vs in replies(r.stdout).items()}
    expect("fish", got, "fetchpool --for", ["--format"])
    expect("fish", got, "fetchpool --format ", ["text", "jsonl", "csv"])
    expect("fish", got, "fetchpool --format=c", ["--format=csv"])
    expect("fish", got, "fetchpool --on-exists ", ["rename", "skip", "overwrite", "fail"])
    expect("fish", got, "fetchpool -o ", ["out/", "reports/"])
    expect("fish", got, "fetchpool --cacert rep", ["report.xml", "reports/"])


def check_exclusive(binary: str, options: list[completions.Option], tmp: str) -> None:
    """Each pair completions.EXCLUSIVE names is refused by the binary, as zsh assumes."""
    by_name = {n: o for o in options for n in o.names}

    def argv(name: str) -> list[str]:
        o = by_name[name]
        if o.kind == "flag":
            return [name]
        if o.kind == "enum":
            return [name, o.values[0]]
        return [name, tmp]  # a directory: good for DIR, and never reached for the rest

    for group in completions.EXCLUSIVE:
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                line = argv(a) + argv(b)
                r = run([binary, *line], input="")
                needed = re.search(r"requires (--?[\w.-]+)", r.stderr)
                if r.returncode == 2 and needed and needed.group(1) in by_name:
                    line += argv(needed.group(1))  # what one of them needs, then try again
                    r = run([binary, *line], input="")
                if r.returncode != 2 or "excludes" not in r.stderr:
                    fail(f"completions.EXCLUSIVE says {a} and {b} exclude one another, but "
                         f"fetchpool {' '.join(line)} exits {r.returncode}: "
                         f"{r.stderr.strip()!r}")
    ok(f"the binary refuses every pair in completions.EXCLUSIVE ({len(completions.EXCLUSIVE)} "
       "groups)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--version", required=True, help="project(VERSION)")
    parser.add_argument("--man", required=True, help="the built roff page")
    parser.add_argument("--completions", required=True, help="directory of the three scripts")
    args = parser.parse_args()

    options, _ = completions.parse_help(completions.help_text(args.binary))
    ok(f"--help lists {len(options)} options")

    line = run([args.binary, "--version"]).stdout.splitlines()
    if not line or line[0] != f"fetchpool {args.version}":
        fail(f"fetchpool --version says {line[:1]}, project(VERSION) is {args.version}")
    else:
        ok(f"--version says fetchpool {args.version}")

    unplaced = completions.unplaced(options)
    if unplaced:
        fail("packaging/completions.py does not know how to complete "
             + ", ".join(f"{o.key} {o.metavar}" for o in unplaced)
             + ": add them to VALUE_KINDS (or METAVAR_KINDS)")
    else:
        ok("the completion generator places every option that takes a value")

    args.completions = os.path.abspath(args.completions)  # the shells run in a scratch cwd
    check_man(args.man, options, args.version)
    check_listed(args.completions, options)
    with tempfile.TemporaryDirectory() as tmp:
        check_exclusive(args.binary, options, tmp)
        scratch = make_scratch(tmp)
        check_bash(args.completions, tmp, scratch)
        check_zsh(args.completions, tmp, scratch)
        check_fish(args.completions, tmp, scratch)

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all packaging checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
