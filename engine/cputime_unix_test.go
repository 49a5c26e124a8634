//go:build unix

package engine_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, user and system: under a
// loaded machine it grows only while the benchmark runs, unlike the wall
// clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
