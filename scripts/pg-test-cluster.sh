#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests, listening on 127.0.0.1 only.
#
#   scripts/pg-test-cluster.sh start DIR       creates the cluster in DIR (new or empty),
#                                              starts it on a free port, prints its URL
#   scripts/pg-test-cluster.sh stop DIR        stops it and removes DIR
#   scripts/pg-test-cluster.sh run COMMAND...  runs COMMAND with TEST_DATABASE_URL set to
#                                              a new cluster, which is stopped and removed
#                                              however COMMAND ends; exits with its status
#   scripts/pg-test-cluster.sh watch PID DIR   waits for process PID to end, then stops
#                                              the cluster in DIR (for a test session that
#                                              may be killed before it stops its cluster)
#
# Needs PostgreSQL's server programs (Debian: `apt-get install postgresql`); PG_BINDIR
# overrides where they are looked for. PostgreSQL refuses to run as root, so as root the
# cluster belongs to the `postgres` user the Debian package creates. Durability is off
# (fsync, synchronous_commit): the data is thrown away at the end anyway.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR | stop DIR | run COMMAND..." >&2
    exit 2
}

[[ $# -ge 2 ]] || usage
action=$1
shift
if [[ $action == run ]]; then
    dir=$(mktemp -d)
elif [[ $action == watch ]]; then
    [[ $# -eq 2 ]] || usage
    owner=$1
    dir=$2
else
    [[ $# -eq 1 ]] || usage
    dir=$1
fi

pg_bindir() {
    if [[ -n ${PG_BINDIR:-} ]]; then
        echo "$PG_BINDIR"
        return
    fi
    local newest
    newest=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
    if [[ -n $newest ]]; then
        echo "$newest"
    elif command -v initdb >/dev/null; then
        dirname "$(command -v initdb)"
    else
        echo "pg-test-cluster: PostgreSQL's server programs were not found;" \
            "install them (Debian: apt-get install postgresql) or set PG_BINDIR" >&2
        exit 1
    fi
}

# Runs a PostgreSQL program as the cluster's owner.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local bin port
    bin=$(pg_bindir)
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || {
            echo "pg-test-cluster: running as root needs the 'postgres' user" >&2
            exit 1
        }
        chown postgres: "$dir"
    fi
    as_owner "$bin/initdb" --pgdata="$dir/data" --username=creditbot --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    port=$(free_port)
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --silent \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir'" \
        -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        -o "-c max_connections=300 -c shared_buffers=64MB" \
        start || {
        cat "$dir/server.log" >&2
        exit 1
    }
    echo "$port" >"$dir/port"
    as_owner "$bin/psql" --quiet --no-psqlrc --host=127.0.0.1 --port="$port" \
        --username=creditbot --dbname=postgres --command="CREATE DATABASE creditbot_test" >&2
    echo "postgresql+psycopg://creditbot@127.0.0.1:$port/creditbot_test"
}

stop() {
    if [[ -f $dir/data/postmaster.pid ]]; then
        as_owner "$(pg_bindir)/pg_ctl" --pgdata="$dir/data" --mode=fast --wait --silent stop
    fi
    rm -rf "$dir"
}

run() {
    trap stop EXIT
    TEST_DATABASE_URL=$(start)
    export TEST_DATABASE_URL
    echo "pg-test-cluster: PostgreSQL on $TEST_DATABASE_URL" >&2
    "$@"
}

watch() {
    while kill -0 "$owner" 2>/dev/null; do
        sleep 1
    done
    stop
}

case $action in
start) start ;;
stop) stop ;;
run) run "$@" ;;
watch) watch ;;
*) usage ;;
esac
