package simulate

import (
	"ringfence"

	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// WriteCSV writes calls as the native CDR CSV of ringfence:
// caller,callee,start_time,duration_s,answered with E.164 numbers and
// RFC 3339 times in China Standard Time.
func WriteCSV(w io.Writer, calls []ringfence.CallRecord) error {
	if _, err := io.WriteString(w, CSVHeader); err != nil {
		return err
	}
	return WriteCSVRows(w, calls)
}

// CSVHeader is the header line of the native CDR CSV.
const CSVHeader = "caller,callee,start_time,duration_s,answered\n"

// WriteCSVRows writes calls as rows of the native CDR CSV, without the
// header: for writing a population a batch at a time.
func WriteCSVRows(w io.Writer, calls []ringfence.CallRecord) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf []byte
	var lastSec int64 = -1
	var stamp []byte
	for _, c := range calls {
		if c.Start != lastSec {
			stamp = time.Unix(c.Start, 0).In(CST).AppendFormat(stamp[:0], time.RFC3339)
			lastSec = c.Start
		}
		buf = buf[:0]
		buf = append(buf, '+')
		buf = strconv.AppendUint(buf, c.Caller, 10)
		buf = append(buf, ",+"...)
		buf = strconv.AppendUint(buf, c.Callee, 10)
		buf = append(buf, ',')
		buf = append(buf, stamp...)
		buf = append(buf, ',')
		buf = strconv.AppendUint(buf, uint64(c.Duration), 10)
		if c.Answered {
			buf = append(buf, ",1\n"...)
		} else {
			buf = append(buf, ",0\n"...)
		}
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteTruth writes the ground truth as JSON lines, one Truth per line:
// {"number":"+86…","class":"…","first_call":"RFC 3339","campaign":"…"}.
func WriteTruth(w io.Writer, truth []Truth) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, t := range truth {
		if err := enc.Encode(t); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadTruth reads ground truth written by WriteTruth.
func ReadTruth(r io.Reader) ([]Truth, error) {
	var out []Truth
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var t Truth
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return nil, fmt.Errorf("truth line %d: %w", line, err)
		}
		if t.Number == "" || t.Class == "" {
			return nil, fmt.Errorf("truth line %d: number and class are required", line)
		}
		out = append(out, t)
	}
	return out, sc.Err()
}
