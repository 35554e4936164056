#!/bin/bash
# The workers' fast path (lib/fwd) logs nothing: no function of its archive
# calls rte_log, stdio output, syslog or write(2). It counts instead.
# (__rte_panic, from DPDK's inline consistency checks, ends the process and
# is not a log.)
set -euo pipefail
lib=$1
[ -f "$lib" ] || { echo "FAIL: no $lib"; exit 1; }
calls=$(nm -u "$lib" | awk 'NF == 2 && $1 == "U" { print $2 }' | sort -u)
[ -n "$calls" ] || { echo "FAIL: nm listed no calls in $lib"; exit 1; }
bad=$(grep -E '^(rte_v?log|rte_log_.*|dpb_logtype_.*|(__)?v?[fd]?printf(_chk)?|puts|fputs|fputc|putc|putchar|fwrite|perror|v?syslog|write|writev)$' <<<"$calls" || true)
if [ -n "$bad" ]; then
	echo "FAIL: lib/fwd calls what logs or writes:"
	echo "$bad"
	exit 1
fi
echo "ok - lib/fwd's $(wc -l <<<"$calls") external calls include no logging"
