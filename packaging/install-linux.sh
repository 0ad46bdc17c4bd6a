#!/usr/bin/env bash
# Install the built bundle (dist/switchboard) for all users: /opt/switchboard, a `switchboard`
# command, and a desktop entry with its icon. Run as root; PREFIX=/usr/local by default.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bundle="${1:-$here/dist/switchboard}"
prefix="${PREFIX:-/usr/local}"
[ -x "$bundle/switchboard" ] || { echo "No bundle at $bundle: run 'make package' first." >&2; exit 1; }
rm -rf /opt/switchboard
cp -a "$bundle" /opt/switchboard
ln -sf /opt/switchboard/switchboard "$prefix/bin/switchboard"
install -Dm644 "$here/packaging/switchboard.desktop" "$prefix/share/applications/switchboard.desktop"
install -Dm644 "$here/resources/icons/switchboard.png" "$prefix/share/icons/hicolor/256x256/apps/switchboard.png"
echo "Installed: run 'switchboard' or open Switchboard from the applications menu."
