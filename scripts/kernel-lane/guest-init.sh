#!/bin/sh
# /init of the lane's initramfs (busybox): mounts the host's tree (virtio-9p, read-only) with
# tmpfs over /tmp and /run, chroots into it and runs the job run-in-vm.sh left in the run
# directory (the second, writable share), then writes the job's exit code there and powers off.
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() {
  echo "lane guest: $*" >&2
  poweroff -f
}

for m in $(cat /modules/order); do insmod "/modules/$m.ko" || fail "insmod $m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro host /mnt || fail "9p mount of the host failed"
for d in tmp run; do mount -t tmpfs -o mode=1777 tmpfs "/mnt/$d" || fail "tmpfs on /$d failed"; done
mount -t proc proc /mnt/proc
mount -t sysfs sysfs /mnt/sys
mount -t debugfs debugfs /mnt/sys/kernel/debug
mount -t devtmpfs devtmpfs /mnt/dev
mkdir -p /mnt/dev/pts /mnt/dev/shm
mount -t devpts devpts /mnt/dev/pts
mount -t tmpfs tmpfs /mnt/dev/shm
mkdir -p /mnt/run/mlx5ctl-lane
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 lane /mnt/run/mlx5ctl-lane || fail "9p mount of the run directory failed"
# The checkout and the lane cache at their own paths, in case /tmp or /run hid them.
while read -r tag path; do
  mkdir -p "/mnt$path" && mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro "$tag" "/mnt$path" \
    || fail "9p mount of $path failed"
done < /mnt/run/mlx5ctl-lane/mounts
ip link set lo up
# Tests check this to know they are in the lane's guest.
echo "$(uname -r)" > /mnt/run/mlx5ctl-lane/marker

chroot /mnt /bin/sh /run/mlx5ctl-lane/job.sh
echo $? > /mnt/run/mlx5ctl-lane/exit
sync
umount /mnt/run/mlx5ctl-lane
poweroff -f
