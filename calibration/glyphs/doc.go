// Package glyphs draws letters and symbols from TrueType fonts as
// MNIST-style 28x28 images: classes that no digit engine has seen, to
// measure enrolment of new classes and open-set answers.
//
// A glyph is drawn dark on light at a random size, weight, rotation and
// shear, then taken through engine/preprocess, the same step that turns a
// camera frame into the engine's input. calibration/synth can then print
// the result on simulated paper as a camera-like frame. Everything is
// drawn from a seed, so a glyph is reproducible from (rune, font, seed).
//
// The fonts ship in Go modules (the Go fonts and Liberation), so nothing
// is downloaded: Fonts lists them, and a test enrols with some fonts and
// checks with others.
package glyphs
