#!/bin/sh
# The quick form of what a booted image does, without vinit or the launcher: the root made by
# `images/mkimage.sh --dir` runs its own /etc/rc in fresh pid, uts, net and mount namespaces
# (chroot), gets its hostname and eth0 address, serves its page with the httpd service, and
# /etc/rc.shutdown stops the server. Everything dies with the namespaces.
. "$(dirname "$0")/lib.sh"
VINIT=${VINIT:-$B/vinit}
if [ ! -x "$VINIT" ]; then
	printf '#!/bin/sh\n' >"$T/vinit" && chmod 755 "$T/vinit"
	VINIT=$T/vinit
fi
export VINIT
R=$T/root
VINIT=$VINIT sh "$TOP/images/mkimage.sh" --dir --hostname web1 --net eth0:10.98.0.2/24 "$R" \
	>"$T/mk.log" 2>&1 || { fail images_serve_root_built "$(cat "$T/mk.log")"; finish; }

# fetch FILE: wget the page into FILE. httpd binds its port some time after rc returns and
# there is no event to wait for from sh, so try for at most 5 s, 10 ms apart. (busybox
# 1.35's wget -T crashes, hence timeout.)
R=$R unshare --pid --uts --net --mount --fork sh -c '
fetch() {
	i=0
	until chroot "$R" timeout 2 wget -q -O - http://10.98.0.2/ >"$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 500 ] || return 1; busybox usleep 10000
	done
}
# listening: whether anything in this namespace listens on TCP port 80 (0050, state 0A).
listening() {
	awk "\$2 ~ /:0050\$/ && \$4 == \"0A\" { f = 1 } END { exit !f }" /proc/net/tcp /proc/net/tcp6
}
ip link add eth0 type veth peer name eth0p || exit 1
chroot "$R" /bin/sh /etc/rc >"$R/rc.out" 2>&1; echo $? >"$R/rc.status"
chroot "$R" hostname >"$R/hostname.out"
fetch "$R/page.out"; echo $? >"$R/fetch.status"
listening; echo $? >"$R/listening.before"
chroot "$R" /bin/sh /etc/rc.shutdown >"$R/shut.out" 2>&1; echo $? >"$R/shut.status"
i=0
while listening; do i=$((i + 1)); [ $i -lt 500 ] || break; busybox usleep 10000; done
listening; echo $? >"$R/listening.status"
' || fail images_serve_namespace "could not set up the namespaces"

check images_serve_rc_exits_0 [ "$(cat "$R/rc.status")" = 0 ]
[ "$(cat "$R/rc.status")" = 0 ] || sed 's/^/    /' "$R/rc.out"
check images_serve_hostname_is_the_images [ "$(cat "$R/hostname.out")" = web1 ]
check images_serve_httpd_serves_the_page [ "$(cat "$R/fetch.status")" = 0 ]
check images_serve_page_names_the_host grep -q '<h1>web1</h1>' "$R/page.out"
check images_serve_rc_shutdown_exits_0 [ "$(cat "$R/shut.status")" = 0 ]
check images_serve_httpd_listens_on_port_80 [ "$(cat "$R/listening.before")" = 0 ]
check images_serve_rc_shutdown_stops_httpd [ "$(cat "$R/listening.status")" = 1 ]
finish
