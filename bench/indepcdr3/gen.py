#!/usr/bin/env python3
"""Synthetic CDR population generator for harassment-call detector testing.

Standard library only.  Deterministic per --seed.
"""
import argparse
import calendar
import datetime
import heapq
import json
import math
import random
import time

MOBILE_PREFIXES = ['130', '131', '132', '133', '134', '135', '136', '137', '138', '139',
                   '150', '151', '152', '153', '155', '156', '157', '158', '159',
                   '180', '181', '182', '183', '184', '185', '186', '187', '188', '189',
                   '147', '166', '173', '175', '176', '177', '178', '191', '195', '198', '199']
VIRTUAL_PREFIXES = ['170', '171', '162', '165', '167']
AREA_CODES = ['10', '21', '20', '22', '23', '24', '25', '27', '28', '29', '755', '571', '512',
              '532', '531', '371', '731', '591', '592', '871', '851', '551', '311', '431',
              '451', '769', '757']
TM_SECTORS = ['decoration', 'loans', 'insurance', 'real_estate']

# local-hour weights
H_ORD = [0.3, 0.15, 0.08, 0.05, 0.05, 0.1, 0.4, 1.2, 2.2, 3.0, 3.3, 3.2, 2.6, 2.6, 3.0, 3.1,
         3.2, 3.6, 4.2, 4.8, 5.0, 4.4, 2.8, 1.2]
H_COURIER = [0] * 8 + [2, 5, 6, 5, 2, 3, 5, 6, 5, 4, 2, 1] + [0] * 4
H_RIDER = [0.1, 0, 0, 0, 0, 0, 0, 0.2, 0.5, 1, 3, 7, 8, 3, 1, 1, 1.5, 5, 7, 5, 3, 1.5, 0.6, 0.3]
H_DRIVER = [0.3, 0.2, 0.1, 0.1, 0.1, 0.3, 1, 4, 5, 3, 2, 2, 2.5, 2, 2, 2, 2.5, 4, 5, 4, 3, 2.5, 1.5, 0.8]
H_OFFICE = [0] * 8 + [2, 4, 4, 3.5, 1.5, 2, 4, 4, 3.5, 3, 1.5, 1, 0.6, 0.3] + [0] * 2
H_AGENT = [0] * 8 + [1, 3, 4, 4, 2.5, 2.5, 3.5, 4, 4, 3.5, 3, 2.5, 2, 1] + [0] * 2


def cum(w):
    out, s = [], 0.0
    for x in w:
        s += x
        out.append(s)
    return out


C_ORD, C_COURIER, C_RIDER, C_DRIVER, C_OFFICE, C_AGENT = map(
    cum, (H_ORD, H_COURIER, H_RIDER, H_DRIVER, H_OFFICE, H_AGENT))
HOURS = list(range(24))


def lognorm(r, median, sigma, lo=None, hi=None):
    v = median * math.exp(sigma * r.gauss(0, 1))
    if lo is not None and v < lo:
        v = lo
    if hi is not None and v > hi:
        v = hi
    return v


def loguniform(r, lo, hi):
    return math.exp(r.uniform(math.log(lo), math.log(hi)))


def poisson(r, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(r.gauss(lam, math.sqrt(lam)))))
    L, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= r.random()
        if p <= L:
            return k
        k += 1


def hsec(r, c):
    return r.choices(HOURS, cum_weights=c)[0] * 3600 + r.randrange(3600)


class Gen:
    def __init__(self, a):
        self.master = random.Random(a.seed)
        self.days = a.days
        self.N = a.subscribers
        self.scale = self.N / 20000.0
        y, m, d = map(int, a.start.split('-'))
        self.date0 = datetime.date(y, m, d)
        self.t0 = calendar.timegm((y, m, d, 0, 0, 0)) - 8 * 3600
        self.tend = self.t0 + self.days * 86400
        self.used = set()
        self.info = {}
        self.calls = []

    # ---------- building blocks
    def sub(self):
        return random.Random(self.master.randrange(1 << 62))

    def sc(self, lo, hi, r):
        return max(1, int(round(self.scale * r.randint(lo, hi))))

    def weekday(self, d):
        return (self.date0 + datetime.timedelta(days=d)).weekday()

    def T(self, d, sec):
        return self.t0 + d * 86400 + sec

    def reg(self, num, cls, sector=None, camp=None):
        self.used.add(num)
        self.info[num] = (cls, sector, camp)
        return num

    def new_mobile(self, r, virtual=False):
        while True:
            p = r.choice(VIRTUAL_PREFIXES if virtual else MOBILE_PREFIXES)
            n = '+86' + p + '%08d' % r.randrange(10 ** 8)
            if n not in self.used:
                return n

    def new_fixed(self, r):
        while True:
            ac = r.choice(AREA_CODES)
            nd = 7 if ac == '592' else 8  # Xiamen's lines have 7 digits, the others' 8
            n = '+86' + ac + str(r.randint(2, 8)) + ''.join(str(r.randrange(10)) for _ in range(nd - 1))
            if n not in self.used:
                return n

    def new_400(self, r):
        while True:
            n = '+86400' + '%07d' % r.randrange(10 ** 7)
            if n not in self.used:
                return n

    def new_95(self, r):
        while True:
            n = '+8695' + ('%03d' % r.randrange(1000) if r.random() < 0.6 else '%04d' % r.randrange(10000))
            if n not in self.used:
                return n

    def new_num(self, r, kind):
        return {'mobile': lambda: self.new_mobile(r), 'virtual': lambda: self.new_mobile(r, True),
                'fixed': lambda: self.new_fixed(r), '400': lambda: self.new_400(r),
                '95': lambda: self.new_95(r)}[kind]()

    def call(self, t, a, b, dur, ans):
        t = int(t)
        if self.t0 <= t < self.tend and a != b:
            if ans:
                self.calls.append((t, a, b, max(1, int(dur)), 1))
            else:
                self.calls.append((t, a, b, 0, 0))

    def ext_number(self, r, block, suffix):
        """Number reached by sequential range dialing; may be unknown (external/vacant)."""
        n = '+86' + block + '%04d' % suffix
        if n not in self.used:
            self.reg(n, 'vacant' if r.random() < 0.22 else 'ordinary')
        return n

    def can_answer(self, n):
        return self.info[n][0] != 'vacant'

    def biz_call(self, r, t, a, b, ans_p, dur, redial_p=0.0, rd=(30, 180), max_rd=0,
                 cb_p=0.0, cb_med=600, cb_dur=None, cb_ans=0.9):
        ok = self.can_answer(b)
        ans = ok and r.random() < ans_p
        self.call(t, a, b, dur(), ans)
        tt = t
        k = 0
        while not ans and k < max_rd and r.random() < redial_p:
            tt += r.uniform(*rd)
            ans = ok and r.random() < ans_p * 0.9
            self.call(tt, a, b, dur(), ans)
            k += 1
        if ok and cb_p and r.random() < (cb_p if not ans else cb_p * 0.25):
            tc = tt + lognorm(r, cb_med, 0.8, 20)
            self.call(tc, b, a, (cb_dur or dur)(), r.random() < cb_ans)
        return ans

    # ---------- population
    def build_pool(self):
        r = self.sub()
        nblocks = max(50, self.N // 25)
        blocks = []
        for _ in range(nblocks):
            p = r.choice(VIRTUAL_PREFIXES) if r.random() < 0.04 else r.choice(MOBILE_PREFIXES)
            blocks.append(p + '%04d' % r.randrange(10000))
        self.blocks = blocks
        pool = []
        while len(pool) < self.N:
            n = '+86' + r.choice(blocks) + '%04d' % r.randrange(10000)
            if n in self.used:
                continue
            self.reg(n, 'ordinary')
            pool.append(n)
        self.pool = pool
        N = self.N
        # family groups
        order = list(range(N))
        r.shuffle(order)
        self.family = [[] for _ in range(N)]
        i = 0
        while i < N:
            s = r.randint(2, 5)
            g = order[i:i + s]
            for x in g:
                self.family[x] = [y for y in g if y != x]
            i += s
        # social circles with locality
        self.contacts = []
        for i in range(N):
            k = r.randint(4, 25)
            cs = []
            for _ in range(k):
                if r.random() < 0.7:
                    j = (i + int(r.gauss(0, 300))) % N
                else:
                    j = r.randrange(N)
                if j != i:
                    cs.append(j)
            self.contacts.append(cs)
        self.rate = [lognorm(r, 2.2, 0.6, 0.2, 12) for _ in range(N)]
        self.ansp = [r.uniform(0.65, 0.95) for _ in range(N)]
        self.retp = [r.uniform(0.35, 0.75) for _ in range(N)]
        # family-only users (elderly / children's watches)
        self.famonly = [False] * N
        for i in range(N):
            if self.family[i] and r.random() < 0.08:
                self.famonly[i] = True
                self.rate[i] = r.uniform(0.8, 4)
                self.reg(pool[i], 'family')
        # heavy users
        nh = self.sc(200, 400, r)
        cand = [i for i in range(N) if not self.famonly[i]]
        self.heavy = set(r.sample(cand, nh))
        for i in sorted(self.heavy):
            self.rate[i] = loguniform(r, 15, 60)
            self.contacts[i] = self.contacts[i] + [r.randrange(N) for _ in range(r.randint(40, 150))]
            self.reg(pool[i], 'heavy_user')

    def gen_ordinary(self):
        r = self.sub()
        N, pool = self.N, self.pool
        for d in range(self.days):
            wk = self.weekday(d) >= 5
            for i in range(N):
                n = poisson(r, self.rate[i] * (1.1 if wk else 1.0))
                for _ in range(n):
                    t = self.T(d, hsec(r, C_ORD))
                    fam = self.family[i]
                    if fam and (self.famonly[i] or r.random() < 0.3 or not self.contacts[i]):
                        j = r.choice(fam)
                        med = 120
                    elif self.contacts[i]:
                        cs = self.contacts[i]
                        j = cs[min(r.randrange(len(cs)), r.randrange(len(cs)))]
                        med = 70
                    else:
                        j = r.randrange(N)
                        med = 60
                    if j == i:
                        continue
                    a, b = pool[i], pool[j]
                    ans = r.random() < self.ansp[j]
                    self.call(t, a, b, lognorm(r, med, 1.0, 3, 3600), ans)
                    if not ans:
                        if r.random() < 0.25:
                            t2 = t + r.uniform(40, 300)
                            ans = r.random() < self.ansp[j]
                            self.call(t2, a, b, lognorm(r, med, 1.0, 3, 3600), ans)
                            t = t2
                        if not ans and r.random() < self.retp[j]:
                            self.call(t + lognorm(r, 480, 1.1, 30), b, a,
                                      lognorm(r, med, 1.0, 3, 3600), r.random() < 0.85)

    # ---------- busy benign
    def gen_delivery(self, cls, cnt, hw, vol_med, dur_med, rd, rd_p, cb_rng, cb_med):
        r = self.sub()
        N, pool = self.N, self.pool
        for _ in range(cnt):
            num = self.reg(self.new_mobile(r, r.random() < 0.05), cls)
            centre, rad = r.randrange(N), r.randint(300, 1500)
            ans_p = r.uniform(0.5, 0.95)
            med = r.uniform(*vol_med)
            cb_p = r.uniform(*cb_rng)
            regulars = []
            for d in range(self.days):
                wd = self.weekday(d)
                if r.random() < (0.25 if wd == 6 else 0.07):
                    continue
                n = int(lognorm(r, med, 0.35, 25, 200))
                times = sorted(self.T(d, hsec(r, hw)) for _ in range(n))
                for t in times:
                    if regulars and r.random() < 0.15:
                        j = r.choice(regulars)
                    else:
                        j = (centre + r.randint(-rad, rad)) % N
                        if r.random() < 0.1:
                            regulars.append(j)
                    b = pool[j]
                    self.biz_call(r, t, num, b, ans_p * (0.8 + 0.3 * self.ansp[j]) / 1.05,
                                  lambda: lognorm(r, dur_med, 0.5, 4, 240), rd_p, rd, 2,
                                  cb_p, cb_med, lambda: lognorm(r, dur_med, 0.5, 4, 240))
                # customers ringing first (where is my parcel / order)
                for _ in range(poisson(r, n * 0.08)):
                    j = (centre + r.randint(-rad, rad)) % N
                    self.call(self.T(d, hsec(r, hw)), pool[j], num, lognorm(r, dur_med, 0.5, 4, 240),
                              r.random() < 0.8)

    def gen_agents(self):
        r = self.sub()
        N, pool = self.N, self.pool
        for _ in range(self.sc(30, 60, r)):
            num = self.reg(self.new_mobile(r, r.random() < 0.05), 'agent')
            book = r.sample(range(N), r.randint(150, 500))
            vol = r.uniform(15, 70)
            inrate = r.uniform(0.3, 0.8)
            for d in range(self.days):
                wk = self.weekday(d) >= 5
                n = int(lognorm(r, vol * (0.6 if wk else 1), 0.3, 5, 120))
                for _ in range(n):
                    t = self.T(d, hsec(r, C_AGENT))
                    if r.random() < 0.8:
                        j, ap = r.choice(book), r.uniform(0.65, 0.9)
                    else:
                        j, ap = r.randrange(N), 0.45
                    ans = self.biz_call(r, t, num, pool[j], ap, lambda: lognorm(r, 120, 0.9, 8, 1800),
                                        0.2, (120, 900), 1, 0.45, 1800,
                                        lambda: lognorm(r, 150, 0.9, 8, 1800))
                    if ans and j not in book:
                        book.append(j)
                for _ in range(poisson(r, n * inrate)):
                    j = r.choice(book)
                    self.call(self.T(d, hsec(r, C_AGENT)), pool[j], num,
                              lognorm(r, 150, 0.9, 8, 1800), r.random() < 0.85)

    def gen_small_business(self):
        r = self.sub()
        N, pool = self.N, self.pool
        for _ in range(self.sc(40, 80, r)):
            num = self.reg(self.new_fixed(r) if r.random() < 0.4 else self.new_mobile(r), 'small_business')
            book = r.sample(range(N), r.randint(80, 400))
            out, inn = r.uniform(3, 30), r.uniform(5, 40)
            for d in range(self.days):
                for _ in range(poisson(r, out)):
                    self.biz_call(r, self.T(d, hsec(r, C_AGENT)), num, pool[r.choice(book)], 0.75,
                                  lambda: lognorm(r, 80, 0.8, 5, 1200), 0.2, (60, 600), 1, 0.4, 900)
                for _ in range(poisson(r, inn)):
                    j = r.choice(book) if r.random() < 0.6 else r.randrange(N)
                    self.call(self.T(d, hsec(r, C_AGENT)), pool[j], num, lognorm(r, 90, 0.8, 5, 1200),
                              r.random() < 0.85)

    def gen_service(self):
        r = self.sub()
        N, pool = self.N, self.pool
        self.callback_lines = []
        for _ in range(self.sc(5, 15, r)):
            hot = self.reg(self.new_95(r) if r.random() < 0.7 else self.new_400(r), 'service_centre')
            outs = [self.reg(self.new_fixed(r), 'service_centre') for _ in range(r.randint(1, 3))]
            cbl = self.reg(self.new_fixed(r) if r.random() < 0.5 else self.new_400(r) if r.random() < 0.5
                           else self.new_95(r), 'callback_line')
            self.callback_lines.append(cbl)
            in_rate = r.uniform(0.003, 0.012)
            ret = r.uniform(0.25, 0.45)
            proactive = r.uniform(20, 100)
            verif = r.uniform(100, 600) * self.scale
            msg = r.randint(10, 22)
            for d in range(self.days):
                for _ in range(poisson(r, N * in_rate)):
                    j = r.randrange(N)
                    t = self.T(d, hsec(r, C_ORD))
                    self.call(t, pool[j], hot, lognorm(r, 180, 0.7, 10, 2400), r.random() < 0.92)
                    if r.random() < ret:
                        tr = t + lognorm(r, 3 * 3600, 1.2, 300, 20 * 3600)
                        lh = ((tr - self.t0) % 86400) / 3600.0
                        if 8 <= lh < 21:
                            self.biz_call(r, tr, r.choice(outs), pool[j], 0.8,
                                          lambda: lognorm(r, 150, 0.8, 10, 1800), 0.3, (120, 900), 1)
                for _ in range(poisson(r, proactive)):
                    self.biz_call(r, self.T(d, hsec(r, C_OFFICE)), r.choice(outs), pool[r.randrange(N)],
                                  0.7, lambda: lognorm(r, 60, 0.7, 5, 900))
                for _ in range(poisson(r, verif)):
                    t = self.T(d, hsec(r, C_ORD))
                    b = pool[r.randrange(N)]
                    self.call(t, cbl, b, msg + r.randint(-2, 2), r.random() < 0.9)
                    if r.random() < 0.1:
                        self.call(t + r.uniform(60, 180), cbl, b, msg + r.randint(-2, 2), r.random() < 0.9)

    def gen_schools_hospitals(self):
        r = self.sub()
        N, pool = self.N, self.pool
        for _ in range(self.sc(3, 8, r)):
            lines = [self.reg(self.new_fixed(r), 'school') for _ in range(r.randint(1, 3))]
            parents = r.sample(range(N), r.randint(200, 800))
            L = r.randint(20, 40)
            wdays = [d for d in range(self.days) if self.weekday(d) < 5] or [0]
            for d in sorted(r.sample(wdays, min(len(wdays), r.randint(1, 2)))):
                t = self.T(d, r.randint(7 * 3600, 18 * 3600))
                gap = r.uniform(3, 15)
                for k, j in enumerate(parents):
                    ln = lines[k % len(lines)]
                    ans = r.random() < 0.7
                    self.call(t + r.uniform(0, 1), ln, pool[j], L + r.randint(-3, 3), ans)
                    t += gap / len(lines)
            for d in range(self.days):
                for _ in range(poisson(r, 5)):
                    self.biz_call(r, self.T(d, hsec(r, C_OFFICE)), r.choice(lines), pool[r.choice(parents)],
                                  0.8, lambda: lognorm(r, 90, 0.8, 5, 900), cb_p=0.4)
        for _ in range(self.sc(3, 8, r)):
            ln = self.reg(self.new_fixed(r), 'hospital')
            patients = r.sample(range(N), r.randint(200, 1000))
            rem, inn = r.uniform(10, 80), r.uniform(5, 30)
            for d in range(self.days):
                for _ in range(poisson(r, rem)):
                    self.biz_call(r, self.T(d, hsec(r, C_OFFICE)), ln, pool[r.choice(patients)], 0.75,
                                  lambda: lognorm(r, 40, 0.6, 5, 600), 0.3, (60, 600), 1, 0.3, 1200)
                for _ in range(poisson(r, inn)):
                    self.call(self.T(d, hsec(r, C_OFFICE)), pool[r.choice(patients)], ln,
                              lognorm(r, 90, 0.7, 5, 900), r.random() < 0.8)

    # ---------- abusive
    def work_windows(self, r, parttime=False, evening=False):
        if parttime:
            ws, s = [], r.randint(9 * 3600, 11 * 3600)
            for _ in range(r.randint(2, 4)):
                e = s + r.randint(1800, 7200)
                ws.append((s, min(e, 22 * 3600)))
                s = e + r.randint(1800, 7200)
                if s >= 21 * 3600:
                    break
            return ws
        am = (r.randint(8 * 3600 + 1800, 9 * 3600 + 1800), r.randint(11 * 3600 + 1800, 12 * 3600 + 900))
        pm = (r.randint(13 * 3600, 14 * 3600), r.randint(17 * 3600 + 1800, 19 * 3600))
        ws = [am, pm]
        if evening:
            ws.append((r.randint(19 * 3600 + 600, 19 * 3600 + 2400), r.randint(20 * 3600, 21 * 3600)))
        return ws

    def gen_telemarketing(self):
        r = self.sub()
        N, pool = self.N, self.pool
        ltypes = [('car_owner', ['insurance', 'loans']), ('new_home', ['decoration', 'real_estate']),
                  ('loan_applicant', ['loans', 'insurance']), ('home_buyer', ['real_estate', 'decoration']),
                  ('general', TM_SECTORS)]
        lists = []
        for k in range(r.randint(6, 9)):
            typ, secs = ltypes[k % len(ltypes)]
            mem = r.sample(range(N), int(N * r.uniform(0.06, 0.25)))
            if r.random() < 0.4:   # list sorted by number: dialled "in order"
                mem.sort(key=lambda j: pool[j])
            lists.append((typ, secs, mem))
        nf = max(4, int(round(self.scale * r.randint(9, 14))))
        sectors = ['decoration', 'decoration', 'loans', 'loans', 'insurance', 'insurance',
                   'real_estate', 'real_estate']
        while len(sectors) < nf:
            sectors.append(r.choice(TM_SECTORS))
        r.shuffle(sectors)
        self.tm_firms = []
        for f in range(nf):
            sector = sectors[f]
            camp = 'tm-%02d' % f
            kind = r.choices(['room', 'parttime', 'range'], [0.65, 0.2, 0.15])[0]
            compat = [L for L in lists if sector in L[1]]
            lst = r.choice(compat)[2]
            firm = dict(sector=sector, camp=camp, kind=kind, list=lst,
                        ptr=r.randrange(len(lst)) if r.random() < 0.5 else 0,
                        block=r.choice(MOBILE_PREFIXES) + '%04d' % r.randrange(10000),
                        suffix=r.randrange(10000),
                        ans_p=r.uniform(0.15, 0.35) if kind == 'range' else r.uniform(0.15, 0.6),
                        talk=loguniform(r, 6, 120), cb=r.uniform(0, 0.05),
                        auto=(r.random() < (0.6 if kind == 'room' else 0.8 if kind == 'range' else 0)),
                        rd_delay=(r.randint(30, 120), r.randint(180, 600)), max_rd=r.randint(1, 3),
                        b_rate=r.uniform(0.15, 0.4), bq=[], evening=r.random() < 0.2,
                        sat=r.random() < 0.6, sun=r.random() < 0.3)
            if kind == 'room':
                nseat, vol = r.randint(2, 6), (150, 1500)
                ntype = r.choices(['virtual', 'fixed', 'mobile'], [0.45, 0.2, 0.35])[0]
            elif kind == 'parttime':
                nseat, vol, ntype = r.randint(1, 3), (100, 260), 'mobile'
            else:
                nseat, vol = r.randint(1, 3), (400, 2000)
                ntype = r.choices(['virtual', 'fixed'], [0.6, 0.4])[0]
            firm['seats'] = [dict(num=None, until=-1, vol=loguniform(r, *vol),
                                  rot=(r.randint(1, 7)), ntype=ntype) for _ in range(nseat)]
            self.tm_firms.append(firm)
        for d in range(self.days):
            wd = self.weekday(d)
            for firm in self.tm_firms:
                if (wd == 5 and not firm['sat']) or (wd == 6 and not firm['sun']):
                    continue
                due = [x for x in firm['bq'] if x[0] == d]
                firm['bq'] = [x for x in firm['bq'] if x[0] != d]
                for si, seat in enumerate(firm['seats']):
                    if r.random() < 0.05:
                        continue
                    if seat['num'] is None or d >= seat['until']:
                        seat['num'] = self.reg(self.new_num(r, seat['ntype']), 'telemarketing',
                                               firm['sector'], firm['camp'])
                        seat['until'] = d + seat['rot']
                    mine = [x[1] for x in due[si::len(firm['seats'])]]
                    self.tm_seat_day(r, firm, seat, d, mine, wd >= 5)

    def tm_next_target(self, r, firm):
        if firm['kind'] == 'range':
            n = self.ext_number(r, firm['block'], firm['suffix'])
            firm['suffix'] += 1
            if firm['suffix'] >= 10000:
                firm['suffix'] = 0
                firm['block'] = r.choice(MOBILE_PREFIXES) + '%04d' % r.randrange(10000)
            return n
        lst = firm['list']
        j = lst[firm['ptr'] % len(lst)]
        firm['ptr'] += 1
        return self.pool[j]

    def tm_seat_day(self, r, firm, seat, d, bdue, weekend):
        num = seat['num']
        ws = self.work_windows(r, firm['kind'] == 'parttime', firm['evening'])
        W = sum(e - s for s, e in ws)
        n = int(lognorm(r, seat['vol'] * (0.7 if weekend else 1.0), 0.25, 100, 2000))
        gap = W / float(n)
        bq = sorted((r.uniform(0, W), b) for b in bdue)
        redial = []
        wi, t, elapsed = 0, ws[0][0], 0.0
        cnt = 0
        while wi < len(ws) and cnt < n + len(bdue):
            tt = self.T(d, t)
            kind = 'new'
            if bq and bq[0][0] <= elapsed:
                b = bq.pop(0)[1]
                kind = 'B'
            elif redial and redial[0][0] <= tt:
                _, k, b = heapq.heappop(redial)
                kind = 'rd'
            else:
                b = self.tm_next_target(r, firm)
            ok = self.can_answer(b)
            if kind == 'B':
                ans = ok and r.random() < 0.65
                dur = lognorm(r, firm['talk'] * 2 + 30, 0.8, 5, 1800)
            else:
                ans = ok and r.random() < firm['ans_p']
                dur = lognorm(r, firm['talk'], 0.9, 2, 1200)
            self.call(tt, num, b, dur, ans)
            cnt += 1
            if not ans and firm['auto'] and kind != 'B':
                k = 1 if kind == 'new' else k + 1
                if k <= firm['max_rd']:
                    heapq.heappush(redial, (tt + r.randint(*firm['rd_delay']), k, b))
            if ans and dur > 45 and kind == 'new' and r.random() < firm['b_rate']:
                firm['bq'].append((d + r.randint(1, 3), b))
            if ok and r.random() < firm['cb']:
                self.call(tt + lognorm(r, 1800, 1.2, 60, 8 * 3600), b, num,
                          lognorm(r, 20, 0.8, 2, 600), r.random() < 0.5)
            step = max(2.0, r.expovariate(1.0 / gap) if not firm['auto'] else gap * r.uniform(0.5, 1.5))
            t += step
            elapsed += step
            if t >= ws[wi][1]:
                wi += 1
                if wi < len(ws):
                    t = ws[wi][0]

    def gen_robocalls(self):
        r = self.sub()
        N, pool = self.N, self.pool
        total = self.sc(5, 15, r)
        ncamp = max(2, min(total, r.randint(2, 4)))
        for k in range(total):
            camp = 'robo-%02d' % (k % ncamp)
            ntype = r.choices(['virtual', 'fixed', 'mobile'], [0.4, 0.3, 0.3])[0]
            num = self.reg(self.new_num(r, ntype), 'robocall', 'robocall', camp)
            I = r.uniform(7, 22)
            jit = r.uniform(0.2, 1.5)
            ans_p = r.uniform(0.08, 0.3)
            fixed = r.random() < 0.5
            L = r.randint(20, 55)
            rngmode = r.random() < 0.5
            block = r.choice(MOBILE_PREFIXES) + '%04d' % r.randrange(10000)
            suf = r.randrange(10000)
            d0 = r.randrange(self.days)
            span = r.randint(1, self.days)
            for d in range(d0, min(self.days, d0 + span)):
                s, e = r.randint(8 * 3600, 10 * 3600), r.randint(18 * 3600, 21 * 3600 + 1800)
                t = float(s)
                while t < e:
                    if rngmode and r.random() < 0.7:
                        b = self.ext_number(r, block, suf)
                        suf += 1
                        if suf >= 10000:
                            suf = 0
                            block = r.choice(MOBILE_PREFIXES) + '%04d' % r.randrange(10000)
                    else:
                        b = pool[r.randrange(N)]
                    ans = self.can_answer(b) and r.random() < ans_p
                    if fixed:
                        dur = L + r.randint(0, 1) if r.random() < 0.45 else r.randint(1, L)
                    else:
                        dur = r.randint(1, 6)
                    self.call(self.T(d, t), num, b, dur, ans)
                    if ans and r.random() < 0.01:
                        self.call(self.T(d, t) + r.randint(120, 7200), b, num, r.randint(3, 20), True)
                    t += I + r.uniform(-jit, jit)

    def gen_debt(self):
        r = self.sub()
        N, pool = self.N, self.pool
        total = self.sc(10, 25, r)
        nag = max(2, min(total, int(round(self.scale * r.randint(3, 5)))))
        per = [total // nag + (1 if i < total % nag else 0) for i in range(nag)]
        for a in range(nag):
            camp = 'debt-%02d' % a
            debtors = r.sample(range(N), r.randint(60, 300))
            rotate = r.random() < 0.3
            for s in range(per[a]):
                port = debtors[s::per[a]] or debtors
                prio = [r.random() ** 2 for _ in port]
                cprio = cum(prio)
                ntype = r.choices(['mobile', 'fixed', 'virtual'], [0.5, 0.3, 0.2])[0]
                num, until = None, -1
                dans = r.uniform(0.15, 0.35)
                for d in range(self.days):
                    if self.weekday(d) == 6 and r.random() < 0.2:
                        continue
                    if num is None or (rotate and d >= until):
                        num = self.reg(self.new_num(r, ntype), 'debt_collection', 'debt_collection', camp)
                        until = d + r.randint(2, 3)
                    s0, e0 = r.randint(8 * 3600, 9 * 3600), r.randint(20 * 3600, 22 * 3600)
                    n = r.randint(100, 300)
                    gap = (e0 - s0) / float(n)
                    t = float(s0)
                    c = 0
                    while t < e0 and c < n:
                        j = r.choices(port, cum_weights=cprio)[0]
                        tt = self.T(d, t)
                        ans = r.random() < dans
                        self.call(tt, num, pool[j], lognorm(r, 90, 0.9, 5, 1200), ans)
                        c += 1
                        k = 0
                        while not ans and k < 4 and r.random() < 0.6:
                            tt += r.uniform(30, 300)
                            ans = r.random() < dans
                            self.call(tt, num, pool[j], lognorm(r, 90, 0.9, 5, 1200), ans)
                            c += 1
                            k += 1
                        if r.random() < 0.35:
                            rel = self.family[j] + self.contacts[j][:4]
                            for q in (r.sample(rel, min(len(rel), r.randint(1, 3))) if rel else []):
                                tt += r.uniform(20, 240)
                                self.call(tt, num, pool[q], lognorm(r, 60, 0.8, 5, 900), r.random() < 0.5)
                                c += 1
                        if r.random() < 0.06:
                            self.call(tt + lognorm(r, 1800, 1.0, 60), pool[j], num,
                                      lognorm(r, 120, 0.8, 5, 1200), r.random() < 0.8)
                        t = max(t + r.expovariate(1.0 / gap), tt - self.T(d, 0) + 5)

    def gen_bombing(self):
        r = self.sub()
        N, pool = self.N, self.pool
        neps = self.sc(5, 15, r)
        cand = [i for i in range(N) if i not in self.heavy and self.info[pool[i]][0] == 'ordinary']
        victims = r.sample(cand, neps)
        vset = set(victims)
        for e, vi in enumerate(victims):
            camp = 'bomb-%02d' % e
            v = self.reg(pool[vi], 'call_bombing_target', 'call_bombing', camp)
            d = r.randrange(self.days)
            st = r.randint(0, 6 * 3600) if r.random() < 0.4 else r.randint(7 * 3600, 23 * 3600)
            dur = int(lognorm(r, 5400, 0.9, 600, 6 * 3600))
            total = int(lognorm(r, 700, 0.6, 200, 3000))
            nsrc = max(20, min(600, int(total / r.uniform(2, 12))))
            srcs = []
            for _ in range(nsrc):
                if r.random() < 0.5:
                    kind = r.choices(['fixed', '400', '95'], [0.5, 0.35, 0.15])[0]
                    verif = True
                else:
                    kind = 'virtual' if r.random() < 0.4 else 'mobile'
                    verif = False
                srcs.append((self.reg(self.new_num(r, kind), 'bombing_source', 'call_bombing', camp), verif))
            w = cum([1.0 / (k + 1) ** 0.8 for k in range(nsrc)])
            nw = r.randint(1, 4)
            waves = sorted(r.uniform(0, dur) for _ in range(nw))
            base = self.T(d, st)
            times = []
            for _ in range(total):
                if r.random() < 0.6:
                    c = r.choice(waves)
                    times.append(base + min(dur, max(0, c + r.gauss(0, dur / (4.0 * nw)))))
                else:
                    times.append(base + r.uniform(0, dur))
            times.sort()
            for k, t in enumerate(times):
                s, verif = srcs[r.choices(range(nsrc), cum_weights=w)[0]]
                p = 0.5 if k < total * 0.05 else 0.08
                self.call(t, s, v, r.randint(2, 15) if verif else r.randint(2, 25), r.random() < p)
            # legitimate verification traffic from the abused lines
            for s, verif in srcs:
                if verif and r.random() < 0.3:
                    for _ in range(r.randint(1, 15)):
                        j = r.randrange(N)
                        if j in vset:
                            continue
                        self.call(self.T(r.randrange(self.days), hsec(r, C_ORD)), s,
                                  pool[j], r.randint(8, 20), r.random() < 0.9)

    # ---------- output
    def run(self):
        self.build_pool()
        self.gen_ordinary()
        self.gen_delivery('courier', self.sc(150, 250, self.master), C_COURIER, (40, 110), 20,
                          (30, 180), 0.5, (0.3, 0.7), 900)
        self.gen_delivery('rider', self.sc(150, 250, self.master), C_RIDER, (30, 100), 14,
                          (15, 60), 0.6, (0.2, 0.5), 240)
        self.gen_delivery('driver', self.sc(40, 80, self.master), C_DRIVER, (25, 45), 18,
                          (20, 90), 0.5, (0.3, 0.6), 180)
        self.gen_agents()
        self.gen_small_business()
        self.gen_service()
        self.gen_schools_hospitals()
        self.gen_telemarketing()
        self.gen_robocalls()
        self.gen_debt()
        self.gen_bombing()

    def write(self, out, truth):
        self.calls.sort()
        first_out, first_seen, order = {}, {}, []
        with open(out, 'w') as f:
            f.write('caller,callee,start_time,duration_s,answered\n')
            buf = []
            for t, a, b, dur, ans in self.calls:
                ts = time.strftime('%Y-%m-%dT%H:%M:%S+08:00', time.gmtime(t + 28800))
                buf.append('%s,%s,%s,%d,%d\n' % (a, b, ts, dur, ans))
                if a not in first_out:
                    first_out[a] = t
                for n in (a, b):
                    if n not in first_seen:
                        first_seen[n] = t
                        order.append(n)
                if len(buf) >= 50000:
                    f.write(''.join(buf))
                    buf = []
            f.write(''.join(buf))
        with open(truth, 'w') as f:
            for n in order:
                cls, sector, camp = self.info[n]
                t = first_out.get(n, first_seen[n])
                rec = {'number': n, 'class': cls,
                       'first_call': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))}
                if sector:
                    rec['sector'] = sector
                if camp:
                    rec['campaign'] = camp
                f.write(json.dumps(rec) + '\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--days', type=int, default=4)
    ap.add_argument('--subscribers', type=int, default=20000)
    ap.add_argument('--seed', type=int, default=3)
    ap.add_argument('--start', default='2026-11-26')
    ap.add_argument('--out', default='p3.csv')
    ap.add_argument('--truth', default='p3.truth')
    a = ap.parse_args()
    t = time.time()
    g = Gen(a)
    g.run()
    g.write(a.out, a.truth)
    print('rows=%d numbers=%d time=%.1fs' % (len(g.calls), len(g.info), time.time() - t))


if __name__ == '__main__':
    main()
