// Package knn is the classifier that replaces the CNN's dense head: the k
// nearest stored prototypes vote on the label.
//
// A Set is plain data (what the engine file stores) and is safe for
// concurrent reads; a Searcher owns the scratch of one query and is not safe
// for concurrent use.
package knn
