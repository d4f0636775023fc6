// Package avi reads MJPEG AVI files in pure Go: the RIFF container of
// cameras, ffmpeg and OpenCV's VideoWriter, and of calibration/synth's
// demo videos. It yields each frame's JPEG bytes; decoding them is the
// caller's job (image/jpeg decodes a grey JPEG to *image.Gray and a colour
// one to *image.YCbCr, whose Y plane is the grey image).
//
// The reader walks the 'movi' lists in file order and needs no index: a
// missing or broken idx1 is fine, as are JUNK chunks, 'rec ' lists,
// audio and index chunks (skipped), writers that leave out the pad byte
// after an odd-sized chunk, and OpenDML files whose frames continue in
// RIFF AVIX extensions. Every size read from the file is checked against
// the file's real size, headers are read only up to 1 MiB, and a frame
// larger than Reader.MaxFrame is skipped with ErrBadFrame, so a corrupt or
// hostile file cannot make it allocate more than that. A truncated final
// frame (a recording cut off) ends the stream. Streams other than MJPEG
// (H.264, raw) are refused with ErrNotMJPEG.
package avi
