// Package prep turns a camera frame or an uploaded image into the engine's
// input: a 1x28x28 tensor, ink white on black, values in [0, 1], the way
// MNIST digits look.
//
// Func is the seam the pipeline and the API call. Simple is the daemon's
// built-in frame preprocessing: grey, polarity from the background, ink
// threshold, crop to the ink, scale the longer side to 20 pixels and centre
// the ink's mass in the 28x28 plane.
package prep
