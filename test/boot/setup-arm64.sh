#!/usr/bin/env bash
# Prepare arm64 boots for `npm run test:boot` (BOOT_ARCH=arm64): Debian's arm64 cloud kernel,
# an initramfs with arm64 busybox and the oracle harness's guest/init, and UEFI firmware new enough
# for NUMA (edk2 2022.11 from bookworm lists flash bank 1 at 0x04000000 as memory no SRAT covers, so
# Linux 6.1 drops NUMA even on QEMU's own -numa; trixie's 2025.02 does not). Packages are fetched with
# a private apt state (the host's apt sources are untouched) and extracted, never installed.
# Needs on the host: qemu-system-arm (apt-get install qemu-system-arm), cpio, gzip.
# Environment: ORACLE_ARM64_WORK (default /tmp/oracle-arm64), ORACLE_HARNESS (default ../shared/oracle-harness).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
W="${ORACLE_ARM64_WORK:-/tmp/oracle-arm64}"
HARNESS="${ORACLE_HARNESS:-$HERE/../../../shared/oracle-harness}"
[ -f "$HARNESS/guest/init" ] || { echo "setup-arm64: no oracle harness at $HARNESS" >&2; exit 1; }
mkdir -p "$W"
apt_private() { # $1 dir, $2 suites, $3 arch; then apt args
    local A="$1" suites="$2" arch="$3"; shift 3
    mkdir -p "$A"/lists/partial "$A"/cache/archives/partial "$A"/etc/sources.list.d "$A"/etc/preferences.d "$A"/status
    touch "$A/status/status"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nArchitectures: %s\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$suites" "$arch" > "$A/etc/sources.list.d/deb.sources"
    apt-get -o "APT::Architecture=$arch" -o "APT::Architectures=$arch" -o Dir::Etc::sourcelist=/dev/null \
        -o "Dir::Etc::sourceparts=$A/etc/sources.list.d" -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache" \
        -o "Dir::Etc::preferencesparts=$A/etc/preferences.d" -o "Dir::State::status=$A/status/status" "$@"
}
A="$W/apt-arm64"; D="$A/dl"; rm -rf "$D"; mkdir -p "$D"
if [ ! -s "$W/vmlinuz" ] || [ ! -s "$W/busybox" ]; then
    apt_private "$A" bookworm arm64 update -q >/dev/null
    img=$(apt-cache -o APT::Architecture=arm64 -o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$A/etc/sources.list.d" -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache" -o "Dir::State::status=$A/status/status" depends linux-image-cloud-arm64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    [ -n "$img" ] || { echo "setup-arm64: cannot resolve linux-image-cloud-arm64" >&2; exit 1; }
    ( cd "$D" && apt_private "$A" bookworm arm64 download "$img" busybox-static >/dev/null 2>&1 )
    mkdir -p "$D/k" "$D/b"
    dpkg-deb --fsys-tarfile "$D"/linux-image-*.deb | tar -x -C "$D/k" ./boot
    dpkg-deb -x "$D"/busybox-static_*.deb "$D/b"
    cp -f "$D"/k/boot/vmlinuz-* "$W/vmlinuz"; cp -f "$D"/k/boot/config-* "$W/kernel.config"
    cp -f "$D/b/bin/busybox" "$W/busybox"
    echo "$img" > "$W/kernel.package"
    grep -q '^CONFIG_ACPI_TABLE_UPGRADE=y' "$W/kernel.config" || { echo "setup-arm64: kernel lacks CONFIG_ACPI_TABLE_UPGRADE" >&2; exit 1; }
fi
if [ ! -s "$W/QEMU_EFI.fd" ]; then
    B="$W/apt-all"
    apt_private "$B" trixie amd64 update -q >/dev/null
    ( cd "$D" && apt_private "$B" trixie amd64 download qemu-efi-aarch64/trixie >/dev/null 2>&1 )
    mkdir -p "$D/e"; dpkg-deb -x "$D"/qemu-efi-aarch64_*.deb "$D/e"
    cp -f "$D/e/usr/share/qemu-efi-aarch64/QEMU_EFI.fd" "$W/QEMU_EFI.fd"
    basename "$D"/qemu-efi-aarch64_*.deb .deb > "$W/firmware.package"
fi
root="$W/initramfs.root"; rm -rf "$root"; mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,etc}
cp "$W/busybox" "$root/bin/busybox"; cp "$HARNESS/guest/init" "$root/init"; chmod 755 "$root/init" "$root/bin/busybox"
( cd "$root" && find . -print0 | cpio --null -o -H newc --owner=0:0 --quiet ) | gzip -9 > "$W/initramfs.gz"
rm -rf "$root" "$D"
echo "setup-arm64: ok: $(cat "$W/kernel.package"), firmware $(cat "$W/firmware.package"), $W/initramfs.gz"
