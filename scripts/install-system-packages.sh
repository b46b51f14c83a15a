#!/bin/sh
# Install the Debian packages named in $PACKAGES that are not installed yet.
# Root with apt-get: installs them quietly. Otherwise: prints the command to run and carries on
# (the features that need them then report a clear error).
set -eu
missing=""
for pkg in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "nianbao: missing Debian packages:$missing — run: sudo apt-get install$missing" >&2
fi
