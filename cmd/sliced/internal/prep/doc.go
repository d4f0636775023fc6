// Package prep adapts the engine's frame preprocessing (engine/preprocess)
// and limited image decoding (engine/imageio) to the daemon: a Func that is
// safe for concurrent use, turning a camera frame or an uploaded image into
// the engine's 1x28x28 input, and Decode with the configured pixel limit.
package prep
