"""Usage: slurm_fanin.py FETCHPOOL DIR SHARDS

Proves `fetchpool report` on a real Slurm (issue 28): starts a single-node cluster on localhost
(munged with its own key and socket, slurmctld and slurmd from Debian's slurm-wlm, every file
and port of their own under DIR), submits an array job of SHARDS tasks, each running
`fetchpool --json --shard $SLURM_ARRAY_TASK_ID/SHARDS urls.txt`, and a job that depends on the
array (afterany: a shard with failed URLs exits 1, and the report is what judges the set) and runs
`fetchpool report` over the shards. DIR must hold urls.txt. Prints JSON: the jobs' states, the
report's exit status, stdout and stderr. Every daemon is stopped on every way out; each also
dies with this script (PR_SET_PDEATHSIG), should it be killed.

Exit status 0 when the cluster ran the jobs (whatever fetchpool said), 77 when Slurm cannot run
here (the reason on stderr), 1 otherwise.
"""
import ctypes, json, os, shutil, signal, socket, subprocess, sys, time

FETCHPOOL, DIR, SHARDS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), int(sys.argv[3])
SLURM = os.path.join(DIR, 'slurm')
CONF = os.path.join(SLURM, 'slurm.conf')
ENV = dict(os.environ, SLURM_CONF=CONF)
DAEMONS = []


def die_with_parent():
    ctypes.CDLL('libc.so.6', use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def start(argv, log):
    out = open(os.path.join(SLURM, log), 'wb')
    DAEMONS.append(subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=ENV,
                                    start_new_session=True, preexec_fn=die_with_parent))


def stop_all():
    for p in reversed(DAEMONS):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    deadline = time.time() + 10
    for p in DAEMONS:
        try:
            p.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def cannot(why):
    sys.stderr.write('slurm cannot run here: %s\n' % why)
    sys.exit(77)


def run(argv):
    return subprocess.run(argv, env=ENV, capture_output=True, text=True, timeout=30)


def write_conf():
    munge = os.path.join(SLURM, 'munge')
    os.makedirs(munge, mode=0o700)
    for d in ('state', 'spool'):
        os.makedirs(os.path.join(SLURM, d))
    with open(os.path.join(munge, 'munge.key'), 'wb') as f:
        f.write(os.urandom(1024))
    os.chmod(os.path.join(munge, 'munge.key'), 0o600)
    conf = {
        'ClusterName': 'fetchpool', 'SlurmctldHost': 'localhost',
        'SlurmctldPort': free_port(), 'SlurmdPort': free_port(),
        'AuthType': 'auth/munge', 'CredType': 'cred/munge',
        'AuthInfo': 'socket=%s/munge.sock' % munge,
        'SlurmUser': 'root', 'SlurmdUser': 'root',
        'StateSaveLocation': SLURM + '/state', 'SlurmdSpoolDir': SLURM + '/spool',
        'SlurmctldPidFile': SLURM + '/slurmctld.pid', 'SlurmdPidFile': SLURM + '/slurmd.pid',
        'SlurmctldLogFile': SLURM + '/slurmctld.log', 'SlurmdLogFile': SLURM + '/slurmd.log',
        'ProctrackType': 'proctrack/linuxproc', 'TaskPlugin': 'task/none',
        'SelectType': 'select/cons_tres', 'SelectTypeParameters': 'CR_CPU',
        'SchedulerType': 'sched/builtin', 'ReturnToService': 2, 'MpiDefault': 'none',
        'JobAcctGatherType': 'jobacct_gather/none',
        'AccountingStorageType': 'accounting_storage/none', 'JobCompType': 'jobcomp/none',
    }
    with open(CONF, 'w') as f:
        for k, v in conf.items():
            f.write('%s=%s\n' % (k, v))
        f.write('NodeName=localhost CPUs=2 State=UNKNOWN\n')
        f.write('PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP\n')
    return munge


def start_cluster():
    for tool in ('munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo', 'scontrol'):
        if not shutil.which(tool, path='/usr/sbin:/usr/bin'):
            cannot('%s is not installed (apt-get install slurm-wlm munge)' % tool)
    if os.geteuid() != 0:
        cannot('slurmd must run as root to start jobs as their user')
    munge = write_conf()
    start(['/usr/sbin/munged', '--foreground', '--force', '--key-file=%s/munge.key' % munge,
           '--socket=%s/munge.sock' % munge, '--pid-file=%s/munged.pid' % munge,
           '--seed-file=%s/seed' % munge, '--log-file=%s/munged.log' % munge], 'munged.out')
    wait_for(lambda: os.path.exists(munge + '/munge.sock'), 10, 'munged did not start')
    start(['/usr/sbin/slurmctld', '-D', '-i', '-f', CONF], 'slurmctld.out')
    start(['/usr/sbin/slurmd', '-D', '-N', 'localhost', '-f', CONF], 'slurmd.out')
    wait_for(lambda: run(['sinfo', '-h', '-o', '%T']).stdout.strip() == 'idle', 30,
             'the node did not become idle')


def wait_for(cond, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        for p in DAEMONS:
            if p.poll() is not None:
                cannot('%s (%s exited with %s): %s' % (what, p.args[0], p.returncode, logs()))
        try:
            if cond():
                return
        except subprocess.SubprocessError:
            pass
        time.sleep(0.1)
    cannot('%s within %ss: %s' % (what, seconds, logs()))


def logs():
    text = ''
    for name in ('munged.out', 'slurmctld.out', 'slurmd.out'):
        path = os.path.join(SLURM, name)
        if os.path.exists(path):
            text += '\n--- %s\n%s' % (name, open(path, errors='replace').read()[-2000:])
    return text


def job_state(job):
    out = run(['scontrol', '-o', 'show', 'job', job]).stdout
    return [f.split('=', 1)[1] for f in out.split() if f.startswith('JobState=')]


def submit():
    with open(os.path.join(DIR, 'shard.sh'), 'w') as f:
        f.write('#!/bin/sh\nexec "%s" --json -w 8 --shard "$SLURM_ARRAY_TASK_ID/%d" urls.txt '
                '> "shard-$SLURM_ARRAY_TASK_ID.jsonl"\n' % (FETCHPOOL, SHARDS))
    with open(os.path.join(DIR, 'report.sh'), 'w') as f:
        f.write('#!/bin/sh\n"%s" report -q --markdown report.md --sarif report.sarif '
                'shard-*.jsonl > report.out 2> report.err\necho $? > report.rc\n' % FETCHPOOL)
    array = run(['sbatch', '--parsable', '--array=1-%d' % SHARDS, '-D', DIR, '-o', 'slurm-%A_%a.out',
                 os.path.join(DIR, 'shard.sh')])
    if array.returncode != 0:
        cannot('sbatch: ' + array.stderr)
    array_id = array.stdout.strip().split(';')[0]
    report = run(['sbatch', '--parsable', '--dependency=afterany:' + array_id, '-D', DIR,
                  '-o', 'slurm-report.out', os.path.join(DIR, 'report.sh')])
    if report.returncode != 0:
        cannot('sbatch: ' + report.stderr)
    report_id = report.stdout.strip().split(';')[0]
    done = lambda: job_state(report_id) and all(
        s in ('COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT') for s in job_state(report_id))
    wait_for(done, 90, 'the report job did not end')
    return array_id, report_id


def main():
    try:
        start_cluster()
        array_id, report_id = submit()
        read = lambda name: open(os.path.join(DIR, name), errors='replace').read()
        print(json.dumps({
            'array_states': job_state(array_id), 'report_states': job_state(report_id),
            'report_rc': int(read('report.rc')), 'report_out': read('report.out'),
            'report_err': read('report.err'),
            'shards': sorted(n for n in os.listdir(DIR) if n.startswith('shard-')),
        }))
    finally:
        stop_all()


main()
