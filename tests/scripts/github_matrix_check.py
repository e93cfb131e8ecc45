"""Usage: github_matrix_check.py DOC.md FETCHPOOL WORKDIR

Reads the GitHub Actions workflow in DOC.md (the yaml block under "### GitHub Actions") with
python3-yaml, checks its shape (a matrix of shard jobs, a report job that needs them and always
runs), then runs its shell steps locally with bash, as the runner would: each shard's `run`
steps in a directory of its own holding WORKDIR/urls.txt (with ${{ matrix.shard }} filled in),
the uploaded files gathered as download-artifact with merge-multiple lays them out, then the
report job's `run` steps (those under `if: always()` too), with GITHUB_STEP_SUMMARY set.
FETCHPOOL's directory comes first on PATH. Prints JSON: each step's exit status, the job summary
and the SARIF file's path.
"""
import json, os, re, shutil, subprocess, sys

import yaml

doc, fetchpool, work = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
text = open(doc).read()
section = text[text.index('### GitHub Actions'):]
block = re.search(r'```yaml\n(.*?)```', section, re.S).group(1)
workflow = yaml.safe_load(block)
jobs = workflow['jobs']
shard, report = jobs['shard'], jobs['report']
shards = shard['strategy']['matrix']['shard']
assert shards == [1, 2, 3, 4], shards
assert shard['strategy']['fail-fast'] is False
assert report['needs'] == 'shard' and report['if'] == 'always()', report
assert report['permissions']['security-events'] == 'write'
env = dict(os.environ, PATH=os.path.dirname(fetchpool) + ':' + os.environ['PATH'])
steps = []


def run_steps(job, cwd, values):
    for step in job['steps']:
        if 'run' not in step:
            continue
        script = step['run']
        for key, value in values.items():
            script = script.replace('${{ matrix.%s }}' % key, str(value))
        assert '${{' not in script, script
        done = subprocess.run(['bash', '-e', '-c', script], cwd=cwd, env=env, timeout=120,
                              capture_output=True, text=True, errors='replace')
        steps.append({'name': step.get('name', ''), 'cwd': os.path.basename(cwd),
                      'rc': done.returncode, 'out': done.stdout, 'err': done.stderr})


downloads = os.path.join(work, 'report')
os.makedirs(downloads)
for k in shards:
    cwd = os.path.join(work, 'shard-job-%d' % k)
    os.makedirs(cwd)
    shutil.copy(os.path.join(work, 'urls.txt'), cwd)
    run_steps(shard, cwd, {'shard': k})
    upload = [s for s in shard['steps'] if s.get('uses', '').startswith('actions/upload-artifact')]
    path = upload[0]['with']['path'].replace('${{ matrix.shard }}', str(k))
    download = [s for s in report['steps']
                if s.get('uses', '').startswith('actions/download-artifact')][0]['with']
    assert download['merge-multiple'] is True and download['pattern'] == 'shard-*'
    os.makedirs(os.path.join(downloads, download['path']), exist_ok=True)
    shutil.copy(os.path.join(cwd, path), os.path.join(downloads, download['path']))
shutil.copy(os.path.join(work, 'urls.txt'), downloads)
summary = os.path.join(work, 'step-summary.md')
open(summary, 'w').close()
env['GITHUB_STEP_SUMMARY'] = summary
run_steps(report, downloads, {})
sarif = [s for s in report['steps'] if s.get('uses', '').startswith('github/codeql-action')]
print(json.dumps({'steps': steps, 'summary': open(summary).read(),
                  'sarif': os.path.join(downloads, sarif[0]['with']['sarif_file'])}))
