#!/usr/bin/env python3
"""Independent synthetic CDR generator for a Chinese mobile network.

Standard library only.  Deterministic for a given --seed.

  python3 gen.py --days 4 --subscribers 20000 --seed 1 --start 2026-11-26 \
      --out p1.csv --truth p1.truth

Writes a CDR CSV (caller,callee,start_time,duration_s,answered) and a truth
JSONL (one line per number seen in the CDRs).  See README.txt for the model.
"""
import argparse
import bisect
import calendar
import datetime
import itertools
import json
import math
import random
import sys
import time
from collections import defaultdict

DAY = 86400
TZ = 8 * 3600

NORMAL_PREFIXES = ['130', '131', '132', '133', '134', '135', '136', '137',
                   '138', '139', '150', '151', '152', '153', '155', '156',
                   '157', '158', '159', '173', '175', '176', '177', '178',
                   '180', '181', '182', '183', '184', '185', '186', '187',
                   '188', '189', '191', '193', '195', '198', '199']
VIRTUAL_PREFIXES = ['170', '171', '162', '165', '167']

ABUSIVE = {'telemarketing', 'robocall', 'debt_collection', 'call_bombing_target'}


# ----------------------------------------------------------------- small functions
def H(h):
    return int(round(h * 3600))


def lognorm(rng, med, sig):
    return med * math.exp(rng.gauss(0.0, sig))


def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def loguniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam < 30:
        lim = math.exp(-lam)
        k, p = 0, 1.0
        while True:
            p *= rng.random()
            if p <= lim:
                return k
            k += 1
    return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))


def draw_u(rng):
    """Propensity to answer an unknown caller (mean ~0.9)."""
    if rng.random() < 0.15:
        return 0.15            # people who almost never pick up strangers
    return rng.uniform(0.6, 1.45)


class Profile:
    """Piecewise-constant time-of-day density; segments (start_h, end_h, weight)."""

    def __init__(self, segs):
        self.segs = [(H(s), H(e)) for s, e, _ in segs]
        self.cum = list(itertools.accumulate(w * (e - s) for s, e, w in segs))

    def sample(self, rng):
        i = bisect.bisect_right(self.cum, rng.random() * self.cum[-1])
        i = min(i, len(self.segs) - 1)
        s, e = self.segs[i]
        return rng.randrange(s, e)


ORD_W = [0.3, 0.15, 0.1, 0.05, 0.05, 0.1, 0.4, 1.2, 2.5, 3.5, 4, 4, 3.2, 3,
         3.5, 3.8, 4, 4.5, 4.5, 4.5, 4.5, 3.8, 2.5, 1.2]
NIGHT_W = [3, 3, 2.5, 2, 2, 2, 2.5, 2, 1, .5, .3, .3, .5, .5, .5, .5, .8, 1,
           1.5, 2, 3, 3, 3, 3]
ORD = Profile([(h, h + 1, w) for h, w in enumerate(ORD_W)])
NIGHT = Profile([(h, h + 1, w) for h, w in enumerate(NIGHT_W)])
COURIER = Profile([(8.5, 10, 1), (10, 12, 3), (12, 13.5, 1.5), (13.5, 17.5, 3),
                   (17.5, 19.5, 1.5), (19.5, 21, 0.3)])
RIDER = Profile([(0, 1, 0.2), (9.5, 10.5, 0.5), (10.5, 13.5, 5), (13.5, 16.5, 0.8),
                 (16.5, 20.5, 4), (20.5, 23.5, 1), (23.5, 24, 0.3)])
BUSINESS = Profile([(8.5, 12, 3), (12, 13.5, 1.5), (13.5, 18, 3), (18, 21.5, 1.5)])
SERVICE = Profile([(7, 8, 0.5), (8, 12, 3), (12, 14, 2), (14, 18, 3), (18, 22, 2),
                   (22, 24, 0.5)])
DRIVER = Profile([(0, 2, .5), (6.5, 9.5, 3), (9.5, 17, 1.5), (17, 20, 3), (20, 24, 1.5)])
SCHOOL = Profile([(7, 8, 1), (11.5, 13, 1), (15.5, 18.5, 4), (19, 21, 1.5)])
CLINIC = Profile([(8.5, 12, 3), (13.5, 17, 3)])


def schedule(rng, base, windows, busy, fill=0.93):
    """Sequential (one line, no overlap) schedule of calls with given busy
    times inside working windows [(s,e) seconds-of-day].  Returns start
    times; calls that do not fit are dropped from the end."""
    W = sum(e - s for s, e in windows)
    n = len(busy)
    B = sum(busy)
    while n > 0 and B > fill * W:
        n -= 1
        B -= busy[n]
    free = W - B
    ws = []
    for _ in range(n + 1):
        w = rng.expovariate(1.0)
        if rng.random() < 0.02:
            w *= 15.0           # toilet / tea / meeting breaks
        ws.append(w)
    S = sum(ws) or 1.0
    starts = []
    v = 0.0
    wi = 0
    acc = 0.0
    for i in range(n):
        v += free * ws[i] / S
        while wi < len(windows) - 1 and v >= acc + (windows[wi][1] - windows[wi][0]):
            acc += windows[wi][1] - windows[wi][0]
            wi += 1
        starts.append(base + windows[wi][0] + int(v - acc))
        v += busy[i]
    return starts


def work_windows(rng, start_h, end_h, lunch=True):
    s = H(start_h) + rng.randint(-900, 900)
    e = H(end_h) + rng.randint(-900, 900)
    if not lunch:
        return [(s, e)]
    ls = H(11.5) + rng.randint(0, 4500)      # staggered lunch: a dip, not a stop
    le = ls + rng.randint(2700, 5400)
    return [(s, ls), (le, e)]


class Book:
    """A caller's work list: fresh numbers (list or ascending number segment),
    recalls due on given days, and a pool of missed numbers to retry."""

    def __init__(self, fresh=None, seg=None):
        self.fresh = fresh or []
        self.pos = 0
        self.seg = seg              # [block7 as int, next suffix]
        self.due = defaultdict(list)
        self.retry = []

    def take(self, k):
        if k <= 0:
            return []
        if self.seg is not None:
            out = []
            for _ in range(k):
                blk, suf = self.seg
                out.append('+86%07d%04d' % (blk, suf))
                suf += 1
                if suf >= 10000:
                    blk, suf = blk + 1, 0
                self.seg[0], self.seg[1] = blk, suf
            return out
        out = self.fresh[self.pos:self.pos + k]
        self.pos += len(out)
        return out

    def remaining(self):
        return 10 ** 9 if self.seg is not None else len(self.fresh) - self.pos


# ------------------------------------------------------------------ world
class World:
    def __init__(self, a):
        self.seed = a.seed
        self.days = a.days
        self.N = a.subscribers
        self.s = self.N / 20000.0
        y, m, d = map(int, a.start.split('-'))
        self.base = calendar.timegm((y, m, d, 0, 0, 0)) - TZ
        self.wd0 = datetime.date(y, m, d).weekday()
        self.calls = []
        self.reg = {}       # number -> answer propensity u (0 = vacant)
        self.truth = {}     # number -> dict(class, sector, campaign)
        self.ext_rng = self.R('ext')
        self.n_campaign = defaultdict(int)

    # -- infrastructure
    def R(self, name):
        return random.Random('%s/%s' % (self.seed, name))

    def count(self, rng, lo, hi, minimum=1):
        return max(minimum, int(round(rng.uniform(lo, hi) * self.s)))

    def daybase(self, d):
        return self.base + d * DAY

    def weekday(self, d):
        return (self.wd0 + d) % 7          # 5 = Saturday, 6 = Sunday

    def add(self, t, a, b, dur, ans):
        if a == b:
            return
        if ans:
            self.calls.append((int(t), a, b, max(1, int(dur)), 1))
        else:
            self.calls.append((int(t), a, b, 0, 0))

    def campaign(self, prefix):
        self.n_campaign[prefix] += 1
        return '%s-%02d' % (prefix, self.n_campaign[prefix])

    def label(self, num, cls, sector=None, campaign=None):
        d = {'class': cls}
        if sector:
            d['sector'] = sector
        if campaign:
            d['campaign'] = campaign
        self.truth[num] = d

    def new_number(self, rng, kind='mobile', u=1.2):
        while True:
            if kind == 'mobile':
                n = '+86' + rng.choice(NORMAL_PREFIXES) + '%08d' % rng.randrange(10 ** 8)
            elif kind == 'virtual':
                n = '+86' + rng.choice(VIRTUAL_PREFIXES) + '%08d' % rng.randrange(10 ** 8)
            elif kind == '95':
                # real 95 numbers: 95xxx national, up to 8 digits regional
                k = rng.choice([3, 3, 3, 4, 5, 6])
                n = '+8695' + str(rng.randint(1, 9)) + ''.join(
                    str(rng.randrange(10)) for _ in range(k - 1))
            elif kind == '96':
                k = rng.choice([3, 3, 4])
                n = '+8696' + str(rng.randint(1, 9)) + ''.join(
                    str(rng.randrange(10)) for _ in range(k - 1))
            elif kind == '400':
                n = '+86400' + '%07d' % rng.randrange(10 ** 7)
            else:
                raise ValueError(kind)
            if n not in self.reg:
                self.reg[n] = u
                return n

    def uf(self, n):
        u = self.reg.get(n)
        if u is None:
            # a number never seen before (e.g. hit by segment dialling)
            r = self.ext_rng
            u = 0.0 if r.random() < 0.25 else draw_u(r)
            self.reg[n] = u
        return u

    def p_eff(self, p, callee):
        return min(0.97, p * self.uf(callee) / 0.9)

    # -------------------------------------------------------- population
    def build_people(self):
        rng = self.R('people')
        N = self.N
        nb = max(8, N // 350)
        self.blocks = []
        seen = set()
        while len(self.blocks) < nb:
            b = int(rng.choice(NORMAL_PREFIXES) + '%04d' % rng.randrange(10000))
            if b not in seen:
                seen.add(b)
                self.blocks.append(b)
        self.pnum = []
        self.pidx = {}
        self.pu = []
        self.pans = []
        self.ptalk = []
        self.prate = []
        self.pprof = []
        self.pcls = []
        self.shop = []
        self.expo = []
        for i in range(N):
            while True:
                if rng.random() < 0.85:
                    n = '+86%07d%04d' % (rng.choice(self.blocks), rng.randrange(10000))
                else:
                    n = '+86' + rng.choice(NORMAL_PREFIXES) + '%08d' % rng.randrange(10 ** 8)
                if n not in self.reg:
                    break
            u = draw_u(rng)
            self.reg[n] = u
            self.pidx[n] = i
            self.pnum.append(n)
            self.pu.append(u)
            self.pans.append(rng.uniform(0.7, 0.95))
            self.ptalk.append(lognorm(rng, 70, 0.4))
            self.prate.append(0.0 if rng.random() < 0.12 else
                              clamp(lognorm(rng, 1.4, 0.75), 0.1, 8.0))
            self.pprof.append(ORD)
            self.pcls.append('ordinary')
            self.shop.append(lognorm(rng, 1.0, 0.9))
            self.expo.append(lognorm(rng, 1.0, 1.0))
        self.shop_cum = list(itertools.accumulate(self.shop))
        # households (contiguous) and social graph (local clusters + long range)
        self.hh = [0] * N
        self.households = []
        i = 0
        while i < N:
            size = rng.choices([1, 2, 3, 4, 5], [0.2, 0.3, 0.28, 0.15, 0.07])[0]
            mem = list(range(i, min(N, i + size)))
            for x in mem:
                self.hh[x] = len(self.households)
            self.households.append(mem)
            i += size
        self.contacts = [[] for _ in range(N)]
        self.cweights = [[] for _ in range(N)]
        for mem in self.households:
            for x in mem:
                for y in mem:
                    if x < y:
                        self.edge(x, y, lognorm(rng, 8, 0.5))
        for x in range(N):
            k = int(clamp(lognorm(rng, 8, 0.6), 2, 50)) // 2 + 1
            for _ in range(k):
                if rng.random() < 0.65:
                    y = clamp(x + rng.randint(-150, 150), 0, N - 1)
                else:
                    y = rng.randrange(N)
                if y != x:
                    self.edge(x, y, lognorm(rng, 1.0, 1.0))
        self.famrate = [0.0] * N
        # families with intense internal calling
        for mem in self.households:
            if len(mem) >= 2 and rng.random() < 0.12:
                for x in mem:
                    self.pcls[x] = 'family'
                    self.famrate[x] = rng.uniform(2, 6)
        # heavy personal users
        cand = [i for i in range(N) if self.pcls[i] == 'ordinary']
        rng.shuffle(cand)
        nh = self.count(rng, 200, 400)
        self.heavy = []
        for x in cand[:nh]:
            self.pcls[x] = 'heavy_user'
            for _ in range(rng.randint(15, 60)):
                y = clamp(x + rng.randint(-400, 400), 0, N - 1) if rng.random() < 0.5 \
                    else rng.randrange(N)
                if y != x:
                    self.edge(x, y, lognorm(rng, 1.5, 0.8))
            self.heavy.append((x, rng.uniform(20, 80), rng.uniform(0.5, 1.0),
                               rng.uniform(40, 150)))
        # night-shift workers in teams
        cand = cand[nh:]
        nn = self.count(rng, 40, 80)
        ns = cand[:nn]
        self.night = []
        j = 0
        while j < len(ns):
            team = ns[j:j + rng.randint(3, 8)]
            j += len(team)
            for x in team:
                self.pcls[x] = 'night_shift'
                self.pprof[x] = NIGHT
                self.night.append((x, rng.uniform(3, 12), team))
            for x in team:
                for y in team:
                    if x < y:
                        self.edge(x, y, lognorm(rng, 4, 0.5))
        self.cw = [list(itertools.accumulate(w)) for w in self.cweights]
        # pool of numbers outside the subscriber sample (other operators etc.)
        self.ext_pool = []
        for _ in range(int(1.5 * N)):
            n = self.new_number(rng, 'mobile', u=draw_u(rng))
            self.ext_pool.append(n)
        self.ext_expo = [lognorm(rng, 1.0, 1.0) for _ in self.ext_pool]
        # the "leak pool": numbers that end up on bought lists, with exposure
        self.leak = self.pnum + self.ext_pool
        self.leak_cw = list(itertools.accumulate(self.expo + self.ext_expo))
        # new-home owners (decoration lists)
        self.owners = [self.pnum[i] for i in range(N) if rng.random() < 0.07] + \
                      [n for n in self.ext_pool if rng.random() < 0.05]
        rng.shuffle(self.owners)

    def edge(self, x, y, w):
        self.contacts[x].append(y)
        self.cweights[x].append(w)
        self.contacts[y].append(x)
        self.cweights[y].append(w)

    def pick_unique(self, rng, k):
        k = min(k, len(self.leak))
        out = []
        got = set()
        tries = 0
        while len(out) < k and tries < 20:
            tries += 1
            for n in rng.choices(self.leak, cum_weights=self.leak_cw,
                                 k=int((k - len(out)) * 1.4) + 10):
                if n not in got:
                    got.add(n)
                    out.append(n)
                    if len(out) >= k:
                        break
        return out

    def area_person(self, rng, a0, a1):
        lo = self.shop_cum[a0 - 1] if a0 > 0 else 0.0
        hi = self.shop_cum[a1 - 1]
        i = bisect.bisect_right(self.shop_cum, lo + rng.random() * (hi - lo))
        return min(max(i, a0), a1 - 1)

    def rand_ext(self, rng):
        return rng.choice(self.ext_pool)

    # ------------------------------------------------------ social calls
    def person_call(self, rng, t, a, b, med=None):
        A, B = self.pnum[a], self.pnum[b]
        hour = ((t - self.base) % DAY) // 3600
        pa = self.pans[b]
        if (hour < 7 or hour >= 23) and self.pprof[b] is not NIGHT:
            pa *= 0.55
        if med is None:
            med = self.ptalk[a] * (0.6 if self.hh[a] == self.hh[b] else 1.0)
        if rng.random() < pa:
            self.add(t, A, B, min(7200, lognorm(rng, med, 1.0)), 1)
            return
        self.add(t, A, B, 0, 0)
        r = rng.random()
        if r < 0.5:            # callee returns the missed call
            t2 = t + 20 + int(lognorm(rng, 480, 1.2))
            self.add(t2, B, A, min(7200, lognorm(rng, med, 1.0)),
                     rng.random() < 0.85)
        elif r < 0.7:          # caller tries again a bit later
            t2 = t + rng.randint(30, 600)
            self.add(t2, A, B, min(7200, lognorm(rng, med, 1.0)),
                     rng.random() < pa)

    def gen_social(self):
        rng = self.R('social')
        N = self.N
        for d in range(self.days):
            db = self.daybase(d)
            f = 1.1 if self.weekday(d) >= 5 else 1.0
            for a in range(N):
                r = self.prate[a]
                if r > 0:
                    for _ in range(poisson(rng, r * f)):
                        b = rng.choices(self.contacts[a], cum_weights=self.cw[a])[0]
                        self.person_call(rng, db + self.pprof[a].sample(rng), a, b)
                fr = self.famrate[a]
                if fr > 0:
                    mem = self.households[self.hh[a]]
                    for _ in range(poisson(rng, fr)):
                        b = rng.choice(mem)
                        if b != a:
                            self.person_call(rng, db + ORD.sample(rng), a, b,
                                             med=rng.uniform(30, 120))
            for a, out, ratio, med in self.heavy:
                for _ in range(poisson(rng, out * f)):
                    b = rng.choices(self.contacts[a], cum_weights=self.cw[a])[0]
                    self.person_call(rng, db + ORD.sample(rng), a, b, med=med)
                for _ in range(poisson(rng, out * ratio * f)):
                    b = rng.choice(self.contacts[a])
                    self.person_call(rng, db + ORD.sample(rng), b, a, med=med)
            for a, rate, team in self.night:
                for _ in range(poisson(rng, rate)):
                    b = rng.choice(team) if rng.random() < 0.6 else \
                        rng.choices(self.contacts[a], cum_weights=self.cw[a])[0]
                    if b != a:
                        self.person_call(rng, db + NIGHT.sample(rng), a, b)

    def personal_life(self, rng, num, rate=1.5):
        """Private calls of a worker who uses his own phone for work."""
        friends = [rng.randrange(self.N) for _ in range(rng.randint(4, 10))]
        for d in range(self.days):
            db = self.daybase(d)
            for _ in range(poisson(rng, rate)):
                b = self.pnum[rng.choice(friends)]
                self.add(db + ORD.sample(rng), num, b, lognorm(rng, 80, 1.0),
                         rng.random() < 0.85)
            for _ in range(poisson(rng, rate)):
                b = self.pnum[rng.choice(friends)]
                self.add(db + ORD.sample(rng), b, num, lognorm(rng, 80, 1.0),
                         rng.random() < 0.85)

    # ----------------------------------------------- couriers and riders
    def gen_delivery(self):
        rng = self.R('delivery')
        N = self.N
        for cls, lo, hi in (('courier', 150, 250), ('rider', 150, 250)):
            for _ in range(self.count(rng, lo, hi)):
                num = self.new_number(rng, 'mobile')
                self.label(num, cls)
                if cls == 'courier':
                    base = clamp(lognorm(rng, 85, 0.45), 25, 200)
                    p = rng.uniform(0.5, 0.95)
                    talk = rng.uniform(15, 40)
                    prof = COURIER
                    size = min(N, rng.randint(600, 1800))
                    extf = rng.uniform(0.15, 0.35)
                else:
                    base = clamp(lognorm(rng, 60, 0.45), 25, 160)
                    p = rng.uniform(0.6, 0.95)
                    talk = rng.uniform(12, 30)
                    prof = RIDER
                    size = N
                    extf = rng.uniform(0.2, 0.4)
                redial = rng.uniform(0.2, 0.6)
                ret = rng.uniform(0.1, 0.4)
                a0 = rng.randrange(0, N - size + 1)
                a1 = a0 + size
                self.personal_life(rng, num, 1.0)
                for d in range(self.days):
                    if rng.random() < 0.1:
                        continue                     # day off
                    db = self.daybase(d)
                    n_calls = clamp(poisson(rng, base), 25, 200)
                    n_cust = max(1, int(n_calls / (1 + redial * (1 - p) * 0.9 + 0.04)))
                    times = sorted(db + prof.sample(rng) for _ in range(n_cust))
                    last = 0
                    custs = []
                    for t in times:
                        t = max(t, last + rng.randint(5, 60))
                        c = self.rand_ext(rng) if rng.random() < extf else \
                            self.pnum[self.area_person(rng, a0, a1)]
                        custs.append(c)
                        pe = min(0.98, p * (0.6 + 0.4 * self.uf(c) / 0.9))
                        dur = clamp(lognorm(rng, talk, 0.55), 3, 600)
                        ans = rng.random() < pe
                        self.add(t, num, c, dur, ans)
                        last = t + (dur if ans else 20)
                        if not ans and rng.random() < redial:
                            t2 = t + rng.randint(45, 400)
                            ans = rng.random() < pe
                            self.add(t2, num, c, dur, ans)
                        if not ans and rng.random() < ret:
                            t3 = t + 30 + int(lognorm(rng, 600, 1.0))
                            self.add(t3, c, num, clamp(lognorm(rng, talk, 0.5), 3, 600),
                                     rng.random() < 0.92)
                    for _ in range(poisson(rng, len(custs) * 0.06)):
                        c = rng.choice(custs)
                        self.add(db + prof.sample(rng), c, num,
                                 clamp(lognorm(rng, talk * 1.3, 0.5), 3, 600),
                                 rng.random() < 0.9)

    def gen_drivers(self):
        rng = self.R('drivers')
        for _ in range(self.count(rng, 50, 100)):
            num = self.new_number(rng, 'mobile')
            self.label(num, 'driver')
            self.personal_life(rng, num, 1.0)
            rate = rng.uniform(10, 30)
            for d in range(self.days):
                db = self.daybase(d)
                for _ in range(poisson(rng, rate)):
                    c = self.rand_ext(rng) if rng.random() < 0.3 else \
                        self.pnum[rng.randrange(self.N)]
                    t = db + DRIVER.sample(rng)
                    if rng.random() < 0.3:
                        self.add(t, c, num, clamp(lognorm(rng, 20, 0.6), 2, 300),
                                 rng.random() < 0.9)
                    else:
                        self.add(t, num, c, clamp(lognorm(rng, 20, 0.6), 2, 300),
                                 rng.random() < min(0.97, 0.85 * self.uf(c) / 0.9 + 0.1))

    # ----------------------------------------------------------- agents
    def book_of_clients(self, rng, k, local=0.6):
        N = self.N
        a0 = rng.randrange(N)
        out = []
        for _ in range(k):
            if rng.random() < local:
                out.append(clamp(a0 + rng.randint(-1500, 1500), 0, N - 1))
            else:
                out.append(rng.randrange(N))
        return out

    def gen_agents(self):
        rng = self.R('agents')
        for _ in range(self.count(rng, 30, 60)):
            num = self.new_number(rng, 'mobile')
            self.label(num, 'agent')
            self.personal_life(rng, num, 1.0)
            clients = [self.pnum[i] for i in self.book_of_clients(rng, rng.randint(200, 500))]
            cw = list(itertools.accumulate(lognorm(rng, 1, 1.0) for _ in clients))
            out = rng.uniform(20, 80)
            ratio = rng.uniform(0.5, 1.1)
            p = rng.uniform(0.6, 0.85)
            med = rng.uniform(90, 300)
            ret = rng.uniform(0.4, 0.7)
            for d in range(self.days):
                db = self.daybase(d)
                f = 0.6 if self.weekday(d) == 6 else 1.0
                for _ in range(poisson(rng, out * f)):
                    c = rng.choices(clients, cum_weights=cw)[0]
                    t = db + BUSINESS.sample(rng)
                    ans = rng.random() < p
                    self.add(t, num, c, clamp(lognorm(rng, med, 0.9), 5, 5400), ans)
                    if not ans and rng.random() < ret:
                        self.add(t + 60 + int(lognorm(rng, 1200, 1.0)), c, num,
                                 clamp(lognorm(rng, med, 0.9), 5, 5400), rng.random() < 0.8)
                for _ in range(poisson(rng, out * ratio * f)):
                    c = rng.choices(clients, cum_weights=cw)[0]
                    t = db + BUSINESS.sample(rng)
                    ans = rng.random() < 0.8
                    self.add(t, c, num, clamp(lognorm(rng, med, 0.9), 5, 5400), ans)
                    if not ans and rng.random() < 0.7:
                        self.add(t + 60 + int(lognorm(rng, 1500, 1.0)), num, c,
                                 clamp(lognorm(rng, med, 0.9), 5, 5400), rng.random() < p)

    def gen_school_clinic(self):
        rng = self.R('school')
        for _ in range(self.count(rng, 10, 20)):
            num = self.new_number(rng, 'mobile')
            self.label(num, 'school')
            parents = [self.pnum[i] for i in self.book_of_clients(rng, rng.randint(100, 400), 0.9)]
            rate = rng.uniform(5, 40)
            for d in range(self.days):
                db = self.daybase(d)
                f = 0.15 if self.weekday(d) >= 5 else 1.0
                n = poisson(rng, rate * f)
                for _ in range(n):
                    c = rng.choice(parents)
                    t = db + SCHOOL.sample(rng)
                    ans = rng.random() < 0.85
                    self.add(t, num, c, clamp(lognorm(rng, 90, 0.8), 5, 1800), ans)
                    if not ans and rng.random() < 0.6:
                        self.add(t + 60 + int(lognorm(rng, 900, 1.0)), c, num,
                                 clamp(lognorm(rng, 90, 0.8), 5, 1800), rng.random() < 0.8)
                for _ in range(poisson(rng, n * 0.5)):
                    self.add(db + SCHOOL.sample(rng), rng.choice(parents), num,
                             clamp(lognorm(rng, 90, 0.8), 5, 1800), rng.random() < 0.8)
        rng = self.R('clinic')
        for _ in range(self.count(rng, 5, 12)):
            num = self.new_number(rng, 'mobile' if rng.random() < 0.7 else '400')
            self.label(num, 'clinic_reminder')
            patients = [self.pnum[i] for i in self.book_of_clients(rng, rng.randint(1000, 3000), 0.8)]
            rate = rng.uniform(30, 100)
            p = rng.uniform(0.55, 0.8)
            for d in range(self.days):
                db = self.daybase(d)
                wd = self.weekday(d)
                f = 0.1 if wd == 6 else 0.5 if wd == 5 else 1.0
                for _ in range(poisson(rng, rate * f)):
                    c = rng.choice(patients)
                    t = db + CLINIC.sample(rng)
                    ans = rng.random() < self.p_eff(p, c) * 0.5 + p * 0.5
                    self.add(t, num, c, clamp(lognorm(rng, 35, 0.5), 5, 600), ans)
                    if not ans and rng.random() < 0.3:
                        self.add(t + 60 + int(lognorm(rng, 1800, 1.0)), c, num,
                                 clamp(lognorm(rng, 60, 0.6), 5, 900), rng.random() < 0.85)

    # ---------------------------------------- service centres / callbacks
    def gen_service(self):
        rng = self.R('service')
        nc = self.count(rng, 5, 15)
        centres = []
        for i in range(nc):
            num = self.new_number(rng, '95' if rng.random() < 0.6 else '400')
            self.label(num, 'service_centre')
            centres.append({'num': num, 'w': 1.0 / (i + 1) ** 0.8, 'lines': [],
                            'cb': rng.uniform(0.4, 0.7), 'self': rng.uniform(0.1, 0.3)})
        nl = self.count(rng, 20, 60)
        self.service_lines = [c['num'] for c in centres]
        for j in range(nl):
            c = centres[j % nc] if j < nc else rng.choices(centres, [x['w'] for x in centres])[0]
            kind = 'mobile' if rng.random() < 0.75 else rng.choice(['95', '400'])
            num = self.new_number(rng, kind)
            self.label(num, 'callback_line')
            c['lines'].append({'num': num, 'p': rng.uniform(0.6, 0.85),
                               'w': lognorm(rng, 1, 0.7), 'extra': rng.uniform(1, 6)})
            self.service_lines.append(num)
        cw = list(itertools.accumulate(c['w'] for c in centres))
        for d in range(self.days):
            db = self.daybase(d)
            f = 0.6 if self.weekday(d) >= 5 else 1.0
            for _ in range(poisson(rng, 0.08 * self.N * f)):
                a = bisect.bisect_right(self.shop_cum, rng.random() * self.shop_cum[-1])
                cust = self.pnum[min(a, self.N - 1)]
                c = rng.choices(centres, cum_weights=cw)[0]
                t = db + SERVICE.sample(rng)
                ok = rng.random() < 0.93
                self.add(t, cust, c['num'], clamp(lognorm(rng, 170, 0.8), 10, 3600), ok)
                if rng.random() < c['cb']:
                    if c['lines'] and rng.random() > c['self']:
                        ln = rng.choices(c['lines'], [x['w'] for x in c['lines']])[0]
                        self.callback(rng, ln['num'], ln['p'], cust, t)
                    else:
                        self.callback(rng, c['num'], 0.75, cust, t)
            for c in centres:
                for ln in c['lines']:
                    for _ in range(poisson(rng, ln['extra'] * f)):
                        cust = self.rand_ext(rng) if rng.random() < 0.3 else \
                            self.pnum[rng.randrange(self.N)]
                        self.callback(rng, ln['num'], ln['p'], cust,
                                      db + H(8) + rng.randrange(H(11)), delay=False)

    def callback(self, rng, line, p, cust, t, delay=True):
        if delay:
            if rng.random() < 0.7:
                t = t + 120 + int(lognorm(rng, 1800, 0.9))
            else:
                t = t + rng.randint(H(10), H(26))
        for attempt in range(3):
            loc = (t - self.base) % DAY
            if loc < H(8.5):
                t += H(8.5) - loc + rng.randrange(H(3))
            elif loc > H(20.5):
                t += DAY - loc + H(8.5) + rng.randrange(H(3))
            ans = rng.random() < p
            self.add(t, line, cust, clamp(lognorm(rng, 150, 0.45), 40, 900), ans)
            if ans:
                return
            t += rng.randint(600, 3600)
        if rng.random() < 0.3:
            self.add(t + int(lognorm(rng, 1800, 1.0)), cust, line,
                     clamp(lognorm(rng, 120, 0.5), 20, 900), rng.random() < 0.75)

    # ------------------------------------------------------ the dialler
    def dial_day(self, rng, num, book, P, d, n_target, windows, alive_end=None):
        db = self.daybase(d)
        due = book.due.pop(d, [])
        n_fresh = max(0, n_target - len(due))
        cap = P.get('fresh_cap')
        if cap is not None:
            n_fresh = min(n_fresh, cap)
        seq = [(x, 'F') for x in book.take(n_fresh)]
        short = n_target - len(due) - len(seq)
        if short > 0 and book.retry:
            k = min(short, len(book.retry))
            due = due + [(x, 'R') for x in book.retry[:k]]
            del book.retry[:k]
        short = n_target - len(due) - len(seq)
        if short > 0:
            seq += [(x, 'F') for x in book.take(short)]
        for it in due:
            seq.insert(rng.randint(0, len(seq)), it)
        out = []
        inject = []
        i = 0
        p0 = P['p']
        while i < len(seq) or inject:
            if inject and (inject[0][0] <= len(out) or i >= len(seq)):
                _, c, kind, att = inject.pop(0)
            else:
                c, kind = seq[i]
                i += 1
                att = 0
            p = p0 * (P.get('pB', 1.35) if kind == 'B' else 1.0) * (0.8 if att else 1.0)
            ans = rng.random() < self.p_eff(p, c)
            if ans:
                med = P['talk'] * (1.6 if kind == 'B' else 1.0)
                talk = int(clamp(lognorm(rng, med, P['sig']), 1, 1800))
                busy = rng.uniform(3, 12) + talk + rng.uniform(*P['wrap'])
            else:
                talk = 0
                busy = rng.uniform(*P['ring']) + rng.uniform(1, 4)
            out.append((c, kind, ans, talk, busy, att))
            if not ans and att < P.get('redial_max', 1) and rng.random() < P['redial_p']:
                inject.append((len(out) + rng.randint(*P.get('redial_gap', (1, 4))),
                               c, kind, att + 1))
                inject.sort(key=lambda x: x[0])
        starts = schedule(rng, db, windows, [o[4] for o in out])
        for k, t in enumerate(starts):
            c, kind, ans, talk, busy, att = out[k]
            self.add(t, num, c, talk, ans)
            if ans:
                if talk >= P['b_min'] and rng.random() < P['b_p']:
                    dd = d + (1 if rng.random() < 0.65 else 2)
                    if dd < self.days:
                        book.due[dd].append((c, 'B'))
            else:
                if att == 0 and kind != 'B':
                    rp = P['retry_p'] * (0.5 if kind == 'R' else 1.0)
                    if rng.random() < rp:
                        if P.get('retry_mode') == 'pool':
                            book.retry.append(c)
                        else:
                            dd = d + rng.randint(1, 2)
                            if dd < self.days:
                                book.due[dd].append((c, 'R'))
                if att == 0 and rng.random() < P['ret_p'] and self.uf(c) > 0:
                    self.return_call(rng, t, c, num, windows, db, alive_end)
        return len(starts)

    def return_call(self, rng, t, who, biz, windows, db, alive_end, pans=0.85, med=25):
        t2 = t + 30 + int(lognorm(rng, 1200, 1.3))
        sec = t2 - db
        inwin = any(s <= sec < e for s, e in windows)
        alive = alive_end is None or t2 < alive_end
        ans = alive and inwin and rng.random() < pans
        self.add(t2, who, biz, clamp(lognorm(rng, med, 0.9), 2, 600), ans)

    # --------------------------------------------------- telemarketing
    def tm_number(self, rng, virt=0.5, svc=0.0):
        r = rng.random()
        if r < svc:
            return self.new_number(rng, rng.choice(['95', '400']))
        if r < svc + virt:
            return self.new_number(rng, 'virtual')
        return self.new_number(rng, 'mobile')

    def room_days(self, rng, sat_off=0.2, sun_off=0.5):
        sat = rng.random() < sat_off
        sun = rng.random() < sun_off
        days = []
        for d in range(self.days):
            wd = self.weekday(d)
            if (wd == 5 and sat) or (wd == 6 and sun):
                continue
            days.append(d)
        return days or [0]

    def gen_decoration(self):
        rng = self.R('decoration')
        nf = self.count(rng, 3, 5)
        firms = [rng.randint(2, 5) for _ in range(nf)]
        per_seat = [[int(rng.uniform(500, 600)) for _ in range(k)] for k in firms]
        need = max(sum(x) for x in per_seat)
        L = min(len(self.owners), int(need / 0.85))
        shared = self.owners[:L]          # the list every firm bought
        for f, seats in enumerate(per_seat):
            camp = self.campaign('deco')
            wdays = self.room_days(rng, 0.05, 0.15)
            owners = rng.sample(shared, min(len(shared), sum(seats)))
            pos = 0
            start_h = rng.uniform(8.75, 9.25)
            end_h = rng.uniform(17.5, 20.0)
            for target in seats:
                num = self.tm_number(rng, 0.5)
                self.label(num, 'telemarketing', 'decoration', camp)
                book = Book(fresh=owners[pos:pos + target])
                pos += target
                P = dict(p=rng.uniform(0.3, 0.6), talk=rng.uniform(32, 50),
                         sig=rng.uniform(0.9, 1.2), ring=(8, 25), wrap=(10, 40),
                         redial_p=0.05, b_min=30, b_p=rng.uniform(0.15, 0.3),
                         retry_p=0.6, retry_mode='pool', ret_p=rng.uniform(0, 0.005))
                rate = rng.uniform(150, 175)
                for j, d in enumerate(wdays):
                    left = len(wdays) - j
                    P['fresh_cap'] = int(math.ceil(book.remaining() / left))
                    n = int(clamp(rate + rng.gauss(0, 4), 140, 185))
                    self.dial_day(rng, num, book, P, d, n, work_windows(rng, start_h, end_h))

    def seat_params(self, rng, calls):
        fast = calls >= 700
        return dict(p=rng.uniform(0.15, 0.6), talk=rng.uniform(6, 60),
                    sig=rng.uniform(0.8, 1.2),
                    ring=(3, 8) if fast else (8, 25),
                    wrap=(2, 8) if fast else (5, 30),
                    redial_p=rng.uniform(0.0, 0.2), b_min=15, b_p=rng.uniform(0.1, 0.4),
                    retry_p=rng.uniform(0.1, 0.4), ret_p=rng.uniform(0.0, 0.05))

    def gen_rooms(self):
        rng = self.R('rooms')
        self.loan_rooms = []
        for sector, lo, hi in (('loans', 3, 5), ('insurance', 1, 3), ('real_estate', 1, 3)):
            for _ in range(self.count(rng, lo, hi)):
                camp = self.campaign('tm-' + sector)
                nseat = rng.randint(2, 6)
                wdays = self.room_days(rng)
                start_h = rng.uniform(8.75, 9.5)
                end_h = rng.uniform(17.5, 20.5)
                seg_blocks = None
                seats = []
                for j in range(nseat):
                    calls = loguniform(rng, 100, 2000)
                    seg = rng.random() < 0.35
                    seats.append((calls, seg))
                # one shared segment for this room's sequential dialers
                blk = rng.choice(self.blocks)
                suf = rng.randrange(0, 6000)
                list_need = sum(int(c * len(wdays) * 0.95) for c, s in seats if not s)
                lst = self.pick_unique(rng, list_need) if list_need else []
                pos = 0
                svc = 0.1 if sector == 'loans' else 0.0
                for calls, seg in seats:
                    num = self.tm_number(rng, 0.55, svc)
                    self.label(num, 'telemarketing', sector, camp)
                    if seg:
                        book = Book(seg=[blk, suf])
                        suf += int(calls * len(wdays) * 1.1)
                        blk += suf // 10000
                        suf %= 10000
                    else:
                        k = int(calls * len(wdays) * 0.95)
                        book = Book(fresh=lst[pos:pos + k])
                        pos += k
                    P = self.seat_params(rng, calls)
                    for d in wdays:
                        n = int(calls * rng.uniform(0.9, 1.1))
                        self.dial_day(rng, num, book, P, d, n,
                                      work_windows(rng, start_h, end_h))
                if sector == 'loans':
                    self.loan_rooms.append((camp, wdays, start_h, end_h))
        # junior telemarketer(s) in loan rooms
        for j in range(self.count(rng, 1, 2)):
            camp, wdays, start_h, end_h = self.loan_rooms[j % len(self.loan_rooms)]
            num = self.tm_number(rng, 0.5)
            self.label(num, 'telemarketing', 'loans', camp)
            book = Book(fresh=self.pick_unique(rng, 760 * len(wdays)))
            P = dict(p=0.41, talk=rng.uniform(15, 30), sig=1.0, ring=(4, 10),
                     wrap=(3, 10), redial_p=0.05, b_min=5, b_p=0.6, pB=1.1,
                     retry_p=0.2, ret_p=rng.uniform(0.02, 0.05))
            for d in wdays:
                self.dial_day(rng, num, book, P, d, int(rng.uniform(700, 740)),
                              work_windows(rng, start_h, end_h))

    def gen_rotated(self):
        rng = self.R('rotated')
        for _ in range(self.count(rng, 3, 5)):
            sector = rng.choice(['loans', 'loans', 'loans', 'insurance', 'real_estate'])
            camp = self.campaign('rot-' + sector)
            start_h = rng.uniform(8.75, 9.5)
            end_h = rng.uniform(18, 20.5)
            for _ in range(rng.randint(1, 3)):
                book = Book(fresh=self.pick_unique(rng, 800 * self.days))
                P = dict(p=rng.uniform(0.4, 0.6), talk=rng.uniform(15, 45),
                         sig=rng.uniform(0.8, 1.1), ring=(5, 15), wrap=(3, 15),
                         redial_p=0.05, b_min=15, b_p=rng.uniform(0.2, 0.4),
                         retry_p=rng.uniform(0.1, 0.3), ret_p=rng.uniform(0.0, 0.05))
                for d in range(self.days):
                    num = self.tm_number(rng, 0.8)
                    self.label(num, 'telemarketing', sector, camp)
                    n = int(rng.uniform(140, 740))
                    self.dial_day(rng, num, book, P, d, n,
                                  work_windows(rng, start_h, end_h),
                                  alive_end=self.daybase(d) + DAY)

    def gen_parttime(self):
        rng = self.R('parttime')
        n = self.count(rng, 4, 10)
        camp = None
        left = 0
        slots = [(10, 12), (14, 17), (19, 21.5)]
        for _ in range(n):
            if left <= 0:
                sector = rng.choice(['loans', 'insurance', 'real_estate', 'loans'])
                camp = self.campaign('pt-' + sector)
                left = rng.randint(1, 3)
            left -= 1
            num = self.new_number(rng, 'mobile')
            self.label(num, 'telemarketing', sector, camp)
            self.personal_life(rng, num, 1.2)
            rate = rng.uniform(120, 250)
            book = Book(fresh=self.pick_unique(rng, int(rate * self.days)))
            P = dict(p=rng.uniform(0.2, 0.5), talk=rng.uniform(10, 40), sig=1.0,
                     ring=(8, 25), wrap=(5, 20), redial_p=0.05, b_min=15,
                     b_p=rng.uniform(0.1, 0.3), retry_p=0.15, ret_p=rng.uniform(0, 0.05))
            for d in range(self.days):
                if rng.random() < 0.15:
                    continue
                ws = sorted(rng.sample(slots, rng.randint(2, 3)))
                wins = [(H(a) + rng.randint(-600, 600), H(b) + rng.randint(-600, 600))
                        for a, b in ws]
                self.dial_day(rng, num, book, P, d, int(rate * rng.uniform(0.9, 1.1)), wins)

    # -------------------------------------------------------- robocalls
    def gen_robocalls(self):
        rng = self.R('robocall')
        target = self.count(rng, 5, 15)
        made = 0
        while made < target:
            camp = self.campaign('robo')
            rotate = rng.random() < 0.35
            k = 1 if rotate else rng.randint(1, 3)
            C = dict(p=rng.uniform(0.1, 0.4), cut=rng.uniform(0.6, 0.9),
                     cutmed=rng.uniform(6, 10), msg=rng.randint(25, 60),
                     jit=rng.uniform(0.2, 1.5), ret=rng.uniform(0, 0.02))
            if rotate:
                lines = [None]
            else:
                lines = []
                for _ in range(k):
                    lines.append(self.robo_number(rng))
            made += (self.days if rotate else k)
            start_h = rng.uniform(8, 9.5)
            end_h = rng.uniform(19, 21.5)
            for li in range(len(lines)):
                calls = loguniform(rng, 500, 3000)
                if rng.random() < 0.4:
                    book = Book(seg=[rng.choice(self.blocks), rng.randrange(0, 3000)])
                else:
                    book = Book(fresh=self.pick_unique(rng, int(calls * self.days * 1.1)))
                num = lines[li]
                for d in range(self.days):
                    if rotate:
                        num = self.robo_number(rng)
                    self.label(num, 'robocall', 'robocall', camp)
                    self.robo_day(rng, num, book, C, d, int(calls * rng.uniform(0.9, 1.1)),
                                  work_windows(rng, start_h, end_h, lunch=rng.random() < 0.5),
                                  self.daybase(d) + DAY if rotate else None)

    def robo_number(self, rng):
        r = rng.random()
        if r < 0.2:
            return self.new_number(rng, rng.choice(['95', '96']))
        if r < 0.4:
            return self.new_number(rng, '400')
        if r < 0.75:
            return self.new_number(rng, 'virtual')
        return self.new_number(rng, 'mobile')

    def robo_day(self, rng, num, book, C, d, n, windows, alive_end):
        db = self.daybase(d)
        W = sum(e - s for s, e in windows)
        step = W / n
        targets = book.take(n)
        v = rng.uniform(0, step)
        wi, acc = 0, 0.0
        for c in targets:
            while wi < len(windows) - 1 and v >= acc + (windows[wi][1] - windows[wi][0]):
                acc += windows[wi][1] - windows[wi][0]
                wi += 1
            t = db + windows[wi][0] + int(round(v - acc + rng.gauss(0, C['jit'])))
            v += step
            ans = rng.random() < self.p_eff(C['p'], c)
            if ans:
                if rng.random() < C['cut']:
                    dur = int(clamp(lognorm(rng, C['cutmed'], 0.35), 2, 15))
                else:
                    dur = C['msg'] + (1 if rng.random() < 0.2 else 0)
                self.add(t, num, c, dur, 1)
            else:
                self.add(t, num, c, 0, 0)
                if rng.random() < C['ret'] and self.uf(c) > 0:
                    self.return_call(rng, t, c, num, windows, db, alive_end, pans=0.6, med=10)

    # ------------------------------------------------- debt collection
    def gen_debt(self):
        rng = self.R('debt')
        target = self.count(rng, 10, 25)
        cand = [i for i in range(self.N) if self.pcls[i] in ('ordinary', 'family')
                and len(self.contacts[i]) >= 4]
        rng.shuffle(cand)
        cpos = 0
        self.debtors = set()
        made = 0
        while made < target:
            camp = self.campaign('dc')
            k = min(rng.randint(2, 5), target - made)
            made += k
            start_h = rng.uniform(7.75, 9.0)
            end_h = rng.uniform(20.0, 22.0)
            for _ in range(k):
                num = self.tm_number(rng, 0.5)
                self.label(num, 'debt_collection', 'debt_collection', camp)
                nd = rng.randint(50, 70)
                debtors = cand[cpos:cpos + nd]
                cpos += nd
                self.debtors.update(debtors)
                prio = list(itertools.accumulate(lognorm(rng, 1, 0.7) for _ in debtors))
                rate = rng.uniform(150, 300)
                pd = rng.uniform(0.12, 0.35)
                pc = rng.uniform(0.3, 0.6)
                med = rng.uniform(25, 90)
                for d in range(self.days):
                    self.debt_day(rng, num, debtors, prio, d, int(rate * rng.uniform(0.9, 1.1)),
                                  pd, pc, med, work_windows(rng, start_h, end_h))

    def debt_day(self, rng, num, debtors, prio, d, n, pd, pc, med, windows):
        db = self.daybase(d)
        # about a quarter of the plan goes to debtors directly (quick redials
        # when they do not pick up bring debtor calls to ~half of the day),
        # the rest to people in the debtors' address books
        nd = int(n * 0.3)
        base = list(debtors)
        rng.shuffle(base)
        seq = [('D', x) for x in base[:nd]]
        if nd > len(seq):
            for x in rng.choices(debtors, cum_weights=prio, k=nd - len(seq)):
                seq.append(('D', x))
        for x in rng.choices(debtors, cum_weights=prio, k=n - nd):
            c = rng.choices(self.contacts[x], cum_weights=self.cw[x])[0]
            seq.append(('C', c, x))
        rng.shuffle(seq)
        out = []
        inject = []
        i = 0
        while (i < len(seq) or inject) and len(out) < n:
            if inject and (inject[0][0] <= len(out) or i >= len(seq)):
                _, it, att = inject.pop(0)
            else:
                it = seq[i]
                i += 1
                att = 0
            c = it[1]
            p = pd if it[0] == 'D' else pc
            ans = rng.random() < self.p_eff(p, self.pnum[c])
            talk = int(clamp(lognorm(rng, med, 0.9), 2, 1800)) if ans else 0
            busy = (rng.uniform(3, 10) + talk + rng.uniform(10, 40)) if ans else \
                rng.uniform(15, 35)
            out.append((it, ans, talk, busy, att))
            if not ans and it[0] == 'D' and att < 3 and rng.random() < 0.7:
                inject.append((len(out) + rng.randint(0, 1), it, att + 1))
                inject.sort(key=lambda x: x[0])
        starts = schedule(rng, db, windows, [o[3] for o in out], fill=0.97)
        for k, t in enumerate(starts):
            it, ans, talk, busy, att = out[k]
            c = it[1]
            C = self.pnum[c]
            self.add(t, num, C, talk, ans)
            if it[0] == 'C':
                if ans and rng.random() < 0.3:      # contact warns the debtor
                    self.add(t + talk + int(lognorm(rng, 900, 1.0)), C, self.pnum[it[2]],
                             lognorm(rng, 120, 0.8), rng.random() < 0.6)
                if not ans and att == 0 and rng.random() < 0.08:
                    self.return_call(rng, t, C, num, windows, db, None, pans=0.9, med=40)
            elif not ans and att == 0 and rng.random() < 0.02:
                self.return_call(rng, t, C, num, windows, db, None, pans=0.9, med=60)

    # ------------------------------------------------------ call bombing
    def gen_bombing(self):
        rng = self.R('bombing')
        nt = self.count(rng, 5, 15)
        cand = [i for i in range(self.N) if self.pcls[i] == 'ordinary'
                and i not in self.debtors]
        victims = rng.sample(cand, nt)
        for v in victims:
            camp = self.campaign('bomb')
            V = self.pnum[v]
            self.pcls[v] = 'call_bombing_target'
            self.label(V, 'call_bombing_target', 'call_bombing', camp)
            episodes = 2 if rng.random() < 0.25 else 1
            days = rng.sample(range(self.days), min(episodes, self.days))
            abuse = rng.uniform(0, 0.15)
            for d in days:
                db = self.daybase(d)
                if rng.random() < 0.6:
                    # night: between 23:00 the evening before and 04:00
                    t0 = max(self.base, db - H(1) + rng.randrange(H(5)))
                else:
                    t0 = db + H(9) + rng.randrange(H(13))
                D = rng.randint(20 * 60, 120 * 60)
                n = int(clamp(lognorm(rng, 700, 0.7), 200, 4000))
                times = sorted(t0 + int(D * rng.random() ** rng.uniform(0.7, 1.3))
                               for _ in range(n))
                off_at = t0 + int(D * rng.uniform(0.3, 1.2)) if rng.random() < 0.4 else None
                sources = []
                for t in times:
                    if rng.random() < abuse:
                        src = rng.choice(self.service_lines)
                    else:
                        if not sources or rng.random() < 0.45:
                            r = rng.random()
                            kind = 'virtual' if r < 0.4 else 'mobile' if r < 0.7 else \
                                rng.choice(['95', '96', '400', '400'])
                            s = self.new_number(rng, kind)
                            self.label(s, 'bombing_source', 'call_bombing', camp)
                            sources.append([s, 1 + min(5, int(rng.expovariate(0.7)))])
                        j = rng.randrange(len(sources))
                        src = sources[j][0]
                        sources[j][1] -= 1
                        if sources[j][1] <= 0:
                            sources[j] = sources[-1]
                            sources.pop()
                    el = (t - t0) / 60.0
                    pa = 0.03 + 0.6 * math.exp(-el / 4.0)
                    loc = (t - self.base) % DAY
                    if loc < H(6.5):
                        pa *= 0.5
                    if off_at is not None and t > off_at:
                        pa = 0.0
                    self.add(t, src, V, rng.randint(1, 8), rng.random() < pa)

    # ------------------------------------------------------------ output
    def write(self, out, truth):
        end = self.base + self.days * DAY
        calls = [c for c in self.calls if self.base <= c[0] < end]
        calls.sort(key=lambda c: c[0])
        rng = self.R('disorder')
        for i in range(len(calls) - 1):     # rare, small logging disorder
            if rng.random() < 0.0005 and calls[i + 1][0] - calls[i][0] < 120:
                calls[i], calls[i + 1] = calls[i + 1], calls[i]
        first = {}
        dcache = {}
        with open(out, 'w', encoding='utf-8', newline='') as f:
            f.write('caller,callee,start_time,duration_s,answered\n')
            buf = []
            for t, a, b, dur, ans in calls:
                if a not in first:
                    first[a] = t
                if b not in first:
                    first[b] = t
                loc = t + TZ
                dd = loc // DAY
                ds = dcache.get(dd)
                if ds is None:
                    ds = time.strftime('%Y-%m-%d', time.gmtime(dd * DAY))
                    dcache[dd] = ds
                s = loc % DAY
                buf.append('%s,%s,%sT%02d:%02d:%02d+08:00,%d,%d\n' % (
                    a, b, ds, s // 3600, (s // 60) % 60, s % 60, dur, ans))
                if len(buf) >= 50000:
                    f.write(''.join(buf))
                    buf = []
            f.write(''.join(buf))
        for i, n in enumerate(self.pnum):
            if n not in self.truth:
                self.truth[n] = {'class': self.pcls[i]}
        with open(truth, 'w', encoding='utf-8') as f:
            for n in sorted(first):
                d = self.truth.get(n)
                if d is None:
                    d = {'class': 'vacant' if self.reg.get(n, 1) == 0 else 'ordinary'}
                rec = {'number': n, 'class': d['class'],
                       'first_call': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(first[n]))}
                if 'sector' in d:
                    rec['sector'] = d['sector']
                if 'campaign' in d:
                    rec['campaign'] = d['campaign']
                f.write(json.dumps(rec, ensure_ascii=False) + '\n')
        return len(calls), len(first)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--days', type=int, default=4)
    ap.add_argument('--subscribers', type=int, default=20000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--start', default='2026-11-26')
    ap.add_argument('--out', required=True)
    ap.add_argument('--truth', required=True)
    a = ap.parse_args()
    t0 = time.time()
    w = World(a)
    w.build_people()
    w.gen_social()
    w.gen_delivery()
    w.gen_drivers()
    w.gen_agents()
    w.gen_school_clinic()
    w.gen_service()
    w.gen_decoration()
    w.gen_rooms()
    w.gen_rotated()
    w.gen_parttime()
    w.gen_robocalls()
    w.gen_debt()
    w.gen_bombing()
    nc, nn = w.write(a.out, a.truth)
    print('wrote %d calls, %d numbers in %.1fs' % (nc, nn, time.time() - t0), file=sys.stderr)


if __name__ == '__main__':
    main()
