# Sourced by scripts/demo.sh and scripts/test.sh (not a command): checks
# that a TCP port is free before anything is built or started, and names the
# process that holds it.

# port_holders PORT prints each process listening on TCP PORT, one a line:
# "python3 (pid 1234): python3 -m http.server 8080". It prints nothing when
# it cannot tell (another user's process, run without root).
port_holders() {
  local port=$1 hex inode fd pid seen=" "
  if [ -r /proc/net/tcp ]; then
    hex=$(printf '%04X' "$port")
    # The local address ends in :PORT (hex); state 0A is LISTEN; field 10
    # is the socket's inode, which /proc/PID/fd links name.
    for inode in $(awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $10 }' \
      /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
      for fd in $(find /proc/[0-9]*/fd -lname "socket:\[$inode\]" 2>/dev/null); do
        pid=${fd#/proc/}
        pid=${pid%%/*}
        [[ "$seen" == *" $pid "* ]] && continue
        seen+="$pid "
        printf '%s (pid %s): %s\n' "$(cat "/proc/$pid/comm" 2>/dev/null)" "$pid" \
          "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-160 | sed "s/ *$//")"
      done
    done
  elif command -v lsof >/dev/null; then # macOS
    lsof -nP -iTCP:"$port" -sTCP:LISTEN -Fpc 2>/dev/null |
      awk '/^p/ { pid = substr($0, 2) } /^c/ { print substr($0, 2) " (pid " pid ")" }' | sort -u
  fi
}

# port_in_use HOST PORT reports whether something accepts connections on
# HOST:PORT (a wildcard HOST is checked on 127.0.0.1).
port_in_use() {
  local host=$1 port=$2
  case "$host" in "" | 0.0.0.0 | "[::]" | "::") host=127.0.0.1 ;; esac
  host=${host#[}
  host=${host%]}
  if command -v timeout >/dev/null; then
    timeout 2 bash -c ": <>/dev/tcp/$host/$port" 2>/dev/null
  else
    (: <>"/dev/tcp/$host/$port") 2>/dev/null
  fi
}

# next_free_port PORT prints the first port after PORT that is free on
# 127.0.0.1 (for advice: "choose another port, such as ...").
next_free_port() {
  local p=$(($1 + 1))
  while [ "$p" -lt $(($1 + 50)) ] && port_in_use 127.0.0.1 "$p"; do p=$((p + 1)); done
  echo "$p"
}

# require_free_port PROG HOST PORT WHAT ADVICE returns 1, with a message
# naming the port, what it is for, who holds it and what to do, when
# HOST:PORT is in use.
require_free_port() {
  local prog=$1 host=$2 port=$3 what=$4 advice=$5 holders
  port_in_use "$host" "$port" || return 0
  holders=$(port_holders "$port")
  {
    if [ -n "$holders" ]; then
      echo "$prog: port $port ($what) is in use by:"
      sed 's/^/    /' <<<"$holders"
    else
      echo "$prog: port $port ($what) is in use, by a process this user cannot see (as root: ss -ltnp 'sport = :$port')"
    fi
    echo "$prog: $advice"
  } >&2
  return 1
}
