//go:build !linux

package reputation

// adviseHugePages does nothing where transparent huge pages are not known.
func adviseHugePages([]entry) {}
