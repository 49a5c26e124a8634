package ringfence

import "time"

// Report is one crowd report: a reporter says a number is of some category.
// One reporter counts once per number; their latest report wins.
type Report struct {
	Number     string    `json:"number"` // E.164
	Category   Category  `json:"category"`
	Reporter   string    `json:"reporter"` // who reports: a key identity, a subscriber, or a feed group such as "ftc:510"
	Source     string    `json:"source"`   // "crowd" or an official feed such as "ftc"
	ReportedAt time.Time `json:"reported_at"`
	ReceivedAt time.Time `json:"received_at"`
	CalledAt   time.Time `json:"called_at,omitzero"`
	Note       string    `json:"note,omitempty"`
	Weight     float64   `json:"weight"` // the reporter weight applied to this report
	// Complaints is how many complaints an official feed's reporter group
	// has made on the number so far, this one included (1 for the crowd);
	// set by the store.
	Complaints int `json:"complaints,omitempty"`
	// Corroboration is what the carrier's call records made of a crowd
	// report when it was filed (set by the engine, stored with the report):
	// confirmed, unconfirmed, or "" when the records do not cover the
	// reporter.
	Corroboration Corroboration `json:"corroboration,omitempty"`
}

// Corroboration is what call records say of a crowd report: whether the
// reported number really called the reporter in the days before it.
type Corroboration string

// Corroborations. A report whose reporter the call records do not cover is
// NotCorroborated and keeps its usual weight.
const (
	NotCorroborated Corroboration = ""
	Confirmed       Corroboration = "confirmed"   // the number called the reporter in the lookback
	Unconfirmed     Corroboration = "unconfirmed" // the records cover the reporter and show no such call
)

// Sources of reports.
const (
	SourceCrowd = "crowd"
	SourceFTC   = "ftc"
)

// Business is a verified business number or range registered by an operator.
type Business struct {
	ID        int64     `json:"id"`
	Pattern   string    `json:"pattern"` // E.164 number, or E.164 prefix ending in "*"
	Name      string    `json:"name"`
	AddedBy   string    `json:"added_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Appeal is a business's request to remove a label from one of its numbers.
type Appeal struct {
	ID        int64        `json:"id"`
	Number    string       `json:"number"`
	Business  string       `json:"business"`
	Contact   string       `json:"contact,omitempty"`
	Reason    string       `json:"reason"`
	Status    AppealStatus `json:"status"`
	FiledBy   string       `json:"filed_by"`
	DecidedBy string       `json:"decided_by,omitempty"`
	Decision  string       `json:"decision,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	DecidedAt time.Time    `json:"decided_at,omitzero"`
}

// AppealStatus is where an appeal stands.
type AppealStatus string

// Appeal statuses: an appeal is filed pending and decided once.
const (
	AppealPending  AppealStatus = "pending"
	AppealAccepted AppealStatus = "accepted"
	AppealRejected AppealStatus = "rejected"
)

// ParseAppealStatus validates an appeal status name.
func ParseAppealStatus(s string) (AppealStatus, error) {
	switch st := AppealStatus(s); st {
	case AppealPending, AppealAccepted, AppealRejected:
		return st, nil
	}
	return "", Errorf(EINVALID, "%q is not pending, accepted or rejected", s)
}

// Role is what an API key may do.
type Role string

// Roles, least privilege: a subscriber reaches only its own rules; a reporter
// only files reports; a carrier screens and streams call records; an operator
// runs the registry and appeals; a regulator reads statistics and attributes;
// an org de-identifies and exports only its own data.
const (
	RoleSubscriber Role = "subscriber"
	RoleReporter   Role = "reporter"
	RoleCarrier    Role = "carrier"
	RoleOperator   Role = "operator"
	RoleRegulator  Role = "regulator"
	RoleOrg        Role = "org" // a data-holding organisation: de-identifies and exports its own data
)

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleSubscriber, RoleReporter, RoleCarrier, RoleOperator, RoleRegulator, RoleOrg:
		return r, nil
	}
	return "", Errorf(EINVALID, "unknown role %q (valid: subscriber, reporter, carrier, operator, regulator, org)", s)
}

// Key is an API key's identity. The secret itself is never stored, only its hash.
type Key struct {
	ID         string    `json:"id"` // public identity, used as reporter id and in the audit log
	Role       Role      `json:"role"`
	Subscriber string    `json:"subscriber,omitempty"` // E.164, for subscriber keys
	Org        string    `json:"org,omitempty"`        // the organisation, for org keys
	CreatedAt  time.Time `json:"created_at"`
}

// AuditEntry records a sensitive action. It names numbers only where the
// action is about a number (a registry entry, an appeal), never callers'
// personal data.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target"`
	Detail string    `json:"detail,omitempty"`
}
