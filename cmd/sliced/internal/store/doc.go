// Package store holds the engine the daemon serves and persists what is
// enrolled into it.
//
// The served engine is, in order: the engine file in the state directory
// (engine.slc, written by enrolment), else the configured engine file, else
// the embedded default. Enrolment never changes an engine in place: it
// copies the current one, appends (or removes) prototypes, writes the copy
// atomically (temporary file, fsync, rename, fsync of the folder) and only
// then swaps it in, so readers see the old engine or the new one and a
// crash at any moment leaves a loadable file.
//
// A Store is safe for concurrent use; mutations are serialised.
package store
