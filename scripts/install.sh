#!/usr/bin/env bash
# Installs the helm-audit binary where plugin.yaml's platformCommand expects it:
# $HELM_PLUGIN_DIR/bin/helm-audit (helm-audit.exe on Windows).
#
# Helm runs this script from the plugin's install and update hooks; it can also be
# run by hand (HELM_PLUGIN_DIR then defaults to this repository). It is idempotent:
# running it again replaces the binary with a fresh build (or leaves it if unchanged).
#
# Where the binary comes from, first match wins:
#   HELM_AUDIT_BINARY=/path/to/helm-audit    copy an already built binary (CI, offline
#                                            machines, tests)
#   HELM_AUDIT_DOWNLOAD_URL=https://...      download that URL (a binary, or a .tar.gz /
#                                            .tgz holding one) with curl or wget; checked
#                                            against HELM_AUDIT_SHA256 when set
#   cargo on PATH                            `cargo build --profile dist --locked` in the plugin
#                                            directory (honours CARGO_TARGET_DIR; cargo
#                                            fetches crate dependencies from your registry
#                                            unless they are cached or CARGO_NET_OFFLINE=true)
# Otherwise it explains what to do and exits 1. This script never downloads anything by
# itself: only HELM_AUDIT_DOWNLOAD_URL makes it fetch, and only that URL.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(cd "${script_dir}/.." && pwd)"
plugin_dir="${HELM_PLUGIN_DIR:-${source_dir}}"
bin_dir="${plugin_dir}/bin"

exe=""
case "$(uname -s 2>/dev/null || echo unknown)" in
  MINGW* | MSYS* | CYGWIN* | Windows_NT) exe=".exe" ;;
esac
if [[ "${OS:-}" == "Windows_NT" ]]; then
  exe=".exe"
fi
dest="${bin_dir}/helm-audit${exe}"

say() { printf 'helm-audit install: %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

work_dir=""
cleanup() {
  if [[ -n "${work_dir}" && -d "${work_dir}" ]]; then
    rm -rf -- "${work_dir}"
  fi
}
trap cleanup EXIT

make_work_dir() {
  if [[ -z "${work_dir}" ]]; then
    work_dir="$(mktemp -d "${TMPDIR:-/tmp}/helm-audit-install.XXXXXX")"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    return 1
  fi
}

# Copies a binary into place atomically; a no-op when the installed one is identical.
install_binary() {
  local from="$1"
  [[ -f "${from}" ]] || die "no binary at ${from}"
  mkdir -p -- "${bin_dir}"
  if [[ -f "${dest}" ]] && cmp -s -- "${from}" "${dest}"; then
    say "${dest} is up to date"
  else
    local tmp="${bin_dir}/.helm-audit.$$.tmp"
    cp -- "${from}" "${tmp}"
    chmod 0755 -- "${tmp}"
    mv -f -- "${tmp}" "${dest}"
    say "installed ${dest}"
  fi
  local version
  if ! version="$("${dest}" version 2>&1)"; then
    die "${dest} does not run: ${version}"
  fi
  say "${version} is ready: try \`helm audit --help\`"
}

from_download() {
  local url="$1"
  make_work_dir
  local file="${work_dir}/download"
  say "downloading ${url} (HELM_AUDIT_DOWNLOAD_URL)"
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --proto '=https,http,file' --output "${file}" "${url}" ||
      die "download failed: ${url}"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --output-document="${file}" "${url}" || die "download failed: ${url}"
  else
    die "HELM_AUDIT_DOWNLOAD_URL is set but neither curl nor wget is installed"
  fi
  if [[ -n "${HELM_AUDIT_SHA256:-}" ]]; then
    local want got
    want="$(printf '%s' "${HELM_AUDIT_SHA256}" | tr '[:upper:]' '[:lower:]')"
    got="$(sha256_of "${file}")" || die "HELM_AUDIT_SHA256 is set but neither sha256sum nor shasum is installed"
    [[ "${got}" == "${want}" ]] || die "sha256 mismatch for ${url}: expected ${want}, got ${got}"
    say "sha256 verified"
  else
    say "warning: HELM_AUDIT_SHA256 not set; the download is not verified"
  fi
  local binary="${file}"
  case "${url%%\?*}" in
    *.tar.gz | *.tgz)
      mkdir -p -- "${work_dir}/x"
      tar -xzf "${file}" -C "${work_dir}/x" || die "cannot extract ${url}"
      binary="$(find "${work_dir}/x" -type f -name "helm-audit${exe}" | head -n 1)"
      [[ -n "${binary}" ]] || die "no helm-audit${exe} inside ${url}"
      ;;
  esac
  install_binary "${binary}"
}

from_source() {
  [[ -f "${source_dir}/Cargo.toml" ]] || die "no Cargo.toml in ${source_dir}: not a helm-audit source tree"
  local target="${CARGO_TARGET_DIR:-target}"
  case "${target}" in
    /* | [A-Za-z]:[\\/]*) ;;
    *) target="${source_dir}/${target}" ;;
  esac
  # The dist profile is release with whole-program LTO (see Cargo.toml).
  say "building from source: cargo build --profile dist --locked (in ${source_dir}; a few minutes)"
  (cd "${source_dir}" && cargo build --profile dist --locked --bin helm-audit) ||
    die "cargo build failed (see above)"
  install_binary "${target}/dist/helm-audit${exe}"
}

explain() {
  cat >&2 <<EOF
helm-audit install: no way to get the helm-audit binary on this machine.

helm-audit is written in Rust and this plugin builds it from source. Pick one:
  * install a Rust toolchain (https://rustup.rs), then run
      helm plugin update audit          (or: ${script_dir}/install.sh)
  * build it elsewhere and point the installer at it:
      HELM_AUDIT_BINARY=/path/to/helm-audit ${script_dir}/install.sh
  * download a release binary you trust:
      HELM_AUDIT_DOWNLOAD_URL=<url> HELM_AUDIT_SHA256=<sha256> ${script_dir}/install.sh

The plugin expects the binary at ${dest}.
EOF
}

main() {
  if [[ -n "${HELM_AUDIT_BINARY:-}" ]]; then
    say "using HELM_AUDIT_BINARY=${HELM_AUDIT_BINARY}"
    install_binary "${HELM_AUDIT_BINARY}"
  elif [[ -n "${HELM_AUDIT_DOWNLOAD_URL:-}" ]]; then
    from_download "${HELM_AUDIT_DOWNLOAD_URL}"
  elif command -v cargo >/dev/null 2>&1; then
    from_source
  elif [[ -x "${dest}" ]]; then
    say "cargo not found; keeping the installed ${dest}"
    install_binary "${dest}"
  else
    explain
    exit 1
  fi
}

main "$@"
