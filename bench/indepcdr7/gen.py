#!/usr/bin/env python3
"""Independent synthetic call-detail-record (CDR) generator for mainland China.

Standard library only.  See README.md for the model and every parameter range.

    python3 gen.py --days 4 --subscribers 20000 --seed 7 --start 2026-11-26 \
        --out p7.csv --truth p7.truth
"""
import argparse
import bisect
import datetime as dt
import json
import math
import random
import sys
import time
from collections import deque
from itertools import accumulate

DAY = 86400

# --------------------------------------------------------------------------
# Number plans
# --------------------------------------------------------------------------
ORD_PREFIX = ([str(p) for p in range(130, 140)] + ['145', '147'] +
              ['150', '151', '152', '153', '155', '156', '157', '158', '159'] +
              ['166', '172', '173', '175', '176', '177', '178'] +
              [str(p) for p in range(180, 190)] +
              ['191', '193', '195', '196', '197', '198', '199'])


def _pw(p):
    if p[:2] in ('13', '15', '18'):
        return 3.0
    if p in ('145', '147', '172'):
        return 0.4
    return 1.2


ORD_CUM = list(accumulate(_pw(p) for p in ORD_PREFIX))
VIRT_PREFIX = ['170', '171', '162', '165', '167']
VIRT_CUM = list(accumulate([3.0, 3.0, 1.5, 1.2, 1.3]))

# (name, area code without trunk 0, local digits, population weight)
CITIES = [
    ('Beijing', '10', 8, 9.0), ('Shanghai', '21', 8, 9.0),
    ('Guangzhou', '20', 8, 7.0), ('Shenzhen', '755', 8, 7.0),
    ('Chengdu', '28', 8, 6.0), ('Chongqing', '23', 8, 6.0),
    ('Tianjin', '22', 8, 4.5), ('Wuhan', '27', 8, 5.0),
    ('Hangzhou', '571', 8, 5.0), ('Nanjing', '25', 8, 4.0),
    ('Xian', '29', 8, 4.0), ('Shenyang', '24', 8, 3.0),
    ('Suzhou', '512', 8, 4.0), ('Zhengzhou', '371', 8, 4.0),
    ('Changsha', '731', 8, 3.5), ('Dongguan', '769', 8, 3.0),
    ('Foshan', '757', 8, 3.0), ('Qingdao', '532', 8, 3.0),
    ('Jinan', '531', 8, 2.5), ('Hefei', '551', 8, 3.0),
    ('Fuzhou', '591', 8, 2.0), ('Xiamen', '592', 7, 2.0),
    ('Kunming', '871', 8, 2.5), ('Nanning', '771', 7, 2.0),
    ('Harbin', '451', 8, 2.5), ('Dalian', '411', 8, 2.0),
    ('Shijiazhuang', '311', 8, 2.5), ('Taiyuan', '351', 7, 2.0),
    ('Lanzhou', '931', 7, 1.5), ('Urumqi', '991', 7, 1.2),
    ('Guiyang', '851', 8, 1.8), ('Baoding', '312', 7, 1.5),
    ('Handan', '310', 7, 1.2), ('Ganzhou', '797', 7, 1.2),
]
CITY_CUM = list(accumulate(c[3] for c in CITIES))
BIG_CITIES = list(range(10))

# hour-of-day weights for personal calling
WD_H = [0.4, 0.2, 0.1, 0.08, 0.1, 0.3, 1.0, 2.4, 4.0, 5.2, 5.6, 5.4,
        4.4, 4.0, 5.0, 5.4, 5.4, 5.8, 6.0, 6.2, 5.8, 4.8, 3.2, 1.4]
WE_H = [0.8, 0.4, 0.2, 0.1, 0.1, 0.2, 0.5, 1.2, 2.4, 3.8, 5.0, 5.6,
        5.2, 4.6, 4.8, 5.0, 5.0, 5.2, 5.6, 6.0, 6.0, 5.2, 3.8, 1.8]
WD_CUM = list(accumulate(WD_H))
WE_CUM = list(accumulate(WE_H))

# duration (median s, log-sigma) of personal calls by relationship kind
KDUR = {'f': (110, 1.0), 'r': (70, 1.0), 'c': (45, 0.9), 'o': (100, 1.0),
        'b': (50, 0.9), 'w': (8, 0.5)}

SECTORS = ['decoration', 'loans', 'insurance', 'real_estate']
# telemarketing firm caller-ID profiles per sector
PROFILE_W = {
    'decoration': {'fixed': .35, 'mobile_rot': .35, 'virtual_rot': .2, 'trunk400': .1},
    'loans': {'virtual_rot': .35, 'trunk95': .15, 'trunk400': .2, 'mobile_rot': .2, 'fixed': .1},
    'insurance': {'trunk95': .25, 'fixed': .3, 'virtual_rot': .2, 'mobile_rot': .15, 'trunk400': .1},
    'real_estate': {'mobile_rot': .45, 'virtual_rot': .25, 'fixed': .2, 'trunk400': .1},
}
AGENTS_PER_FIRM = {'decoration': (2, 6), 'loans': (2, 6), 'insurance': (2, 5), 'real_estate': (2, 4)}
# agent kind: daily target, ring-before-give-up (s), gap between calls (s)
AGENT_KIND = {
    'new': ((600, 900), (12, 30), (3, 12)),
    'veteran': ((800, 2000), (4, 10), (1, 4)),
    'normal': ((250, 600), (15, 35), (8, 25)),
    'decor': ((135, 300), (18, 40), (30, 120)),
    'parttime': ((120, 250), (15, 35), (20, 90)),
}
LIST_AFFINITY = {'car_dealer': 0, 'real_estate': 1, 'decoration': 2, 'bank': 3}
ABUSIVE = ('telemarketing', 'robocall', 'debt_collection', 'call_bombing_target')


def poisson(r, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(r.gauss(lam, math.sqrt(lam)) + 0.5))
    L = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= r.random()
        if p <= L:
            return k
        k += 1


class Obj:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Gen:
    def __init__(self, a):
        self.rng = random.Random(a.seed)
        self.N = a.subscribers
        self.D = a.days
        self.s = self.N / 20000.0
        self.T_END = self.D * DAY
        self.start = dt.date.fromisoformat(a.start)
        self.wday = [(self.start + dt.timedelta(days=d)).weekday() for d in range(self.D)]
        self.weekend = [w >= 5 for w in self.wday]
        self.NUM, self.CLS, self.SECT, self.CAMP, self.CITY = [], [], [], [], []
        self.ANSK, self.ANSU, self.CBP = [], [], []
        self.idx_of = {}
        self.calls = []
        self.burn = {}          # calls made so far by abusive numbers
        self.rate, self.wkm, self.leak, self.attr = {}, {}, {}, {}
        self.biz, self.svc = {}, {}
        self.offlinks = []

    # ---------------------------------------------------------------- utils
    def sc(self, lo, hi):
        return max(1, int(round(self.rng.uniform(lo, hi) * self.s)))

    def lnd(self, med, sig, lo=1, hi=5400):
        v = int(med * math.exp(sig * self.rng.gauss(0, 1)))
        return lo if v < lo else hi if v > hi else v

    def reg(self, num, cls, city=-1, ansk=None, ansu=None, cbp=None, sector=None, camp=None):
        r = self.rng
        i = len(self.NUM)
        self.NUM.append(num)
        self.idx_of[num] = i
        self.CLS.append(cls)
        self.SECT.append(sector)
        self.CAMP.append(camp)
        self.CITY.append(city)
        self.ANSK.append(r.uniform(0.7, 0.95) if ansk is None else ansk)
        self.ANSU.append(r.uniform(0.1, 0.7) if ansu is None else ansu)
        self.CBP.append(r.uniform(0.2, 0.7) if cbp is None else cbp)
        return i

    def new_mobile(self, virtual=False):
        r = self.rng
        while True:
            if virtual:
                p = VIRT_PREFIX[bisect.bisect_right(VIRT_CUM, r.random() * VIRT_CUM[-1])]
            else:
                p = ORD_PREFIX[bisect.bisect_right(ORD_CUM, r.random() * ORD_CUM[-1])]
            s = '+86' + p + '%08d' % r.randrange(100000000)
            if s not in self.idx_of:
                return s

    def new_fixed(self, city):
        r = self.rng
        _, code, ll, _ = CITIES[city]
        while True:
            s = '+86' + code + str(r.randint(2, 8)) + '%0*d' % (ll - 1, r.randrange(10 ** (ll - 1)))
            if s not in self.idx_of:
                return s

    def fixed_block(self, city, n):
        """n consecutive fixed lines (a leased block)."""
        r = self.rng
        _, code, ll, _ = CITIES[city]
        while True:
            base = r.randint(2, 8) * 10 ** (ll - 1) + r.randrange(10 ** (ll - 1) - 200)
            base -= base % 100
            out = ['+86' + code + str(base + k) for k in range(n)]
            if not any(o in self.idx_of for o in out):
                return out

    def new_95(self):
        while True:
            s = '+8695%03d' % self.rng.randrange(1000)
            if s not in self.idx_of:
                return s

    def new_400(self):
        while True:
            s = '+86400%07d' % self.rng.randrange(10000000)
            if s not in self.idx_of:
                return s

    def new_offnet(self):
        r = self.rng
        if r.random() < 0.08:
            c = bisect.bisect_right(CITY_CUM, r.random() * CITY_CUM[-1])
            return self.reg(self.new_fixed(c), 'off_net', c)
        return self.reg(self.new_mobile(r.random() < 0.03), 'off_net')

    def get_or_offnet(self, num):
        i = self.idx_of.get(num)
        if i is None:
            i = self.reg(num, 'off_net')
        return i

    def pick_city(self):
        return bisect.bisect_right(CITY_CUM, self.rng.random() * CITY_CUM[-1])

    def pick_t(self, d, we):
        cum = WE_CUM if we else WD_CUM
        h = bisect.bisect_right(cum, self.rng.random() * cum[-1])
        return d * DAY + min(h, 23) * 3600 + self.rng.randrange(3600)

    def win_t(self, d, wins):
        """wins: list of (h0, h1, weight)"""
        r = self.rng
        tot = sum(w[2] for w in wins)
        x = r.random() * tot
        for h0, h1, w in wins:
            x -= w
            if x <= 0:
                break
        return d * DAY + int(r.uniform(h0, h1) * 3600)

    def call(self, t, a, b, ans, dur=0):
        t = int(t)
        if 0 <= t < self.T_END and a != b:
            if ans:
                self.calls.append((t, a, b, max(1, int(dur)), 1))
            else:
                self.calls.append((t, a, b, 0, 0))

    # ------------------------------------------------------- population
    def link(self, a, b, wa, wb, kind):
        if a == b:
            return
        A, B = self.adj[a], self.adj[b]
        if b not in A:
            A[b] = (wa, kind)
        if a not in B:
            B[a] = (wb, kind)

    def build_population(self):
        r = self.rng
        self.sub = []
        self.by_city = [[] for _ in CITIES]
        for _ in range(self.N):
            c = self.pick_city()
            u = r.random()
            if u < 0.06:
                num = self.new_fixed(c)
            elif u < 0.09:
                num = self.new_mobile(True)
            else:
                num = self.new_mobile()
            i = self.reg(num, 'ordinary', c, ansk=r.uniform(0.72, 0.97),
                         ansu=r.uniform(0.08, 0.75), cbp=r.uniform(0.25, 0.85))
            self.sub.append(i)
            self.by_city[c].append(i)
            rate = min(15.0, max(0.3, 2.2 * math.exp(0.6 * r.gauss(0, 1))))
            if u < 0.06:
                rate *= 0.6
            self.rate[i] = rate
            self.wkm[i] = r.uniform(0.7, 1.4)
            self.leak[i] = math.exp(r.gauss(0, 1))
            home = r.random() < 0.12
            self.attr[i] = (r.random() < 0.30, home, home and r.random() < 0.5 or r.random() < 0.02,
                            r.random() < 0.15)
        self.adj = {i: {} for i in self.sub}
        for c, members in enumerate(self.by_city):
            if not members:
                continue
            m = members[:]
            r.shuffle(m)
            pos = 0
            while pos < len(m):
                size = r.randint(30, 150)
                comm = m[pos:pos + size]
                pos += size
                fp = 0
                while fp < len(comm):
                    fs = r.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
                    fam = comm[fp:fp + fs]
                    fp += fs
                    bond = r.uniform(2, 20)
                    for x in range(len(fam)):
                        for y in range(x + 1, len(fam)):
                            self.link(fam[x], fam[y], bond * r.uniform(0.6, 1.4),
                                      bond * r.uniform(0.6, 1.4), 'f')
                    if len(fam) >= 3 and bond > 16:
                        for a in fam:
                            self.CLS[a] = 'family'
                for a in comm:
                    for _ in range(r.randint(2, 12)):
                        self.link(a, r.choice(comm), r.uniform(0.5, 4), r.uniform(0.5, 4), 'r')
            # workplaces
            w = m[:]
            r.shuffle(w)
            pos = 0
            while pos < len(w):
                size = r.randint(5, 40)
                wp = [a for a in w[pos:pos + size] if r.random() < 0.7]
                pos += size
                if len(wp) < 2:
                    continue
                for a in wp:
                    for _ in range(r.randint(1, 6)):
                        self.link(a, r.choice(wp), r.uniform(0.4, 3), r.uniform(0.4, 3), 'c')
            for a in m:
                for _ in range(r.randint(0, 4)):
                    self.link(a, r.choice(m), r.uniform(0.3, 2), r.uniform(0.3, 2), 'r')
        for a in self.sub:
            for _ in range(r.randint(0, 2)):
                self.link(a, r.choice(self.sub), r.uniform(0.3, 3), r.uniform(0.3, 3), 'r')
            for _ in range(r.randint(0, 4)):
                o = self.new_offnet()
                self.adj[a][o] = (r.uniform(0.5, 5), 'o')
                self.offlinks.append((o, a, r.uniform(0.1, 0.8)))
        # heavy personal users
        self.heavy = r.sample(self.sub, max(1, int(0.03 * self.N)))
        for a in self.heavy:
            self.CLS[a] = 'heavy_user'
            self.rate[a] = r.uniform(12, 45)
            c = self.CITY[a]
            for _ in range(r.randint(30, 100)):
                b = r.choice(self.by_city[c]) if r.random() < 0.7 else r.choice(self.sub)
                self.link(a, b, r.uniform(0.3, 2), r.uniform(0.1, 0.5), 'b')
        hs = set(self.heavy)
        self.plain = [i for i in self.sub if i not in hs]
        self.debtor_pool = [i for i in self.plain if r.random() < 0.015]

    def finalize_contacts(self):
        self.cont = {}
        for a in self.sub:
            items = list(self.adj[a].items())
            self.cont[a] = ([b for b, _ in items], [v[1][1] for v in items],
                            list(accumulate(v[0] for _, v in items)))

    # ------------------------------------------------------- benign businesses
    def add_biz(self, subs, b):
        for i in subs:
            self.biz.setdefault(i, []).append(b)

    def city_sample(self, c, k):
        pool = self.by_city[c] or self.sub
        return self.rng.sample(pool, min(k, len(pool)))

    def build_businesses(self):
        r = self.rng
        self.workers = []   # (number, params) for generic outbound runners
        # service centres (banks, insurers, telecom, utilities, e-commerce)
        self.centres = {}
        kinds = ['bank', 'bank', 'bank', 'insurer', 'telecom', 'airline', 'ecommerce', 'appliance', 'utility']
        for k in range(self.sc(8, 14)):
            kind = kinds[k % len(kinds)] if k < len(kinds) else r.choice(kinds)
            if kind in ('ecommerce', 'appliance'):
                num, city = self.new_400(), -1
            elif kind == 'utility':
                city = r.choice(BIG_CITIES)
                num = self.new_fixed(city)
            else:
                num, city = self.new_95(), -1
            i = self.reg(num, 'service_centre', city, ansk=0.95, cbp=0.0)
            pop = r.uniform(0.05, 0.45)
            base = [s for s in (self.by_city[city] if city >= 0 else self.sub) if r.random() < pop]
            for s in base:
                self.svc.setdefault(s, []).append(i)
            self.centres[i] = Obj(cbp=r.uniform(0.3, 0.7), base=base, h=(r.uniform(8, 9), r.uniform(18, 20.5)),
                                  notif=r.uniform(0.02, 0.08), wkend=r.uniform(0.3, 1.0))
        # consent outbound call-centre lines (after-sales / appointment / renewal)
        for _ in range(self.sc(2, 5)):
            num = self.new_400() if r.random() < 0.6 else self.new_95()
            i = self.reg(num, 'consent_outbound', ansk=0.9, cbp=0.0)
            base = r.sample(self.sub, min(len(self.sub), int(r.uniform(1000, 4000) * self.s) + 10))
            self.add_biz(base, i)
            self.workers.append(Obj(
                num=i, n=(200 * self.s, 1500 * self.s), wins=[(9, 12, 3), (13.5, 18, 3), (18, 20.5, 1)],
                wk=r.uniform(0.3, 0.9), pick=lambda base=base: r.choice(base),
                pf=r.uniform(0.6, 1.0), dur=(60, 0.8), cb=r.uniform(0.05, 0.15), retry=r.uniform(0.1, 0.3),
                ansback=0.9))
        # web call-back / verification lines of legitimate firms (abused for bombing)
        self.cblines = []
        for _ in range(self.sc(20, 60)):
            u = r.random()
            if u < 0.6:
                c = r.choice(BIG_CITIES)
                num = self.new_fixed(c)
            elif u < 0.85:
                num, c = self.new_400(), -1
            else:
                num, c = self.new_95(), -1
            i = self.reg(num, 'callback_line', c, ansk=0.9, cbp=0.0)
            self.cblines.append(Obj(num=i, req=(3, 40), verify=r.random() < 0.5))
        # couriers
        for _ in range(self.sc(60, 100)):
            c = self.pick_city()
            i = self.reg(self.new_mobile(r.random() < 0.15), 'courier', c, ansk=0.9, cbp=0.5)
            area = self.city_sample(c, r.randint(300, 1500))
            offp = [self.new_offnet() for _ in range(r.randint(50, 300))]
            self.add_biz(r.sample(area, len(area) // 3), i)
            self.workers.append(Obj(
                num=i, n=(25, 200), wins=[(8.5, 12, 3), (12, 14, 1), (14, 19, 3), (19, 21, 0.5)],
                wk=r.uniform(0.6, 1.0),
                pick=lambda area=area, offp=offp: r.choice(area) if r.random() < 0.85 else r.choice(offp),
                pf=r.uniform(0.55, 1.0), dur=(25, 0.6), cb=r.uniform(0.1, 0.4), retry=r.uniform(0.3, 0.6),
                ansback=0.9))
        # food-delivery riders
        for _ in range(self.sc(80, 120)):
            c = self.pick_city()
            i = self.reg(self.new_mobile(r.random() < 0.2), 'rider', c, ansk=0.9, cbp=0.5)
            self.workers.append(Obj(
                num=i, n=(25, 80), wins=[(10.5, 13.5, 4), (13.5, 16.5, 0.7), (16.5, 20.5, 3.5), (20.5, 23.5, 0.8)],
                wk=r.uniform(0.8, 1.3),
                pick=lambda c=c: r.choice(self.by_city[c] or self.sub) if r.random() < 0.6 else self.new_offnet(),
                pf=r.uniform(0.65, 1.0), dur=(18, 0.6), cb=r.uniform(0.1, 0.4), retry=r.uniform(0.3, 0.7),
                ansback=0.85))
        # ride-hailing drivers
        for _ in range(self.sc(35, 65)):
            c = self.pick_city()
            i = self.reg(self.new_mobile(), 'driver', c, ansk=0.85, cbp=0.5)
            self.workers.append(Obj(
                num=i, n=(8, 40), wins=[(6, 10, 3), (10, 17, 2), (17, 21, 3), (21, 24, 1.5)],
                wk=r.uniform(0.8, 1.2),
                pick=lambda c=c: r.choice(self.by_city[c] or self.sub) if r.random() < 0.6 else self.new_offnet(),
                pf=r.uniform(0.8, 1.0), dur=(20, 0.6), cb=r.uniform(0.2, 0.5), retry=r.uniform(0.2, 0.5),
                ansback=0.9))
        # insurance / real-estate agents with their own client books
        for _ in range(self.sc(30, 50)):
            c = self.pick_city()
            i = self.reg(self.new_mobile(r.random() < 0.05), 'agent', c, ansk=0.85, cbp=0.6)
            clients = self.city_sample(c, r.randint(100, 400))
            self.add_biz(clients, i)
            self.workers.append(Obj(
                num=i, n=(15, 70), wins=[(9, 12, 3), (13, 18.5, 4), (19, 21, 1)], wk=r.uniform(0.4, 1.0),
                pick=lambda cl=clients: r.choice(cl), pf=r.uniform(0.8, 1.0), dur=(120, 0.9),
                cb=r.uniform(0.3, 0.6), retry=r.uniform(0.2, 0.4), ansback=0.85))
        # small shops
        for _ in range(self.sc(80, 120)):
            c = self.pick_city()
            num = self.new_fixed(c) if r.random() < 0.5 else self.new_mobile()
            i = self.reg(num, 'shop', c, ansk=0.85, cbp=0.5)
            regs = self.city_sample(c, r.randint(30, 200))
            sup = [self.new_offnet() for _ in range(r.randint(5, 20))]
            self.add_biz(regs, i)
            self.workers.append(Obj(
                num=i, n=(3, 25), wins=[(8, 12, 3), (12, 18, 3), (18, 21, 2)], wk=r.uniform(0.8, 1.3),
                pick=lambda regs=regs, sup=sup: r.choice(regs) if r.random() < 0.7 else r.choice(sup),
                pf=1.0, dur=(40, 0.8), cb=r.uniform(0.2, 0.5), retry=0.2, ansback=0.85))
        # clinics and schools sending reminders to their own people
        for _ in range(self.sc(15, 30)):
            c = self.pick_city()
            cls = 'clinic' if r.random() < 0.55 else 'school'
            num = self.new_fixed(c) if r.random() < 0.8 else self.new_mobile()
            i = self.reg(num, cls, c, ansk=0.8, cbp=0.3)
            roster = self.city_sample(c, r.randint(80, 600))
            self.add_biz(roster, i)
            self.workers.append(Obj(
                num=i, n=(20, 120), wins=[(8.5, 11.5, 3), (13.5, 17.5, 3)],
                wk=(r.uniform(0.1, 0.4) if cls == 'clinic' else 0.0),
                pick=lambda ro=roster: r.choice(ro), pf=r.uniform(0.8, 0.95), dur=(35, 0.6),
                cb=r.uniform(0.2, 0.45), retry=0.15, ansback=0.8))

    # ------------------------------------------------------- abusive actors
    def make_list(self, source, city, size):
        r = self.rng
        pool = self.plain if city is None else [i for i in self.by_city[city] if i in self.plain_set]
        if not pool:
            pool = self.plain
        aff = LIST_AFFINITY.get(source)
        if aff is None:
            w = [self.leak[i] for i in pool]
        else:
            w = [self.leak[i] * (3.0 if self.attr[i][aff] else 0.4) for i in pool]
        k_on = int(size * r.uniform(0.4, 0.7))
        on = list(dict.fromkeys(r.choices(pool, weights=w, k=k_on)))
        off = [self.new_offnet() for _ in range(size - k_on)]
        return on + off

    def new_tm_number(self, firm):
        r = self.rng
        p = firm.profile
        if p == 'fixed':
            if not firm.block:
                firm.block = deque(self.fixed_block(firm.city, r.randint(20, 60)))
            num = firm.block.popleft()
        elif p == 'virtual_rot':
            num = self.new_mobile(True)
        else:
            num = self.new_mobile(r.random() < 0.1)
        return self.reg(num, 'telemarketing', firm.city, ansk=0.6, cbp=0.0,
                        sector=firm.sector, camp=firm.camp)

    def build_telemarketing(self):
        r = self.rng
        self.plain_set = set(self.plain)
        hot = r.sample(BIG_CITIES, 4)
        local_lists = {}
        for c in hot:
            local_lists[c] = [self.make_list(src, c, int(r.uniform(1500, 4000) * self.s) + 50)
                              for src in ('real_estate', 'decoration', 'real_estate')[:r.randint(2, 3)]]
        nat_lists = {}
        for src in ('car_dealer', 'bank', 'mixed', 'bank', 'mixed'):
            nat_lists.setdefault(src, []).append(self.make_list(src, None, int(r.uniform(3000, 9000) * self.s) + 100))
        self.firms = []
        for sector in SECTORS:
            for k in range(max(2, self.sc(3, 5))):
                camp = 'tm-%s-%02d' % (sector, k + 1)
                pw = PROFILE_W[sector]
                profile = r.choices(list(pw), list(pw.values()))[0]
                if sector in ('decoration', 'real_estate'):
                    city = r.choice(hot)
                    lists = r.sample(local_lists[city], r.randint(1, min(2, len(local_lists[city]))))
                    if r.random() < 0.3:
                        lists.append(r.choice(nat_lists['mixed']))
                else:
                    city = r.choice(BIG_CITIES)
                    srcs = ['bank', 'mixed', 'car_dealer'] if sector == 'loans' else ['car_dealer', 'bank']
                    lists = [r.choice(nat_lists[s]) for s in r.sample(srcs, r.randint(1, 2))]
                fresh = list(dict.fromkeys(x for L in lists for x in L))
                r.shuffle(fresh)
                pA = r.uniform(0.01, 0.05)
                pB = r.uniform(0.08, 0.2)
                pRef = r.uniform(0.2, 0.35)
                firm = Obj(sector=sector, camp=camp, city=city, profile=profile, fresh=deque(fresh),
                           rot=r.choices(['daily', 'few', 'none'], [0.45, 0.4, 0.15])[0],
                           cap=(r.randint(150, 300), r.randint(300, 500)) if r.random() < 0.3 else None,
                           ans=r.uniform(0.15, 0.6), pA=pA, pB=pB, pRef=pRef,
                           giveup=r.randint(3, 5), max_na=r.randint(3, 7), sameday=r.uniform(0.0, 0.4),
                           burn=r.uniform(1500, 6000), block=None, due={}, agents=[], shared=[],
                           workdays={0, 1, 2, 3, 4} | ({5} if r.random() < 0.7 else set()) |
                                    ({6} if r.random() < 0.3 else set()),
                           wins=None, src_lists=lists)
                m0, l0, l1, e = r.uniform(8.5, 9.5), r.uniform(11.75, 12.25), r.uniform(13, 14), r.uniform(17.5, 20.5)
                firm.wins = [(m0, l0), (l1, e)]
                if profile in ('trunk95', 'trunk400'):
                    firm.rot = 'none'
                    firm.cap = None
                    firm.burn = r.uniform(20000, 60000)
                    for _ in range(r.randint(1, 3)):
                        num = self.new_95() if profile == 'trunk95' else self.new_400()
                        firm.shared.append(self.reg(num, 'telemarketing', -1, ansk=0.8, cbp=0.0,
                                                    sector=sector, camp=camp))
                lo, hi = AGENTS_PER_FIRM[sector]
                for a in range(max(1, int(round(r.randint(lo, hi) * min(1.0, self.s) + 0.0)))):
                    kind = 'decor' if sector == 'decoration' else r.choices(['new', 'veteran', 'normal'], [.35, .25, .4])[0]
                    firm.agents.append(self.make_agent(firm, kind, len(firm.agents)))
                self.firms.append(firm)
        # part-timers dialing from their personal phones for a firm
        cand = [f for f in self.firms if f.sector != 'decoration']
        pts = r.sample(self.plain, min(len(self.plain), self.sc(8, 20)))
        for i in pts:
            firm = r.choice(cand)
            ag = self.make_agent(firm, 'parttime', len(firm.agents))
            ag.num, ag.fixed_num = i, True
            ag.wins = sorted(r.sample([(9.5, 12), (14, 17.5), (19, 21.5)], r.randint(2, 3)))
            ag.days = r.uniform(0.7, 1.0)
            self.CLS[i] = 'telemarketing'
            self.SECT[i] = firm.sector
            self.CAMP[i] = firm.camp
            firm.agents.append(ag)
        self.parttimers = set(pts)

    def make_agent(self, firm, kind, k):
        r = self.rng
        tgt, ring, gap = AGENT_KIND[kind]
        return Obj(id=k, kind=kind, target=tgt, ring=ring, gap=(r.uniform(*gap), 0),
                   num=None, fixed_num=False, expire=-1, ncalls=0, cap=None,
                   wins=None, days=0.95)

    def tm_number(self, firm, ag, d):
        r = self.rng
        if firm.shared:
            return r.choice(firm.shared)
        if ag.fixed_num:
            return ag.num
        if ag.num is None or d >= ag.expire or (ag.cap is not None and ag.ncalls >= ag.cap):
            ag.num = self.new_tm_number(firm)
            life = 1 if firm.rot == 'daily' else r.randint(2, 4) if firm.rot == 'few' else 999
            ag.expire = d + life
            ag.ncalls = 0
            ag.cap = r.randint(*firm.cap) if firm.cap else None
        return ag.num

    def run_telemarketing(self):
        r = self.rng
        for d in range(self.D):
            for firm in self.firms:
                due = firm.due.pop(d, [])
                works = self.wday[d] in firm.workdays
                queues = {}
                for p in due:
                    queues.setdefault(p[4], []).append(p)
                for ag in firm.agents:
                    q = queues.pop(ag.id, [])
                    if ag.kind == 'parttime':
                        if r.random() > ag.days:
                            firm.due.setdefault(d + 1, []).extend(q)
                            continue
                    elif not works or r.random() < 0.05:
                        firm.due.setdefault(d + 1, []).extend(q)
                        continue
                    self.agent_day(firm, ag, d, q)
                for q in queues.values():   # owners absent
                    firm.due.setdefault(d + 1, []).extend(q)

    def agent_day(self, firm, ag, d, q):
        r = self.rng
        ANSU, burn = self.ANSU, self.burn
        q = deque(q)
        target = r.randint(*ag.target)
        made = 0
        ring_lo, ring_hi = ag.ring
        gap = ag.gap[0]
        wins = ag.wins or firm.wins
        for h0, h1 in wins:
            t = d * DAY + h0 * 3600 + r.uniform(0, 900)
            end = d * DAY + h1 * 3600 + r.uniform(-600, 600)
            while t < end and made < target:
                if q:
                    p = q.popleft()
                elif firm.fresh:
                    p = [firm.fresh.popleft(), 0, 0, '', ag.id, 0]
                else:   # list exhausted: the room buys another list
                    src = 'mixed' if firm.sector in ('loans', 'insurance') else firm.sector
                    lst = self.make_list(src, None if firm.sector in ('loans', 'insurance') else firm.city,
                                         int(r.uniform(1500, 4000) * self.s) + 50)
                    r.shuffle(lst)
                    firm.fresh.extend(lst)
                    continue
                num = self.tm_number(firm, ag, d)
                b = p[0]
                nb = burn.get(num, 0)
                mult = max(0.3, 1.0 - nb / firm.burn)
                pa = firm.ans * ANSU[b] / 0.4 * mult
                if p[3] in ('A', 'B'):
                    pa *= 1.4
                if firm.profile == 'trunk95':
                    pa *= 1.15
                pa = 0.02 if pa < 0.02 else 0.92 if pa > 0.92 else pa
                burn[num] = nb + 1
                ag.ncalls += 1
                made += 1
                if r.random() < pa:
                    if p[3] == 'A':
                        dur = self.lnd(150, 0.6, 30, 1500)
                        p[5] += 1
                        if p[5] < 2:
                            firm.due.setdefault(d + r.randint(1, 2), []).append(p)
                    else:
                        u = r.random()
                        if u < firm.pA:
                            dur = self.lnd(200, 0.6, 60, 1500)
                            p[3] = 'A'
                            firm.due.setdefault(d + r.randint(1, 2), []).append(p)
                        elif u < firm.pA + firm.pB:
                            dur = self.lnd(70, 0.6, 20, 400)
                            p[3] = 'B'
                            firm.due.setdefault(d + r.randint(1, 3), []).append(p)
                        else:
                            dur = r.randint(1, 12) if u < 1 - firm.pRef else r.randint(8, 45)
                            p[2] += 1
                            if p[2] < firm.giveup:
                                firm.due.setdefault(d + r.randint(1, 4), []).append(p)
                    self.call(t, num, b, 1, dur)
                    t += dur + gap * r.uniform(0.5, 1.5)
                else:
                    self.call(t, num, b, 0)
                    p[1] += 1
                    if r.random() < 0.02:   # rare call back from the prospect
                        self.call(t + r.uniform(300, 7200), b, num, r.random() < 0.6, r.randint(3, 60))
                    if p[1] < firm.max_na:
                        if r.random() < firm.sameday:
                            q.append(p)
                        else:
                            firm.due.setdefault(d + r.randint(1, 2), []).append(p)
                    t += r.uniform(ring_lo, ring_hi) + gap * r.uniform(0.5, 1.5)
        if q:
            firm.due.setdefault(d + 1, []).extend(q)

    def run_robocalls(self):
        r = self.rng
        for k in range(max(2, self.sc(3, 5))):
            camp = 'robo-%02d' % (k + 1)
            typ = r.choices(['virtual', 'mobile', 'trunk95', 'trunk400', 'fixed'], [.4, .3, .1, .1, .1])[0]
            rot = typ in ('virtual', 'mobile') and r.random() < 0.6
            city = r.choice(BIG_CITIES)
            seq = r.random() < 0.5
            ans = r.uniform(0.10, 0.35)
            msg = r.randint(15, 60)
            ai = r.random() < 0.35
            ring = r.randint(15, 30)
            gap = r.uniform(2, 8)
            onnet = r.uniform(0.3, 0.7)
            workdays = {0, 1, 2, 3, 4} | ({5, 6} if r.random() < 0.5 else set())
            h0, h1 = r.uniform(8, 9.5), r.uniform(19, 21)
            nch = r.randint(2, 6)
            cap = (r.randint(300, 800), r.randint(800, 1500))
            block = [0, None]

            def mk():
                if typ == 'virtual':
                    s = self.new_mobile(True)
                elif typ == 'mobile':
                    s = self.new_mobile()
                elif typ == 'trunk95':
                    s = self.new_95()
                elif typ == 'trunk400':
                    s = self.new_400()
                else:
                    s = self.new_fixed(city)
                return self.reg(s, 'robocall', -1, ansk=0.5, cbp=0.0, sector='robocall', camp=camp)

            def target():
                if r.random() < onnet:
                    return r.choice(self.sub)
                if not seq:
                    return self.new_offnet()
                if block[1] is None or block[0] >= 10000:
                    pre = ORD_PREFIX[bisect.bisect_right(ORD_CUM, r.random() * ORD_CUM[-1])]
                    block[1] = '+86' + pre + '%04d' % r.randrange(10000)
                    block[0] = r.randrange(0, 9000)
                s = block[1] + '%04d' % block[0]
                block[0] += r.randint(1, 3)
                return self.get_or_offnet(s)

            chans = [mk() for _ in range(nch)]
            for d in range(self.D):
                if self.wday[d] not in workdays:
                    continue
                if rot and d > 0:
                    chans = [mk() for _ in range(nch)]
                for num in chans:
                    t = d * DAY + h0 * 3600 + r.uniform(0, 600)
                    end = d * DAY + h1 * 3600
                    n = r.randint(*cap)
                    made = 0
                    while t < end and made < n:
                        b = target()
                        pa = ans * self.ANSU[b] / 0.4
                        made += 1
                        if r.random() < pa:
                            u = r.random()
                            if u < 0.55:
                                dur = r.randint(1, 5)
                            elif u < 0.85:
                                dur = r.randint(5, msg)
                            else:
                                dur = self.lnd(50, 0.5, 20, 240) if ai else msg + r.randint(-1, 2)
                            self.call(t, num, b, 1, dur)
                            t += dur + gap + r.uniform(-0.5, 0.5)
                        else:
                            self.call(t, num, b, 0)
                            if r.random() < 0.005:
                                self.call(t + r.uniform(60, 3600), b, num, r.random() < 0.5, r.randint(2, 30))
                            t += ring + gap + r.uniform(-0.5, 0.5)

    def run_debt(self):
        r = self.rng
        pool = self.debtor_pool[:]
        r.shuffle(pool)
        for k in range(max(2, self.sc(2, 4))):
            camp = 'debt-%02d' % (k + 1)
            virt = r.uniform(0.0, 0.6)
            life = (1, r.randint(2, 5))
            for c in range(max(1, self.sc(2, 6))):
                nd = r.randint(6, 20)
                debtors, pool = pool[:nd], pool[nd:]
                if not debtors:
                    break
                for i in debtors:
                    if self.CLS[i] in ('ordinary', 'family'):
                        self.CLS[i] = 'debtor'
                contacts = []
                for i in debtors:
                    cs = self.cont[i]
                    fam = [b for b, kd in zip(cs[0], cs[1]) if kd == 'f']
                    oth = [b for b, kd in zip(cs[0], cs[1]) if kd != 'f']
                    r.shuffle(oth)
                    contacts.extend(fam + oth[:r.randint(4, 12)])
                contacts = list(dict.fromkeys(contacts)) or debtors
                heat = {i: 0 for i in debtors}
                pdebt = r.uniform(0.10, 0.35)
                pcont = r.uniform(0.3, 0.6)
                num, expire = None, -1
                for d in range(self.D):
                    if num is None or d >= expire:
                        s = self.new_mobile(r.random() < virt)
                        num = self.reg(s, 'debt_collection', -1, ansk=0.5, cbp=0.0,
                                       sector='debt_collection', camp=camp)
                        expire = d + r.randint(*life)
                    target = r.randint(150, 300)
                    if self.weekend[d]:
                        target = int(target * r.uniform(0.6, 1.0))
                    made = 0
                    for h0, h1 in ((8.0, 12.0), (13.0, 21.5)):
                        t = d * DAY + h0 * 3600 + r.uniform(0, 1800)
                        end = d * DAY + h1 * 3600
                        while t < end and made < target:
                            if r.random() < 0.5:
                                b = r.choice(debtors)
                                burst = r.randint(1, 4)
                                while True:
                                    heat[b] += 1
                                    made += 1
                                    pa = pdebt * (0.9 ** min(heat[b], 20))
                                    if r.random() < pa:
                                        dur = self.lnd(60, 0.9, 5, 900)
                                        self.call(t, num, b, 1, dur)
                                        t += dur + r.uniform(5, 40)
                                        break
                                    self.call(t, num, b, 0)
                                    t += r.uniform(10, 30) + r.uniform(5, 40)
                                    burst -= 1
                                    if burst <= 0:
                                        if r.random() < 0.03:
                                            self.call(t + r.uniform(600, 7200), b, num, 1, self.lnd(60, 0.8))
                                        break
                            else:
                                b = r.choice(contacts)
                                made += 1
                                pa = pcont * self.ANSU[b] / 0.4
                                if r.random() < min(0.9, pa):
                                    dur = self.lnd(25, 0.9, 2, 600)
                                    self.call(t, num, b, 1, dur)
                                    t += dur
                                    if r.random() < 0.05:
                                        self.call(t + r.uniform(300, 5400), b, num, r.random() < 0.7, self.lnd(40, 0.8))
                                else:
                                    self.call(t, num, b, 0)
                                    t += r.uniform(15, 35)
                            t += r.uniform(20, 150)

    def run_bombing(self):
        r = self.rng
        sims = []
        for _ in range(r.randint(1, 3)):
            sims.append([self.reg(self.new_mobile(r.random() < 0.5), 'bombing_source', -1, cbp=0.0)
                         for _ in range(int(r.uniform(150, 600) * max(0.3, self.s)))])
        cbl = [c.num for c in self.cblines]
        nvict = max(1, int(round(r.uniform(5, 15) * self.s)))
        cand = [i for i in self.sub if i not in self.parttimers]
        victims = r.sample(cand, nvict)
        for k, v in enumerate(victims):
            self.CLS[v] = 'call_bombing_target'
            self.SECT[v] = 'call_bombing'
            self.CAMP[v] = 'bomb-%02d' % (k + 1)
            plat = r.choice(sims)
            days = r.sample(range(self.D), min(self.D, r.randint(1, 3)))
            for d in days:
                hour = r.choice([r.uniform(8, 23), r.uniform(8, 23), r.uniform(0, 3)])
                t0 = d * DAY + hour * 3600
                dur_ep = r.uniform(10, 120) * 60
                n = r.randint(100, 800)
                share_cb = r.uniform(0.2, 0.8)
                m = r.randint(30, 400)
                src = r.sample(plat, max(1, min(len(plat), int(m * (1 - share_cb)))))
                src += r.sample(cbl, min(len(cbl), max(1, int(m * share_cb))))
                ts = sorted(t0 + r.random() * dur_ep for _ in range(n))
                off_at = r.uniform(0.2, 0.6) * n if r.random() < 0.5 else n + 1
                busy = -1
                for j, t in enumerate(ts):
                    s = r.choice(src)
                    pa = 0.6 * math.exp(-j / 15.0) + 0.02
                    if j < off_at and t >= busy and r.random() < pa:
                        dur = r.randint(10, 35) if self.CLS[s] == 'callback_line' else r.randint(1, 15)
                        self.call(t, s, v, 1, dur)
                        busy = t + dur
                    else:
                        self.call(t, s, v, 0)

    # ------------------------------------------------------- benign traffic
    def personal_call(self, a, b, kind, t, depth=0):
        r = self.rng
        ans = r.random() < self.ANSK[b]
        med, sig = KDUR[kind]
        self.call(t, a, b, ans, self.lnd(med, sig))
        if not ans and depth == 0:
            if r.random() < self.CBP[b]:
                self.personal_call(b, a, kind, t + 60 + r.expovariate(1 / 1200.0), 1)
            elif r.random() < 0.3:
                self.personal_call(a, b, kind, t + r.uniform(60, 600), 1)

    def to_hours(self, t, h0, h1):
        d, sec = divmod(int(t), DAY)
        if sec < h0 * 3600:
            return d * DAY + h0 * 3600 + self.rng.uniform(0, 3 * 3600)
        if sec > h1 * 3600:
            return (d + 1) * DAY + h0 * 3600 + self.rng.uniform(0, 3 * 3600)
        return t

    def service_call(self, i, c, t):
        r = self.rng
        self.call(t, i, c, r.random() < 0.95, self.lnd(150, 0.8, 10, 3600))
        cen = self.centres[c]
        if r.random() < cen.cbp:
            t2 = self.to_hours(t + r.uniform(600, 2 * DAY), cen.h[0], cen.h[1])
            self.call(t2, c, i, r.random() < self.ANSK[i] * 0.95, self.lnd(90, 0.8))

    def run_ordinary(self):
        r = self.rng
        ANSK, ANSU, CBP = self.ANSK, self.ANSU, self.CBP
        for d in range(self.D):
            we = self.weekend[d]
            for i in self.sub:
                lam = self.rate[i] * (self.wkm[i] if we else 1.0) * r.uniform(0.75, 1.25)
                if i in self.parttimers:
                    lam = min(lam, 4.0)
                cidx, ckind, ccum = self.cont[i]
                biz = self.biz.get(i)
                svc = self.svc.get(i)
                for _ in range(poisson(r, lam)):
                    t = self.pick_t(d, we)
                    u = r.random()
                    if svc and u < 0.025:
                        self.service_call(i, r.choice(svc), t)
                    elif biz and u < 0.065:
                        b = r.choice(biz)
                        ans = r.random() < ANSK[b]
                        self.call(t, i, b, ans, self.lnd(45, 0.9))
                        if not ans and r.random() < CBP[b]:
                            self.call(t + r.uniform(120, 5400), b, i, r.random() < ANSK[i], self.lnd(45, 0.9))
                    elif 0.065 <= u < 0.07 or not cidx:
                        b = r.choice(self.sub)
                        self.call(t, i, b, r.random() < ANSU[b], self.lnd(8, 0.5))
                    else:
                        pos = bisect.bisect_right(ccum, r.random() * ccum[-1])
                        if pos >= len(cidx):
                            pos = len(cidx) - 1
                        self.personal_call(i, cidx[pos], ckind[pos], t)
            for o, i, rate in self.offlinks:
                for _ in range(poisson(r, rate)):
                    self.personal_call(o, i, 'o', self.pick_t(d, we))

    def run_workers(self):
        r = self.rng
        ANSK, CBP = self.ANSK, self.CBP
        for w in self.workers:
            w.base = r.uniform(*w.n)
        for d in range(self.D):
            we = self.weekend[d]
            for w in self.workers:
                n = w.base
                if we:
                    n *= w.wk
                n = int(n * r.uniform(0.85, 1.15))
                if n <= 0:
                    continue
                ts = sorted(self.win_t(d, w.wins) for _ in range(n))
                last = -1
                for t in ts:
                    if t < last:
                        t = last + r.randint(3, 30)
                    b = w.pick()
                    ans = r.random() < ANSK[b] * w.pf
                    med, sig = w.dur
                    dur = self.lnd(med, sig)
                    self.call(t, w.num, b, ans, dur)
                    last = t + (dur if ans else r.randint(15, 40))
                    if not ans:
                        if r.random() < w.cb:
                            self.call(t + r.uniform(60, 1800), b, w.num, r.random() < w.ansback, self.lnd(med, sig))
                        elif r.random() < w.retry:
                            self.call(t + r.uniform(120, 1800), w.num, b, r.random() < ANSK[b] * w.pf, self.lnd(med, sig))
            # service-centre notifications to own customers
            for c, cen in self.centres.items():
                if not cen.base:
                    continue
                n = int(len(cen.base) * cen.notif * (cen.wkend if we else 1.0) * r.uniform(0.8, 1.2))
                for _ in range(n):
                    b = r.choice(cen.base)
                    t = d * DAY + r.uniform(cen.h[0], cen.h[1]) * 3600
                    pa = min(0.9, self.ANSU[b] + 0.3)
                    self.call(t, c, b, r.random() < pa, self.lnd(45, 0.8))
            # web call-back / verification lines, legitimate requests
            for cl in self.cblines:
                for _ in range(r.randint(*cl.req)):
                    b = r.choice(self.sub)
                    t = self.pick_t(d, we)
                    dur = r.randint(12, 35) if (cl.verify and r.random() < 0.7) else self.lnd(90, 0.8)
                    self.call(t, cl.num, b, r.random() < ANSK[b] * 0.9, dur)

    # ------------------------------------------------------- output
    def write(self, out, truth):
        calls = self.calls
        calls.sort()
        NUM = self.NUM
        days = [(self.start + dt.timedelta(days=k)).isoformat() for k in range(self.D + 1)]
        first = {}
        with open(out, 'w', newline='') as f:
            f.write('caller,callee,start_time,duration_s,answered\n')
            buf = []
            for t, a, b, du, an in calls:
                if a not in first:
                    first[a] = t
                if b not in first:
                    first[b] = t
                dd, rem = divmod(t, DAY)
                h, rem = divmod(rem, 3600)
                m, s = divmod(rem, 60)
                buf.append('%s,%s,%sT%02d:%02d:%02d+08:00,%d,%d\n' % (NUM[a], NUM[b], days[dd], h, m, s, du, an))
                if len(buf) >= 50000:
                    f.write(''.join(buf))
                    buf = []
            f.write(''.join(buf))
        base = dt.datetime.combine(self.start, dt.time()) - dt.timedelta(hours=8)
        counts = {}
        with open(truth, 'w') as f:
            for i in sorted(first, key=lambda x: (first[x], x)):
                c = self.CLS[i]
                rec = {'number': NUM[i], 'class': c,
                       'first_call': (base + dt.timedelta(seconds=first[i])).strftime('%Y-%m-%dT%H:%M:%SZ')}
                if c in ABUSIVE:
                    rec['sector'] = self.SECT[i]
                    rec['campaign'] = self.CAMP[i]
                f.write(json.dumps(rec) + '\n')
                counts[c] = counts.get(c, 0) + 1
        return len(calls), counts


def main():
    ap = argparse.ArgumentParser(description='Synthetic China CDR generator with harassment ground truth')
    ap.add_argument('--days', type=int, default=4)
    ap.add_argument('--subscribers', type=int, default=20000)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--start', default='2026-11-26', help='YYYY-MM-DD, CST midnight of day one')
    ap.add_argument('--out', required=True)
    ap.add_argument('--truth', required=True)
    a = ap.parse_args()
    if a.days < 1 or a.subscribers < 200:
        ap.error('need --days >= 1 and --subscribers >= 200')
    t0 = time.time()
    g = Gen(a)
    g.build_population()
    g.build_businesses()
    g.finalize_contacts()
    g.build_telemarketing()
    g.run_debt()
    g.run_bombing()
    g.run_telemarketing()
    g.run_robocalls()
    g.run_workers()
    g.run_ordinary()
    n, counts = g.write(a.out, a.truth)
    sys.stderr.write('rows=%d numbers=%d time=%.1fs\n' % (n, sum(counts.values()), time.time() - t0))
    for c in sorted(counts):
        sys.stderr.write('  %-22s %d\n' % (c, counts[c]))


if __name__ == '__main__':
    main()
