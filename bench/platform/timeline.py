"""Timeline of a start from the AppHost's log (bench/platform/run.sh).

  timeline.py --stamp            copies stdin to stdout, each line prefixed with the Unix time it was read
  timeline.py LOG LAUNCHED       a Markdown table: seconds from LAUNCHED (Unix time) to each resource's states

The AppHost logs resource state changes (ResourceNotificationService) and readiness (ResourceHealthCheckService) at
Debug, a category line followed by the message line. "ready" is when Aspire saw the resource's health checks pass,
which is what a WaitFor waits for.
"""
import re
import sys
import time

if sys.argv[1] == '--stamp':
    for line in sys.stdin:
        sys.stdout.write(f'{time.time():.3f} {line}')
    sys.exit(0)

log, launched = sys.argv[1], float(sys.argv[2])
state = re.compile(r'Resource (\S+?)/\S+ changed state: (?:(.+?) -> )?(.+)$')
ready = re.compile(r"Resource '(\S+)' is ready\.")
dcp = re.compile(r'Starting DCP with arguments')
rows, events = {}, {}
for line in open(log, errors='replace'):
    stamp, _, text = line.partition(' ')
    try:
        t = float(stamp) - launched
    except ValueError:
        continue
    events.setdefault('first log line', t)
    if dcp.search(text):
        events.setdefault('DCP started', t)
    if (s := state.search(text)):
        rows.setdefault(s.group(1), {}).setdefault(s.group(3).strip(), t)
    elif (r := ready.search(text)):
        rows.setdefault(r.group(1), {}).setdefault('ready', t)

cols = ['Waiting', 'Starting', 'Running', 'ready', 'Finished', 'Exited']
print('AppHost: ' + ', '.join(f'{name} at {t:.1f} s' for name, t in events.items()) + '.')
print()
print('| resource | ' + ' | '.join(cols) + ' |')
print('|---|' + '---|' * len(cols))
# Parameters (passwords, keys) are Running at once; they are not worth a row.
shown = {n: r for n, r in rows.items() if set(r) - {'Waiting', 'Running', 'ready'} or 'Starting' in r}
for name in sorted(shown, key=lambda n: (shown[n].get('Running', 1e9), n)):
    print(f'| {name} | ' + ' | '.join(f'{shown[name][c]:.1f}' if c in shown[name] else '' for c in cols) + ' |')
