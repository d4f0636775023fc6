package imageio

import "hash/crc32"

func putBE(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
}

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }
