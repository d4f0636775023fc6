// Package pipeline moves one source's frames through preprocessing, the
// primary backend and the sinks, timing every stage.
//
// Capture runs in its own goroutine (a source.Runner) and hands frames to
// the worker through a one-frame slot: when inference is slower than the
// source, the waiting frame is replaced by the newest and the drop is
// counted, so results are never late by more than one frame. Files read
// as fast as they decode (no fps set) wait for the worker instead.
//
// A Gate (the daemon's GPIO capture trigger) lets through only the frames
// it wants classified; the source keeps streaming, so its watchdog and
// health still see every frame.
//
// A source's frame is read and decoded once and classified in each of
// its Regions (a named rectangle, or one unnamed region: the engine's own
// rule), each a Result of its own. A region's Smooth holds its reported
// state until that many equal answers came in a row, so results and the
// events and outputs that follow them do not flicker; the metrics count
// every frame's own answer.
//
// A Route says which backends answer: the primary, the sliced engine as
// fallback when the primary fails (counted), and optionally a backend to
// compare with on every Nth frame (its latency and its agreement with the
// primary are exported).
package pipeline
