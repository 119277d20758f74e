# Shared by the scripts in scripts/: repository root, logging, and installing missing apt packages.
# shellcheck shell=bash
PORTICO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PORTICO_ROOT

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ensure_packages PKG...: installs the Debian packages that are missing (as root, or with sudo).
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing missing packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building and running Portico needs.
PORTICO_BUILD_PACKAGES=(libmariadb-dev-compat libmariadb-dev zlib1g-dev pkg-config)
PORTICO_DB_PACKAGES=(mariadb-server mariadb-client tzdata openssl)
PORTICO_TOOL_PACKAGES=(curl)

# ensure_python_tools: a virtualenv in .run/py with the pinned PyPI peers of the interop
# tests (Tests/interop/requirements.txt); prints nothing when it is already complete.
ensure_python_tools() {
  local venv="$PORTICO_ROOT/.run/py" requirements="$PORTICO_ROOT/Tests/interop/requirements.txt"
  if [ ! -x "$venv/bin/python" ]; then
    command -v python3 >/dev/null || ensure_packages python3
    python3 -m venv "$venv" 2>/dev/null || { ensure_packages python3-venv; python3 -m venv "$venv"; }
  fi
  if ! cmp -s "$requirements" "$venv/.installed" 2>/dev/null; then
    say "installing Python test peers ($(grep -v '^#' "$requirements" | tr '\n' ' '))"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$venv/.installed"
  fi
  export PORTICO_PYTHON="$venv/bin/python"
}

# A debug or release build of the package, printing the binary directory.
build_portico() {
  local config="${1:-debug}"
  ensure_packages "${PORTICO_BUILD_PACKAGES[@]}"
  say "building Portico ($config)"
  (cd "$PORTICO_ROOT" && swift build -c "$config" >&2) || die "swift build failed"
  (cd "$PORTICO_ROOT" && swift build -c "$config" --show-bin-path)
}

# stop_db_on_exit KEEP_VARIABLE [HOOK...]: when the calling script exits, however it exits,
# run each HOOK (a function: stop what the script started on top of the database), then stop
# the script's database instance (PORTICO_DB_INSTANCE, default main) unless the variable named
# KEEP_VARIABLE is 1. Call it before the database starts, so a failure in between leaves
# nothing running either.
stop_db_on_exit() {
  PORTICO_DB_KEEP_VARIABLE="$1"
  shift
  PORTICO_EXIT_HOOKS="$*"
  trap portico_exit EXIT
}

portico_exit() {
  local status=$? hook
  for hook in $PORTICO_EXIT_HOOKS; do "$hook" || true; done
  if [ "${!PORTICO_DB_KEEP_VARIABLE:-0}" = 1 ]; then
    say "leaving MariaDB (${PORTICO_DB_INSTANCE:-main}) running ($PORTICO_DB_KEEP_VARIABLE=1): scripts/db stop ends it"
  else
    "$PORTICO_ROOT/scripts/db" stop || true
  fi
  exit "$status"
}
