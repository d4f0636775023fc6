// Package enrolment measures what adding classes at run time does to a
// sliced engine: how well the new classes are recognised, what the known
// classes lose, and how often shapes never enrolled are answered unknown.
//
// New classes are shapes from glyphs.Held drawn as camera-like frames:
// the enrolled examples in the Go fonts, the frames checked in the
// Liberation fonts with other seeds, so nothing checked was enrolled.
// Digits are checked on camera-like frames of MNIST test digits.
package enrolment
