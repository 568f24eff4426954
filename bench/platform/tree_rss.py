"""Resident memory of a process tree, grouped: one line per resource (service dll, postgres, redis, rabbitmq)."""
import os, sys

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

def rss_kib(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def label(pid):
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            args = f.read().decode(errors='replace').split('\0')
    except OSError:
        return 'gone'
    for a in args:
        if a.endswith('.dll'):
            return os.path.basename(a)[:-4]
    name = os.path.basename(args[0]) if args and args[0] else '?'
    if 'beam' in name or 'erl' in name or name in ('epmd', 'inet_gethost', 'erl_child_setup'):
        return 'rabbitmq'
    if name.startswith('postgres'):
        return 'postgres'
    if name.startswith('redis'):
        return 'redis'
    return name

root = int(sys.argv[1])
kids, groups, stack = children(), {}, [root]
while stack:
    pid = stack.pop()
    groups[label(pid)] = groups.get(label(pid), 0) + rss_kib(pid)
    stack.extend(kids.get(pid, []))
for name, kib in sorted(groups.items()):
    print(f'{name} {kib / 1024:.0f}')
print(f'TOTAL {sum(groups.values()) / 1024:.0f}')
