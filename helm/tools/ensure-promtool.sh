#!/usr/bin/env bash
# Makes sure promtool (Debian's `prometheus` package) is installed: the gateway's and the chart's tests run it
# to check the metrics scrape and the alert rules. Runs before those tests in the Maven build, so
# `./mvnw -B verify` works on a fresh machine of this project; does nothing when promtool is present.
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then
  exit 0
fi
echo "promtool is missing: installing Debian's prometheus package"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
command -v promtool
