package engine

import (
	"context"
	"time"

	"ringfence"
	"ringfence/number"
)

// Monthly is the 12321-style monthly report of crowd reports, counted by
// their time of receipt.
type Monthly struct {
	Month                string                     `json:"month"`
	TotalReports         int                        `json:"total_reports"`
	ByCategory           map[ringfence.Category]int `json:"by_category"`
	ByType               map[number.Type]int        `json:"by_type"`
	ByProvince           map[string]int             `json:"by_province"`
	VirtualOperatorShare float64                    `json:"virtual_operator_share"`
	ServiceShare         float64                    `json:"service_share"`
	// Change is the relative change of total_reports against the month
	// before (0.25 = 25% more); null when the month before had none.
	Change *float64 `json:"change"`
}

// ParseMonth parses "YYYY-MM".
func ParseMonth(s string) (time.Time, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return t, ringfence.Errorf(ringfence.EINVALID, "month: %q is not YYYY-MM", s)
	}
	return t, nil
}

// MonthlyStats computes the report for the month starting at month.
func (e *Engine) MonthlyStats(ctx context.Context, month time.Time) (Monthly, error) {
	m := Monthly{
		Month:      month.Format("2006-01"),
		ByCategory: map[ringfence.Category]int{},
		ByType:     map[number.Type]int{},
		ByProvince: map[string]int{},
	}
	var virtual, service int
	end := month.AddDate(0, 1, 0)
	err := e.store.ReportEvents(ctx, month, end, func(ev ReportEvent) error {
		m.TotalReports++
		m.ByCategory[ev.Category]++
		info, err := number.Parse(ev.Number)
		if err != nil {
			return nil
		}
		m.ByType[info.Type]++
		if info.Province != "" {
			m.ByProvince[info.Province]++
		}
		if info.VirtualOperator {
			virtual++
		}
		if info.Type == number.Service {
			service++
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	if m.TotalReports > 0 {
		m.VirtualOperatorShare = float64(virtual) / float64(m.TotalReports)
		m.ServiceShare = float64(service) / float64(m.TotalReports)
	}
	prev := 0
	if err := e.store.ReportEvents(ctx, month.AddDate(0, -1, 0), month, func(ReportEvent) error { prev++; return nil }); err != nil {
		return m, err
	}
	if prev > 0 {
		c := float64(m.TotalReports-prev) / float64(prev)
		m.Change = &c
	}
	return m, nil
}
