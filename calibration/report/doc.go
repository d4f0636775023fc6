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
// The evolutionary rows search topology B's conv kernels serially, 30
// generations per filter, with a cosine 9-NN leave-one-out fitness over
// the training images (3500 of them on 60000/10000, as many as on
// 4000/1000) and a 500-image validation split. By default they start from
// the conv kernels of B/64 trained by backprop for the protocol's epochs on
// the same images (the B/64 row's network), so the epochs column applies
// to them too; Init "random" is the paper's no-backprop start. The engine
// keeps every training image as a prototype and, on the 4000-image
// protocols, eight one-pixel shifted copies of each.
//
// Why: on 10,000 training images outside the 4000-image subset (never
// part of any protocol), the trained kernels' features classify at 95.69 %
// with cosine 9-NN against the 4000 images, 96.75 % with the four axis
// shifts of each, 96.92 % with all eight; cosine beat L2 on leave-one-out
// accuracy at every k. PSO's swarm is as large as CMA-ES's population, so
// both search on the same number of evaluations.
// Every choice is a Config field and a flag.
//
// Quick mode shrinks every protocol (a sixtieth of the training images and
// a twentieth of the test images, at least 200 and 100, a fifth of the
// epochs, two generations of 8 candidates in blocks of 32 filters) so the
// whole report runs in seconds; it checks the pipeline, not the paper.
//
// On 2 cores the full report takes about two hours: the backprop rows take
// seconds (4000 images) to minutes (60000), each evolutionary row about a
// quarter of an hour. Ctrl-C stops it; the next run continues from the
// cached rows and the evolutionary checkpoint.
//
// From the command line:
//
//	slicecal report --out report                  # everything (about 2 hours on 2 cores)
//	slicecal report --out report --rows '4000-1000-5ep'
//	slicecal report --out report --rows '^B8/' --rerun
//	slicecal report --out /tmp/r --quick          # seconds
//	slicecal report --out report --budget-sweep   # adds accuracy vs engine size
package report
