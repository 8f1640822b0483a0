#!/usr/bin/env bash
# The Slurm example, for real: starts a one-node Slurm cluster on localhost
# (munged, slurmctld, slurmd from Debian's slurm-wlm packages, private ports,
# state and sockets in a temporary folder), submits a sweep with
# examples/slurm/submit.sh as a job array of 3 shards plus the dependent merge
# job, waits for them, and compares the merged files byte for byte with the
# unsplit run. Stops the daemons and removes its folder on exit. When Slurm
# cannot be started it says why and FAILS: it never passes without running.
#
#   bash tests/slurm_test.sh SRLIF_BINARY
set -uo pipefail
srlif="${1:?usage: slurm_test.sh SRLIF_BINARY}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fail() { echo "slurm_test: FAILED: $*" >&2; exit 1; }

for tool in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
  command -v "$tool" >/dev/null || fail "'$tool' is not installed (apt-get install slurmctld slurmd slurm-client munge)"
done
[ "$(id -u)" = 0 ] || fail "needs root to run slurmd and the jobs as in a real cluster (this is a CI test)"

work="$(mktemp -d /tmp/srlif_slurm.XXXXXX)"
chmod 755 "$work"
cleanup() {
  for daemon in slurmd slurmctld munged; do
    [ -f "$work/$daemon.pid" ] && kill "$(cat "$work/$daemon.pid")" 2>/dev/null
  done
  sleep 1
  for daemon in slurmd slurmctld munged; do
    [ -f "$work/$daemon.pid" ] && kill -9 "$(cat "$work/$daemon.pid")" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
show_logs() { for log in "$work"/*.log; do echo "--- $log"; tail -n 20 "$log"; done >&2; }

# munge: its own key, socket and state, so that a system munged is not touched.
mkdir -p "$work/munge"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge.socket" \
  --pid-file="$work/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/seed" \
  || { show_logs; fail "munged did not start"; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
controller_port=$(free_port)
node_port=$(free_port)
mkdir -p "$work/state" "$work/spool"
cat >"$work/slurm.conf" <<CONF
ClusterName=srlif-test
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$controller_port
SlurmdPort=$node_port
AuthType=auth/munge
AuthInfo=socket=$work/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
NodeName=srlifnode NodeHostname=$(hostname -s) NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF" || { show_logs; fail "slurmctld did not start"; }
slurmd -f "$SLURM_CONF" -N srlifnode || { show_logs; fail "slurmd did not start"; }
for _ in $(seq 60); do
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1)
  [ "$state" = idle ] && break
  sleep 1
done
[ "$state" = idle ] || { show_logs; fail "the node did not come up (sinfo says '${state:-nothing}')"; }
echo "slurm_test: one-node cluster up ($(sinfo -V)), node idle"

sweep=(--sigma 0:60:9 --amplitude 10,20 --neurons 200 --duration 1500)
"$srlif" sweep "${sweep[@]}" --quiet --out "$work/unsplit" || fail "the unsplit run failed"
SRLIF="$srlif" bash "$repo/examples/slurm/submit.sh" "$work/array" 3 "${sweep[@]}" || { show_logs; fail "submit.sh failed"; }
for _ in $(seq 300); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 1
done
[ -z "$(squeue -h)" ] || { squeue; show_logs; fail "the jobs did not finish in 300 s"; }
for f in points.csv optimum.csv tallies.csv; do
  if ! cmp "$work/unsplit/$f" "$work/array/merged/$f"; then
    tail -n 20 "$work"/array/logs/*.out >&2
    show_logs
    fail "$f of the merged job array differs from the unsplit run"
  fi
done
echo "slurm_test: 3 shards as a job array + dependent merge = the unsplit run, byte for byte"
