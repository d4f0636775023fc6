// Package optimize holds the derivative-free optimisers that tune sliced's
// conv kernels: CMA-ES (full covariance, a separable variant for large
// filters, IPOP restarts) and particle swarm optimisation, behind one small
// ask/tell interface.
//
// The caller drives the loop: Ask returns a population of candidate vectors,
// the caller evaluates them however it likes (in parallel, on cached data,
// on another machine) and hands the fitness values back with Tell. Lower
// fitness is better. Between a Tell and the next Ask the whole optimiser
// state can be written with MarshalState and read back with Restore, so a
// long run survives a restart and continues with the same random stream.
//
// Why our own implementations rather than gonum's optimize.CmaEsChol or
// eaopt's SPSO: both own the evaluation loop (they call the objective
// themselves, one point at a time, or through their own goroutine pool),
// and neither can write its state (covariance, evolution paths, swarm,
// random generator) to disk mid-run. The evolutionary calibration needs
// the opposite on both counts: batched evaluation of a whole generation
// over shared caches, and checkpoints every few generations. The algorithms
// are short (Hansen's "The CMA Evolution Strategy: A Tutorial", 2016; the
// constriction-factor PSO of Clerc and Kennedy, 2002) and gonum's mat
// package does the eigendecomposition.
//
// Optimisers are not safe for concurrent use.
package optimize
