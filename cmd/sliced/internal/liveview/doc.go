// Package liveview is the daemon's page for people: "/" shows every
// source's latest frame as an MJPEG stream (multipart/x-mixed-replace) with
// the label, score and latency drawn on it (a source's named regions as
// boxes labelled with their answers), and a table of recent results that
// the page polls from /v1/recent. /v1/latest is each region's latest
// result with its box in frame pixels, as drawn.
//
// The pipelines Publish every result, which only stores a reference; frames
// are drawn and JPEG-encoded only while someone watches, at most MaxFPS
// times a second per source, and shared by all viewers of a source.
package liveview
