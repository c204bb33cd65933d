#!/usr/bin/env bash
# Prepares the real-kernel lane in the cache (outside the repo): a Debian trixie-backports kernel
# (>= 6.15, the first with fwctl; Debian builds it with CONFIG_FWCTL unset), the fwctl core, netdevsim
# and the project's test driver built out of tree against that kernel's headers, and a busybox
# initramfs. Everything comes from Debian's packages through this machine's own apt mirror.
# Cached: returns at once. Exit 3 (and why) when this machine cannot do it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || lane_unavailable "needs root (chroot, mount namespaces)"
if lane_prepared; then
  lane_log "prepared: kernel $(lane_kver) (cache $LANE_CACHE)"
  exit 0
fi
for tool in apt-get dpkg-deb chroot unshare cpio gzip xz sha256sum; do
  command -v "$tool" >/dev/null || lane_unavailable "no $tool"
done
BOOTSTRAP="$(command -v mmdebstrap || command -v debootstrap || true)"
[ -n "$BOOTSTRAP" ] || lane_unavailable "neither mmdebstrap nor debootstrap is installed"
BUSYBOX="$(command -v busybox || true)"
if [ -z "$BUSYBOX" ] || [[ "$(ldd "$BUSYBOX" 2>&1 || true)" != *"not a dynamic executable"* ]]; then
  lane_unavailable "no static busybox (busybox-static)"
fi
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$KEYRING" ] || lane_unavailable "no $KEYRING"

# The mirror this machine's apt already uses (deb822 or one-line sources); never written to the repo.
mirror_uri() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    uri="$(awk 'BEGIN{RS=""} /Types:[^\n]*deb/ && !/Suites:[^\n]*-security/ { if (match($0, /URIs:[ \t]*[^ \t\n]+/)) { s=substr($0, RSTART, RLENGTH); sub(/URIs:[ \t]*/, "", s); print s; exit } }' "$f")"
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    uri="$(awk '$1=="deb" && $0 !~ /-security/ { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' "$f")"
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
}
MIRROR="$(mirror_uri)"
[ -n "$MIRROR" ] || lane_unavailable "no Debian mirror in /etc/apt sources"

mkdir -p "$LANE_CACHE"
START=$SECONDS
step() { lane_log "$(printf '%4ss' $((SECONDS - START))) $*"; }

KVER="$(lane_kver)"
# The kernel, its sources and the chroot are reused until LANE_REFRESH=1 asks for the current
# backports kernel; a change to the test driver or the guest scripts only rebuilds what follows.
if [ -n "$KVER" ] && [ -z "${LANE_REFRESH:-}" ] && [ -e "$LANE_CACHE/kernel/$KVER/.done" ] && [ -e "$LANE_CACHE/chroot-$KVER/.done" ]; then
  KTREE="$LANE_CACHE/kernel/$KVER"
  MODROOT="$KTREE/usr/lib/modules/$KVER"
  step "reusing kernel $KVER"
else
# A private apt for trixie(-backports): own sources, lists, cache and status; /etc/apt untouched.
APTDIR="$LANE_CACHE/apt"
mkdir -p "$APTDIR/lists/partial" "$APTDIR/archives/partial" "$APTDIR/parts" "$APTDIR/prefs"
: > "$APTDIR/status"
cat > "$APTDIR/sources.list" <<SOURCES
deb [signed-by=$KEYRING] $MIRROR $LANE_BASE_SUITE main
deb [signed-by=$KEYRING] $MIRROR $LANE_SUITE main
SOURCES
cat > "$APTDIR/apt.conf" <<CONF
APT::Architecture "amd64";
APT::Sandbox::User "root";
APT::Get::Download-Only "true";
Dir::Etc::SourceList "$APTDIR/sources.list";
Dir::Etc::SourceParts "$APTDIR/parts";
Dir::Etc::Preferences "$APTDIR/prefs/none";
Dir::Etc::PreferencesParts "$APTDIR/prefs";
Dir::State "$APTDIR";
Dir::State::Lists "$APTDIR/lists";
Dir::State::status "$APTDIR/status";
Dir::Cache "$APTDIR";
Dir::Cache::archives "$APTDIR/archives";
CONF
export APT_CONFIG="$APTDIR/apt.conf"
step "apt update ($LANE_BASE_SUITE, $LANE_SUITE)"
apt-get update -qq >/dev/null || lane_unavailable "apt-get update of $LANE_SUITE failed"

# Backports keeps only the current kernel: take it from the meta package's Depends.
KVER="$(apt-cache show "linux-headers-amd64/$LANE_SUITE" 2>/dev/null | awk '/^Depends:/ { if (match($0, /linux-headers-[0-9][^ ,]*-amd64/)) print substr($0, RSTART + 14, RLENGTH - 14) }' | sort -V | tail -1)"
[ -n "$KVER" ] || lane_unavailable "no linux-headers-amd64 in $LANE_SUITE"
PKGVER="$(apt-cache show "linux-headers-$KVER" | awk '/^Version:/ { print $2; exit }')"
SRCPKG="linux-source-$(echo "$KVER" | cut -d. -f1,2)"
step "kernel $KVER ($PKGVER)"

DEBS="$LANE_CACHE/debs/$KVER"
mkdir -p "$DEBS"
[ -e "$LANE_CACHE/kernel/$KVER/.done" ] || ( cd "$DEBS" && apt-get download -qq "linux-binary-$KVER" "linux-modules-$KVER" "$SRCPKG=$PKGVER" ) \
  || lane_unavailable "apt-get download of the $KVER packages failed"
step "downloaded $(du -sh "$DEBS" | cut -f1) of packages"

KTREE="$LANE_CACHE/kernel/$KVER"
if [ ! -e "$KTREE/.done" ]; then
  rm -rf "$KTREE" && mkdir -p "$KTREE"
  dpkg-deb -x "$DEBS"/linux-binary-"$KVER"_*.deb "$KTREE"
  dpkg-deb -x "$DEBS"/linux-modules-"$KVER"_*.deb "$KTREE"
  # Only the parts built out of tree: the fwctl core and netdevsim.
  SRCDIR="$KTREE/src" && mkdir -p "$SRCDIR"
  dpkg-deb --fsys-tarfile "$DEBS/${SRCPKG}_"*.deb | tar -x -O --wildcards '*.tar.xz' \
    | tar -xJ -C "$SRCDIR" --strip-components=1 --wildcards '*/drivers/fwctl/main.c' '*/drivers/net/netdevsim/*'
  touch "$KTREE/.done"
fi
MODROOT="$KTREE/usr/lib/modules/$KVER"
[ -e "$MODROOT/vmlinuz" ] || lane_die "no vmlinuz in linux-binary-$KVER"
step "unpacked the kernel, its modules and the fwctl/netdevsim sources"
fi

# The 7.x kbuild tools need glibc >= 2.38 and gcc-14: build in a trixie chroot.
CHROOT="$LANE_CACHE/chroot-$KVER"
if [ ! -e "$CHROOT/.done" ]; then
  rm -rf "$LANE_CACHE"/chroot-* && mkdir -p "$CHROOT"
  PKGS="gcc,make,libc6-dev,xz-utils,kmod,linux-headers-$KVER"
  if [ "$(basename "$BOOTSTRAP")" = mmdebstrap ]; then
    # apt inside mmdebstrap must not see the private download-only config.
    env -u APT_CONFIG mmdebstrap --quiet --variant=minbase --include="$PKGS" "$LANE_BASE_SUITE" "$CHROOT" \
      "deb [signed-by=$KEYRING] $MIRROR $LANE_BASE_SUITE main" "deb [signed-by=$KEYRING] $MIRROR $LANE_SUITE main" \
      || lane_unavailable "mmdebstrap of $LANE_BASE_SUITE failed"
  else
    env -u APT_CONFIG debootstrap --variant=minbase --keyring="$KEYRING" --include=gcc,make,libc6-dev,xz-utils,kmod \
      "$LANE_BASE_SUITE" "$CHROOT" "$MIRROR" >/dev/null || lane_unavailable "debootstrap of $LANE_BASE_SUITE failed"
    echo "deb [signed-by=$KEYRING] $MIRROR $LANE_SUITE main" > "$CHROOT/etc/apt/sources.list.d/backports.list"
    cp "$KEYRING" "$CHROOT$KEYRING"
    unshare --mount --propagation private bash -c "mount -t proc proc '$CHROOT/proc' && chroot '$CHROOT' sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-headers-$KVER'" >/dev/null
  fi
  rm -rf "$CHROOT"/var/cache/apt/archives/*.deb
  touch "$CHROOT/.done"
fi
step "build chroot ready"

# The real tools, unmodified, in a root of their own (never installed on the host): iproute2's
# devlink for the devlink comparison, mstflint's fwctl tools for the tools tests.
TOOLS_ROOT="$(lane_tools_root)"
TOOLS_PKGS="iproute2,mstflint"
if [ ! -e "$TOOLS_ROOT/.done-${TOOLS_PKGS//,/-}" ]; then
  rm -rf "$TOOLS_ROOT" && mkdir -p "$TOOLS_ROOT"
  if [ "$(basename "$BOOTSTRAP")" = mmdebstrap ]; then
    # Testing's Release files are valid for a week only, and a mirror may lag behind that: the
    # signatures are still checked, only the freshness is not.
    env -u APT_CONFIG mmdebstrap --quiet --variant=minbase --include="$TOOLS_PKGS" \
      --aptopt='Acquire::Check-Valid-Until "false"' "$LANE_TOOLS_SUITE" "$TOOLS_ROOT" \
      "deb [signed-by=$KEYRING] $MIRROR $LANE_TOOLS_SUITE main" \
      || lane_unavailable "mmdebstrap of $LANE_TOOLS_SUITE (the real tools) failed"
  else
    # (debootstrap does not check Valid-Until.)
    env -u APT_CONFIG debootstrap --variant=minbase --keyring="$KEYRING" --include="$TOOLS_PKGS" \
      "$LANE_TOOLS_SUITE" "$TOOLS_ROOT" "$MIRROR" >/dev/null || lane_unavailable "debootstrap of $LANE_TOOLS_SUITE failed"
  fi
  rm -rf "$TOOLS_ROOT"/var/cache/apt/archives/*.deb "$TOOLS_ROOT"/var/lib/apt/lists/*_Packages
  chroot "$TOOLS_ROOT" dpkg-query -W -f '${Package} ${Version}\n' iproute2 mstflint > "$TOOLS_ROOT/versions"
  touch "$TOOLS_ROOT/.done-${TOOLS_PKGS//,/-}"
fi
step "tools root ready: $(tr '\n' ' ' < "$TOOLS_ROOT/versions")"

# Builds the three module directories inside the chroot, with its own /proc (objtool needs it);
# again only when the test driver's sources change.
BUILD="$CHROOT/build"
DRIVER_HASH="$(cat "$REPO_ROOT"/test/kernel/fwctl_mlx5_sim/* | sha256sum | cut -c1-16)"
if [ ! -e "$BUILD/.built-$DRIVER_HASH" ]; then
rm -rf "$BUILD" && mkdir -p "$BUILD/fwctl" "$BUILD/netdevsim" "$BUILD/fwctl_mlx5_sim"
cp "$KTREE/src/drivers/fwctl/main.c" "$BUILD/fwctl/"
printf 'obj-m := fwctl.o\nfwctl-y := main.o\n' > "$BUILD/fwctl/Makefile"
cp -r "$KTREE/src/drivers/net/netdevsim/." "$BUILD/netdevsim/"
cp "$REPO_ROOT"/test/kernel/fwctl_mlx5_sim/* "$BUILD/fwctl_mlx5_sim/"
KDIR="/usr/src/linux-headers-$KVER"
unshare --mount --pid --fork --propagation private bash -c "
  set -e
  mount -t proc proc '$CHROOT/proc'
  chroot '$CHROOT' sh -ec '
    make -s -C $KDIR M=/build/fwctl modules
    make -s -C $KDIR M=/build/netdevsim CONFIG_NETDEVSIM=m modules
    make -s -C $KDIR M=/build/fwctl_mlx5_sim KBUILD_EXTRA_SYMBOLS=/build/fwctl/Module.symvers modules
  '
" >"$LANE_CACHE/build.log" 2>&1 || { cat "$LANE_CACHE/build.log" >&2; lane_die "module build failed"; }
touch "$BUILD/.built-$DRIVER_HASH"
fi
step "built fwctl.ko, netdevsim.ko and fwctl_mlx5_sim.ko"

BOOT="$LANE_CACHE/boot/$KVER"
rm -rf "$BOOT" && mkdir -p "$BOOT/modules"
cp "$MODROOT/vmlinuz" "$BOOT/vmlinuz"

# Modules go to the guest uncompressed (busybox insmod reads no .xz), with their dependencies
# (the .modinfo "depends=" string; no kmod needed on the host), listed first-to-load first.
declare -A SEEN=()
ORDER=()
find_module() {
  local built="$BUILD/$1/$1.ko"
  [ -e "$built" ] && { echo "$built"; return; }
  find "$MODROOT/kernel" -name "$(echo "$1" | sed 's/[-_]/[-_]/g').ko*" | head -1
}
add_with_deps() {
  local name="$1" file plain dep
  [ -n "${SEEN[$name]:-}" ] && return
  SEEN[$name]=1
  file="$(find_module "$name")"
  [ -n "$file" ] || lane_die "module $name not built and not in linux-modules-$KVER"
  plain="$BOOT/modules/$name.ko"
  case "$file" in *.xz) xz -dc "$file" > "$plain" ;; *) cp "$file" "$plain" ;; esac
  for dep in $(tr '\0' '\n' < "$plain" | sed -n 's/^depends=//p' | tr ',' ' '); do
    add_with_deps "$(echo "$dep" | tr - _)"
  done
  ORDER+=("$name")
}
# 9p first (the guest mounts the host's tree with it), then what guest-env.sh loads.
for m in 9pnet_virtio 9p; do add_with_deps "$m"; done
printf '%s\n' "${ORDER[@]}" > "$BOOT/modules/initramfs.order"
ORDER=()
for m in fwctl netdevsim fwctl_mlx5_sim; do add_with_deps "$m"; done
printf '%s\n' "${ORDER[@]}" > "$BOOT/modules/guest.order"
step "modules: $(tr '\n' ' ' < "$BOOT/modules/initramfs.order")| $(tr '\n' ' ' < "$BOOT/modules/guest.order")"

# The initramfs: static busybox, the 9p modules, and guest-init.sh as /init.
INITRD="$(mktemp -d)"
trap 'rm -rf "$INITRD"' EXIT
mkdir -p "$INITRD"/{bin,dev,proc,sys,mnt,modules}
cp "$BUSYBOX" "$INITRD/bin/busybox"
ln -s busybox "$INITRD/bin/sh"
while read -r m; do cp "$BOOT/modules/$m.ko" "$INITRD/modules/"; done < "$BOOT/modules/initramfs.order"
cp "$BOOT/modules/initramfs.order" "$INITRD/modules/order"
cp "$LANE_DIR/guest-init.sh" "$INITRD/init" && chmod 755 "$INITRD/init"
( cd "$INITRD" && find . | cpio -o -H newc --quiet | gzip -1 ) > "$BOOT/initramfs.gz"
echo "$KVER" > "$(lane_kver_file)"
touch "$BOOT/stamp-$(lane_inputs_hash)"
# The .debs are unpacked; keep only what a rebuild needs.
rm -f "$LANE_CACHE/debs/$KVER"/*.deb
step "prepared: kernel $KVER in $BOOT"
