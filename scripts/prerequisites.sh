# Sourced by run.sh and test.sh: makes sure the machine has what the platform runs on.
# PostgreSQL is required; Redis is optional (the platform runs without it); RabbitMQ carries events.
# Packages are installed with apt-get when we are root (or have passwordless sudo) and
# INSTALL_PACKAGES is not 0.

# rabbitmq-server lives in /usr/sbin, which a non-login shell's PATH may lack; the AppHost finds servers on PATH.
case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" ;; esac

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif sudo -n true 2>/dev/null; then sudo -n "$@"; else return 1; fi
}

can_install() {
  [ "${INSTALL_PACKAGES:-1}" != 0 ] && command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }
}

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ensure_packages PKG:COMMAND... installs each package whose command is missing.
ensure_packages() {
  local missing=() spec
  for spec in "$@"; do
    command -v "${spec#*:}" >/dev/null 2>&1 || missing+=("${spec%%:*}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if can_install; then
    echo "Installing ${missing[*]} ..."
    apt_install "${missing[@]}"
  else
    echo "Missing packages (install them, or run as root): ${missing[*]}" >&2
    return 1
  fi
}

postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

ensure_platform_prerequisites() {
  command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet on PATH)." >&2; exit 1; }
  if [ -z "$(postgres_bin)" ]; then
    can_install && { echo "Installing postgresql ..."; apt_install postgresql; } \
      || { echo "PostgreSQL server binaries are required (Debian package postgresql)." >&2; exit 1; }
  fi
  ensure_packages rabbitmq-server:rabbitmq-server
  # Redis is optional: without it the services use their in-memory cache.
  if [ "${NO_REDIS:-0}" != 1 ]; then ensure_packages redis-server:redis-server || echo "Redis unavailable: running without it."; fi
}

# The console's browser tests (tests/Console.Tests) drive Debian's Chromium through Playwright, which cannot
# download a browser of its own here.
ensure_browser_prerequisites() {
  ensure_packages chromium:chromium
}
