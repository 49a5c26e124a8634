package ringfence

// Repeats reports whether r, a crowd report, says again what old (the same
// reporter's stored report on the same number) already says: the same
// category at the same time (to the millisecond, as stores keep times).
// Stores apply a repeat as nothing: the stored report, the number's
// tallies, the reporter's track and the report events stay as they are,
// so importing a file again, or filing a report again, changes nothing.
// A report cleared by an accepted appeal stays cleared when repeated.
// An official feed's reporter is a group of complainants whose identical
// rows are distinct complaints: its reports never repeat.
func (r Report) Repeats(old Report) bool {
	return r.Source == SourceCrowd && old.Source == SourceCrowd && r.Category == old.Category &&
		r.ReportedAt.UnixMilli() == old.ReportedAt.UnixMilli()
}
