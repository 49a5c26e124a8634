package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"ringfence"
	"ringfence/trace"
)

// Entry types.
const (
	TypeExport       = "export"
	TypeAliasBinding = "alias_binding"
	TypeAliasRelease = "alias_release"
	TypeLeakEvent    = "leak_event"
	TypeAttribution  = "attribution"
)

// TypeName is how an entry type reads in a sentence, with its article:
// "an alias binding", "a leak event".
func TypeName(t string) string {
	switch t {
	case TypeExport:
		return "an export"
	case TypeAliasBinding:
		return "an alias binding"
	case TypeAliasRelease:
		return "an alias release"
	case TypeLeakEvent:
		return "a leak event"
	case TypeAttribution:
		return "an attribution"
	}
	return fmt.Sprintf("an entry of type %q", t)
}

// TypeCount is how n entries of a type read: "1 alias binding", "6 leak
// events".
func TypeCount(n int, t string) string {
	return ringfence.Plural(n, strings.ReplaceAll(t, "_", " "))
}

// Entry is one record of the log. Exactly the field named by Type is set.
// Its JSON encoding (with "type" first) is the record hashed into the tree.
type Entry struct {
	Type         string        `json:"type"`
	Time         time.Time     `json:"time"`
	Export       *Export       `json:"export,omitempty"`
	AliasBinding *AliasBinding `json:"alias_binding,omitempty"`
	AliasRelease *AliasRelease `json:"alias_release,omitempty"`
	LeakEvent    *LeakEvent    `json:"leak_event,omitempty"`
	Attribution  *Attribution  `json:"attribution,omitempty"`
}

// Export records one salted copy of a customer list given to a recipient.
// The prints of every row it held are stored next to the log as a print
// list (see trace.EncodePrints); Prints commits to that list.
type Export struct {
	Org         string        `json:"org"`
	Recipient   string        `json:"recipient"`
	ExportID    string        `json:"export_id"`
	Rows        int           `json:"rows"` // data rows, canaries included
	Canaries    []trace.Print `json:"canaries"`
	Aliased     bool          `json:"aliased,omitempty"`
	Encoding    string        `json:"encoding,omitempty"`
	PhoneColumn string        `json:"phone_column,omitempty"`
	Prints      string        `json:"prints"` // trace.Digest of the print list
}

// AliasBinding records that an alias number was given to a merchant on
// behalf of a subscriber. Any other caller on the alias is a leak by that
// merchant.
type AliasBinding struct {
	Alias      string `json:"alias"`      // E.164
	Subscriber string `json:"subscriber"` // keyed fingerprint of the subscriber (Log.Fingerprint), never the id in clear
	Merchant   string `json:"merchant"`
	// Purpose says what the alias is for: "alias" (a subscriber's number
	// for one merchant) or "canary" (a number planted in an export).
	Purpose  string `json:"purpose,omitempty"`
	ExportID string `json:"export_id,omitempty"` // the export a canary number was planted in
}

// AliasRelease records that an alias binding ended.
type AliasRelease struct {
	Alias   string `json:"alias"`
	Binding int64  `json:"binding"` // entry index of the binding
}

// LeakEvent records a call to an alias from a caller other than the merchant
// it was given to: evidence that the merchant disclosed the number.
type LeakEvent struct {
	Alias    string `json:"alias"`    // E.164
	Merchant string `json:"merchant"` // the merchant the alias was given to
	Binding  int64  `json:"binding"`  // entry index of the alias binding
	// CallerPrint is the keyed fingerprint of the calling number: hex
	// HMAC-SHA256 of its E.164 form under the event's caller key (see
	// Log.LeakCallerKey), which an evidence bundle discloses with the
	// number so that anyone can check the one against the other. Caller
	// holds the number in clear in entries written before fingerprints;
	// exactly one of the two is set.
	Caller      string    `json:"caller,omitempty"`
	CallerPrint string    `json:"caller_fp,omitempty"`
	CallTime    time.Time `json:"call_time"`
	Duration    float64   `json:"duration_s"` // talk seconds, 0 when unanswered
	Answered    bool      `json:"answered"`
	// CallRecord is "sha256:" and the digest of the raw call record (CDR
	// line or SIP INVITE) when the operator keeps it.
	CallRecord string `json:"call_record,omitempty"`
	// The null-alias baseline when the call came: calls received by null
	// aliases (pool numbers never disclosed) over NullNumberDays days of
	// null aliases observed. It measures random and sequential dialling,
	// against which the call is judged; zero when the pool has none.
	NullCalls      int     `json:"null_calls,omitempty"`
	NullNumberDays float64 `json:"null_number_days,omitempty"`
	// SequentialDialler is set when the caller had been flagged for
	// dialling numbers in sequence: its call is recorded but is no
	// evidence of a disclosure on its own.
	SequentialDialler bool `json:"sequential_dialler,omitempty"`
}

// Attribution records that a found list was attributed: the case file kept
// next to the log holds the ranking and the prints behind it.
type Attribution struct {
	Case      string  `json:"case"`
	Found     string  `json:"found_sha256"` // of the found list's bytes
	CaseFile  string  `json:"case_sha256"`  // "sha256:" digest of the case file
	BestEntry int64   `json:"best_entry"`   // entry of the best candidate, -1 when none
	Score     float64 `json:"score"`        // its log10 likelihood ratio
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidID reports whether s may name an export or a case: 1 to 64 letters,
// digits, dots, dashes and underscores, not starting with a dot or dash.
func ValidID(s string) bool { return idPattern.MatchString(s) }

func invalid(format string, args ...any) error {
	return ringfence.Errorf(ringfence.EINVALID, format, args...)
}

func isE164(s string) bool {
	if len(s) < 4 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isPrintHex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Validate checks that e is well formed for its type.
func (e *Entry) Validate() error {
	if e.Time.IsZero() {
		return invalid("%s entry: time is required", e.Type)
	}
	set := 0
	for _, p := range []bool{e.Export != nil, e.AliasBinding != nil, e.AliasRelease != nil, e.LeakEvent != nil, e.Attribution != nil} {
		if p {
			set++
		}
	}
	if set != 1 {
		return invalid("%s entry: exactly one body must be set, got %d", e.Type, set)
	}
	switch e.Type {
	case TypeExport:
		x := e.Export
		switch {
		case x == nil:
			return invalid("export entry without export")
		case strings.TrimSpace(x.Org) == "" || strings.TrimSpace(x.Recipient) == "":
			return invalid("export entry: org and recipient are required")
		case !ValidID(x.ExportID):
			return invalid("export entry: bad export id %q", x.ExportID)
		case x.Rows < 0 || len(x.Canaries) > x.Rows:
			return invalid("export %s: %d canaries in %d rows", x.ExportID, len(x.Canaries), x.Rows)
		case !strings.HasPrefix(x.Prints, "sha256:") || len(x.Prints) != 7+64:
			return invalid("export %s: prints must be a sha256 digest", x.ExportID)
		}
	case TypeAliasBinding:
		b := e.AliasBinding
		switch {
		case b == nil:
			return invalid("alias_binding entry without binding")
		case !isE164(b.Alias):
			return invalid("alias binding: alias %q is not E.164", b.Alias)
		case strings.TrimSpace(b.Merchant) == "":
			return invalid("alias binding: merchant is required")
		case b.Purpose == "canary" && b.ExportID == "":
			return invalid("alias binding: a canary binding names its export")
		}
	case TypeAliasRelease:
		r := e.AliasRelease
		switch {
		case r == nil:
			return invalid("alias_release entry without release")
		case !isE164(r.Alias) || r.Binding < 0:
			return invalid("alias release: bad alias %q or binding %d", r.Alias, r.Binding)
		}
	case TypeLeakEvent:
		l := e.LeakEvent
		switch {
		case l == nil:
			return invalid("leak_event entry without event")
		case !isE164(l.Alias):
			return invalid("leak event: alias %q is not E.164", l.Alias)
		case (l.Caller == "") == (l.CallerPrint == ""):
			return invalid("leak event: exactly one of caller and caller_fp is required")
		case l.CallerPrint != "" && !isPrintHex(l.CallerPrint):
			return invalid("leak event: caller_fp %q is not a fingerprint", l.CallerPrint)
		case l.Binding < 0:
			return invalid("leak event: binding entry is required")
		case l.CallTime.IsZero():
			return invalid("leak event: call time is required")
		case l.NullCalls < 0 || l.NullNumberDays < 0 || l.NullCalls > 0 && l.NullNumberDays == 0:
			return invalid("leak event: bad null-alias baseline (%d calls in %g number-days)", l.NullCalls, l.NullNumberDays)
		}
	case TypeAttribution:
		a := e.Attribution
		switch {
		case a == nil:
			return invalid("attribution entry without attribution")
		case !ValidID(a.Case):
			return invalid("attribution: bad case id %q", a.Case)
		case !strings.HasPrefix(a.CaseFile, "sha256:"):
			return invalid("attribution: case_sha256 must be a sha256 digest")
		}
	default:
		return invalid("unknown entry type %q", e.Type)
	}
	return nil
}

// Encode returns the record bytes of e: its JSON encoding.
func (e *Entry) Encode() ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(e)
}

// DecodeEntry parses the record bytes of an entry and validates it.
func DecodeEntry(data []byte) (*Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("decode entry: %w", err)
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return &e, nil
}

// entryType sniffs the type of an encoded entry from its prefix, which
// Encode always writes as {"type":"…".
func entryType(data []byte) string {
	const p = `{"type":"`
	if !bytes.HasPrefix(data, []byte(p)) {
		return ""
	}
	rest := data[len(p):]
	i := bytes.IndexByte(rest, '"')
	if i < 0 {
		return ""
	}
	return string(rest[:i])
}
