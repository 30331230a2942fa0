#!/usr/bin/env bash
# A local three-node MariaDB Galera cluster behind HAProxy, for the cluster tests and for trying the setup.
#
#   scripts/galera-cluster.sh start          bootstrap node 1, join nodes 2 and 3 (rsync SST), start HAProxy
#   scripts/galera-cluster.sh stop           stop what `start` started (by its pid files), keep the data
#   scripts/galera-cluster.sh status         each node's Galera state and what HAProxy routes to
#   scripts/galera-cluster.sh urls           the connection URLs, as shell exports
#   scripts/galera-cluster.sh kill-node N    kill -9 node N (a crash, for failover trials)
#   scripts/galera-cluster.sh start-node N   (re)start node N; it rejoins the running cluster
#   scripts/galera-cluster.sh destroy        stop, then remove GALERA_DIR
#
# Root has an empty password on every node: a test cluster on 127.0.0.1, never a production setup.
# Settings (environment): GALERA_DIR (data, sockets, logs; default /tmp/dealer-gateway-galera),
# GALERA_PORT (HAProxy's client port, default 3310; node N listens on GALERA_PORT+N),
# GALERA_GROUP_PORT (node N's group port is GALERA_GROUP_PORT+N, its IST port +10, its SST port +20;
# default 4570), GALERA_WAIT_SECONDS (bound on each wait, default 90).
set -euo pipefail

DIR="${GALERA_DIR:-/tmp/dealer-gateway-galera}"
PORT="${GALERA_PORT:-3310}"
GROUP_PORT="${GALERA_GROUP_PORT:-4570}"
WAIT_SECONDS="${GALERA_WAIT_SECONDS:-90}"
NODES=(1 2 3)
PROVIDER=/usr/lib/galera/libgalera_smm.so
RUN_AS=$([[ $EUID -eq 0 ]] && echo mysql || id -un)

fail() { echo "galera-cluster: $*" >&2; exit 1; }
say() { echo "galera-cluster: $*" >&2; }

node_port() { echo $((PORT + $1)); }
node_dir() { echo "$DIR/node$1"; }
pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

sql() { # sql NODE STATEMENT: one statement on one node, tab-separated, no column names
  mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$(node_port "$1")" -uroot --connect-timeout=2 -N -B -e "$2"
}

wsrep_state() { # "Synced ON", "Joining OFF", ... or nothing when the node does not answer
  sql "$1" "SELECT GROUP_CONCAT(VARIABLE_VALUE ORDER BY VARIABLE_NAME SEPARATOR ' ') FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('wsrep_local_state_comment', 'wsrep_ready')" 2>/dev/null || true
}

write_node_config() {
  local n=$1 dir members=""
  dir=$(node_dir "$n")
  for m in "${NODES[@]}"; do members+="${members:+,}127.0.0.1:$((GROUP_PORT + m))"; done
  mkdir -p "$dir/data"
  # As root, the nodes run as mysql: the joiner's rsync daemon, started by the node, would otherwise
  # write the transferred files as nobody.
  [[ $EUID -eq 0 ]] && chown -R "$RUN_AS:" "$dir"
  cat >"$dir/my.cnf" <<EOF
[mariadbd]
user = $RUN_AS
datadir = $dir/data
socket = $dir/mariadbd.sock
pid-file = $dir/mariadbd.pid
log-error = $dir/error.log
bind-address = 127.0.0.1
port = $(node_port "$n")
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
skip-name-resolve
performance_schema = OFF
innodb_buffer_pool_size = 64M
innodb_log_file_size = 48M
max_connections = 300
# Galera
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2
wsrep_on = ON
wsrep_provider = $PROVIDER
wsrep_cluster_name = dealer_gateway_test
wsrep_cluster_address = gcomm://$members
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1:$((GROUP_PORT + n))
wsrep_node_incoming_address = 127.0.0.1:$(node_port "$n")
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$((GROUP_PORT + n));ist.recv_addr=127.0.0.1:$((GROUP_PORT + 10 + n));gcache.size=32M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.inactive_check_period=PT0.5S;evs.keepalive_period=PT0.5S"
wsrep_sst_method = rsync
wsrep_sst_receive_address = 127.0.0.1:$((GROUP_PORT + 20 + n))
EOF
}

# Waits until node N reports Synced and ready; a node whose process ended is reported at once.
wait_synced() {
  local n=$1 deadline=$((SECONDS + WAIT_SECONDS)) state=""
  while ((SECONDS < deadline)); do
    state=$(wsrep_state "$n")
    [[ "$state" == "Synced ON" ]] && return 0
    pid_alive "$(node_dir "$n")/node.pid" || fail "node $n stopped while starting; the end of $(node_dir "$n")/error.log:
$(tail -n 15 "$(node_dir "$n")/error.log" 2>/dev/null)"
    sleep 0.5
  done
  fail "node $n is not Synced after ${WAIT_SECONDS}s (state: ${state:-no answer}); see $(node_dir "$n")/error.log"
}

# After a crash (kill -9) the saved state has no position, and a node rejoining without one needs a full
# SST; recovering the position from InnoDB first lets it catch up by IST from a donor's gcache.
recovered_position() {
  local dir
  dir=$(node_dir "$1")
  grep -q '^seqno: *-1' "$dir/data/grastate.dat" 2>/dev/null || return 0
  timeout "$WAIT_SECONDS" /usr/sbin/mariadbd --defaults-file="$dir/my.cnf" --wsrep-recover --log-error="$dir/recover.log" >/dev/null 2>&1 || true
  sed -n 's/.*WSREP: Recovered position: *//p' "$dir/recover.log" 2>/dev/null | tail -n 1
  rm -f "$dir/recover.log"
}

start_node() { # start_node N [--wsrep-new-cluster]
  local n=$1 dir
  dir=$(node_dir "$n")
  if pid_alive "$dir/node.pid"; then say "node $n already runs (pid $(cat "$dir/node.pid"))"; return 0; fi
  port_busy "$(node_port "$n")" && fail "port $(node_port "$n") is taken by a process this script did not start"
  [[ -f "$dir/my.cnf" ]] || write_node_config "$n"
  local position
  position=$(recovered_position "$n")
  # setsid: the node outlives the shell that started it, and a signal to that shell's group does not reach it.
  setsid /usr/sbin/mariadbd --defaults-file="$dir/my.cnf" ${position:+"--wsrep_start_position=$position"} "${@:2}" </dev/null >>"$dir/error.log" 2>&1 &
  echo $! >"$dir/node.pid"
  [[ "${WAIT:-1}" == 1 ]] || return 0
  wait_synced "$n"
  say "node $n Synced on port $(node_port "$n")"
}

write_haproxy_config() {
  cat >"$DIR/galera-check" <<EOF
#!/bin/sh
# HAProxy external check, as clustercheck does: only a node that is Synced and ready gets traffic.
# HAProxy passes: <proxy address> <proxy port> <server address> <server port>.
state=\$(mariadb --no-defaults --protocol=tcp -h "\$3" -P "\$4" -uroot --connect-timeout=3 -N -B -e "SELECT GROUP_CONCAT(VARIABLE_VALUE ORDER BY VARIABLE_NAME SEPARATOR ' ') FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('wsrep_local_state_comment', 'wsrep_ready')" 2>/dev/null)
[ "\$state" = "Synced ON" ]
EOF
  chmod +x "$DIR/galera-check"
  {
    cat <<EOF
global
  external-check
  insecure-fork-wanted
  stats socket $DIR/haproxy.sock mode 600 level admin
  maxconn 2000

defaults
  mode tcp
  timeout connect 2s
  # Pooled connections sit idle between requests: as long as the server's own wait_timeout.
  timeout client 8h
  timeout server 8h
  # A starved machine answers slowly: a slow check must not take every node out. A dead node is
  # found at once anyway (connection refused), and its clients are redispatched meanwhile.
  timeout check 5s
  retries 2
  option redispatch

# One node takes all traffic, the others are standbys: writes through one node never conflict at
# certification, and a node leaving the Synced state is out within about two seconds.
listen galera
  bind 127.0.0.1:$PORT
  option external-check
  external-check path "/usr/bin:/bin"
  external-check command $DIR/galera-check
  default-server inter 1s fall 2 rise 2 on-marked-down shutdown-sessions
EOF
    for n in "${NODES[@]}"; do
      echo "  server node$n 127.0.0.1:$(node_port "$n") check$([[ $n == 1 ]] || echo " backup")"
    done
  } >"$DIR/haproxy.cfg"
}

ensure_haproxy() {
  command -v haproxy >/dev/null && return 0
  say "installing HAProxy (Debian package haproxy)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q haproxy >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q haproxy >/dev/null; } \
    || fail "could not install haproxy"
  command -v haproxy >/dev/null || fail "haproxy is not on PATH after installing it"
}

start_haproxy() {
  if pid_alive "$DIR/haproxy.pid"; then say "HAProxy already runs (pid $(cat "$DIR/haproxy.pid"))"; return 0; fi
  port_busy "$PORT" && fail "port $PORT is taken by a process this script did not start"
  write_haproxy_config
  haproxy -c -q -f "$DIR/haproxy.cfg" || fail "HAProxy rejects $DIR/haproxy.cfg"
  haproxy -D -f "$DIR/haproxy.cfg" -p "$DIR/haproxy.pid"
  local deadline=$((SECONDS + WAIT_SECONDS))
  until mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$PORT" -uroot --connect-timeout=2 -N -B -e "SELECT 1" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "HAProxy on port $PORT does not reach a node after ${WAIT_SECONDS}s"
    sleep 0.2
  done
  say "HAProxy on port $PORT"
}

cmd_start() {
  local started=$SECONDS
  [[ -f $PROVIDER ]] || fail "the Galera provider $PROVIDER is missing (Debian package galera-4)"
  command -v rsync >/dev/null || fail "rsync is missing (rsync SST needs it)"
  ensure_haproxy
  mkdir -p "$DIR"
  # The nodes run as $RUN_AS, which must reach their folders inside $DIR (mktemp -d makes it 0700).
  chmod a+rx "$DIR"
  if [[ ! -d "$(node_dir 1)/data/mysql" ]]; then
    write_node_config 1
    mariadb-install-db --defaults-file="$(node_dir 1)/my.cnf" --auth-root-authentication-method=normal \
      --skip-test-db >"$(node_dir 1)/install.log" 2>&1 || fail "mariadb-install-db failed; see $(node_dir 1)/install.log"
  fi
  # Nodes 2 and 3 start empty and receive node 1's data by rsync SST. A cluster that was stopped as a
  # whole is bootstrapped again from node 1 (stopped last, so it holds every commit).
  if ! pid_alive "$(node_dir 1)/node.pid" && ! pid_alive "$(node_dir 2)/node.pid" && ! pid_alive "$(node_dir 3)/node.pid"; then
    sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$(node_dir 1)/data/grastate.dat" 2>/dev/null || true
    start_node 1 --wsrep-new-cluster
    sql 1 "CREATE DATABASE IF NOT EXISTS test" || fail "could not create the database test on node 1"
  else
    start_node 1
  fi
  # The joiners start together: the second one waits for a free donor, still sooner than one after the other.
  WAIT=0 start_node 2
  WAIT=0 start_node 3
  wait_synced 2 && say "node 2 Synced on port $(node_port 2)"
  wait_synced 3 && say "node 3 Synced on port $(node_port 3)"
  start_haproxy
  say "cluster up in $((SECONDS - started))s"
  cmd_urls
}

stop_pid() { # stop_pid NAME PIDFILE: TERM, a bounded wait, then KILL
  local name=$1 file=$2 pid deadline
  pid_alive "$file" || { rm -f "$file"; return 0; }
  pid=$(cat "$file")
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + WAIT_SECONDS))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then say "$name (pid $pid) ignored TERM for ${WAIT_SECONDS}s; killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
  rm -f "$file"
  say "$name stopped"
}

cmd_stop() {
  stop_pid HAProxy "$DIR/haproxy.pid"
  # Node 1 last: it then holds every commit and is the one to bootstrap from on the next start.
  stop_pid "node 3" "$(node_dir 3)/node.pid"
  stop_pid "node 2" "$(node_dir 2)/node.pid"
  stop_pid "node 1" "$(node_dir 1)/node.pid"
}

cmd_status() {
  local n routed="" any=1
  for n in "${NODES[@]}"; do
    if pid_alive "$(node_dir "$n")/node.pid"; then
      any=0
      echo "node$n port $(node_port "$n") pid $(cat "$(node_dir "$n")/node.pid") $(wsrep_state "$n" | sed 's/ /, ready /;s/^$/not answering/') cluster size $(sql "$n" "SHOW STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null | cut -f2)"
    else
      echo "node$n port $(node_port "$n") not running"
    fi
  done
  if pid_alive "$DIR/haproxy.pid"; then
    routed=$(mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$PORT" -uroot --connect-timeout=2 -N -B -e "SELECT @@wsrep_node_name" 2>/dev/null || echo "no node")
    echo "haproxy port $PORT pid $(cat "$DIR/haproxy.pid") routes to $routed"
  else
    echo "haproxy port $PORT not running"
  fi
  return $any
}

cmd_urls() {
  echo "export TEST_GALERA_URL=mysql://root@127.0.0.1:$PORT/test"
  echo "export TEST_GALERA_NODE_URLS=$(for n in "${NODES[@]}"; do printf '%s' "mysql://root@127.0.0.1:$(node_port "$n")/test "; done | sed 's/ $//;s/ /,/g')"
  echo "export GALERA_DIR=$DIR"
}

node_arg() { [[ "${1:-}" =~ ^[123]$ ]] || fail "name a node: 1, 2 or 3"; }

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  urls) cmd_urls ;;
  kill-node) node_arg "${2:-}"; pid_alive "$(node_dir "$2")/node.pid" && kill -KILL "$(cat "$(node_dir "$2")/node.pid")"; say "node $2 killed" ;;
  start-node) node_arg "${2:-}"; start_node "$2" ;;
  destroy) cmd_stop; rm -rf "$DIR"; say "removed $DIR" ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
