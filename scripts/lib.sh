# Shared by scripts/run and scripts/test (sourced, not executed).
# Everything local lives in the git-ignored .cache/ and .venv/ folders.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDON=sale_order_lifecycle
CACHE="$ROOT/.cache"
VENV="$ROOT/.venv"
ADDONS_DIR="$CACHE/addons"
PG_DIR="$CACHE/pg"
PG_PORT="${SOL_PG_PORT:-55432}"
PY=python3

say() { printf '== %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

odoo_importable() {
    "$PY" -c "import odoo.release, sys; sys.exit(odoo.release.version_info[0] != 18)" 2>/dev/null
}

require_odoo() {
    odoo_importable || die "Odoo 18.0 is not importable by $PY: install an Odoo 18.0 tree \
and its requirements so that 'python3 -c \"import odoo\"' works (see README.md, Requirements), then run this again."
}

# Odoo finds addons by directory name: expose the checkout as sale_order_lifecycle.
link_addon() {
    mkdir -p "$ADDONS_DIR"
    ln -sfn "$ROOT" "$ADDONS_DIR/$ADDON"
}

# A clean copy of the project's files (tracked, or new and not ignored) in
# .cache/stage-NAME/sale_order_lifecycle, for the tools that walk the whole
# module folder or need its real name (pylint-odoo, pytest-odoo, the i18n
# exporter): they must see neither .venv/ nor .cache/. One copy per use, so that
# a benchmark and the tests can run side by side.
stage_addon() {
    local stage="$CACHE/stage-$1"
    rm -rf "$stage"
    mkdir -p "$stage/$ADDON"
    if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$ROOT" && git ls-files -z -co --exclude-standard \
            | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
            | xargs -0 cp --parents -t "$stage/$ADDON")
    else
        tar -C "$ROOT" --exclude=./.venv --exclude=./.cache --exclude=./.git -cf - . \
            | tar -C "$stage/$ADDON" -xf -
    fi
    ADDONS_DIR="$stage"
}

odoo_addons_path() {
    "$PY" - "$ADDONS_DIR" <<'PYEOF'
import os, sys
import odoo
base = os.path.join(os.path.dirname(odoo.__file__), "addons")
paths = [sys.argv[1], base]
# A source checkout keeps the standard addons beside the odoo package.
sibling = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons")
if os.path.isdir(os.path.join(sibling, "sale")):
    paths.append(sibling)
print(",".join(paths))
PYEOF
}

venv_setup() {
    local stamp="$VENV/.requirements-test.txt"
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating $VENV (with system site-packages)"
        python3 -m venv --system-site-packages "$VENV"
    fi
    if ! cmp -s "$ROOT/requirements-test.txt" "$stamp"; then
        say "installing test tools from requirements-test.txt"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements-test.txt" \
            2> >(grep -v '^WARNING: Location' >&2)
        cp "$ROOT/requirements-test.txt" "$stamp"
    fi
    PY="$VENV/bin/python"
    export PATH="$VENV/bin:$PATH"
}

# --- PostgreSQL -------------------------------------------------------------
# Use the server configured through the usual libpq variables (PGHOST, PGPORT,
# PGUSER, PGPASSWORD) when it answers; otherwise start a private cluster in
# .cache/pg from the machine's PostgreSQL binaries. DB_ARGS holds Odoo's options.
PG_STARTED=""
DB_ARGS=()

pg_bindir() {
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return
    fi
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$d" ] && [ -x "$d/initdb" ] || die "no PostgreSQL server binaries found (install PostgreSQL 13 or newer, e.g. Debian's postgresql package)"
    echo "$d"
}

# initdb and postgres refuse to run as root: run them as the owner of the cluster.
pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$PG_OWNER" -- "$@"
    else
        "$@"
    fi
}

configured_pg_ok() {
    [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] || return 1
    psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1
}

pg_start() {
    if configured_pg_ok; then
        say "using the configured PostgreSQL server (${PGHOST:-local socket}:${PGPORT:-5432} as ${PGUSER:-$(id -un)})"
        DB_ARGS=(--db_host="${PGHOST:-}" --db_port="${PGPORT:-5432}" --db_user="${PGUSER:-$(id -un)}")
        if [ -n "${PGPASSWORD:-}" ]; then
            DB_ARGS+=(--db_password="$PGPASSWORD")
        fi
        return 0
    fi
    local bindir
    bindir=$(pg_bindir)
    PG_OWNER=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        PG_OWNER=postgres
        id "$PG_OWNER" >/dev/null 2>&1 || die "running as root and no 'postgres' system user exists to own the private cluster"
    fi
    mkdir -p "$PG_DIR"
    if [ "$(id -u)" = 0 ]; then
        chown "$PG_OWNER" "$PG_DIR"
        if ! runuser -u "$PG_OWNER" -- test -w "$PG_DIR"; then
            # The checkout sits below a folder that the cluster's owner cannot enter.
            PG_DIR="/tmp/$ADDON-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
            mkdir -p "$PG_DIR" && chown "$PG_OWNER" "$PG_DIR" && chmod 700 "$PG_DIR"
            say "$PG_OWNER cannot enter $ROOT: the private cluster lives in $PG_DIR"
        fi
    fi
    if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
        say "initialising a private PostgreSQL cluster in .cache/pg"
        pg_as_owner "$bindir/initdb" -D "$PG_DIR/data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
            || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    fi
    if ! pg_as_owner "$bindir/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
        say "starting the private PostgreSQL cluster (socket in .cache/pg, port $PG_PORT)"
        pg_as_owner "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
            -o "-k $PG_DIR -p $PG_PORT -c listen_addresses='' -c fsync=off -c full_page_writes=off" start >/dev/null \
            || { tail -n 20 "$PG_DIR/server.log" >&2; die "could not start PostgreSQL"; }
        PG_STARTED="$bindir"
    fi
    DB_ARGS=(--db_host="$PG_DIR" --db_port="$PG_PORT" --db_user=odoo)
    export PGHOST="$PG_DIR" PGPORT="$PG_PORT" PGUSER=odoo
}

pg_stop() {
    if [ -n "$PG_STARTED" ]; then
        say "stopping the private PostgreSQL cluster"
        pg_as_owner "$PG_STARTED/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        PG_STARTED=""
    fi
}

# Write the Odoo configuration used by both commands.
write_odoo_conf() {
    local conf="$1" db="$2" port="$3"
    mkdir -p "$CACHE/data"
    {
        echo "[options]"
        echo "addons_path = $(odoo_addons_path)"
        echo "data_dir = $CACHE/data"
        echo "db_name = $db"
        echo "dbfilter = ^$db\$"
        echo "list_db = False"
        echo "http_port = $port"
        echo "admin_passwd = admin"
        for arg in "${DB_ARGS[@]}"; do
            arg=${arg#--}
            echo "${arg%%=*} = ${arg#*=}"
        done
    } >"$conf"
}
