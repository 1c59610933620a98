# Start a throwaway PostgreSQL server on loopback for the store tests; meant to be SOURCED:
#
#     source scripts/postgres-start.sh    # leaves CYBERNORMS_PG_URL set (and exported)
#
# Installs the Debian server package when it is missing (needs root and apt), creates a cluster
# in a scratch directory owned by the `postgres` user, starts it on 127.0.0.1 only, and creates
# the database `cybernorms`. Idempotent: a second run finds the cluster running and only sets the
# variable again. Safe under `set -euo pipefail` (the caller's options are left as they were).
#
# Knobs (environment): CYBERNORMS_PG_DIR (default /tmp/cybernorms-pg), CYBERNORMS_PG_PORT
# (default 55432). Stop it with: runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin |
# sort -V | tail -1)/pg_ctl" -D "$CYBERNORMS_PG_DIR/data" stop
#
# Why a private cluster rather than Debian's `main` cluster: it never touches a server someone
# else uses, its port and password are ours, and deleting the directory removes every trace.
# Why a password (scram-sha-256) even on loopback: any local user can reach 127.0.0.1.

_cybernorms_pg_start() {
    local dir="${CYBERNORMS_PG_DIR:-/tmp/cybernorms-pg}"
    local port="${CYBERNORMS_PG_PORT:-55432}"
    local db="cybernorms"
    local data="$dir/data"
    local pwfile="$dir/password"
    local bindir password

    _cybernorms_pg_bindir() {
        { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1
    }

    bindir="$(_cybernorms_pg_bindir)"
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
        echo "postgres-start: installing PostgreSQL (apt-get install -y postgresql)" >&2
        if [ "$(id -u)" != 0 ]; then
            echo "postgres-start: PostgreSQL is not installed and we are not root" >&2
            return 1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
        bindir="$(_cybernorms_pg_bindir)"
    fi
    if ! id postgres >/dev/null 2>&1; then
        echo "postgres-start: the 'postgres' system user is missing (reinstall postgresql)" >&2
        return 1
    fi

    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    if [ ! -s "$pwfile" ]; then
        # Only [A-Za-z0-9] so that it needs no escaping in a URL.
        (umask 077 && head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 32 >"$pwfile")
        chown postgres:postgres "$pwfile"
    fi
    password="$(cat "$pwfile")"

    if [ ! -s "$data/PG_VERSION" ]; then
        rm -rf "$data"
        (cd / && runuser -u postgres -- "$bindir/initdb" -D "$data" -U postgres \
            --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 -E UTF8 \
            --locale=C.UTF-8) >"$dir/initdb.log" 2>&1 || {
            echo "postgres-start: initdb failed; its output:" >&2
            cat "$dir/initdb.log" >&2
            return 1
        }
    fi

    if ! (cd / && runuser -u postgres -- "$bindir/pg_ctl" -D "$data" status) >/dev/null 2>&1
    then
        # fsync off: a throwaway test server trades durability across OS crashes for speed.
        (cd / && runuser -u postgres -- "$bindir/pg_ctl" -D "$data" -w -t 60 \
            -l "$dir/server.log" start \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off") >/dev/null || {
            echo "postgres-start: the server did not start; its log:" >&2
            tail -n 30 "$dir/server.log" >&2
            return 1
        }
    fi

    if [ -z "$(cd / && runuser -u postgres -- psql -h "$dir" -p "$port" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
        (cd / && runuser -u postgres -- psql -h "$dir" -p "$port" -d postgres -q \
            -c "CREATE DATABASE $db") >&2
    fi

    CYBERNORMS_PG_URL="postgresql+psycopg://postgres:${password}@127.0.0.1:${port}/${db}"
    export CYBERNORMS_PG_URL
    echo "postgres-start: PostgreSQL ready at 127.0.0.1:$port (database $db)" >&2
}

_cybernorms_pg_start
unset -f _cybernorms_pg_start _cybernorms_pg_bindir
