// Package scenes makes the data of the scene engine from real photographs:
// patches of photographs as instance classes, for training a conv stack
// whose features keep regions that it never saw apart, and camera frames
// of one region of a scene in a few states, for measuring enrolment.
//
// The photographs are the sample images that scikit-image's wheel carries
// (PyPI, skimage/data; `make deps-photos` takes them out of the wheel into
// the folder SLICED_PHOTOS names). TrainPhotos train the engine; the
// states of HeldPhotos measure it, so that no test region is a patch the
// engine was trained on.
//
// What a camera does to a region is drawn per frame (Look): a lighting
// change of up to 30 %, a shift of up to 5 % of the region, sensor noise,
// and JPEG at quality 60 to 95.
package scenes
