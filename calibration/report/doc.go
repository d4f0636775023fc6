// Package report regenerates the tables of the paper ("Hybrid Deep
// Learning Topology for Image Classification", SSIP 2019) with sliced's
// measured numbers beside the published ones: slide 26 (parameters and
// engine size of every network) and slide 28 (MNIST accuracy of the five
// full CNNs and of the CMA-ES and PSO sliced engines under three
// protocols).
//
// A report is a list of row specs, one per (network, protocol). A Runner
// trains (calibration/train) or evolves (calibration/evolve) and scores
// each row in-process and caches the finished row as JSON in DIR/rows/,
// so a report that takes hours can be stopped and resumed, and single
// rows rerun with a regular expression over their ids (for example
// "^B8/" or "cmaes"). A cached row is reused only when it was made with
// the same settings. Generate then renders DIR/report.md and PNG plots from
// whatever rows exist; rows not yet run appear as "not run".
//
// Every row records its wall time (training or search plus scoring on the
// test images) and the cores it ran on. Settings include the thread count,
// since the trainer's weights depend on it: rows cached on one machine are
// reused on another only with the same --threads.
//
// The evolutionary rows have no epochs; their search budget scales with
// the protocol's: generations per block = epochs x GensPerEpoch (6 by
// default, so 5 epochs is the evolve command's default of 30).
//
// Quick mode shrinks every protocol (a sixtieth of the training images and
// a twentieth of the test images, at least 200 and 100, a fifth of the
// epochs, two generations of 8 candidates in blocks of 32 filters) so the
// whole report runs in seconds; it checks the pipeline, not the paper.
//
// On 2 cores the full report takes hours: the backprop rows take seconds
// (4000 images) to minutes (60000), each evolutionary row tens of minutes
// (4000/1000, 5 epochs) to hours (20 epochs, or 60000 images, where the
// fitness compares against 10000 prototypes). Ctrl-C stops it; the next
// run continues from the cached rows and the evolutionary checkpoint.
//
// From the command line:
//
//	slicecal report --out report                  # everything (hours on 2 cores)
//	slicecal report --out report --rows '4000-1000-5ep'
//	slicecal report --out report --rows '^B8/' --rerun
//	slicecal report --out /tmp/r --quick          # seconds
//	slicecal report --out report --budget-sweep   # adds accuracy vs engine size
package report
