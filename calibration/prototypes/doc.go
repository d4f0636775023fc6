// Package prototypes turns a conv stack and labelled training images into
// a deployable sliced engine: it extracts conv features, optionally projects
// them with PCA, condenses every class to a few prototypes with k-means, and
// picks the precision and sizes that fit a byte budget.
//
// Storing every training feature vector (60,000 x 1600 floats = 384 MB for
// topology B) is not an edge engine; a few dozen centroids per class in a
// 32-dimensional PCA space keep k-NN accuracy within a few tenths of a
// percent at a thousandth of the size.
package prototypes
