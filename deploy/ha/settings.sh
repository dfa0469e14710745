# shellcheck shell=bash disable=SC2034  # the variables are for the sourcing scripts
# The settings the local HA stack (deploy/ha/stack.sh) runs and proves, and
# that the Kubernetes manifests (deploy/k8s) must repeat: one source for both.
# Plain NAME=value lines, no expansion, so that a test can read them without
# running bash (a value with spaces is in double quotes). Issue 26;
# docs/operations.md "High availability (local)";
# docs/decisions/0018-ha-primary-following.md.

# --- replication: Patroni's DCS settings (bootstrap.dcs) ----------------------
# A commit is acknowledged only once a synchronous standby has its WAL
# (synchronous_commit=on with Patroni's synchronous_standby_names), and
# "strict" keeps it so when no standby is left: the primary then refuses to
# acknowledge writes rather than run alone, so a failover can never lose an
# acknowledged write. Patroni promotes only a synchronous standby.
HA_SYNCHRONOUS_MODE=true
HA_SYNCHRONOUS_MODE_STRICT=true
HA_SYNCHRONOUS_NODE_COUNT=1
HA_SYNCHRONOUS_COMMIT=on
# Leader lease and loop. ttl has a floor of 20 s in Patroni; it must hold
# loop_wait + 2 x retry_timeout <= ttl (a leader that cannot reach etcd retries
# for retry_timeout, twice at most within one loop, and must demote itself
# before its lease runs out and another member takes over). Set:
# ttl = 20 (the floor: a dead primary's lease is gone 20 s after its last
# renewal); loop_wait = 4 (a dead node is noticed within ttl + loop_wait =
# 24 s, the target of a whole-node failure); retry_timeout = 8, the most that
# the rule leaves (4 + 2 x 8 = 20), so a leader rides out an 8 s stall of etcd
# or PostgreSQL on this loaded 2-core machine instead of demoting.
HA_TTL=20
HA_LOOP_WAIT=4
HA_RETRY_TIMEOUT=8
# When the primary's PostgreSQL dies under a live Patroni: fail over to the
# synchronous standby at once (0) instead of Patroni's default of trying for
# up to 300 s to restart it there (crash recovery in single-user mode, then a
# start: 16 s before the first write here). Safe because replication is
# synchronous and strict: the standby has every acknowledged commit.
HA_PRIMARY_START_TIMEOUT=0
HA_PATRONI_SCOPE=cellchain-ha

# --- how cellchaind finds the primary -----------------------------------------
# libpq multi-host, no proxy (decision 0018): every member listed; libpq tries
# them in order and keeps the first that accepts writes
# (target_session_attrs=read-write); connect_timeout bounds the wait on a
# member that does not answer (per host; libpq's least is 2 s). cellchaind
# appends user=cellchain_<service> per hosted service. On Kubernetes the
# hosts are the instances' addresses, the parameters the same.
HA_PG_CONNINFO_PARAMS="dbname=cellchain target_session_attrs=read-write connect_timeout=3"
HA_PG_CONNINFO="host=127.0.0.1,127.0.0.1,127.0.0.1 port=55493,55494,55495 dbname=cellchain target_session_attrs=read-write connect_timeout=3"

# --- cellchaind ---------------------------------------------------------------
# Replicas, each hosting every service (--services=all) and taking part in the
# sequencer's leader election (--sequencer, the advisory lock on the primary).
HA_CELLCHAIND_REPLICAS=2
HA_CELLCHAIND_SERVICES=all
# Health: the standard grpc.health.v1.Health/Check for the whole server
# (service ""), over the same mTLS port (the access gate lets it through
# without a session); `cellchain system health` calls it and prints SERVING.
HA_HEALTH_PROTOCOL=grpc.health.v1
HA_HEALTH_SERVICE=""
HA_HEALTH_PERIOD_SECONDS=2

# --- ports, loopback only (apart from deploy/local/env.sh's 54329/7443, the
# load stack's 55472/7473, tests/faults' 55482/7483/7484 and the tests') ------
HA_BIND=127.0.0.1
HA_GRPC_PORTS=7493,7494
HA_PG_PORTS=55493,55494,55495
HA_PATRONI_API_PORTS=8493,8494,8495
HA_ETCD_CLIENT_PORTS=23793,23794,23795
HA_ETCD_PEER_PORTS=23893,23894,23895
