// Package build makes a deployable sliced engine from a class-per-folder
// tree of images in one run, the pipeline behind `slicecal build`:
//
//  1. load: every image decoded by engine/imageio and resized by the
//     daemon's scene preprocessing (engine/preprocess.SceneImage), gray or
//     RGB; broken files are skipped and counted;
//  2. split: per class, deterministically for the seed, into training,
//     validation and held-out test images; every channel normalised by
//     the training images' mean and spread;
//  3. train: the full CNN (models.FullCNNFor) by backprop, epoch by epoch;
//  4. evolve (optional): CMA-ES or PSO on the conv kernels with a k-NN
//     fitness (calibration/evolve), from the trained kernels, or from
//     random ones when no epochs are asked for;
//  5. prototypes: the conv stack sliced off, a projection and prototypes
//     per option set, the most accurate on the validation images that fits
//     the byte budget, with the Gaussian open-set calibration;
//  6. report: the held-out test images scored per class and as a
//     confusion matrix.
//
// The engine's PREP section records the mode (roi or whole), the fit and
// the normalisation, so the daemon makes its input from a frame the way
// the training images were made.
//
// Every finished stage, and every training epoch, is saved in a work
// folder; a run that is stopped (Ctrl-C, a crash, a reboot) and started
// again with the same settings on the same images goes on from there and
// writes the same engine bytes as a run that never stopped. A work folder
// of other images or training settings is refused rather than mixed in;
// one whose prototype settings differ keeps its conv stack.
package build
