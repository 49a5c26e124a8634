package simulate

import "hash/fnv"

// Sectors: the kind of abuse behind an abusive number, finer than its
// class. The four telemarketing sectors share the class telemarketing.
const (
	SectorDecoration  = "decoration"
	SectorLoans       = "loans"
	SectorInsurance   = "insurance"
	SectorRealEstate  = "real_estate"
	SectorRobocall    = "robocall"
	SectorDebt        = "debt_collection"
	SectorCallBombing = "call_bombing"
)

// Sectors lists the sectors in report order.
var Sectors = []string{SectorDecoration, SectorLoans, SectorInsurance, SectorRealEstate, SectorRobocall, SectorDebt, SectorCallBombing}

// telemarketingSectors are the sectors of class telemarketing.
var telemarketingSectors = []string{SectorDecoration, SectorLoans, SectorInsurance, SectorRealEstate}

// SectorOf is t's sector: t.Sector when set, else the one its class
// implies (robocall, debt collection, call bombing), else the class (a
// telemarketing number of a truth file without sectors).
func SectorOf(t Truth) string {
	if t.Sector != "" {
		return t.Sector
	}
	switch t.Class {
	case ClassRobocall:
		return SectorRobocall
	case ClassDebt:
		return SectorDebt
	case ClassBombingTarget:
		return SectorCallBombing
	}
	return t.Class
}

// AssignSectors sets the sector of every abusive number of truth that has
// none, and returns truth. A telemarketing number gets the sector of its
// call room, chosen from a hash of the room's name (of the number when it
// has no campaign), so that adding sectors draws nothing from a
// generator's random stream and leaves its calls as they were.
func AssignSectors(truth []Truth) []Truth {
	for i := range truth {
		t := &truth[i]
		if t.Sector != "" || !Abusive(t.Class) {
			continue
		}
		if t.Class != ClassTelemarketing {
			t.Sector = SectorOf(*t)
			continue
		}
		key := t.Campaign
		if key == "" {
			key = t.Number
		}
		h := fnv.New32a()
		h.Write([]byte(key))
		t.Sector = telemarketingSectors[h.Sum32()%uint32(len(telemarketingSectors))]
	}
	return truth
}
