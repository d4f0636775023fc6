// Package synth makes camera-like frames from MNIST digits, to measure
// preprocessing and classification on input that looks like what a camera
// on a board sees, and to make the bundled demo input.
//
// A frame is a digit printed dark on lit paper: paper brightness, colour
// tint, a lighting gradient in a random direction and a faint paper
// texture; the digit anywhere in the frame (640x480 by default), 3-10x
// its MNIST size, rotated up to ±10°; Gaussian sensor noise; JPEG
// compression at a random quality (60-95). Everything is drawn from a seed,
// so a frame is reproducible from (digit, seed, options).
//
// Evaluate runs the whole way a frame takes through sliced (JPEG decode,
// preprocess, a classifier passed in) over many frames, and reports the
// accuracy beside the same classifier's accuracy on the clean digits.
// WriteDemo writes the demo images and their index; WriteAVI packs JPEG
// frames into an MJPEG AVI file that OpenCV and common players read.
package synth
