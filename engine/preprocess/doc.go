// Package preprocess turns an image into the input the engine expects: a
// 28x28 single-channel float32 tensor (CHW) with values in [0, 1], bright
// ink on a dark background, the way MNIST digits look.
//
// The rule: an image of exactly 28x28 pixels whose border is dark is taken
// as is (an MNIST-style digit). Any other image is a camera frame and goes
// through the steps that made MNIST from scanned forms:
//
//  1. grayscale (the Y plane of a JPEG is used directly);
//  2. a low-resolution analysis copy (area averaging to about 160 pixels
//     across), which is also the denoising step;
//  3. polarity: a frame whose median is nearer its brightest values than
//     its darkest has a light background (dark ink on paper) and is
//     inverted;
//  4. uneven lighting is removed by subtracting a background estimated per
//     block (a low percentile, interpolated between blocks);
//  5. Otsu's threshold and 8-connected components: the digit is the
//     largest component (preferring ones clear of the frame edge) plus the
//     strong components close to it, so a broken stroke stays with its
//     digit;
//  6. the full-resolution pixels of that blob, softly thresholded between
//     the background and ink levels, are cropped to their bounding box,
//     fitted into 20x20 keeping the aspect ratio (area averaging, so edges
//     are anti-aliased), scaled so the brightest pixel is 1, and placed on
//     a 28x28 canvas with their centre of mass at the centre.
//
// A frame with no contrast (a blank wall, a covered lens) gives an all-zero
// tensor and Info.Empty, not an error.
//
// Scene engines skip the object search: SceneImage crops a region of the
// frame (or takes all of it), resizes it to any C x H x W (gray or RGB
// planes) by letterbox, centre crop or stretch, with the same area
// averaging, and normalises each channel.
//
// A Preprocessor owns its scratch buffers, so a stream of frames of one
// size allocates nothing after the first; it is not safe for concurrent
// use: give every goroutine its own. FromGray takes 8-bit luma directly
// (GoCV Mat bytes, the Y samples of a V4L2 frame) and skips image.Image.
package preprocess
