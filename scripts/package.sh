#!/usr/bin/env bash
# Builds the Debian package from the release build and checks both ways of installing:
#   - the .deb (build/packages/fetchpool_VERSION_ARCH.deb): dpkg-deb -I, lintian with no errors,
#     its Depends resolvable by apt, and, unpacked into a scratch root, the packaged binary's
#     --version, man page and completions;
#   - cmake --install into a scratch DESTDIR: every file in its place, none of the tests, man -l
#     renders the page, and each shell finds the completion where it was installed.
# Needs what scripts/install-deps.sh installs. Prints the .deb's path last.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(scripts/build.sh release | tail -n 1)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

fail() { echo "package: FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

version=$("$dir/fetchpool" --version | sed -n '1s/^fetchpool //p')
[ -n "$version" ] || fail "cannot read the version from $dir/fetchpool --version"
arch=$(dpkg --print-architecture)

step "cpack -G DEB (version $version from project(VERSION))"
rm -f "$dir"/packages/*.deb
(cd "$dir" && cpack -G DEB -B "$PWD/packages" >/dev/null)
deb="$dir/packages/fetchpool_${version}_${arch}.deb"
[ -f "$deb" ] || fail "expected $deb; cpack made: $(ls "$dir/packages")"

step "dpkg-deb -I $deb"
dpkg-deb -I "$deb"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
grep -q 'libcurl4' <<<"$depends" || fail "Depends (from shlibdeps) lacks libcurl4"
# docs/install.md names the packages Depends lists; keep it true when the link changes.
documented_deps=$(grep -o '(`dpkg-shlibdeps`: [^;)]*' docs/install.md | sed 's/.*: //; s/, /\n/g' | sort)
actual_deps=$(sed 's/ *([^)]*)//g; s/, /\n/g' <<<"$depends" | sort)
[ "$documented_deps" = "$actual_deps" ] \
  || fail "docs/install.md names Depends '$(echo $documented_deps)', the package has '$(echo $actual_deps)'"
# README and the docs it links to, installed beside it.
docs=(README.md $(cd docs && ls *.md *.png | sed 's|^|docs/|'))

step "dpkg-deb -c: the files it holds"
dpkg-deb -c "$deb" | awk '{print $6}' | grep -v '/$' | tee "$scratch/deb-files"
for f in ./usr/bin/fetchpool ./usr/share/man/man1/fetchpool.1.gz \
         ./usr/share/bash-completion/completions/fetchpool \
         ./usr/share/zsh/vendor-completions/_fetchpool \
         ./usr/share/fish/vendor_completions.d/fetchpool.fish \
         ./usr/share/doc/fetchpool/copyright ./usr/share/doc/fetchpool/changelog.gz \
         "${docs[@]/#/./usr/share/doc/fetchpool/}"; do
  grep -qxF "$f" "$scratch/deb-files" || fail "the package lacks $f"
done
[ "$(wc -l <"$scratch/deb-files")" -eq $((7 + ${#docs[@]})) ] \
  || fail "the package holds files beyond those $((7 + ${#docs[@]}))"

step "lintian (errors fail; warnings and infos are shown)"
lintian --fail-on error --display-info "$deb" 2>&1 | grep -v 'running with root privileges' || true
lintian --fail-on error "$deb" >/dev/null 2>&1 || fail "lintian reports errors"

step "apt can resolve its Depends on this system (simulated install)"
apt-get install --simulate --no-install-recommends "$(realpath "$deb")" >"$scratch/apt.log" 2>&1 \
  || { cat "$scratch/apt.log"; fail "apt-get cannot install the package"; }
grep -q '^Inst fetchpool\|fetchpool is already the newest' "$scratch/apt.log" \
  || { cat "$scratch/apt.log"; fail "apt-get would not install fetchpool"; }

# The man page renders, `man fetchpool` finds it, and each shell's completion loads from where
# the package or cmake --install put it. $1: the prefix's root (…/usr or …/usr/local).
check_tree() {
  local prefix=$1 zsh_dir=$2
  "$prefix/bin/fetchpool" --version | head -n 1 | grep -qxF "fetchpool $version" \
    || fail "$prefix/bin/fetchpool --version is not fetchpool $version"
  printf '' | "$prefix/bin/fetchpool" >/dev/null || fail "$prefix/bin/fetchpool on empty input"
  local man_text
  man_text=$(MANWIDTH=80 man -l "$prefix/share/man/man1/fetchpool.1.gz" 2>&1)
  grep -q 'fetchpool - download many URLs' <<<"$man_text" || fail "man -l does not render NAME"
  grep -q "fetchpool $version" <<<"$man_text" || fail "the man page does not say $version"
  MANWIDTH=80 man -M "$prefix/share/man" fetchpool 2>&1 | grep -q '^EXIT STATUS' \
    || fail "man -M $prefix/share/man fetchpool does not find the page"
  echo "man: $(man -M "$prefix/share/man" -w fetchpool)"
  XDG_DATA_DIRS="$prefix/share" BASH_COMPLETION_USER_DIR="$scratch/none" \
    bash --norc --noprofile -c \
    'source /usr/share/bash-completion/bash_completion && __load_completion fetchpool && complete -p fetchpool' \
    || fail "bash-completion does not load $prefix/share/bash-completion/completions/fetchpool"
  HOME="$scratch" zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -d "$2/zcd"
                             [[ $_comps[fetchpool] == _fetchpool ]] && echo "zsh: $1/_fetchpool"' \
    zsh "$prefix/$zsh_dir" "$scratch" | grep -q . || fail "zsh does not load $prefix/$zsh_dir/_fetchpool"
  # fish autoloads a command's completions only when the command is on PATH.
  HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
    XDG_DATA_DIRS="$prefix/share" PATH="$prefix/bin:$PATH" fish -c 'complete -C"fetchpool --form"' \
    | grep -q '^--format' || fail "fish does not find $prefix/share/fish/vendor_completions.d"
  echo "completions load in bash, zsh and fish from $prefix/share"
}

step "dpkg-deb -x into a scratch root: the packaged fetchpool"
dpkg-deb -x "$deb" "$scratch/root"
"$scratch/root/usr/bin/fetchpool" --version
check_tree "$scratch/root/usr" share/zsh/vendor-completions

# The real thing, since it changes the machine only in CI (CI=true) or when asked with
# FETCHPOOL_PACKAGE_INSTALL=1: dpkg -i, then `man fetchpool` and the completions from the
# system's own paths, then dpkg -r.
install_for_real=${FETCHPOOL_PACKAGE_INSTALL:-0}
[ "${CI:-}" = true ] && [ -z "${FETCHPOOL_PACKAGE_INSTALL:-}" ] && install_for_real=1
if [ "$install_for_real" = 1 ] && dpkg-query -W -f='${Status}' fetchpool 2>/dev/null | grep -q installed; then
  echo "--- fetchpool is already installed on this machine: not installing over it"
  install_for_real=0
fi
if [ "$install_for_real" = 1 ]; then
  step "dpkg -i, man fetchpool, completions from the system paths, dpkg -r"
  trap 'dpkg -r fetchpool >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
  dpkg -i "$deb" >/dev/null
  [ "$(command -v fetchpool)" = /usr/bin/fetchpool ] || fail "fetchpool is not /usr/bin/fetchpool"
  man -w fetchpool
  MANWIDTH=80 man fetchpool | grep -q "fetchpool $version" || fail "man fetchpool"
  bash --norc --noprofile -c 'source /usr/share/bash-completion/bash_completion &&
    __load_completion fetchpool && complete -p fetchpool' || fail "bash completion from /usr"
  HOME="$scratch" zsh -f -c 'autoload -U compinit; compinit -u -d "$1/zcd"; print -r -- $_comps[fetchpool]' \
    zsh "$scratch" | grep -qx _fetchpool || fail "zsh completion from /usr"
  HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" fish -c 'complete -C"fetchpool --on-exists "' \
    | grep -q '^skip' || fail "fish completion from /usr"
  dpkg -r fetchpool >/dev/null
  echo "installed, found by man, bash, zsh and fish, removed"
fi

step "cmake --install $dir into a scratch DESTDIR (prefix /usr/local)"
DESTDIR="$scratch/destdir" cmake --install "$dir" --prefix /usr/local >/dev/null
(cd "$scratch/destdir" && find . -type f | sort) | tee "$scratch/installed"
for f in ./usr/local/bin/fetchpool ./usr/local/share/man/man1/fetchpool.1.gz \
         ./usr/local/share/bash-completion/completions/fetchpool \
         ./usr/local/share/zsh/site-functions/_fetchpool \
         ./usr/local/share/fish/vendor_completions.d/fetchpool.fish \
         ./usr/local/share/doc/fetchpool/copyright "${docs[@]/#/./usr/local/share/doc/fetchpool/}"; do
  grep -qxF "$f" "$scratch/installed" || fail "cmake --install did not install $f"
done
! grep -q 'test\|bench' "$scratch/installed" || fail "cmake --install installed tests or benchmarks"
check_tree "$scratch/destdir/usr/local" share/zsh/site-functions

# The real cmake --install under /usr/local, when the .deb was installed for real too: each
# shell's own default search path this time, as a new user's login shell has it. fish searches
# /usr/local/share only when XDG_DATA_DIRS names it (docs/install.md says so), so that is what it
# gets.
if [ "$install_for_real" = 1 ] && [ -e /usr/local/bin/fetchpool ]; then
  echo "--- /usr/local/bin/fetchpool exists on this machine: not installing over it"
elif [ "$install_for_real" = 1 ]; then
  step "cmake --install into /usr/local for real: man, bash, zsh and fish from their defaults"
  trap 'xargs -r rm -f <"$dir/install_manifest.txt" || true; rm -rf "$scratch"' EXIT
  cmake --install "$dir" --prefix /usr/local >/dev/null
  [ "$(PATH=/usr/local/bin:/usr/bin:/bin command -v fetchpool)" = /usr/local/bin/fetchpool ] \
    || fail "fetchpool is not /usr/local/bin/fetchpool"
  # Debian's /usr/local/man is a link to share/man, and man may name the page through it.
  [ "$(realpath "$(env -u MANPATH man -w fetchpool)")" = /usr/local/share/man/man1/fetchpool.1.gz ] \
    || fail "man -w fetchpool does not find /usr/local/share/man/man1/fetchpool.1.gz"
  env -u MANPATH MANWIDTH=80 man fetchpool | grep -q "fetchpool $version" || fail "man fetchpool"
  env -u XDG_DATA_DIRS -u XDG_DATA_HOME -u BASH_COMPLETION_USER_DIR HOME="$scratch" \
    bash --norc --noprofile -c 'source /usr/share/bash-completion/bash_completion &&
    __load_completion fetchpool && complete -p fetchpool' | grep -q 'fetchpool$' \
    || fail "bash completion from /usr/local"
  env -u FPATH HOME="$scratch" zsh -f -c \
    'autoload -U compinit; compinit -u -d "$1/zcd"; print -r -- $_comps[fetchpool]' zsh "$scratch" \
    | grep -qx _fetchpool || fail "zsh completion from /usr/local"
  PATH=/usr/local/bin:$PATH HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" \
    XDG_DATA_DIRS=/usr/local/share:/usr/share \
    fish -c 'complete -C"fetchpool --color "' | grep -q '^never' \
    || fail "fish completion from /usr/local with XDG_DATA_DIRS"
  env -u XDG_DATA_DIRS PATH=/usr/local/bin:$PATH HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" \
    fish -c \
    'set -p fish_complete_path /usr/local/share/fish/vendor_completions.d
     complete -C"fetchpool --color "' | grep -q '^never' \
    || fail "fish completion from /usr/local with fish_complete_path"
  xargs -r rm -f <"$dir/install_manifest.txt"
  rmdir /usr/local/share/doc/fetchpool 2>/dev/null || true
  echo "installed under /usr/local, found by man, bash, zsh and fish, removed"
fi

echo "package: ok: $deb"
