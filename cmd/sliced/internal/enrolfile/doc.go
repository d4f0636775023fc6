// Package enrolfile is the portable file of enrolled classes: what
// `GET /v1/classes/export` and `sliced enroll export` write and
// `POST /v1/classes/import` and `sliced enroll import` read.
//
// It holds each enrolled class's name, its example feature vectors (the
// prototypes enrolment added, after the conv stack and the projection)
// and its open-set radius, together with the identity of the engine they
// belong to: a SHA-256 of the conv stack (input shape, layers, weights as
// loaded), one of the projection, the feature dimension and the distance
// metric. Vectors of one engine mean nothing to another, so a file is
// only applied to an engine with the same identity.
//
// The format is little-endian:
//
//	magic      8 bytes  "\x89SLE\r\n\x1a\n"
//	version    uint16   FormatVersion
//	flags      uint16   bit 0: the radii are calibrated (the engine has open-set radii)
//	stack      32 bytes SHA-256 of the conv stack
//	projection 32 bytes SHA-256 of the projection, zero without one
//	dim        uint32   feature dimension
//	metric     uint8    knn.Metric
//	reserved   3 bytes  zero
//	classes    uint32   number of classes, then for each:
//	  name     uint16 length + UTF-8 bytes
//	  radius   float32  0: none
//	  examples uint32   count, then count x dim float32
//	crc        uint32   CRC-32C of every byte before it
//
// Decoding checks every count against the bytes left before allocating,
// the limits below, the checksum, class names (the rule of CheckName) and
// that every value is finite; a corrupt or truncated file is a
// *FormatError that names the problem.
package enrolfile
