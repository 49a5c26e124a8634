package evidence

import (
	"fmt"
	"math"
	"ringfence"
	"sort"
	"strings"
	"time"

	"ringfence/ledger"
	"ringfence/trace"
)

// Kinds of case.
const (
	KindAliasLeak   = "alias_leak"
	KindAttribution = "attribution"
)

// view is what a statement is written from: the parsed contents of a
// bundle. Build and Verify both write statements from a view, so a bundle
// whose statements differ from what its data says does not verify.
type view struct {
	caseID  string
	kind    string
	key     string // verifier key
	origin  string
	cp      ledger.Checkpoint
	old     *ledger.Checkpoint
	entries map[int64]*ledger.Entry
	leak    int64       // alias leak: the leak event entry
	caller  string      // alias leak: the caller in clear, "" when the bundle does not name it
	tcase   *trace.Case // attribution
	caseAt  int64       // attribution: its ledger entry
}

func utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

func (v *view) statements() (en, zh string, err error) {
	switch v.kind {
	case KindAliasLeak:
		return v.aliasLeak()
	case KindAttribution:
		return v.attribution()
	}
	return "", "", fmt.Errorf("unknown case kind %q", v.kind)
}

// proofParagraph says how the entries are anchored in the signed log.
func (v *view) proofParagraph(indexes []int64) (string, string) {
	list := make([]string, len(indexes))
	for i, x := range indexes {
		list[i] = fmt.Sprint(x)
	}
	en := fmt.Sprintf("These ledger entries (%s) are in the ringfence disclosure ledger %q, whose tree of %d entries is signed in checkpoint.txt (%s); proofs/ holds their inclusion proofs.",
		strings.Join(list, ", "), v.origin, v.cp.Size, utc(v.cp.Time))
	zh := fmt.Sprintf("上述账本条目（%s）记录于 ringfence 披露账本“%s”。该账本共 %d 个条目的默克尔树根由 checkpoint.txt 签名（%s）；proofs/ 中为各条目的包含证明。",
		strings.Join(list, "、"), v.origin, v.cp.Size, utc(v.cp.Time))
	if v.old != nil {
		en += fmt.Sprintf(" The checkpoint of %s (%d entries) that first covered them is proved consistent with it (consistency.json): nothing was added before or changed since.", utc(v.old.Time), v.old.Size)
		zh += fmt.Sprintf("首次涵盖这些条目的签名检查点（%s，%d 个条目）与之一致（consistency.json），证明此后未有任何插入或篡改。", utc(v.old.Time), v.old.Size)
	}
	return en, zh
}

func (v *view) verifyParagraph() (string, string) {
	en := fmt.Sprintf("Anyone can check this bundle offline with the ledger's public key:\n   ringfence evidence verify BUNDLE.zip --key %s", v.key)
	zh := fmt.Sprintf("任何人均可使用账本公钥离线验证本证据包：\n   ringfence evidence verify BUNDLE.zip --key %s", v.key)
	return en, zh
}

func (v *view) aliasLeak() (string, string, error) {
	le := v.entries[v.leak]
	if le == nil || le.LeakEvent == nil {
		return "", "", fmt.Errorf("entries/%d.json: not a leak event", v.leak)
	}
	ev := le.LeakEvent
	be := v.entries[ev.Binding]
	if be == nil || be.AliasBinding == nil {
		return "", "", fmt.Errorf("entries/%d.json: the alias binding of the leak event is missing", ev.Binding)
	}
	b := be.AliasBinding
	if b.Alias != ev.Alias || b.Merchant != ev.Merchant {
		return "", "", fmt.Errorf("entries/%d.json: binds %s to %s, but the leak event names %s and %s", ev.Binding, b.Alias, b.Merchant, ev.Alias, ev.Merchant)
	}
	if ev.CallTime.Before(be.Time) {
		return "", "", fmt.Errorf("entries/%d.json: the call precedes the alias binding", v.leak)
	}
	lr := LeakLog10(ev, be.Time)
	baseEN, baseZH := baselineText(ev, be.Time)
	who, whoZH := "the number "+v.caller, v.caller
	if v.caller == "" {
		who = fmt.Sprintf("a number (recorded in the ledger only as the keyed fingerprint %s)", ev.CallerPrint)
		whoZH = fmt.Sprintf("某号码（账本中仅记录其带密钥指纹 %s）", ev.CallerPrint)
	}
	call := "was not answered"
	callZH := "未接通"
	if ev.Answered {
		call = fmt.Sprintf("was answered and lasted %.0f s", ev.Duration)
		callZH = fmt.Sprintf("已接通，通话 %.0f 秒", ev.Duration)
	}
	proofEN, proofZH := v.proofParagraph([]int64{ev.Binding, v.leak})
	verEN, verZH := v.verifyParagraph()
	var en, zh strings.Builder
	fmt.Fprintf(&en, "EVIDENCE STATEMENT - case %s\n\n", v.caseID)
	fmt.Fprintf(&en, "1. On %s the alias number %s was bound to the merchant %q on behalf of one subscriber (ledger entry %d). The alias was given only to %q, per the ledger.\n\n", utc(be.Time), b.Alias, b.Merchant, ev.Binding, b.Merchant)
	fmt.Fprintf(&en, "2. On %s %s, which is not the merchant, called the alias; the call %s (ledger entry %d).\n\n", utc(ev.CallTime), who, call, v.leak)
	if ev.SequentialDialler {
		fmt.Fprintf(&en, "3. The caller had been flagged in call records for dialling numbers in sequence (blocks of consecutive numbers). Such a caller reaches an unpublished number whether or not it was disclosed, so this call on its own is no evidence that %q disclosed the number: likelihood ratio %s. It is recorded, not claimed as a leak.\n\n", b.Merchant, trace.FormatLR(lr))
	} else {
		fmt.Fprintf(&en, "3. A stranger calls an unpublished number when it was disclosed, or by dialling numbers at random or in sequence. %s So the call is %s times more likely if %q (or someone who obtained the number from it) disclosed the number than if it did not: likelihood ratio %s.\n\n", baseEN, trace.FormatLR(lr), b.Merchant, trace.FormatLR(lr))
	}
	fmt.Fprintf(&en, "4. %s\n\n5. %s\n", proofEN, verEN)

	fmt.Fprintf(&zh, "证据说明 - 案件 %s\n\n", v.caseID)
	fmt.Fprintf(&zh, "一、%s，隐私号 %s 代表一名用户绑定给商户“%s”（账本条目 %d）。据账本记录，该号码仅提供给“%s”。\n\n", utc(be.Time), b.Alias, b.Merchant, ev.Binding, b.Merchant)
	fmt.Fprintf(&zh, "二、%s，非该商户的%s拨打了该隐私号，%s（账本条目 %d）。\n\n", utc(ev.CallTime), zhNumber(whoZH, v.caller != ""), callZH, v.leak)
	if ev.SequentialDialler {
		fmt.Fprintf(&zh, "三、该来电号码此前已在通话记录中被标记为按号段顺序拨号。此类号码无论号码是否被泄露都会拨到未公开的号码，因此该来电本身不能证明“%s”泄露了号码：似然比为 %s。本次来电仅作记录，不认定为泄露。\n\n", b.Merchant, trace.FormatLR(lr))
	} else {
		strong := ""
		if lr >= 2 {
			strong = "，商户泄露该号码具有高度可能性"
		}
		fmt.Fprintf(&zh, "三、未公开的号码只有在被泄露，或被随机、按号段顺序拨号时，才会接到陌生来电。%s因此该来电在“%s”（或从其处获得号码者）泄露号码的情况下出现的可能性，是未泄露情况下的 %s 倍：似然比为 %s%s。\n\n", baseZH, b.Merchant, trace.FormatLR(lr), trace.FormatLR(lr), strong)
	}
	fmt.Fprintf(&zh, "四、%s\n\n五、%s\n", proofZH, verZH)
	return en.String(), zh.String(), nil
}

// zhNumber is how the caller reads in the Chinese statement.
func zhNumber(who string, clear bool) string {
	if clear {
		return "号码 " + who + " "
	}
	return who
}

// MinBaselineDays is the observation, in number-days of null aliases,
// below which the null-alias baseline says too little to be used.
const MinBaselineDays = 30

// PriorCallRate is the conservative prior used until the baseline is
// observed: an undisclosed number is taken to receive one stranger call
// (random or sequential dialling) every 30 days. Chinese mobile numbers
// commonly receive several unsolicited calls a month, so this overstates
// the background for a fresh number and understates the evidence of a
// leak, never the reverse.
const PriorCallRate = 1.0 / 30

// NullRate is the background rate λ of strangers' calls to an undisclosed
// number, per day, against which a leak event is judged, and whether it
// was observed: (NullCalls+½)/NullNumberDays once MinBaselineDays
// number-days of null aliases were watched; before that PriorCallRate, or
// the rate of the calls seen so far if that is higher.
func NullRate(ev *ledger.LeakEvent) (lambda float64, observed bool) {
	if ev.NullNumberDays >= MinBaselineDays {
		return (float64(ev.NullCalls) + 0.5) / ev.NullNumberDays, true
	}
	lambda = PriorCallRate
	if ev.NullCalls > 0 && ev.NullNumberDays > 0 {
		lambda = max(lambda, float64(ev.NullCalls)/ev.NullNumberDays)
	}
	return lambda, false
}

// LeakLog10 is the log10 likelihood ratio of a stranger's call on an alias
// bound at bound. An alias nobody disclosed, exposed for T days (from
// binding to call, at least one), is called by a stranger with chance
// 1−e^(−λT), λ the background rate (NullRate); a disclosed one is, given
// the call, certainly. A call from a caller flagged for dialling in
// sequence is as likely either way: ratio 1 (0).
func LeakLog10(ev *ledger.LeakEvent, bound time.Time) float64 {
	if ev.SequentialDialler {
		return 0
	}
	lambda, _ := NullRate(ev)
	days := max(ev.CallTime.Sub(bound).Hours()/24, 1)
	return max(0, -math.Log10(-math.Expm1(-lambda*days)))
}

func baselineText(ev *ledger.LeakEvent, bound time.Time) (string, string) {
	exposed := ev.CallTime.Sub(bound)
	days := max(exposed.Hours()/24, 1)
	lambda, observed := NullRate(ev)
	p := -math.Expm1(-lambda * days)
	// The exposure it really had; the estimate counts at least a day.
	en, zh := exposure(exposed)
	if exposed < 24*time.Hour {
		en += " (counted as one day, the least the estimate uses)"
		zh += "（按估计所用的最短时长一天计）"
	}
	if !observed {
		return fmt.Sprintf("Only %.1f number-days of null aliases (pool numbers never disclosed to anyone) had been observed, fewer than the %d needed to measure how often strangers dial an undisclosed number. A conservative prior is used instead: an undisclosed number is taken to receive a stranger's call every %.0f days (or more often, if the null aliases were called more often), so that one exposed for %s is called with chance %.3g.", ev.NullNumberDays, MinBaselineDays, 1/lambda, en, p),
			fmt.Sprintf("从未向任何人披露的保留号码（空号对照）仅观测了 %.1f 个号码日，不足测定陌生来电背景频率所需的 %d 个号码日。故采用保守的先验假设：一个未披露的号码每 %.0f 天接到一次陌生来电（若空号对照实际来电更频繁，则按实际频率），据此一个未披露的号码在 %s内接到陌生来电的概率为 %.3g。", ev.NullNumberDays, MinBaselineDays, 1/lambda, zh, p)
	}
	return fmt.Sprintf("Null aliases, pool numbers never disclosed to anyone, received %s in %.0f number-days; at that rate an undisclosed number exposed for %s is called with chance %.3g (the null-alias baseline).", ringfence.Plural(ev.NullCalls, "stranger call"), ev.NullNumberDays, en, p),
		fmt.Sprintf("从未向任何人披露的保留号码（空号对照）在 %.0f 个号码日内共接到 %d 次陌生来电；按此频率，一个未披露的号码在 %s内接到陌生来电的概率为 %.3g（空号基线）。", ev.NullNumberDays, ev.NullCalls, zh, p)
}

// exposure says how long an alias was exposed before the call, in English
// and Chinese: days, or hours, minutes or seconds when under a day.
func exposure(d time.Duration) (string, string) {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%.1f days", d.Hours()/24), fmt.Sprintf(" %.1f 天", d.Hours()/24)
	case d >= time.Hour:
		return fmt.Sprintf("%.1f hours", d.Hours()), fmt.Sprintf(" %.1f 小时", d.Hours())
	case d >= time.Minute:
		m := int(d / time.Minute)
		return ringfence.Plural(m, "minute"), fmt.Sprintf(" %d 分钟", m)
	}
	s := int(d / time.Second)
	return ringfence.Plural(s, "second"), fmt.Sprintf(" %d 秒", s)
}

// readCaller checks caller.json, when the bundle has one, against the
// fingerprint in the leak event; a leak entry written before fingerprints
// names its caller itself.
func (v *view) readCaller(byName map[string][]byte) error {
	ev := v.entries[v.leak].LeakEvent
	if ev == nil {
		return fmt.Errorf("entries/%d.json: not a leak event", v.leak)
	}
	data, ok := byName["caller.json"]
	if !ok {
		v.caller = ev.Caller
		return nil
	}
	var c callerFile
	if err := strictJSON(data, &c); err != nil {
		return fmt.Errorf("caller.json: %w", err)
	}
	switch {
	case c.Entry != v.leak:
		return fmt.Errorf("caller.json: names the caller of entry %d, the case is entry %d", c.Entry, v.leak)
	case ev.CallerPrint == "":
		return fmt.Errorf("caller.json: entries/%d.json holds no caller fingerprint to check it against", v.leak)
	case ledger.CallerPrint(c.Key, c.Caller) != ev.CallerPrint:
		return fmt.Errorf("caller.json: %s is not the caller whose fingerprint entries/%d.json holds", c.Caller, v.leak)
	}
	v.caller = c.Caller
	return nil
}

func (v *view) attribution() (string, string, error) {
	c := v.tcase
	if c == nil || c.Attribution == nil || len(c.Attribution.Candidates) == 0 {
		return "", "", fmt.Errorf("case.json: no candidate")
	}
	a := c.Attribution
	bl := a.Baseline
	best := a.Candidates[0]
	f := c.Found
	unmatched := bl.Unmatched
	rateS, _ := bl.Rates()
	dec := bl.DecisiveLog10()
	var en, zh strings.Builder
	fmt.Fprintf(&en, "EVIDENCE STATEMENT - case %s\n\n", v.caseID)
	fmt.Fprintf(&en, "1. On %s a found list (SHA-256 %s; %d lines, %d distinct records) was compared with the %d exports recorded in the ringfence disclosure ledger %q (ledger entry %d records this attribution). %d of its records match no recorded disclosure.\n",
		utc(c.Time), f.SHA256, f.Lines, f.Records, a.Exports, v.origin, v.caseAt, unmatched)
	fmt.Fprintf(&zh, "证据说明 - 案件 %s\n\n", v.caseID)
	fmt.Fprintf(&zh, "一、%s，将一份查获名单（SHA-256 %s；%d 行，%d 条不重复记录）与 ringfence 披露账本“%s”中记录的 %d 次导出进行比对（本次溯源记录于账本条目 %d）。其中 %d 条记录与任何已记录的披露均不匹配。\n",
		utc(c.Time), f.SHA256, f.Lines, f.Records, v.origin, a.Exports, v.caseAt, unmatched)

	if bl.NullAliases > 0 {
		fmt.Fprintf(&en, "   Null-alias baseline: %d of %d null aliases (pool numbers never disclosed to anyone) are in the found list, so a number nobody disclosed turns up in it with chance %.3g.\n\n", bl.NullHits, bl.NullAliases, bl.NullRate)
		fmt.Fprintf(&zh, "   空号基线：%d 个从未披露的保留号码（空号对照）中有 %d 个出现在名单中，即未被披露的号码出现在名单中的概率为 %.3g。\n\n", bl.NullAliases, bl.NullHits, bl.NullRate)
	} else {
		fmt.Fprintf(&en, "   Null-alias baseline: no null aliases were checked, so a number nobody disclosed is taken to turn up in it with chance %.3g, as among %d random numbers.\n\n", bl.NullRate, bl.Found)
		fmt.Fprintf(&zh, "   空号基线：未提供空号对照，故按 %d 个随机号码估计，未被披露的号码出现在名单中的概率为 %.3g。\n\n", bl.Found, bl.NullRate)
	}
	anchor := []int64{v.caseAt, best.Entry}
	if best.Kind == "alias" {
		fmt.Fprintf(&en, "2. Most likely source: the merchant %q. %s given to that merchant alone %s in the found list (ledger entry %d).\n\n", best.Recipient, ringfence.Plural(best.AliasHits, "alias number"), isAre(best.AliasHits), best.Entry)
		fmt.Fprintf(&zh, "二、最可能的来源：商户“%s”。名单中出现了仅提供给该商户的 %d 个隐私号（账本条目 %d）。\n\n", best.Recipient, best.AliasHits, best.Entry)
		if best.Detail != nil {
			anchor = anchor[:1]
			for _, al := range best.Detail.Aliases {
				anchor = append(anchor, al.Entry)
			}
		}
	} else {
		xe := v.entries[best.Entry]
		if xe == nil || xe.Export == nil {
			return "", "", fmt.Errorf("entries/%d.json: the export of the best candidate is missing", best.Entry)
		}
		x := xe.Export
		fmt.Fprintf(&en, "2. Most likely source: export %s, given by %q to %q on %s (ledger entry %d), %d records.\n", x.ExportID, x.Org, x.Recipient, utc(xe.Time), best.Entry, best.Rows)
		fmt.Fprintf(&zh, "二、最可能的来源：“%s”于 %s 提供给“%s”的导出 %s（账本条目 %d），共 %d 条记录。\n", x.Org, utc(xe.Time), x.Recipient, x.ExportID, best.Entry, best.Rows)
		if best.CanaryHits > 0 {
			fmt.Fprintf(&en, "   - %s, invented %s planted only in that copy, %s in the found list. %s likelihood ratio %s.\n", ringfence.Plural(best.CanaryHits, "canary record"), map[bool]string{true: "record", false: "records"}[best.CanaryHits == 1], isAre(best.CanaryHits), map[bool]string{true: "Alone it has", false: "Each alone has"}[best.CanaryHits == 1], trace.FormatLR(dec))
			fmt.Fprintf(&zh, "   - 名单中出现了 %d 条仅植入该副本的虚构标记记录（金丝雀记录），每一条单独的似然比即为 %s。\n", best.CanaryHits, trace.FormatLR(dec))
		}
		if best.AliasHits > 0 {
			fmt.Fprintf(&en, "   - %s issued for that copy only %s in the found list. Each alone has likelihood ratio %s.\n", ringfence.Plural(best.AliasHits, "alias number"), isAre(best.AliasHits), trace.FormatLR(dec))
			fmt.Fprintf(&zh, "   - 名单中出现了 %d 个仅为该副本签发的隐私号，每一个单独的似然比即为 %s。\n", best.AliasHits, trace.FormatLR(dec))
			if best.Detail != nil {
				for _, al := range best.Detail.Aliases {
					anchor = append(anchor, al.Entry)
				}
			}
		}
		if best.Matched > 0 {
			fmt.Fprintf(&en, "   - %d of its %d records (%s) are in the found list; a recipient of the same size drawn at random from all %d disclosed records would show %.2f%% (the null baseline). Likelihood ratio %s.\n",
				best.Matched, best.Rows, pct(best.Matched, best.Rows), bl.Disclosed, 100*rateS, trace.FormatLR(trace.OverlapLog10(best.Matched, best.Rows, rateS)))
			fmt.Fprintf(&zh, "   - 其 %d 条记录中有 %d 条（%s）出现在名单中；若从全部 %d 条已披露记录中随机抽取同等数量给一个接收方（零假设基线），预期仅为 %.2f%%。似然比 %s。\n",
				best.Rows, best.Matched, pct(best.Matched, best.Rows), bl.Disclosed, 100*rateS, trace.FormatLR(trace.OverlapLog10(best.Matched, best.Rows, rateS)))
		}
		if best.Exclusive > 0 {
			fmt.Fprintf(&en, "   - %d of the matching records were disclosed to this recipient alone.\n", best.Exclusive)
			fmt.Fprintf(&zh, "   - 其中 %d 条匹配记录仅披露给了该接收方。\n", best.Exclusive)
		}
		if best.Weak > 0 {
			fmt.Fprintf(&en, "   - %d further records match only by a masked number.\n", best.Weak)
			fmt.Fprintf(&zh, "   - 另有 %d 条记录仅按打码号码部分匹配。\n", best.Weak)
		}
		guiltParagraph(&en, &zh, best, bl)
	}
	strength, strengthZH := "", ""
	if best.Score >= 2 {
		strength = " This is strong evidence that it is a source."
		strengthZH = "该接收方为泄露来源具有高度可能性。"
	}
	fmt.Fprintf(&en, "3. Overall, the found list is %s times more likely if %q is a source than under the null baseline (likelihood ratio %s).%s\n\n", trace.FormatLR(best.Score), best.Recipient, trace.FormatLR(best.Score), strength)
	fmt.Fprintf(&zh, "三、综上，若“%s”是来源，出现该名单的可能性是零假设基线下的 %s 倍（似然比 %s）。%s\n\n", best.Recipient, trace.FormatLR(best.Score), trace.FormatLR(best.Score), strengthZH)

	others := a.Candidates[1:]
	if len(others) > 4 {
		others = others[:4]
	}
	if len(others) == 0 {
		en.WriteString("4. No other recorded disclosure matches the found list.\n\n")
		zh.WriteString("四、没有其他已记录的披露与该名单匹配。\n\n")
	} else {
		en.WriteString("4. Other candidates, each scored on what it explains beyond those ranked above it:\n")
		zh.WriteString("四、其他候选来源（均在排除排名在前者所能解释的记录后评分）：\n")
		for _, o := range others {
			fmt.Fprintf(&en, "   - %q (export %s, ledger entry %d): %d of %d further records, likelihood ratio %s\n", o.Recipient, o.ExportID, o.Entry, o.CondMatched, o.CondRows, trace.FormatLR(o.Score))
			fmt.Fprintf(&zh, "   - “%s”（导出 %s，账本条目 %d）：其余 %d 条记录中匹配 %d 条，似然比 %s\n", o.Recipient, o.ExportID, o.Entry, o.CondRows, o.CondMatched, trace.FormatLR(o.Score))
		}
		en.WriteString("\n")
		zh.WriteString("\n")
	}
	sort.Slice(anchor, func(i, j int) bool { return anchor[i] < anchor[j] })
	proofEN, proofZH := v.proofParagraph(anchor)
	verEN, verZH := v.verifyParagraph()
	fmt.Fprintf(&en, "5. %s case.json holds the ranking and the keyed fingerprints that matched; prints/ holds the fingerprints of every record of the export, committed to by its ledger entry. Keyed fingerprints reveal no record.\n\n6. %s\n", proofEN, verEN)
	fmt.Fprintf(&zh, "五、%scase.json 记录排名及匹配的带密钥指纹；prints/ 中为该导出全部记录的指纹，由其账本条目承诺。带密钥指纹不泄露任何记录内容。\n\n六、%s\n", proofZH, verZH)
	return en.String(), zh.String(), nil
}

func pct(k, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(k)/float64(n))
}

// isAre is the verb agreeing with a count of n.
func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// guiltParagraph states the best candidate's guilt probability and the model
// behind it, or why there is none.
func guiltParagraph(en, zh *strings.Builder, best trace.Candidate, bl trace.Baseline) {
	if best.Guilt == nil {
		en.WriteString("   - No guilt probability is given: other recipients explain records of the found list that this one does not, so the list combines more than one leak, and the guilt model takes a list as one leak.\n\n")
		zh.WriteString("   - 不给出泄露概率：其他接收方能解释名单中该接收方无法解释的记录，说明名单合并了不止一次泄露，而泄露概率模型假定名单来自一次泄露。\n\n")
		return
	}
	if bl.Candidates == 1 {
		fmt.Fprintf(en, "   - Guilt probability %.6g: the found list taken as one leak, by this recipient (the only one whose disclosures match it) or from elsewhere with chance %.2f.\n\n", *best.Guilt, bl.Elsewhere)
		fmt.Fprintf(zh, "   - 假定名单来自一次泄露：来源为该接收方（唯一与之匹配者），或以 %.2f 的概率来自其他渠道；据此该接收方的泄露概率为 %.6g。\n\n", bl.Elsewhere, *best.Guilt)
		return
	}
	fmt.Fprintf(en, "   - Guilt probability %.6g: the found list taken as one leak, by one of the %s whose disclosures match it (each equally likely beforehand, weighed by its likelihood ratio), or from elsewhere with chance %.2f.\n\n", *best.Guilt, ringfence.Plural(bl.Candidates, "candidate"), bl.Elsewhere)
	fmt.Fprintf(zh, "   - 假定名单来自一次泄露：来源为与之匹配的 %d 个候选者之一（事先同等可能，按各自似然比加权），或以 %.2f 的概率来自其他渠道；据此该接收方的泄露概率为 %.6g。\n\n", bl.Candidates, bl.Elsewhere, *best.Guilt)
}
