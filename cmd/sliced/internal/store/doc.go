// Package store holds the engine the daemon serves, persists what is
// enrolled into it and keeps its versions.
//
// The served engine is, in order: the engine file in the state directory
// (engine.slc, written by enrolment), else the configured engine file, else
// the embedded default. Enrolment never changes an engine in place: it
// copies the current one, appends (or removes) prototypes, writes the copy
// atomically (temporary file, fsync, rename, fsync of the folder) and only
// then swaps it in, so readers see the old engine or the new one and a
// crash at any moment leaves a loadable file.
//
// Versions. The configured or embedded engine is version 1; every change
// (enrolment, removal, import, rollback) makes the next number, and
// numbers never go back: a rollback serves the previous version's engine
// again under a new number, and a rollback from that one goes one further
// back (the version left is dropped). The state directory holds
//
//	engine.slc            the served engine
//	versions/NNNNNN.slc   the served version and the Keep-1 a rollback goes back through
//	versions.json         the newest number given; each kept version's number,
//	                      SHA-256 and parent (where a rollback from it goes);
//	                      the base engine's class names
//
// A change writes versions/NNNNNN.slc, then versions.json, then
// engine.slc, then versions.json again without what the change dropped.
// engine.slc decides: the served version is the newest kept one whose
// SHA-256 is engine.slc's, so a crash between the writes serves the old
// version under its old number. An engine.slc of no kept version (an older
// layout, a file copied in) is served as the number after the newest, and
// a rollback from it goes to the newest kept.
//
// Enrolled classes are those whose names are not the base engine's (the
// engine served before the first change: recorded in versions.json, and
// for an older state directory the configured or embedded engine's).
// Export and Import move them between engines of the same conv stack and
// projection (package enrolfile).
//
// A Store is safe for concurrent use; changes are serialised.
package store
