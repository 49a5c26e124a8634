import csv, json, re, sys, collections, statistics, datetime as dt
csvf, truthf, start, days = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
truth = {}
for line in open(truthf):
    o = json.loads(line); truth[o['number']] = o
rx = re.compile(r'^\+86(1(3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-35-8]|8\d|9[0-35-9])\d{8}|(10|2\d|[3-9]\d\d)[2-8]\d{7}|95\d{3,4}|96\d{3,4}|400\d{7})$')
bad = [n for n in truth if not rx.match(n)]
print('bad numbers', len(bad), bad[:5])
rows = 0; prev = None; unsorted = 0
out = collections.Counter(); ans = collections.Counter(); talk = collections.defaultdict(list)
distinct = collections.defaultdict(set); seen=set(); inwin=0
s0 = dt.datetime.fromisoformat(start+'T00:00:00+08:00'); s1 = s0+dt.timedelta(days=days)
firstout = {}
with open(csvf) as f:
    r = csv.reader(f); hdr = next(r)
    assert hdr == ['caller','callee','start_time','duration_s','answered'], hdr
    for c, e, t, d, a in r:
        rows += 1
        k = (t, c, e)
        if prev and k < prev: unsorted += 1
        prev = k
        tt = dt.datetime.fromisoformat(t)
        if not (s0 <= tt < s1): inwin += 1
        seen.add(c); seen.add(e)
        out[c] += 1; distinct[c].add(e)
        if c not in firstout: firstout[c] = tt
        if a == '1': ans[c] += 1; talk[c].append(int(d))
        elif d != '0': print('nonzero dur unanswered', c, e, t, d)
print('rows', rows, 'unsorted', unsorted, 'outwin', inwin, 'numbers seen', len(seen), 'truth', len(truth), 'missing', len(seen - set(truth)), 'extra', len(set(truth)-seen))
bfc = 0
for n, o in truth.items():
    if n in firstout:
        fc = firstout[n].astimezone(dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
        if fc != o['first_call']: bfc += 1
print('first_call mismatches', bfc)
cls = collections.Counter(o['class'] for o in truth.values())
callsby = collections.Counter()
for n, c in out.items(): callsby[truth[n]['class']] += c
print('%-22s %7s %9s %8s %8s %8s' % ('class','numbers','calls_out','calls/no','ans%','talkmed'))
for k, v in sorted(cls.items(), key=lambda x: -x[1]):
    ns = [n for n in truth if truth[n]['class']==k]
    a = sum(ans[n] for n in ns); o = sum(out[n] for n in ns)
    tk = [x for n in ns for x in talk[n]]
    print('%-22s %7d %9d %8.1f %8.1f %8s' % (k, v, o, o/max(1,v), 100*a/max(1,o), statistics.median(tk) if tk else '-'))
ab = ['telemarketing','robocall','debt_collection','bombing_source','call_bombing_target']
print('per sector:')
sec = collections.Counter((o['class'], o['sector']) for o in truth.values() if o['class'] in ab)
for k, v in sorted(sec.items()): print('  ', k, v)
for k in ab[:4]:
    ns = [n for n in truth if truth[n]['class']==k]
    if ns:
        m = min(ns, key=lambda n: out[n]); print('min calls', k, out[m], truth[m]['sector'], truth[m]['campaign'])
camps = collections.Counter((o['sector'], o['campaign']) for o in truth.values() if o['class'] in ab)
print('campaigns', len(camps))
for k, v in sorted(camps.items()): print('  ', k, v)
N = sum(1 for o in truth.values() if o['class'] in ('ordinary','heavy_user','call_bombing_target'))
print('subscribers(ordinary+heavy+target)', N, 'rows/sub', rows/N)
