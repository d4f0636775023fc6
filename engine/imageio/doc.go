// Package imageio decodes the still images sliced accepts (PNG, JPEG and
// binary or ASCII PGM) from any io.Reader, with the format sniffed from the
// first bytes, not taken from a file name.
//
// Decoding is guarded against decompression bombs: the header is read first
// and an image whose width times height exceeds a pixel limit (40 megapixels
// unless configured) is rejected before any pixel buffer is allocated. A
// broken or truncated file is an error that names the format and the
// problem, never a panic.
//
// A JPEG with an EXIF Orientation tag, as phones write them, is turned
// upright (gray stays *image.Gray, colour becomes *image.RGBA); set
// Decoder.KeepOrientation to get the stored pixels. DecodeConfig reports
// the stored size.
//
// The Decoder type is plain configuration and safe for concurrent use.
package imageio
