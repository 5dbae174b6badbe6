#!/usr/bin/env bash
# Installs everything quiver needs on a Debian/Ubuntu machine, idempotently:
#  - system packages: a C/C++ toolchain (native addons fall back to building from source),
#    the libraries the Kafka client's bundled librdkafka links against (ssl, sasl, zlib, zstd, lz4),
#    and nginx, the load balancer of the proxy failover test (the test runs its own unprivileged
#    nginx process; the system service is not needed);
#  - npm packages as pinned by the lockfile, building librdkafka against those system libraries
#    (CKJS_LINKING=dynamic: its default build downloads its own copies, which fails offline);
#  - python3-venv and python3-pip, for the Python environment of the fuzz step (scripts/fuzz.sh).
# Services for the test suite (Kafka, an S3 server, Redis) are installed by infra/local/services.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(build-essential python3 python3-venv python3-pip pkg-config libssl-dev libsasl2-dev zlib1g-dev libzstd-dev liblz4-dev nginx chromium)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  if command -v apt-get >/dev/null; then
    sudo=()
    ((EUID == 0)) || sudo=(sudo)
    echo "installing system packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "warning: missing system packages (${missing[*]}) and no apt-get; the Kafka client may not build" >&2
  fi
fi

# Reinstall only when the lockfile changed since the last install (or node_modules is gone).
stamp=node_modules/.quiver-install-stamp
if [[ -f $stamp && -d node_modules && $(cat "$stamp") == "$(sha256sum package-lock.json | cut -d' ' -f1)" ]]; then
  echo "npm packages up to date"
else
  # npm install, not npm ci: it follows the lockfile too, and tolerates platform-specific
  # optional packages that a registry mirror does not serve (npm ci rejects the lockfile then).
  CKJS_LINKING=dynamic npm install --no-audit --no-fund
  sha256sum package-lock.json | cut -d' ' -f1 > "$stamp"
fi
