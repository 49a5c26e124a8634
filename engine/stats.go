package engine

import (
	"context"
	"time"

	"ringfence"
	"ringfence/number"
)

// MonthlyStats computes the report for the month starting at month.
func (e *Engine) MonthlyStats(ctx context.Context, month time.Time) (Monthly, error) {
	m := Monthly{
		Month:      month.Format("2006-01"),
		ByCategory: map[ringfence.Category]int{},
		ByType:     map[string]int{},
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
		m.ByType[string(info.Type)]++
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
