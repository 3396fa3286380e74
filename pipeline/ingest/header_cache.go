package ingest

import (
	"strconv"
	"strings"
	"sync"
)

// A folder of workbooks made from one template holds the same title and
// header rows thousands of times; resolving a row against every kind's
// columns costs more than reading the file. headerOf remembers, for rows
// of modest size, what detectHeader made of them.

const (
	headerCacheMax     = 1024 // rows remembered
	headerCacheMaxText = 4096 // bytes of a row's cells worth remembering
)

// minSignature is the fewest columns that tell a kind's header.
var minSignature = func() int {
	least := 0
	for _, s := range Specs {
		if least == 0 || len(s.Signature) < least {
			least = len(s.Signature)
		}
	}
	return least
}()

var (
	headerCacheMu sync.Mutex
	headerCache   = map[string]*Layout{} // nil: no header of the kinds tried
)

// headerOf is detectHeader of one row. The layout returned is the
// caller's own (readFile sets a CSV file's fields on it); the slices it
// holds are shared and never changed after detection.
func headerOf(cells []string, only Kind) *Layout {
	n, filled := len(only), 0
	for _, c := range cells {
		n += len(c) + 4
		if strings.TrimSpace(c) != "" {
			filled++
		}
	}
	if filled < minSignature {
		// A title: each cell names one column at most, and no kind's
		// header is told by fewer columns.
		return nil
	}
	if n > headerCacheMaxText {
		l, _ := detectHeader([][]string{cells}, only)
		return l
	}
	var key strings.Builder
	key.Grow(n + 8)
	key.WriteString(string(only))
	for _, c := range cells {
		key.WriteByte(0)
		key.WriteString(strconv.Itoa(len(c)))
		key.WriteByte(':')
		key.WriteString(c)
	}
	k := key.String()
	headerCacheMu.Lock()
	l, ok := headerCache[k]
	headerCacheMu.Unlock()
	if !ok {
		l, _ = detectHeader([][]string{cells}, only)
		headerCacheMu.Lock()
		if len(headerCache) < headerCacheMax {
			headerCache[k] = l
		}
		headerCacheMu.Unlock()
	}
	if l == nil {
		return nil
	}
	own := *l
	return &own
}
