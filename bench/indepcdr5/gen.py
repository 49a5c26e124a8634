#!/usr/bin/env python3
"""Independent synthetic call-record (CDR) generator for harassment-detector tests.

Standard library only.  See README.md for the model and every parameter choice.

    python3 gen.py --days 4 --subscribers 20000 --seed 5 --start 2026-11-26 \
        --out p5.csv --truth p5.truth
"""
import argparse
import bisect
import datetime as dt
import heapq
import json
import math
import random
import sys

DAY = 86400
H = 3600

# --------------------------------------------------------------------------
# Number plan
# --------------------------------------------------------------------------
CMCC = ['134', '135', '136', '137', '138', '139', '147', '150', '151', '152',
        '157', '158', '159', '172', '178', '182', '183', '184', '187', '188',
        '195', '197', '198']
CUCC = ['130', '131', '132', '145', '155', '156', '166', '175', '176', '185',
        '186', '196']
CTCC = ['133', '149', '153', '173', '177', '180', '181', '189', '190', '191',
        '193', '199']
CBN = ['192']
VIRTUAL = ['170', '171', '162', '165', '167']
# (carrier prefixes, share of ordinary subscribers)
CARRIERS = [(CMCC, 0.575), (CTCC, 0.215), (CUCC, 0.185), (CBN, 0.012), (VIRTUAL, 0.013)]
LOCAL_AREAS = ['571', '25', '28', '27', '512', '29', '731', '532', '551', '351']
OTHER_AREAS = ['10', '21', '20', '755', '22', '23', '24', '531', '371', '591',
               '592', '871', '851', '769', '757']


class Numbers:
    def __init__(self, rng, local_area):
        self.rng = rng
        self.used = set()
        self.local = local_area

    def _take(self, s):
        if s in self.used:
            return None
        self.used.add(s)
        return '+86' + s

    def mobile(self, virtual=False):
        r = self.rng
        while True:
            if virtual:
                pre = r.choice(VIRTUAL)
            else:
                x = r.random()
                acc = 0.0
                pool = CMCC
                for p, w in CARRIERS:
                    acc += w
                    if x < acc:
                        pool = p
                        break
                pre = r.choice(pool)
            s = self._take(pre + '%08d' % r.randrange(10 ** 8))
            if s:
                return s

    def fixed(self, area=None):
        r = self.rng
        area = area or self.local
        while True:
            s = self._take(area + str(r.randint(2, 8)) + '%07d' % r.randrange(10 ** 7))
            if s:
                return s

    def fixed_other(self):
        return self.fixed(self.rng.choice(OTHER_AREAS))

    def svc(self, head, digits=None):
        r = self.rng
        while True:
            k = digits or r.choice((3, 4))
            s = self._take(head + '%0*d' % (k, r.randrange(10 ** k)))
            if s:
                return s

    def n400(self):
        r = self.rng
        while True:
            s = self._take('400' + str(r.choice((0, 1, 6, 8, 9))) + '%06d' % r.randrange(10 ** 6))
            if s:
                return s

    def style(self, st):
        if st == 'mobile':
            return self.mobile()
        if st == 'virtual':
            return self.mobile(virtual=True)
        if st == 'local_fixed':
            return self.fixed()
        if st == 'fixed_other':
            return self.fixed_other()
        if st == '95':
            return self.svc('95')
        if st == '96':
            return self.svc('96')
        if st == '400':
            return self.n400()
        raise ValueError(st)


# --------------------------------------------------------------------------
# Time helpers
# --------------------------------------------------------------------------
def cdf(ws):
    out, s = [], 0.0
    for w in ws:
        s += w
        out.append(s)
    return out


# relative call intensity per local hour 0..23
PROFILE = {
    ('young', 0): [0.6, 0.3, 0.15, 0.08, 0.05, 0.08, 0.3, 1.2, 3.0, 5.0, 6.0, 6.2, 5.5, 5.0, 5.8, 6.2, 6.5, 7.0, 7.2, 7.0, 7.0, 6.5, 4.5, 2.2],
    ('young', 1): [1.0, 0.5, 0.25, 0.1, 0.05, 0.05, 0.1, 0.4, 1.2, 2.8, 4.5, 5.5, 5.8, 5.5, 5.8, 6.0, 6.0, 6.2, 6.5, 6.8, 7.0, 6.8, 5.0, 2.8],
    ('adult', 0): [0.25, 0.12, 0.06, 0.04, 0.04, 0.12, 0.5, 2.0, 4.8, 6.8, 7.5, 7.0, 5.0, 5.0, 6.6, 7.0, 7.2, 7.5, 7.0, 6.2, 5.8, 4.5, 2.6, 1.0],
    ('adult', 1): [0.35, 0.15, 0.08, 0.04, 0.04, 0.1, 0.3, 1.2, 3.0, 5.2, 6.5, 6.6, 5.6, 5.0, 5.8, 6.2, 6.4, 6.6, 6.8, 6.5, 6.0, 4.6, 2.8, 1.2],
    ('senior', 0): [0.08, 0.04, 0.03, 0.03, 0.08, 0.4, 1.6, 4.0, 6.5, 8.0, 8.0, 7.0, 4.5, 3.5, 5.0, 6.0, 6.2, 6.0, 5.5, 5.8, 5.0, 2.8, 1.0, 0.3],
    ('senior', 1): [0.08, 0.04, 0.03, 0.03, 0.08, 0.4, 1.5, 3.6, 6.0, 7.8, 8.0, 7.2, 4.8, 3.8, 5.2, 6.0, 6.2, 6.0, 5.8, 6.2, 5.2, 3.0, 1.0, 0.3],
}
WORK = [0.02, 0.01, 0.01, 0.01, 0.01, 0.03, 0.1, 0.8, 4.0, 8.0, 9.0, 8.5, 4.0, 4.5, 8.0, 8.5, 8.5, 7.5, 4.0, 1.8, 1.2, 0.8, 0.4, 0.1]
SERVICE = [0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.1, 0.8, 4.5, 8.0, 8.5, 8.0, 5.0, 5.5, 7.5, 7.5, 7.0, 6.0, 4.0, 3.0, 2.5, 1.5, 0.6, 0.15]
PCDF = {k: cdf(v) for k, v in PROFILE.items()}
WCDF = cdf(WORK)
SCDF = cdf(SERVICE)


def tod(rng, c):
    h = bisect.bisect_right(c, rng.random() * c[-1])
    if h > 23:
        h = 23
    return h * H + int(rng.random() * H)


def lognorm(rng, median, sigma, lo, hi):
    v = median * math.exp(rng.gauss(0.0, sigma))
    if v < lo:
        v = lo
    elif v > hi:
        v = hi
    return int(v)


def poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    L = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= L:
            return k
        k += 1


def windows_abs(d, wins):
    return [(d * DAY + a, d * DAY + b) for a, b in wins]


def jitter_wins(rng, wins, j):
    out = []
    for a, b in wins:
        a2 = a + int(rng.uniform(-j, j))
        b2 = b + int(rng.uniform(-j, j))
        if b2 > a2 + 60:
            out.append((a2, b2))
    return out


def rem_time(win, t):
    s = 0
    for a, b in win:
        if b <= t:
            continue
        s += b - (a if a > t else t)
    return s


def advance(win, t):
    for a, b in win:
        if t < a:
            return a
        if t < b:
            return t
    return None


def hm(h, m=0):
    return h * H + m * 60


def rint_scaled(rng, lo, hi, s, minimum=1):
    """Integer drawn from [lo,hi] then scaled with population size s."""
    return max(minimum, int(round(rng.randint(lo, hi) * s)))


# --------------------------------------------------------------------------
# World
# --------------------------------------------------------------------------
class World:
    def __init__(self, seed, n, days, start):
        self.seed = seed
        self.N = n
        self.days = days
        self.T = days * DAY
        self.start = start
        self.s = n / 20000.0
        self.dow = [(start + dt.timedelta(days=d)).weekday() for d in range(days)]
        self.wkend = [1 if w >= 5 else 0 for w in self.dow]
        self.num = []
        self.cls = []
        self.sector = []
        self.camp = []
        self.calls = []
        self.stats = {}
        r = self.R('numbers')
        self.nums = Numbers(r, r.choice(LOCAL_AREAS))

    def R(self, name):
        return random.Random('%s/%s' % (self.seed, name))

    def add(self, number, cls, sector='', camp=''):
        self.num.append(number)
        self.cls.append(cls)
        self.sector.append(sector)
        self.camp.append(camp)
        return len(self.num) - 1

    def call(self, t, a, b, dur, ans):
        t = int(t)
        if 0 <= t < self.T and a != b:
            if ans:
                self.calls.append((t, a, b, int(dur), 1))
            else:
                self.calls.append((t, a, b, 0, 0))

    def hour(self, t):
        return (int(t) % DAY) // H

    def to_daytime(self, rng, t, lo=hm(7, 30), hi=hm(21, 30)):
        """Move a time that falls at night to the next reasonable morning."""
        x = int(t) % DAY
        d = int(t) // DAY
        if x < lo:
            return d * DAY + lo + int(rng.uniform(0, 5400))
        if x > hi:
            return (d + 1) * DAY + lo + int(rng.uniform(0, 5400))
        return t

    # ------------------------------------------------------------------
    def build(self):
        self.population()
        self.services_setup()
        self.social_calls()
        self.business_calls()
        self.telemarketing()
        self.robocalls()
        self.debt_collection()
        self.call_bombing()

    # ------------------------------------------------------------------
    # Ordinary subscribers and their social graph
    # ------------------------------------------------------------------
    def population(self):
        rng = self.R('population')
        N = self.N
        nums = self.nums
        self.age = []
        self.pk = []      # pick-up probability for known callers
        self.pu = []      # pick-up probability for unknown callers
        self.rate = []    # personal outbound calls per day
        self.shopw = []   # online-shopping / delivery propensity
        self.rd = []      # propensity to redial an unanswered call within minutes
        self.rt = []      # propensity to return a missed call
        self.reserved = bytearray(N)   # 1 once given a special role
        for i in range(N):
            a = rng.choices(('young', 'adult', 'senior'), (0.27, 0.5, 0.23))[0]
            self.age.append(a)
            self.rd.append(rng.uniform(0.15, 0.45))
            self.rt.append(rng.uniform(0.35, 0.75) if a != 'senior' else rng.uniform(0.5, 0.85))
            if a == 'senior' and rng.random() < 0.06:
                number = nums.fixed()
            else:
                number = nums.mobile()
            self.add(number, 'ordinary', 'personal', '')
            if a == 'young':
                self.pk.append(rng.uniform(0.72, 0.95))
                self.pu.append(rng.uniform(0.10, 0.55))
                self.rate.append(2.4 * math.exp(rng.gauss(0, 0.7)))
                self.shopw.append(math.exp(rng.gauss(0.4, 0.7)))
            elif a == 'adult':
                self.pk.append(rng.uniform(0.74, 0.96))
                self.pu.append(rng.uniform(0.25, 0.72))
                self.rate.append(3.0 * math.exp(rng.gauss(0, 0.7)))
                self.shopw.append(math.exp(rng.gauss(0.2, 0.7)))
            else:
                self.pk.append(rng.uniform(0.62, 0.92))
                self.pu.append(rng.uniform(0.45, 0.90))
                self.rate.append(1.8 * math.exp(rng.gauss(0, 0.6)))
                self.shopw.append(math.exp(rng.gauss(-0.6, 0.7)))
        # heavy personal users (small-business owners, contractors, sales)
        self.heavy = []
        for i in range(N):
            if self.age[i] == 'adult' and rng.random() < 0.02:
                self.heavy.append(i)
                self.cls[i] = 'heavy_user'
                self.sector[i] = 'personal'
                self.rate[i] = rng.uniform(15, 45)
                self.reserved[i] = 1
        # households and communities
        order = list(range(N))
        rng.shuffle(order)
        households = []
        k = 0
        while k < N:
            sz = rng.choices((1, 2, 3, 4, 5), (0.22, 0.33, 0.25, 0.15, 0.05))[0]
            households.append(order[k:k + sz])
            k += sz
        self.comm = [0] * N
        self.comm_members = []
        c = 0
        hi = 0
        while hi < len(households):
            target = rng.randint(220, 480)
            members = []
            while hi < len(households) and len(members) < target:
                for p in households[hi]:
                    self.comm[p] = c
                    members.append(p)
                hi += 1
            self.comm_members.append(members)
            c += 1
        self.ncomm = c
        adj = [dict() for _ in range(N)]   # contact -> kind

        def link(a, b, kind):
            if a == b:
                return
            # keep the strongest tie kind (lower code = stronger)
            ka = adj[a].get(b)
            if ka is None or kind < ka:
                adj[a][b] = kind
            kb = adj[b].get(a)
            if kb is None or kind < kb:
                adj[b][a] = kind

        for hh in households:
            for x in range(len(hh)):
                for y in range(x + 1, len(hh)):
                    link(hh[x], hh[y], 0)
        nh = len(households)
        for hh in households:
            if rng.random() < 0.7:
                for _ in range(rng.randint(1, 2)):
                    other = households[rng.randrange(nh)]
                    for p in hh:
                        for _ in range(rng.randint(1, 2)):
                            link(p, other[rng.randrange(len(other))], 1)
        for p in range(N):
            kf = rng.randint(2, 12) + (4 if self.age[p] == 'young' else 0)
            cm = self.comm_members[self.comm[p]]
            for _ in range(kf):
                if rng.random() < 0.65:
                    q = cm[rng.randrange(len(cm))]
                else:
                    q = rng.randrange(N)
                link(p, q, 2)
        employed = [p for p in range(N) if self.age[p] != 'senior' and rng.random() < 0.8]
        rng.shuffle(employed)
        k = 0
        while k < len(employed):
            sz = lognorm(rng, 14, 1.0, 2, 250)
            wp = employed[k:k + sz]
            k += sz
            for p in wp:
                for _ in range(min(len(wp) - 1, rng.randint(2, 10))):
                    link(p, wp[rng.randrange(len(wp))], 3)
        # off-network contacts (other operators / other cities)
        pool = []
        for _ in range(int(0.35 * N)):
            x = rng.random()
            if x < 0.82:
                pool.append(self.add(nums.mobile(), 'ordinary_offnet', 'personal', ''))
            elif x < 0.9:
                pool.append(self.add(nums.fixed(), 'ordinary_offnet', 'personal', ''))
            else:
                pool.append(self.add(nums.fixed_other(), 'ordinary_offnet', 'personal', ''))
        self.offnet = pool
        # contact lists with weights
        KW = {0: (6.0, 7.0), 1: (2.5, 3.5), 2: (1.0, 1.3), 3: (1.5, 0.2), 4: (1.0, 1.1), 5: (0.35, 0.15)}
        self.KMED = {0: 70, 1: 110, 2: 95, 3: 50, 4: 80, 5: 55}
        self.cidx, self.ckind, self.cwd, self.cwe = [], [], [], []
        for p in range(N):
            ids = list(adj[p].keys())
            kinds = [adj[p][q] for q in ids]
            for _ in range(rng.randint(0, 3 if self.age[p] == 'senior' else 6)):
                ids.append(pool[int(len(pool) * rng.random() ** 1.6)])
                kinds.append(4)
            if self.cls[p] == 'heavy_user':
                for _ in range(rng.randint(80, 250)):
                    if rng.random() < 0.6:
                        ids.append(rng.randrange(N))
                    else:
                        ids.append(pool[rng.randrange(len(pool))])
                    kinds.append(5)
            fw = [rng.uniform(0.4, 2.6) for _ in ids]
            wd = [KW[k][0] * (f if k == 2 else 1.0) for k, f in zip(kinds, fw)]
            we = [KW[k][1] * (f if k == 2 else 1.0) for k, f in zip(kinds, fw)]
            self.cidx.append(ids)
            self.ckind.append(kinds)
            self.cwd.append(cdf(wd))
            self.cwe.append(cdf(we))

    def pick_subs(self, rng, k, pool=None, exclude_reserved=False, weights=None):
        """Sample k distinct subscribers (deterministic)."""
        pool = list(range(self.N)) if pool is None else list(pool)
        if exclude_reserved:
            pool = [p for p in pool if not self.reserved[p]]
        k = min(k, len(pool))
        if weights is None:
            return rng.sample(pool, k)
        # weighted sampling without replacement (Efraimidis-Spirakis)
        keyed = [(rng.random() ** (1.0 / weights[p]), p) for p in pool]
        keyed.sort(reverse=True)
        return [p for _, p in keyed[:k]]

    # ------------------------------------------------------------------
    # Service lines and busy benign lines (set-up of entities only)
    # ------------------------------------------------------------------
    def services_setup(self):
        rng = self.R('services-setup')
        nums = self.nums
        N, s = self.N, self.s
        self.banks = [self.add(nums.svc('95', 3), 'bank_service', 'finance_service', 'bank-%d' % (i + 1))
                      for i in range(4)]
        bank_w = [0.35, 0.3, 0.2, 0.15]
        self.bank_of = [rng.choices(self.banks, bank_w)[0] for _ in range(N)]
        self.utils = [self.add(nums.svc('96', 3), 'utility_service', 'utility', u)
                      for u in ('gas', 'power', 'water')]
        self.hotlines = [self.add(nums.n400(), 'service_hotline', 'customer_service', 'hotline-%d' % (i + 1))
                         for i in range(rng.randint(6, 10))]
        self.clinics = [self.add(nums.fixed(), 'clinic', 'healthcare', 'clinic-%d' % (i + 1))
                        for i in range(max(2, int(round(N / 5000))))]
        # property management: one office per two communities
        self.prop_of_comm = []
        self.props = []
        for c in range(self.ncomm):
            if c % 2 == 0:
                self.props.append(self.add(nums.fixed(), 'property_management', 'property', 'estate-%d' % (c // 2 + 1)))
            self.prop_of_comm.append(self.props[-1])
        # small shops: fixed line or owner's mobile, serving their community
        self.shops_of_comm = [[] for _ in range(self.ncomm)]
        self.shops = []
        for i in range(max(3, int(round(N / 400)))):
            c = rng.randrange(self.ncomm)
            num = nums.fixed() if rng.random() < 0.6 else nums.mobile()
            x = self.add(num, 'small_shop', 'retail', 'shop-%d' % (i + 1))
            self.shops.append((x, c))
            self.shops_of_comm[c].append(x)
        # voice verification / notification lines (voice OTP)
        self.verif = []
        for i in range(max(2, int(round(rng.randint(2, 4) * s)))):
            num = nums.svc('95', 4) if rng.random() < 0.6 else nums.fixed_other()
            self.verif.append(self.add(num, 'verification_line', 'notification', 'otp-%d' % (i + 1)))
        # privacy-number relay pool (food delivery / ride hailing masked numbers)
        self.relays = []
        for i in range(max(4, int(round(N / 2500)))):
            num = nums.mobile(virtual=True) if rng.random() < 0.65 else nums.mobile()
            self.relays.append(self.add(num, 'privacy_relay', 'food_delivery', 'relay-pool'))
        # couriers
        self.couriers = []
        for i in range(max(3, int(round(N / 300)))):
            x = self.add(nums.mobile(), 'courier', 'logistics', 'express-%d' % rng.randint(1, 6))
            zone = [rng.randrange(self.ncomm) for _ in range(rng.randint(1, 3))]
            self.couriers.append((x, zone, rng.uniform(0.5, 0.95), rng.randint(25, 200)))
        self.riders = []
        for i in range(max(3, int(round(N / 330)))):
            x = self.add(nums.mobile(), 'delivery_rider', 'food_delivery', 'rider')
            zone = [rng.randrange(self.ncomm) for _ in range(rng.randint(2, 4))]
            self.riders.append((x, zone))
        self.drivers = [self.add(nums.mobile(), 'ride_hailing_driver', 'transport', '')
                        for _ in range(max(2, int(round(N / 600))))]
        self.agents = []   # legitimate estate agents with their own clients
        for i in range(max(2, int(round(N / 700)))):
            x = self.add(nums.mobile(), 'estate_agent', 'real_estate_service', 'agency-branch-%d' % rng.randint(1, 8))
            c = rng.randrange(self.ncomm)
            local = self.comm_members[c] + self.comm_members[(c + 1) % self.ncomm]
            k = rng.randint(40, 200)
            cl = rng.sample(local, min(len(local), k // 2)) + self.pick_subs(rng, k - k // 2)
            self.agents.append((x, cl))
        self.ins_agents = []
        for i in range(max(2, int(round(N / 800)))):
            x = self.add(nums.mobile(), 'insurance_agent', 'insurance_service', 'insurer-%d' % rng.randint(1, 5))
            cl = self.pick_subs(rng, rng.randint(80, 400))
            self.ins_agents.append((x, cl))
        self.groupbuy = []
        for c in range(self.ncomm):
            if rng.random() < 0.5:
                x = self.add(nums.mobile(), 'group_buy_organiser', 'community_retail', 'groupbuy-%d' % (c + 1))
                mem = self.comm_members[c]
                k = min(len(mem), rng.randint(60, 250))
                self.groupbuy.append((x, self.pick_subs(rng, k, mem, weights=self.shopw)))
        self.schools = []
        parents = [p for p in range(self.N) if self.age[p] == 'adult']
        for i in range(max(2, int(round(N / 3000)))):
            x = self.add(nums.fixed(), 'school_notice', 'education', 'school-%d' % (i + 1))
            cs = [rng.randrange(self.ncomm) for _ in range(rng.randint(2, 4))]
            loc = [p for c in cs for p in self.comm_members[c] if self.age[p] == 'adult']
            k = rng.randint(100, 400)
            par = rng.sample(loc, min(len(loc), k))
            if len(par) < k:
                par += self.pick_subs(rng, k - len(par), parents)
            self.schools.append((x, par))

    # ------------------------------------------------------------------
    # Personal calls: family, relatives, friends, colleagues, off-net,
    # service calls; redials and returned missed calls
    # ------------------------------------------------------------------
    def answer_p(self, callee, known=True):
        if callee < self.N:
            return self.pk[callee] if known else self.pu[callee]
        return 0.82 if known else 0.5

    def social_call(self, rng, t, a, b, kind, depth=0):
        """One personal call a->b with its missed-call follow-ups."""
        h = self.hour(t)
        p = self.answer_p(b)
        if h < 7 or h >= 22:
            p *= 0.6
        if rng.random() < p:
            self.call(t, a, b, lognorm(rng, self.KMED[kind], 1.0, 3, 5400), 1)
            return
        self.call(t, a, b, 0, 0)
        if depth >= 2:
            return
        rd = self.rd[a] if a < self.N else 0.3
        x = rng.random()
        if x < rd:        # caller redials within a few minutes
            self.social_call(rng, t + rng.randint(40, 300), a, b, kind, depth + 1)
        elif rng.random() < (self.rt[b] if b < self.N else 0.55):   # callee returns the missed call
            t2 = t + lognorm(rng, 900, 1.2, 60, 6 * H)
            t2 = self.to_daytime(rng, t2, hm(7, 0), hm(22, 30))
            self.social_call(rng, t2, b, a, kind, depth + 1)

    def service_call(self, rng, d, p):
        """Subscriber p calls a service line; banks/utilities may call back."""
        x = rng.random()
        t = d * DAY + tod(rng, SCDF)
        cb = 0.0
        if x < 0.25:
            line, med, cb = self.bank_of[p], 160, 0.2
        elif x < 0.37:
            line, med, cb = self.utils[rng.randrange(len(self.utils))], 120, 0.2
        elif x < 0.60:
            line, med, cb = self.hotlines[rng.randrange(len(self.hotlines))], 200, 0.12
        elif x < 0.68:
            line, med = self.clinics[rng.randrange(len(self.clinics))], 90
        elif x < 0.78:
            line, med = self.prop_of_comm[self.comm[p]], 80
        else:
            sh = self.shops_of_comm[self.comm[p]]
            if not sh:
                return
            line, med = sh[rng.randrange(len(sh))], 60
        h = self.hour(t)
        ok = 8 <= h < 20 or line in self.banks or line in self.hotlines
        if ok and rng.random() < 0.95:
            self.call(t, p, line, lognorm(rng, med, 0.8, 10, 3600), 1)
        else:
            self.call(t, p, line, 0, 0)
        if rng.random() < cb:
            t2 = t + lognorm(rng, 4 * H, 1.0, 1800, 26 * H)
            t2 = self.to_daytime(rng, t2, hm(9, 0), hm(19, 30))
            if rng.random() < self.pk[p]:
                self.call(t2, line, p, lognorm(rng, 110, 0.8, 10, 1800), 1)
            else:
                self.call(t2, line, p, 0, 0)

    def social_calls(self):
        rng = self.R('social')
        N = self.N
        for d in range(self.days):
            we = self.wkend[d]
            for p in range(N):
                lam = self.rate[p] * (0.9 if we else 1.0)
                n = poisson(rng, lam)
                if not n:
                    continue
                ids = self.cidx[p]
                cw = self.cwe[p] if we else self.cwd[p]
                prof = PCDF[(self.age[p], we)]
                for _ in range(n):
                    if not ids or rng.random() < 0.07:
                        self.service_call(rng, d, p)
                        continue
                    j = bisect.bisect_right(cw, rng.random() * cw[-1])
                    if j >= len(ids):
                        j = len(ids) - 1
                    q, kind = ids[j], self.ckind[p][j]
                    t = d * DAY + tod(rng, WCDF if kind == 3 else prof)
                    if q >= N and rng.random() < 0.45:
                        self.social_call(rng, t, q, p, kind)   # off-net contact calls in
                    else:
                        self.social_call(rng, t, p, q, kind)

    # ------------------------------------------------------------------
    # Busy benign lines
    # ------------------------------------------------------------------
    def seq_calls(self, rng, caller, wins, n, pick, p_ans, dur_fn, redial_p=0.0,
                  redial_gap=(40, 180), ret_p=0.0, ret_med=1200, ret_dur=30,
                  caller_fn=None, min_gap=5):
        """Sequential calls from one line, paced to about n calls over wins."""
        if n <= 0 or not wins:
            return 0
        t = wins[0][0] + int(rng.uniform(0, 600))
        made = 0
        rem = n
        pending = None
        while rem > 0:
            t = advance(wins, t)
            if t is None:
                break
            if pending is not None and pending[0] <= t:
                b = pending[1]
                pending = None
                redial = True
            else:
                b = pick()
                redial = False
                if b is None:
                    break
            src = caller_fn() if caller_fn else caller
            if rng.random() < p_ans(b):
                dur = dur_fn()
                self.call(t, src, b, dur, 1)
                busy = rng.randint(3, 12) + dur
            else:
                self.call(t, src, b, 0, 0)
                busy = rng.randint(20, 40)
                if not redial and rng.random() < redial_p:
                    pending = (t + busy + rng.randint(*redial_gap), b)
                elif rng.random() < ret_p:
                    t2 = t + lognorm(rng, ret_med, 1.0, 60, 5 * H)
                    t2 = self.to_daytime(rng, t2, hm(8, 0), hm(21, 0))
                    back = src
                    if rng.random() < 0.85:
                        self.call(t2, b, back, lognorm(rng, ret_dur, 0.7, 3, 600), 1)
                    else:
                        self.call(t2, b, back, 0, 0)
            made += 1
            rem -= 1
            rt = rem_time(wins, t + busy)
            gap = rt / max(1, rem) - busy
            t = t + busy + max(min_gap, gap * rng.expovariate(1.0))
        return made

    def business_calls(self):
        rng = self.R('business')
        N = self.N
        days = self.days
        for d in range(days):
            we = self.wkend[d]
            sun = self.dow[d] == 6
            # couriers: two delivery rounds, recipients in their zone
            for x, zone, ans0, n0 in self.couriers:
                members = [p for c in zone for p in self.comm_members[c]]
                cw = cdf([self.shopw[p] for p in members])
                n = min(200, max(25, int(n0 * rng.uniform(0.85, 1.15) * (0.8 if sun else 1.0))))
                ans = min(0.97, max(0.45, ans0 + rng.uniform(-0.04, 0.04)))
                wins = windows_abs(d, jitter_wins(rng, [(hm(8, 30), hm(12, 0)), (hm(13, 30), hm(19, 0))], 900))

                def pick(members=members, cw=cw):
                    return members[bisect.bisect_right(cw, rng.random() * cw[-1]) if cw else 0]
                self.seq_calls(rng, x, wins, n, pick, lambda b, a=ans: a,
                               lambda: lognorm(rng, 18, 0.6, 3, 300), redial_p=0.4,
                               redial_gap=(30, 150), ret_p=0.4, ret_med=1200, ret_dur=25, min_gap=15)
            # food-delivery riders, partly through the privacy-number relay pool
            for x, zone in self.riders:
                members = [p for c in zone for p in self.comm_members[c]]
                cw = cdf([self.shopw[p] for p in members])
                n = int(rng.randint(40, 150) * (1.15 if we else 1.0))
                ans = rng.uniform(0.6, 0.92)
                relay_f = rng.uniform(0.2, 0.6)
                wins = windows_abs(d, jitter_wins(rng, [(hm(10, 30), hm(13, 30)), (hm(16, 45), hm(20, 45))], 600))

                def pick(members=members, cw=cw):
                    return members[bisect.bisect_right(cw, rng.random() * cw[-1])]

                def via(x=x, relay_f=relay_f):
                    if rng.random() < relay_f:
                        return self.relays[rng.randrange(len(self.relays))]
                    return x
                self.seq_calls(rng, x, wins, n, pick, lambda b, a=ans: a,
                               lambda: lognorm(rng, 14, 0.6, 2, 240), redial_p=0.5,
                               redial_gap=(20, 90), ret_p=0.3, ret_med=300, ret_dur=20,
                               caller_fn=via, min_gap=20)
            # ride-hailing drivers call passengers (some via relays)
            for x in self.drivers:
                n = rng.randint(8, 30)
                wins = windows_abs(d, jitter_wins(rng, [(hm(7, 0), hm(23, 0))], 1800))

                def via(x=x):
                    return self.relays[rng.randrange(len(self.relays))] if rng.random() < 0.3 else x
                self.seq_calls(rng, x, wins, n, lambda: rng.randrange(N), lambda b: 0.8,
                               lambda: lognorm(rng, 20, 0.6, 3, 300), redial_p=0.5,
                               redial_gap=(20, 60), ret_p=0.2, ret_med=180, caller_fn=via, min_gap=300)
            # legitimate estate agents: own clients, clients call back and in
            for x, cl in self.agents:
                n = int(rng.randint(15, 70) * (1.3 if we else 1.0))
                wins = windows_abs(d, jitter_wins(rng, [(hm(9, 0), hm(12, 0)), (hm(13, 30), hm(21, 0))], 1200))
                self.seq_calls(rng, x, wins, n, lambda cl=cl: cl[rng.randrange(len(cl))],
                               lambda b: 0.7 + 0.25 * self.pk[b] - 0.1,
                               lambda: lognorm(rng, 75, 1.0, 5, 2400), redial_p=0.15,
                               ret_p=0.5, ret_med=1800, ret_dur=90)
                for _ in range(poisson(rng, 0.3 * n)):
                    b = cl[rng.randrange(len(cl))]
                    t = d * DAY + tod(rng, SCDF)
                    if rng.random() < 0.85:
                        self.call(t, b, x, lognorm(rng, 90, 0.9, 5, 2400), 1)
                    else:
                        self.call(t, b, x, 0, 0)
            # legitimate insurance agents: renewals with existing customers
            for x, cl in self.ins_agents:
                n = int(rng.randint(10, 50) * (0.4 if we else 1.0))
                wins = windows_abs(d, jitter_wins(rng, [(hm(9, 0), hm(12, 0)), (hm(14, 0), hm(18, 30))], 1200))
                self.seq_calls(rng, x, wins, n, lambda cl=cl: cl[rng.randrange(len(cl))],
                               lambda b: 0.55 + 0.3 * self.pk[b] - 0.1,
                               lambda: lognorm(rng, 100, 0.9, 5, 2400), redial_p=0.1,
                               ret_p=0.5, ret_med=2400, ret_dur=120)
                for _ in range(poisson(rng, 0.2 * n)):
                    b = cl[rng.randrange(len(cl))]
                    t = d * DAY + tod(rng, SCDF)
                    self.call(t, b, x, lognorm(rng, 120, 0.9, 5, 2400), 1 if rng.random() < 0.85 else 0)
            # clinics: appointment reminders, each patient called once
            for x in self.clinics:
                if sun:
                    continue
                n = int(rng.randint(30, 120) * self.s * (0.5 if we else 1.0))
                pts = self.pick_subs(rng, n, weights=[2.0 if a == 'senior' else 1.0 for a in self.age])
                it = iter(pts)
                wins = windows_abs(d, [(hm(9, 0), hm(11, 30)), (hm(14, 0), hm(16, 30))])
                self.seq_calls(rng, x, wins, len(pts), lambda it=it: next(it, None),
                               lambda b: rng.uniform(0.6, 0.8) + 0.1,
                               lambda: lognorm(rng, 30, 0.4, 8, 300), redial_p=0.5,
                               redial_gap=(1800, 5400), ret_p=0.35, ret_med=3600, ret_dur=60, min_gap=10)
            # property management: fees and repairs with residents
            for ci, x in enumerate(self.props):
                res = self.comm_members[2 * ci] + (self.comm_members[2 * ci + 1] if 2 * ci + 1 < self.ncomm else [])
                n = int(rng.randint(10, 50) * (0.5 if we else 1.0))
                wins = windows_abs(d, [(hm(8, 30), hm(11, 45)), (hm(13, 30), hm(17, 30))])
                self.seq_calls(rng, x, wins, n, lambda res=res: res[rng.randrange(len(res))],
                               lambda b: 0.65 + 0.2 * self.pk[b] - 0.1,
                               lambda: lognorm(rng, 45, 0.8, 5, 900), redial_p=0.1,
                               ret_p=0.4, ret_med=3600, ret_dur=60)
            # community group-buy organisers: pick-up reminders in the late afternoon
            for x, mem in self.groupbuy:
                n = min(len(mem), rng.randint(20, 100))
                todays = rng.sample(mem, n)
                it = iter(todays)
                t0 = hm(15, 30) + rng.randint(0, 3600)
                wins = windows_abs(d, [(t0, t0 + rng.randint(3600, 3 * H))])
                self.seq_calls(rng, x, wins, n, lambda it=it: next(it, None),
                               lambda b: 0.6 + 0.25 * self.pk[b],
                               lambda: lognorm(rng, 15, 0.6, 3, 240), redial_p=0.1,
                               ret_p=0.3, ret_med=900, ret_dur=20, min_gap=8)
            # banks and utilities: proactive service calls (repayment due, meter, arrears)
            for x in self.banks:
                n = poisson(rng, 25 * self.s * (0.3 if we else 1.0))
                for _ in range(n):
                    b = rng.randrange(N)
                    t = d * DAY + rng.randint(hm(9, 0), hm(18, 0))
                    self.seq_one(rng, t, x, b, 0.65, 70)
            for x in self.utils:
                n = poisson(rng, 12 * self.s * (0.2 if we else 1.0))
                for _ in range(n):
                    b = rng.randrange(N)
                    t = d * DAY + rng.randint(hm(9, 0), hm(17, 30))
                    self.seq_one(rng, t, x, b, 0.6, 50)
            for x in self.hotlines:   # after-sales follow-up calls
                for _ in range(poisson(rng, 6 * self.s)):
                    b = rng.randrange(N)
                    t = d * DAY + rng.randint(hm(9, 0), hm(20, 0))
                    self.seq_one(rng, t, x, b, 0.55, 60)
            # small shops: customers in their community and suppliers off-net
            for x, c in self.shops:
                mem = self.comm_members[c]
                for _ in range(rng.randint(3, 20)):
                    b = mem[rng.randrange(len(mem))] if rng.random() < 0.7 else self.offnet[rng.randrange(len(self.offnet))]
                    t = d * DAY + rng.randint(hm(8, 0), hm(21, 0))
                    self.seq_one(rng, t, x, b, 0.8, 50)
            # voice verification codes: many distinct users, near-constant length
            for x in self.verif:
                L = 18 + (x % 9)
                n = int(rng.randint(100, 500) * self.s)
                for _ in range(n):
                    b = rng.randrange(N)
                    t = d * DAY + tod(rng, PCDF[('young', we)])
                    if rng.random() < 0.85:
                        self.call(t, x, b, L - rng.randint(0, 3) if rng.random() < 0.7 else rng.randint(6, L), 1)
                    else:
                        self.call(t, x, b, 0, 0)
                        if rng.random() < 0.5:   # user presses "resend"
                            t2 = t + rng.randint(60, 120)
                            self.call(t2, x, b, L - rng.randint(0, 2), 1 if rng.random() < 0.8 else 0)
        # schools: individual teacher calls and one or two broadcast notices
        for x, par in self.schools:
            for d in range(days):
                if self.wkend[d]:
                    continue
                for _ in range(rng.randint(3, 15)):
                    b = par[rng.randrange(len(par))]
                    t = d * DAY + rng.randint(hm(8, 0), hm(17, 0))
                    self.seq_one(rng, t, x, b, 0.85, 90)
            weekdays = [d for d in range(days) if not self.wkend[d]] or list(range(days))
            for d in sorted(rng.sample(weekdays, min(len(weekdays), rng.randint(1, 2)))):
                t0 = d * DAY + rng.choice((hm(7, 0), hm(11, 30), hm(15, 0), hm(19, 0))) + rng.randint(0, 1800)
                tgt = par if rng.random() < 0.5 else rng.sample(par, max(30, len(par) // rng.randint(2, 5)))
                it = iter(tgt)
                L = rng.randint(1200, 5400)
                self.seq_calls(rng, x, [(t0, t0 + L)], len(tgt), lambda it=it: next(it, None),
                               lambda b: 0.75 + 0.2 * self.pk[b],
                               lambda: lognorm(rng, 25, 0.5, 5, 300), redial_p=0.3,
                               redial_gap=(60, 300), ret_p=0.45, ret_med=600, ret_dur=60, min_gap=3)

    def seq_one(self, rng, t, a, b, p, med):
        if rng.random() < p:
            self.call(t, a, b, lognorm(rng, med, 0.8, 5, 1800), 1)
        else:
            self.call(t, a, b, 0, 0)
            if b < self.N and rng.random() < 0.35:
                t2 = self.to_daytime(rng, t + lognorm(rng, 1800, 1.0, 120, 8 * H), hm(8, 30), hm(20, 0))
                self.call(t2, b, a, lognorm(rng, med, 0.8, 5, 1800), 1)

    # ------------------------------------------------------------------
    # Telemarketing call rooms
    # ------------------------------------------------------------------
    def new_room_id(self):
        self.room_no = getattr(self, 'room_no', 0) + 1
        return 'room-%02d' % self.room_no

    def telemarketing(self):
        rng = self.R('tm-setup')
        N, s = self.N, self.s
        nums = self.nums
        self.rooms = []
        # --- leaked lists (drawn from ordinary subscribers) ---
        newhome_comms = rng.sample(range(self.ncomm), max(1, self.ncomm // 6))
        newhome = [p for c in newhome_comms for p in self.comm_members[c] if rng.random() < 0.85]
        newhome += self.pick_subs(rng, int(0.04 * N))
        loans_list = self.pick_subs(rng, int(rng.uniform(0.12, 0.2) * N),
                                    weights=[2.0 if a == 'young' else 1.0 for a in self.age])
        car_list = self.pick_subs(rng, int(rng.uniform(0.08, 0.14) * N),
                                  weights=[1.5 if a == 'adult' else 0.6 for a in self.age])
        agency_leak = [p for _, cl in self.agents for p in cl if rng.random() < 0.6]
        re_list = agency_leak + self.pick_subs(rng, int(0.08 * N))
        warm_loans = self.pick_subs(rng, int(0.03 * N), loans_list)
        warm_ins = self.pick_subs(rng, int(0.04 * N), car_list)
        warm_re = self.pick_subs(rng, int(0.03 * N), re_list)
        self.lists = {'newhome': newhome, 'loans': loans_list, 'car': car_list, 're': re_list}

        def fb():   # cold fallback list bought in bulk
            return self.pick_subs(rng, int(0.1 * N))

        MAN_W = [(hm(9, 0), hm(12, 0)), (hm(13, 30), hm(18, 0))]
        LATE_W = [(hm(9, 0), hm(12, 0)), (hm(13, 30), hm(18, 0)), (hm(18, 45), hm(20, 45))]
        PT_W = [(hm(10, 0), hm(12, 0)), (hm(14, 0), hm(17, 30)), (hm(19, 0), hm(21, 0))]

        def room(sector, kind, lst, nseats, rate, styles, **kw):
            r = dict(id=kw.get('rid') or self.new_room_id(), sector=sector, kind=kind,
                     order=rng.sample(lst, len(lst)), fallback=fb(),
                     ans_factor=kw.get('ans', rng.uniform(0.65, 1.05)),
                     warm=kw.get('warm', 0.0),
                     talk=kw.get('talk', rng.uniform(34, 50)),
                     drop_p=kw.get('drop', 0.0),
                     redial_p=kw.get('redial', rng.choice((0.0, 0.0, rng.uniform(0.2, 0.5)))),
                     cb_p=rng.uniform(0.004, 0.02),
                     refuse=rng.uniform(0.5, 0.7), keen=rng.uniform(0.02, 0.05),
                     max_att=rng.randint(3, 5), label=rng.uniform(0.04, 0.14),
                     timeout=rng.randint(22, 40),
                     wins=kw.get('wins', MAN_W),
                     workdays=kw.get('workdays', set(range(6)) if rng.random() < 0.6 else set(range(7))),
                     seats=[])
            rot = kw.get('rotate', 0)
            chans = kw.get('chans', (1, 1))
            for si in range(nseats):
                st = rng.choice(styles)
                seat_rate = rng.randint(*rate)
                ch = rng.randint(*chans)
                active = kw.get('active_days') or list(range(self.days))
                if callable(active):
                    active = active()
                cur = None
                byday = {}
                for d in range(self.days):
                    if d not in active:
                        continue
                    if cur is None or (rot and d % rot == 0):
                        cur = self.add(nums.style(st), 'telemarketing', sector, r['id'])
                    byday[d] = (cur, ch, int(seat_rate * rng.uniform(0.85, 1.15)))
                r['seats'].append(byday)
            self.rooms.append(r)
            return r

        def nrooms(lo, hi):
            return rint_scaled(rng, lo, hi, s)

        # decoration: several rooms working one new-home owner list
        for _ in range(nrooms(3, 4)):
            room('decoration', 'manual', newhome, rng.randint(4, 8), (150, 600),
                 [rng.choice(('local_fixed', 'mobile', 'virtual'))] * 3 + ['mobile'],
                 ans=rng.uniform(0.85, 1.3), talk=rng.uniform(38, 52), wins=rng.choice((MAN_W, LATE_W)))
        # loans
        for _ in range(nrooms(1, 2)):      # auto / predictive diallers
            room('loans', 'auto', loans_list, rng.randint(3, 6), (500, 1100),
                 [rng.choice(('400', '95', '96', 'virtual', 'fixed_other'))],
                 chans=(2, 3), ans=rng.uniform(0.55, 0.85), talk=rng.uniform(18, 32),
                 drop=rng.choice((0.0, rng.uniform(0.05, 0.2), rng.uniform(0.05, 0.2))),
                 redial=0.0, workdays=set(range(7)), wins=LATE_W)
        loans_pt = nrooms(4, 8)            # part-timers on personal mobiles, one studio
        studio = self.new_room_id()
        chunks = [loans_list[i::loans_pt] for i in range(loans_pt)]
        self.part_timers = []
        for i in range(loans_pt):
            r = room('loans', 'parttime', chunks[i], 1, (100, 250), ['mobile'], rid=studio,
                     talk=rng.uniform(28, 45), wins=PT_W, redial=rng.uniform(0.0, 0.4), workdays=set(range(7)),
                     active_days=lambda: sorted(rng.sample(range(self.days), max(1, min(self.days, rng.randint(2, 4))))))
            self.part_timers.append(r)
        for _ in range(nrooms(1, 1)):      # rotating numbers on the same list
            room('loans', 'rotating', loans_list, rng.randint(3, 5), (200, 500),
                 [rng.choice(('virtual', 'mobile'))], rotate=rng.randint(1, 2),
                 redial=rng.uniform(0.2, 0.5))
        # insurance
        for _ in range(nrooms(1, 1)):      # warm list (renewal data), high answer
            room('insurance', 'warm', warm_ins, rng.randint(4, 6), (100, 200),
                 [rng.choice(('fixed_other', 'mobile'))], warm=rng.uniform(0.78, 0.9),
                 talk=rng.uniform(60, 95))
        for _ in range(nrooms(1, 1)):      # auto dialler, car-owner list
            room('insurance', 'auto', car_list, rng.randint(3, 5), (400, 900),
                 [rng.choice(('fixed_other', '95', '400'))], chans=(2, 3),
                 ans=rng.uniform(0.6, 0.9), talk=rng.uniform(22, 40),
                 drop=rng.uniform(0.04, 0.15), redial=0.0, wins=LATE_W)
        ins_pt = nrooms(3, 5)
        studio = self.new_room_id()
        for i in range(ins_pt):
            r = room('insurance', 'parttime', car_list[i::ins_pt], 1, (100, 250), ['mobile'], rid=studio,
                     talk=rng.uniform(30, 50), wins=PT_W, redial=rng.uniform(0.0, 0.3), workdays=set(range(7)),
                     active_days=lambda: sorted(rng.sample(range(self.days), max(1, min(self.days, rng.randint(2, 4))))))
            self.part_timers.append(r)
        # loans warm list seller
        for _ in range(nrooms(0, 1) if s < 1 else nrooms(1, 1)):
            room('loans', 'warm', warm_loans, rng.randint(2, 4), (100, 200), ['mobile', 'virtual'],
                 warm=rng.uniform(0.76, 0.9), talk=rng.uniform(55, 90))
        # real estate
        for _ in range(nrooms(1, 2)):
            room('real_estate', 'manual', re_list, rng.randint(4, 8), (150, 350),
                 ['mobile', 'mobile', 'local_fixed'], talk=rng.uniform(35, 60), wins=LATE_W)
        for _ in range(nrooms(1, 1)):
            room('real_estate', 'rotating', re_list, rng.randint(3, 4), (180, 400),
                 [rng.choice(('mobile', 'virtual'))], rotate=rng.randint(1, 3),
                 redial=rng.uniform(0.2, 0.5))
        for _ in range(nrooms(1, 1)):
            room('real_estate', 'warm', warm_re, rng.randint(2, 4), (100, 180), ['mobile'],
                 warm=rng.uniform(0.78, 0.9), talk=rng.uniform(70, 110))
        # personal traffic of part-timers (their own family and friends)
        prng = self.R('tm-personal')
        for r in self.part_timers:
            for byday in r['seats']:
                xs = sorted(set(v[0] for v in byday.values()))
                for x in xs:
                    circle = self.pick_subs(prng, prng.randint(3, 8))
                    for d in range(self.days):
                        for _ in range(prng.randint(1, 5)):
                            q = circle[prng.randrange(len(circle))]
                            t = d * DAY + tod(prng, PCDF[('adult', self.wkend[d])])
                            if prng.random() < 0.4:
                                self.social_call(prng, t, q, x, 0)
                            else:
                                self.social_call(prng, t, x, q, 0)
        run = self.R('tm-run')
        for r in self.rooms:
            self.run_room(run, r)

    def run_room(self, rng, room):
        st = {}             # prospect -> [attempts, refusals, answered, keen]
        due = {}
        order, fallback = room['order'], room['fallback']
        fi = [0, 0]
        first_day = {}
        carry = []
        talk = room['talk']
        for d in range(self.days):
            todays = carry + due.pop(d, [])
            carry = []
            if self.dow[d] not in room['workdays']:
                carry = todays
                continue
            rng.shuffle(todays)
            chans = []
            for byday in room['seats']:
                if d not in byday:
                    continue
                x, ch, n = byday[d]
                first_day.setdefault(x, d)
                wins = windows_abs(d, jitter_wins(rng, room['wins'], 600))
                if not wins:
                    continue
                for c in range(ch):
                    chans.append([wins[0][0] + rng.randint(0, 900), x, wins, n // ch + (1 if c < n % ch else 0), None, 25.0])
            heap = [(c[0], i) for i, c in enumerate(chans)]
            heapq.heapify(heap)
            while heap:
                t, i = heapq.heappop(heap)
                c = chans[i]
                x, wins, rem = c[1], c[2], c[3]
                t = advance(wins, t)
                if t is None or rem <= 0:
                    continue
                redial = False
                if c[4] is not None and c[4][0] <= t:
                    p = c[4][1]
                    c[4] = None
                    redial = True
                else:
                    p = None
                    if todays and (fi[0] >= len(order) or rng.random() < 0.45):
                        p = todays.pop()
                    elif fi[0] < len(order):
                        p = order[fi[0]]
                        fi[0] += 1
                    elif todays:
                        p = todays.pop()
                    elif fi[1] < len(fallback):
                        p = fallback[fi[1]]
                        fi[1] += 1
                    if p is None:
                        continue
                    s = st.get(p)
                    if s is None:
                        s = st[p] = [0, 0, 0, 0]
                    if s[1] >= 3 or s[3] == 2:
                        c[0] = t
                        heapq.heappush(heap, (t, i))
                        continue
                s = st.setdefault(p, [0, 0, 0, 0])
                age = d - first_day[x]
                if room['warm']:
                    pa = room['warm'] * (0.85 + 0.3 * self.pu[p]) * (0.96 ** s[2])
                else:
                    pa = self.pu[p] * room['ans_factor'] * (0.88 ** s[2])
                pa *= max(0.5, 1.0 - room['label'] * age)
                if rng.random() < pa:
                    s[2] += 1
                    if room['drop_p'] and rng.random() < room['drop_p']:
                        dur = rng.randint(0, 3)
                        self.call(t, x, p, dur, 1)
                        self.sched(due, d + 1, p)
                    else:
                        u = rng.random()
                        if s[3] == 1:            # A-prospect follow-up: long talk, then done
                            dur = lognorm(rng, talk * 3.5, 0.7, 20, 3600)
                            s[3] = 2
                        elif u < room['keen']:
                            dur = lognorm(rng, talk * 2.5, 0.7, 15, 2400)
                            s[3] = 1
                            self.sched(due, d + 1, p)
                        elif u < room['keen'] + room['refuse']:
                            dur = lognorm(rng, talk * 0.7, 0.8, 2, 600)
                            s[1] += 1
                            if s[1] < 3:
                                self.sched(due, d + rng.randint(1, 3), p)
                        else:                   # B: call again on a later day
                            dur = lognorm(rng, talk * 1.3, 0.8, 4, 1200)
                            self.sched(due, d + rng.randint(1, 3), p)
                        self.call(t, x, p, dur, 1)
                    busy = rng.randint(3, 15) + dur
                else:
                    s[0] += 1
                    self.call(t, x, p, 0, 0)
                    busy = room['timeout'] + rng.randint(-3, 3)
                    if not redial and room['redial_p'] and rng.random() < room['redial_p']:
                        c[4] = (t + busy + rng.randint(30, 300), p)
                    elif s[0] < room['max_att']:
                        self.sched(due, d + rng.randint(1, 2), p)
                    if rng.random() < room['cb_p']:    # rare call-back by the prospect
                        t2 = self.to_daytime(rng, t + lognorm(rng, 1800, 1.2, 60, 8 * H), hm(8, 0), hm(21, 0))
                        self.call(t2, p, x, lognorm(rng, 15, 0.8, 2, 180), 1 if rng.random() < 0.6 else 0)
                c[3] = rem - 1
                busy += 2 if room['kind'] == 'auto' else rng.randint(3, 20)
                rt = rem_time(wins, t + busy)
                gap = rt / max(1, c[3]) - busy
                nt = t + busy + max(1, gap * rng.uniform(0.3, 1.7))
                c[0] = nt
                heapq.heappush(heap, (nt, i))

    @staticmethod
    def sched(due, d, p):
        due.setdefault(d, []).append(p)

    # ------------------------------------------------------------------
    # Robocalls: fixed-message and AI voice bots
    # ------------------------------------------------------------------
    def robocalls(self):
        rng = self.R('robocall')
        nums = self.nums
        s = self.s
        by_number = sorted(range(self.N), key=lambda p: self.num[p])
        ncamp = rint_scaled(rng, 3, 4, s)
        for ci in range(ncamp):
            cid = 'robo-%02d' % (ci + 1)
            ai = ci % 2 == 1 or rng.random() < 0.3
            st = rng.choice(('95', '96', '400', 'fixed_other', 'virtual'))
            xs = [self.add(nums.style(st), 'robocall', 'robocall', cid) for _ in range(rng.randint(4, 6))]
            if ai and rng.random() < 0.6:
                targets = self.lists['loans'][:]
                rng.shuffle(targets)
            else:                               # sweep number ranges in order
                k = rng.randrange(self.N)
                targets = by_number[k:] + by_number[:k]
            ti = [0]
            L = rng.randint(18, 45)
            timeout = rng.randint(25, 35)
            pmult = rng.uniform(0.55, 0.85)
            med = rng.uniform(18, 40)
            wins_day = [(hm(9, 0), hm(20, 0))] if not ai else [(hm(9, 0), hm(12, 0)), (hm(13, 0), hm(19, 30))]
            for d in range(self.days):
                for x in xs:
                    n = rng.randint(300, 1500)
                    ch = rng.randint(1, 2)
                    wins = windows_abs(d, wins_day)
                    total = rem_time(wins, 0)
                    ans_est = 0.5 * pmult
                    busy_est = ans_est * (8 + (0.45 * L if not ai else med)) + (1 - ans_est) * timeout
                    gap = max(1.0, total * ch / n - busy_est)
                    for c in range(ch):
                        t = wins[0][0] + c * 7 + rng.randint(0, 60)
                        for _ in range(n // ch):
                            t = advance(wins, t)
                            if t is None:
                                break
                            p = targets[ti[0] % len(targets)]
                            ti[0] += 1
                            if rng.random() < self.pu[p] * pmult:
                                if ai:
                                    dur = rng.randint(1, 5) if rng.random() < 0.2 else lognorm(rng, med, 0.9, 2, 400)
                                else:
                                    dur = rng.randint(1, 8) if rng.random() < 0.55 else L - rng.randint(0, 1)
                                self.call(t, x, p, dur, 1)
                                busy = rng.randint(4, 10) + dur
                            else:
                                self.call(t, x, p, 0, 0)
                                busy = timeout
                            t = t + busy + gap + rng.uniform(-0.5, 0.5)

    # ------------------------------------------------------------------
    # Debt collection
    # ------------------------------------------------------------------
    def debt_collection(self):
        rng = self.R('debt')
        nums = self.nums
        s = self.s
        N = self.N
        nag = rint_scaled(rng, 3, 4, s)
        for ai in range(nag):
            aid = 'agency-%02d' % (ai + 1)
            for ci in range(rng.randint(4, 6)):
                debtors = [p for p in self.pick_subs(rng, rng.randint(20, 60), exclude_reserved=True)
                           if self.cidx[p]]
                for p in debtors:
                    self.reserved[p] = 1
                pressure = [math.exp(rng.gauss(0, 0.8)) for _ in debtors]
                pcdf = cdf(pressure)
                share = rng.uniform(0.4, 0.6)
                st = rng.choice(('mobile', 'mobile', 'virtual', 'fixed_other'))
                switch = rng.randint(2, self.days - 1) if self.days >= 3 and rng.random() < 0.3 else None
                x = self.add(nums.style(st), 'debt_collection', 'debt_collection', aid)
                redial_p = rng.uniform(0.3, 0.6)
                for d in range(self.days):
                    if switch is not None and d == switch:
                        x = self.add(nums.style(st), 'debt_collection', 'debt_collection', aid)
                    n = max(110, int(rng.randint(110, 300) * (0.75 if self.dow[d] == 6 else 1.0)))
                    wins = windows_abs(d, jitter_wins(rng, [(hm(8, 0), hm(12, 0)), (hm(13, 0), hm(21, 30))], 900))
                    today = {}
                    pending = []

                    def pick():
                        if pending:
                            return pending.pop()
                        j = bisect.bisect_right(pcdf, rng.random() * pcdf[-1])
                        db = debtors[min(j, len(debtors) - 1)]
                        if rng.random() < share:
                            return db
                        ids, kinds = self.cidx[db], self.ckind[db]
                        # collectors favour family first, then friends/colleagues
                        for _ in range(3):
                            k = rng.randrange(len(ids))
                            if kinds[k] <= 1 or rng.random() < 0.5:
                                return ids[k]
                        return ids[rng.randrange(len(ids))]

                    dset = set(debtors)

                    def p_ans(b):
                        k = today.get(b, 0)
                        today[b] = k + 1
                        if b in dset:
                            return 0.45 * (0.8 ** k)
                        return self.answer_p(b, known=False) * 0.9 * (0.75 ** k)

                    t = wins[0][0] + rng.randint(0, 600)
                    rem = n
                    while rem > 0:
                        t = advance(wins, t)
                        if t is None:
                            break
                        b = pick()
                        if rng.random() < p_ans(b):
                            dur = lognorm(rng, 55 if b in dset else 25, 1.0, 2, 1500)
                            self.call(t, x, b, dur, 1)
                            busy = rng.randint(3, 10) + dur
                        else:
                            self.call(t, x, b, 0, 0)
                            busy = rng.randint(25, 45)
                            if b in dset and rng.random() < redial_p and len(pending) < 3:
                                pending.append(b)       # redial straight away
                            elif b < N and rng.random() < 0.03:
                                t2 = self.to_daytime(rng, t + lognorm(rng, 3600, 1.0, 300, 10 * H))
                                self.call(t2, b, x, lognorm(rng, 120, 0.8, 10, 1800), 1)
                        rem -= 1
                        gap = rem_time(wins, t + busy) / max(1, rem) - busy
                        t = t + busy + (rng.randint(5, 40) if pending else max(3, gap * rng.uniform(0.3, 1.7)))

    # ------------------------------------------------------------------
    # Call bombing
    # ------------------------------------------------------------------
    def call_bombing(self):
        rng = self.R('bombing')
        nums = self.nums
        s = self.s
        N = self.N
        nep = rint_scaled(rng, 4, 7, s)
        cands = [p for p in range(N) if not self.reserved[p] and self.cls[p] == 'ordinary']
        victims = rng.sample(cands, nep)
        for ei, v in enumerate(victims):
            eid = 'bomb-%02d' % (ei + 1)
            self.reserved[v] = 1
            self.cls[v] = 'call_bombing_target'
            self.sector[v] = 'call_bombing'
            self.camp[v] = eid
            srcs = []   # (number, kind, quota)
            for _ in range(rng.randint(3, 8)):
                x = self.add(nums.style(rng.choice(('virtual', 'virtual', 'mobile'))), 'bombing_source', 'call_bombing', eid)
                srcs.append((x, 'sim', rng.randint(110, 260)))
            for _ in range(rng.randint(5, 15)):
                x = self.add(nums.style(rng.choice(('400', 'fixed_other', 'local_fixed'))), 'bombing_source', 'call_bombing', eid)
                srcs.append((x, 'callback', rng.randint(20, 45)))
            for _ in range(rng.randint(1, 4)):
                x = self.add(nums.style(rng.choice(('95', '96', 'fixed_other'))), 'bombing_source', 'call_bombing', eid)
                srcs.append((x, 'verif', rng.randint(10, 60)))
            # the abused lines' own legitimate traffic
            for x, kind, _ in srcs:
                if kind == 'sim':
                    continue
                L = rng.randint(15, 25)
                for d in range(self.days):
                    k = rng.randint(22, 50) if kind == 'callback' else rng.randint(40, 150)
                    for _ in range(k):
                        b = rng.randrange(N)
                        if kind == 'callback':
                            t = d * DAY + rng.randint(hm(9, 0), hm(20, 0))
                            self.seq_one(rng, t, x, b, 0.7, 60)
                        else:
                            t = d * DAY + tod(rng, SCDF)
                            self.call(t, x, b, L, 1) if rng.random() < 0.85 else self.call(t, x, b, 0, 0)
            # bursts
            nb = rng.randint(2, 5)
            bursts = []
            for _ in range(nb):
                d = rng.randrange(self.days)
                t0 = d * DAY + rng.randint(hm(8, 0), hm(22, 30))
                bursts.append((t0, rng.randint(8, 40) * 60))
            bursts.sort()
            events = []
            for x, kind, q in srcs:
                split = [rng.random() + 0.2 for _ in bursts]
                tot = sum(split)
                spacing = rng.randint(9, 20) if kind == 'sim' else 45
                left = q
                for bi, (t0, L) in enumerate(bursts):
                    k = left if bi == len(bursts) - 1 else int(round(q * split[bi] / tot))
                    k = min(k, left, L // spacing)
                    left -= k
                    ts = sorted(t0 + rng.randint(0, L) for _ in range(k))
                    last = -10 ** 9
                    for t in ts:
                        if t < last + spacing:
                            t = last + spacing + rng.randint(0, 10)
                        last = t
                        events.append((t, x, kind))
                if left > 0:   # top up in the last burst if spacing capped it
                    t0, L = bursts[-1]
                    t = t0 + L
                    for _ in range(left):
                        t += spacing + rng.randint(0, 15)
                        events.append((t, x, kind))
            # a few hits from big shared verification lines (stay benign-labelled)
            for t0, L in bursts:
                for _ in range(rng.randint(0, 4)):
                    events.append((t0 + rng.randint(0, L), self.verif[rng.randrange(len(self.verif))], 'shared'))
            events.sort()
            # victim answers early calls of a burst, then gives up
            seen = 0
            cur = None
            for t, x, kind in events:
                b = max(i for i in range(len(bursts)) if bursts[i][0] <= t) if t >= bursts[0][0] else 0
                if b != cur:
                    cur, seen = b, 0
                pa = max(0.03, 0.6 * math.exp(-seen / 8.0))
                seen += 1
                if rng.random() < pa:
                    if kind == 'sim':
                        dur = rng.randint(1, 8)
                    elif kind == 'callback':
                        dur = rng.randint(4, 30)
                    else:
                        dur = rng.randint(2, 6) if rng.random() < 0.5 else rng.randint(15, 25)
                    self.call(t, x, v, dur, 1)
                else:
                    self.call(t, x, v, 0, 0)

    # ------------------------------------------------------------------
    # Output
    # ------------------------------------------------------------------
    def write(self, out, truth):
        num = self.num
        rows = [(t, num[a], num[b], dur, ans, a, b) for (t, a, b, dur, ans) in self.calls]
        rows.sort()
        day_prefix = [(self.start + dt.timedelta(days=d)).isoformat() + 'T' for d in range(self.days)]
        TOD = ['%02d:%02d:%02d' % (x // 3600, (x // 60) % 60, x % 60) for x in range(DAY)]
        first_out = {}
        first_any = {}
        lines = ['caller,callee,start_time,duration_s,answered\n']
        prev = None
        n = 0
        for t, ca, ce, dur, ans, a, b in rows:
            key = (t, ca, ce)
            if key == prev:
                continue
            prev = key
            n += 1
            lines.append('%s,%s,%s%s+08:00,%d,%d\n' % (ca, ce, day_prefix[t // DAY], TOD[t % DAY], dur, ans))
            if a not in first_out:
                first_out[a] = t
            if a not in first_any:
                first_any[a] = t
            if b not in first_any:
                first_any[b] = t
        with open(out, 'w', newline='') as f:
            f.write(''.join(lines))
        base = dt.datetime(self.start.year, self.start.month, self.start.day) - dt.timedelta(hours=8)
        tl = []
        for x in sorted(first_any, key=lambda i: num[i]):
            t = first_out.get(x, first_any[x])
            fc = (base + dt.timedelta(seconds=t)).strftime('%Y-%m-%dT%H:%M:%SZ')
            tl.append(json.dumps({'number': num[x], 'class': self.cls[x], 'first_call': fc,
                                  'sector': self.sector[x], 'campaign': self.camp[x]},
                                 separators=(', ', ': ')) + '\n')
        with open(truth, 'w', newline='') as f:
            f.write(''.join(tl))
        return n, len(tl)


def main(argv=None):
    ap = argparse.ArgumentParser(description='Independent synthetic CDR generator')
    ap.add_argument('--days', type=int, default=4)
    ap.add_argument('--subscribers', type=int, default=20000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--start', default='2026-11-26')
    ap.add_argument('--out', required=True)
    ap.add_argument('--truth', required=True)
    a = ap.parse_args(argv)
    if a.days < 1 or a.subscribers < 1000:
        ap.error('need --days >= 1 and --subscribers >= 1000')
    w = World(a.seed, a.subscribers, a.days, dt.date.fromisoformat(a.start))
    w.build()
    n, m = w.write(a.out, a.truth)
    print('%d calls, %d numbers' % (n, m), file=sys.stderr)


if __name__ == '__main__':
    main()
