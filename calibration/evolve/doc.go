// Package evolve tunes the conv kernels of a sliced engine without
// backpropagation, the paper's way: an evolutionary search (CMA-ES or PSO,
// from calibration/optimize) whose fitness is the k-NN accuracy of the conv
// features.
//
// # The procedure
//
// Serial optimisation: the filters of conv1 are tuned one at a time, then
// those of conv2 with conv1 frozen. A stage's features are its layer's
// output after ReLU and pooling, all channels: conv1's 13x13x32 (topology
// B) while conv1 is tuned, the whole stack's output while conv2 is. With
// Block > 1 several filters are searched together (the paper's parallel
// optimisation). With Init "random" every filter starts at zero (it adds
// nothing to the distances until its turn) and its search starts at a
// He-normal draw; with "trained" the search starts at the backprop-trained
// kernel.
//
// Fitness of a candidate = accuracy + Share x mean share of correct votes
// of the k = 9 nearest prototypes, for the fitness queries against the
// fitness prototypes (two disjoint parts of the training images). When a
// block's search ends, its best candidate is kept only if the accuracy on
// a third part, the validation images, does not drop; otherwise the old
// kernels stay. The test set is never seen.
//
// # Why an evaluation is cheap
//
//   - Output channel f of a stage depends only on filter f (ReLU and max
//     pooling act per channel), so a candidate recomputes one channel, not
//     the network: conv1's input or conv2's (conv1's frozen output) is
//     cached for every image.
//   - Squared L2 distances add up over channels. The distances over every
//     other channel are computed once per block; a candidate adds its own
//     channel's distances (one small matrix multiply) and runs the k-NN
//     vote.
//   - A whole generation runs its filters as one matrix multiply per
//     image, and candidates are scored on all cores.
//
// # Long runs
//
// Run writes a checkpoint (kernels, position, optimiser state with its
// random generator) every CheckpointEvery generations, at each block's end
// and when its context is cancelled; Resume continues from the same
// optimiser state and random stream. Caches are rebuilt from the kernels,
// so distances can differ from an uninterrupted run in the last bits. Log
// receives a CSV row per generation; PlotLog draws it. `slicecal evolve`
// wires this to flags, a progress line, SIGINT/SIGTERM, and an engine file
// with the training images as prototypes:
//
//	slicecal evolve --out cma.slc                     # CMA-ES from random kernels, 4000/1000
//	slicecal evolve --method pso --out pso.slc        # PSO
//	slicecal evolve --out cma.slc --resume            # continue after Ctrl-C
//	slicecal train --topology B --train-size 4000 --out b64.slc
//	slicecal evolve --init trained --trained b64.slc --metric cosine --out tuned.slc
//
// Next to the engine it writes cma.slc.ckpt, cma.slc.csv and cma.slc.png.
// Condense the prototypes to a byte budget with `slicecal prototypes`.
package evolve
