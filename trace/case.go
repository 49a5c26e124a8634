package trace

import "time"

// Case is a recorded attribution: the found list it was run on (by digest
// and counts, never its content), the baseline and the ranked candidates
// with the prints behind the leading ones. The ledger keeps case files and
// commits to them; evidence bundles carry them.
type Case struct {
	ID          string       `json:"id"`
	Time        time.Time    `json:"time"`
	Found       FoundSummary `json:"found"`
	Attribution *Attribution `json:"attribution"`
}

// FoundSummary describes a found list without its content.
type FoundSummary struct {
	SHA256     string         `json:"sha256"`
	Lines      int            `json:"lines"`
	Rows       int            `json:"rows"`
	Records    int            `json:"records"`
	Headers    int            `json:"headers"`
	Duplicates int            `json:"duplicates"`
	Unusable   int            `json:"unusable"`
	Masked     int            `json:"masked"`
	Encodings  map[string]int `json:"encodings"`
}

// Summary describes f.
func (f *Found) Summary() FoundSummary {
	return FoundSummary{
		SHA256: f.SHA256, Lines: f.Lines, Rows: f.Rows, Records: len(f.Records),
		Headers: f.Headers, Duplicates: f.Duplicates, Unusable: f.Unusable, Masked: f.Masked,
		Encodings: f.Encodings,
	}
}
