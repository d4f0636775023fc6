package glyphs

import (
	"fmt"
	"sort"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationmonobold"
	"codeberg.org/go-fonts/liberation/liberationmonoregular"
	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansitalic"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-fonts/liberation/liberationserifbold"
	"codeberg.org/go-fonts/liberation/liberationserifitalic"
	"codeberg.org/go-fonts/liberation/liberationserifregular"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/gofont/gosmallcaps"
	"golang.org/x/image/font/opentype"
)

// ttf is every font by name, as TrueType bytes.
var ttf = map[string][]byte{
	"go-regular":             goregular.TTF,
	"go-bold":                gobold.TTF,
	"go-italic":              goitalic.TTF,
	"go-medium":              gomedium.TTF,
	"go-mono":                gomono.TTF,
	"go-mono-bold":           gomonobold.TTF,
	"go-smallcaps":           gosmallcaps.TTF,
	"liberation-sans":        liberationsansregular.TTF,
	"liberation-sans-bold":   liberationsansbold.TTF,
	"liberation-sans-italic": liberationsansitalic.TTF,
	"liberation-serif":       liberationserifregular.TTF,
	"liberation-serif-bold":  liberationserifbold.TTF,
	"liberation-serif-ital":  liberationserifitalic.TTF,
	"liberation-mono":        liberationmonoregular.TTF,
	"liberation-mono-bold":   liberationmonobold.TTF,
}

// GoFonts and LiberationFonts split Fonts in two families, so that what a
// test enrols and what it checks are drawn in different typefaces.
var (
	GoFonts         = []string{"go-regular", "go-bold", "go-italic", "go-medium", "go-mono", "go-mono-bold", "go-smallcaps"}
	LiberationFonts = []string{"liberation-sans", "liberation-sans-bold", "liberation-sans-italic", "liberation-serif", "liberation-serif-bold", "liberation-serif-ital", "liberation-mono", "liberation-mono-bold"}
)

// Fonts lists every font name, sorted.
func Fonts() []string {
	names := make([]string, 0, len(ttf))
	for n := range ttf {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var (
	parsedMu sync.Mutex
	parsed   = map[string]*opentype.Font{}
)

// parse parses a font once; the parsed font is safe for concurrent use.
func parse(name string) (*opentype.Font, error) {
	parsedMu.Lock()
	defer parsedMu.Unlock()
	if f, ok := parsed[name]; ok {
		return f, nil
	}
	b, ok := ttf[name]
	if !ok {
		return nil, fmt.Errorf("glyphs: no font %q (have %v)", name, Fonts())
	}
	f, err := opentype.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("glyphs: font %s: %w", name, err)
	}
	parsed[name] = f
	return f, nil
}
