#!/usr/bin/env bash
# The real parts the image tests talk to (test/build/oci-*.test.ts), from Debian's own packages:
#   docker-registry  a registry (distribution 2.8) on loopback, with TLS and basic auth
#   skopeo, umoci    clients we did not write, to read back what Fascia pushed and unpack it
#   apache2-utils    htpasswd, for the registry's basic auth
#   chromium         the headless browser the studio's browser tests drive (test/studio-web/)
# Installs whatever is missing (root, or sudo without a password). Called by .ci/run before
# `npm ci` and by Jest's globalSetup (test/support/global-setup.ts). Exit 0 when every command is
# there afterwards, 1 otherwise.
set -euo pipefail

PACKAGES=(docker-registry skopeo umoci apache2-utils chromium)
COMMANDS=(docker-registry skopeo umoci htpasswd chromium)

missing() {
  local command
  for command in "${COMMANDS[@]}"; do
    # docker-registry lives in /usr/bin but is looked up by path too, in case PATH is narrow.
    command -v "$command" >/dev/null 2>&1 || [ -x "/usr/bin/$command" ] || [ -x "/usr/sbin/$command" ] || echo "$command"
  done
}

if [ -z "$(missing)" ]; then exit 0; fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "test-tools: missing $(missing | tr '\n' ' ')and not root (nor sudo without a password): install ${PACKAGES[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
install() { "${as_root[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"; }
echo "test-tools: installing ${PACKAGES[*]} (missing: $(missing | tr '\n' ' '))" >&2
if ! install >&2; then
  # The package lists may be stale or absent on a fresh machine.
  "${as_root[@]}" apt-get update >&2
  install >&2
fi

if [ -n "$(missing)" ]; then
  echo "test-tools: still missing after install: $(missing | tr '\n' ' ')" >&2
  exit 1
fi
