package cdr

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// Source is who carried a call: the customer account (Asterisk's
// accountcode, the native "account" column) and the trunk (the native
// "trunk" column, or the peer of Asterisk's originating channel, "SIP/acme"
// for "SIP/acme-0000002a"). Either may be "".
type Source struct {
	Account string `json:"account,omitempty"`
	Trunk   string `json:"trunk,omitempty"`
}

// MaxSources is how many distinct sources one Reader names; the records of
// further sources carry Source 0 (unnamed) and are counted by
// Reader.Unnamed.
const MaxSources = 1<<16 - 1

// maxSourceLen is the longest account or trunk name accepted.
const maxSourceLen = 128

// Source returns the account and trunk of a record's Source id; id 0 (the
// records name none) and ids this reader did not give are the zero Source.
func (r *Reader) Source(id uint16) Source {
	if int(id) >= len(r.sources.names) {
		return Source{}
	}
	return r.sources.names[id]
}

// Unnamed is how many records named an account or trunk that could not be
// given an id because MaxSources were in use.
func (r *Reader) Unnamed() int64 { return r.sources.overflow }

// sourceTable interns (account, trunk) pairs to small ids: records carry
// the id, so naming who carried a call costs the hot record nothing.
type sourceTable struct {
	names    []Source // by id; names[0] is the zero Source
	ids      map[string]uint16
	key      []byte // scratch: account NUL trunk
	last     []byte // the key of lastID
	lastID   uint16
	overflow int64
}

type sourceError struct {
	field string // "account" or "trunk"
	msg   string
}

func (e *sourceError) Error() string { return e.msg }

// id returns the id of (account, trunk), giving a new one to a pair not
// seen before. Rows of one customer tend to come together, so the last
// pair is checked before the map.
func (t *sourceTable) id(account, trunk []byte) (uint16, *sourceError) {
	account, trunk = bytes.TrimSpace(account), bytes.TrimSpace(trunk)
	if len(account) == 0 && len(trunk) == 0 {
		return 0, nil
	}
	if t.lastID != 0 && len(t.last) == len(account)+1+len(trunk) &&
		bytes.Equal(t.last[:len(account)], account) && t.last[len(account)] == 0 && bytes.Equal(t.last[len(account)+1:], trunk) {
		return t.lastID, nil
	}
	if err := checkName("account", account); err != nil {
		return 0, err
	}
	if err := checkName("trunk", trunk); err != nil {
		return 0, err
	}
	t.key = append(append(append(t.key[:0], account...), 0), trunk...)
	id, ok := t.ids[string(t.key)]
	if !ok {
		if t.names == nil {
			t.names = []Source{{}}
			t.ids = make(map[string]uint16)
		}
		if len(t.names) > MaxSources {
			t.overflow++
			return 0, nil
		}
		id = uint16(len(t.names))
		t.names = append(t.names, Source{Account: string(account), Trunk: string(trunk)})
		t.ids[string(t.key)] = id
	}
	t.last = append(t.last[:0], t.key...)
	t.lastID = id
	return id, nil
}

// checkName refuses names that are too long, not UTF-8 or hold control
// characters: they would garble the roll-up tables.
func checkName(field string, b []byte) *sourceError {
	if len(b) > maxSourceLen {
		return &sourceError{field, fmt.Sprintf("%d bytes, longer than %d", len(b), maxSourceLen)}
	}
	if !utf8.Valid(b) {
		return &sourceError{field, "not UTF-8"}
	}
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			return &sourceError{field, fmt.Sprintf("%q holds a control character", string(b))}
		}
	}
	return nil
}

// channelTrunk is the peer of an Asterisk channel name: the channel
// without its unique suffix ("SIP/acme-0000002a" is "SIP/acme",
// "PJSIP/acme-00000001" is "PJSIP/acme"). A name without a technology
// ("/") is not a channel and gives no trunk.
func channelTrunk(ch []byte) []byte {
	ch = bytes.TrimSpace(ch)
	if bytes.IndexByte(ch, '/') <= 0 {
		return nil
	}
	if i := bytes.LastIndexByte(ch, '-'); i > 0 {
		suffix := ch[i+1:]
		hex := len(suffix) > 0
		for _, c := range suffix {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				hex = false
				break
			}
		}
		if hex {
			ch = ch[:i]
		}
	}
	return ch
}
