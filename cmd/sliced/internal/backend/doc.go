// Package backend is the daemon's set of classifiers behind one small
// interface: a Backend labels one 28x28 input tensor and reports its own
// timing, and describes itself (name, device, model) for metric labels.
//
// Backends are registered by name in a Registry, the way image formats are
// registered with image.RegisterFormat. The default registry holds "sliced"
// (the k-NN engine that the daemon serves and enrols into) and "fullcnn"
// (a whole CNN run by the Go engine on the CPU). Adding an accelerator is a
// one-file change: a file whose init calls Register with a Factory. A
// Factory that cannot run on this machine (library or device missing)
// returns an error wrapping ErrUnavailable; the daemon logs it as skipped,
// any other error as failed, and exports both as a metric.
//
// Every Backend is safe for concurrent use.
package backend
