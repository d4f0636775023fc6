// Command run prints the benchmark table of package benchtable: the sliced
// engine, the full CNN and ONNX Runtime, batch 1, on one thread and on all
// cores.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/benchtable"
)

func main() {
	per := flag.Duration("per-row", 0, "measuring time per row (default 2s)")
	cores := flag.Int("cores", 0, "cores of the all-cores figure (default GOMAXPROCS)")
	lib := flag.String("onnxruntime", "", "path to libonnxruntime.so.1 (default: $ONNXRUNTIME_LIB, then the usual places)")
	flag.Parse()
	res, err := benchtable.Measure(benchtable.Options{PerRow: *per, Library: *lib, Workers: *cores})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if err := res.Markdown(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
