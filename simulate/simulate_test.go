package simulate

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"ringfence"
)

func TestRunDeterministicAndSorted(t *testing.T) {
	cfg := Config{Days: 2, Subscribers: 1500, Seed: 9}
	a, b := Run(cfg), Run(cfg)
	if len(a.Calls) == 0 || len(a.Calls) != len(b.Calls) || len(a.Truth) != len(b.Truth) {
		t.Fatalf("runs differ: %d/%d calls", len(a.Calls), len(b.Calls))
	}
	for i := range a.Calls {
		if a.Calls[i] != b.Calls[i] {
			t.Fatalf("call %d differs", i)
		}
		if i > 0 && a.Calls[i].Start < a.Calls[i-1].Start {
			t.Fatalf("call %d out of order", i)
		}
		if !a.Calls[i].Answered && a.Calls[i].Duration != 0 {
			t.Fatalf("unanswered call %d has talk time", i)
		}
	}
	classes := map[string]int{}
	for _, tr := range a.Truth {
		classes[tr.Class]++
	}
	for _, c := range []string{ClassOrdinary, ClassCourier, ClassRider, ClassServiceCentre, ClassCallbackLine, ClassTelemarketing, ClassRobocall, ClassDebt, ClassBombingTarget} {
		if classes[c] == 0 {
			t.Errorf("no %s in the population: %v", c, classes)
		}
	}
	if c := Run(Config{Days: 2, Subscribers: 1500, Seed: 10}); len(c.Calls) == len(a.Calls) {
		t.Errorf("another seed gave the same number of calls")
	}
}

func TestTruthRoundTrip(t *testing.T) {
	res := Run(Config{Days: 1, Subscribers: 500, Seed: 1})
	var buf bytes.Buffer
	if err := WriteTruth(&buf, res.Truth); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTruth(&buf)
	if err != nil || len(got) != len(res.Truth) || got[0] != res.Truth[0] {
		t.Fatalf("round trip: %v, %d vs %d", err, len(got), len(res.Truth))
	}
	if _, err := ReadTruth(strings.NewReader("{\"number\":\"+86\"}\n")); err == nil {
		t.Error("truth without class accepted")
	}
	var csv bytes.Buffer
	if err := WriteCSV(&csv, res.Calls[:2]); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	if lines[0] != "caller,callee,start_time,duration_s,answered" || len(lines) != 3 {
		t.Errorf("csv:\n%s", csv.String())
	}
}

func TestEvaluate(t *testing.T) {
	at := time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
	truth := []Truth{
		{Number: "+861", Class: ClassTelemarketing, FirstCall: at, Campaign: "room-1"},
		{Number: "+862", Class: ClassTelemarketing, FirstCall: at, Campaign: "room-1"},
		{Number: "+863", Class: ClassCourier, FirstCall: at},
		{Number: "+864", Class: ClassRobocall, FirstCall: at},
	}
	flags := []ringfence.Flag{
		{Number: "+861", Kind: ringfence.KindTelemarketing, FlaggedAt: at.Add(10 * time.Minute)},
		{Number: "+862", Kind: ringfence.KindTelemarketing, FlaggedAt: at.Add(30 * time.Minute), Campaign: "campaign-861"},
		{Number: "+863", Kind: ringfence.KindTelemarketing, FlaggedAt: at},
		{Number: "+863", Kind: ringfence.KindTelemarketing, FlaggedAt: at},
	}
	e := Evaluate(truth, flags)
	if e.Flags != 3 || e.Correct != 2 || e.Precision != 2.0/3 {
		t.Errorf("flags %d correct %d precision %v", e.Flags, e.Correct, e.Precision)
	}
	if e.CallerRecall != 2.0/3 || e.Classes[ClassCourier].Rate() != 1 {
		t.Errorf("recall %v courier fp %v", e.CallerRecall, e.Classes[ClassCourier].Rate())
	}
	if d := e.Classes[ClassTelemarketing].MedianDelay(); d != 30*time.Minute {
		t.Errorf("median delay %v", d)
	}
	if e.CampaignPrecision != 1 || e.CampaignRecall != 1 {
		t.Errorf("campaign %v %v", e.CampaignPrecision, e.CampaignRecall)
	}
	var out bytes.Buffer
	e.WriteText(&out)
	if !strings.Contains(out.String(), "precision: 0.6667") {
		t.Errorf("text:\n%s", out.String())
	}
}
