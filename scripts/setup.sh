#!/usr/bin/env bash
# Brings this machine to what `make run` (setup.sh run) or `make test` (setup.sh test) needs,
# installing only what is missing: Debian/Ubuntu packages (with sudo when not root), the
# UI's npm packages from the lockfile, and test tools into a cache folder.
set -euo pipefail

mode=${1:-run}
root=$(cd "$(dirname "$0")/.." && pwd)
tools=${SHRIMP_TOOLS_DIR:-$HOME/.cache/shrimp/tools}

# Building and running the desktop app (Tauri 2 on WebKitGTK) and its audio and keyring.
run_packages=(
  pkg-config build-essential file libwebkit2gtk-4.1-dev libgtk-3-dev
  libayatana-appindicator3-dev librsvg2-dev libssl-dev libsoup-3.0-dev
  libjavascriptcoregtk-4.1-dev libxdo-dev libasound2-dev libdbus-1-dev
  xvfb xauth fonts-noto-cjk
)
# The test suite's real parts: display, WebDriver, sound server, keyring, PostgreSQL, audio tools.
test_packages=(
  webkit2gtk-driver imagemagick at-spi2-core dbus dbus-x11 pulseaudio pulseaudio-utils
  gnome-keyring postgresql sox libsox-fmt-all ffmpeg
)

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

install_system_packages() {
  local wanted=("$@") missing=()
  if ! command -v dpkg-query >/dev/null; then
    echo "This is not a Debian/Ubuntu system, so packages cannot be installed automatically." >&2
    echo "Install the equivalents of: ${wanted[*]}" >&2
    echo "(see https://v2.tauri.app/start/prerequisites/ for your system), then run make again." >&2
    exit 1
  fi
  for package in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing system packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    -o DPkg::Lock::Timeout=900 --no-install-recommends "${missing[@]}"
}

install_npm_packages() {
  local lock="$root/ui/package-lock.json" stamp="$root/ui/node_modules/.shrimp-lock.sha256"
  local want
  want=$(sha256sum "$lock" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return
  fi
  say "installing the UI's npm packages from the lockfile"
  (cd "$root/ui" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

install_cargo_tool() {
  local binary=$1 crate=$2 version=$3
  if [ -x "$tools/bin/$binary" ]; then
    return
  fi
  say "installing $crate $version into $tools"
  cargo install "$crate" --locked --version "$version" --root "$tools" --quiet
}

command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm not found: install Node.js 20 or newer first" >&2; exit 1; }

case "$mode" in
  run)
    install_system_packages "${run_packages[@]}"
    install_npm_packages
    ;;
  test)
    install_system_packages "${run_packages[@]}" "${test_packages[@]}"
    install_npm_packages
    install_cargo_tool tauri-driver tauri-driver '^2'
    if ! cargo nextest --version >/dev/null 2>&1; then
      install_cargo_tool cargo-nextest cargo-nextest '^0.9'
    fi
    ;;
  bench)
    "$0" test
    # The scan benchmark's reference: Python's mutagen reading the same tags.
    if ! python3 -c 'import mutagen' 2>/dev/null; then
      say "installing Python's mutagen (the scan benchmark's reference)"
      python3 -m pip install --quiet --disable-pip-version-check mutagen
    fi
    ;;
  *)
    echo "usage: $0 run|test|bench" >&2
    exit 2
    ;;
esac
