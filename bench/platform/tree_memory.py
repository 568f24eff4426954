"""Memory of an AppHost's processes, one line per resource: "name processes rss_mib pss_mib", then a TOTAL line.
With --pids, only the process ids, one per line. With --cpu, the CPU seconds (user and system) those processes and
the children they waited for (initdb, rabbitmqctl) have used.

The processes are the AppHost's tree and the orchestrator's: DCP detaches from the AppHost (its parent is init) and
starts every resource, watching the AppHost through `--monitor PID`.

Resources: the AppHost, the orchestrator (DCP: its API server, controllers and one monitor per process it watches),
the dashboard, each service and the gateway (by their dll), postgres, redis and rabbitmq. PSS splits shared pages
(the .NET runtime, PostgreSQL's shared buffers) between the processes mapping them, so its total is what the
platform really holds; RSS counts shared pages once per process.
"""
import os
import sys


def children():
    kids = {}
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open(f'/proc/{pid}/stat') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(pid))
        except OSError:
            pass
    return kids


def memory_kib(pid):
    """(RSS, PSS) in KiB, from smaps_rollup; zeros for a process that is gone."""
    values = {}
    try:
        with open(f'/proc/{pid}/smaps_rollup') as f:
            for line in f:
                parts = line.split()
                if parts[0] in ('Rss:', 'Pss:'):
                    values[parts[0]] = int(parts[1])
    except OSError:
        pass
    return values.get('Rss:', 0), values.get('Pss:', 0)


def label(pid):
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            args = f.read().decode(errors='replace').split('\0')
    except OSError:
        return None
    name = os.path.basename(args[0]) if args and args[0] else '?'
    if name.startswith('dcp'):
        return 'orchestrator (dcp)'
    if name == 'Aspire.Dashboard' or any(a.endswith('Aspire.Dashboard.dll') for a in args):
        return 'dashboard'
    for a in args:
        if a.endswith('.dll'):
            return os.path.basename(a)[:-4]
    if 'beam' in name or 'erl' in name or name in ('epmd', 'inet_gethost', 'erl_child_setup'):
        return 'rabbitmq'
    if name.startswith('postgres'):
        return 'postgres'
    if name.startswith('redis'):
        return 'redis'
    return name


def monitors(apphost):
    """DCP's API servers watching the AppHost."""
    found = []
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                args = f.read().decode(errors='replace').split('\0')
        except OSError:
            continue
        if any(a == '--monitor' and b == str(apphost) for a, b in zip(args, args[1:])):
            found.append(int(pid))
    return found


def cpu_seconds(pid):
    try:
        with open(f'/proc/{pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / os.sysconf('SC_CLK_TCK')
    except OSError:
        return 0.0


only_pids = sys.argv[1] == '--pids'
only_cpu = sys.argv[1] == '--cpu'
root = int(sys.argv[-1])
kids, groups, stack, seen = children(), {}, [root, *monitors(root)], set()
while stack:
    pid = stack.pop()
    if pid in seen:
        continue
    seen.add(pid)
    stack.extend(kids.get(pid, []))
    if only_pids:
        print(pid)
        continue
    if only_cpu:
        groups['cpu'] = groups.get('cpu', 0.0) + cpu_seconds(pid)
        continue
    name = label(pid)
    if name is None:
        continue
    count, rss, pss = groups.get(name, (0, 0, 0))
    pid_rss, pid_pss = memory_kib(pid)
    groups[name] = (count + 1, rss + pid_rss, pss + pid_pss)
if only_pids:
    sys.exit(0)
if only_cpu:
    print(f"{groups.get('cpu', 0.0):.1f}")
    sys.exit(0)
for name, (count, rss, pss) in sorted(groups.items()):
    print(f'{name.replace(" ", "_")} {count} {rss / 1024:.0f} {pss / 1024:.0f}')
print(f'TOTAL {sum(g[0] for g in groups.values())} {sum(g[1] for g in groups.values()) / 1024:.0f} '
      f'{sum(g[2] for g in groups.values()) / 1024:.0f}')
