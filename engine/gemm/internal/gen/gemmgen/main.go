// Command gemmgen writes the assembly kernels of package gemm. Run it from
// engine/gemm (go generate does).
package main

import (
	"log"
	"os"
	"sort"

	"github.com/sliced-ai/sliced/engine/gemm/internal/gen"
)

func main() {
	files := gen.Files()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(name, []byte(files[name]), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
