// Package engine is sliced's inference engine: a layer stack (the conv
// stack of a sliced CNN, or a whole CNN), an optional linear projection and
// a k-NN over stored prototypes, plus the engine file that holds them.
//
// An Engine is plain data and safe for concurrent reads. A Session runs it
// and is not safe for concurrent use: give every goroutine its own.
// Session.Classify labels one input; Session.ClassifyBatch labels several
// with the same answers, each conv layer one product over a chunk of them.
package engine
