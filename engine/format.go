package engine

// The engine file is little-endian:
//
//	header   magic[8] "\x89SLC\r\n\x1a\n", version u16, flags u16, sections u32
//	table    per section: tag[4], crc32c u32, offset u64, length u64
//	sections META (name, topology, input shape), LAYR (layer stack with
//	         weights), CLAS (class names), and for a sliced engine KNN_
//	         (k, metric, prototypes, labels) and optionally PROJ (projection)
//	         and OPEN (open-set calibration: quantile f32, "other" class
//	         i32 or -1, class count u32, one radius f32 per class), and
//	         optionally PREP (how a frame becomes the input; absent means
//	         the digit rule), GAUS (the Gaussian open-set rule's whitening
//	         and class means) and PRIO (the radius enrolled classes start
//	         from) and SPRD (the spread of each class enrolled under the
//	         Gaussian rule). A sliced engine may have no classes: it answers
//	         unknown until classes are enrolled.
//
// Unknown sections are skipped so that later versions can add some; a
// change to a known section's layout bumps the version.

const (
	// Magic starts every engine file. Its high byte and CR LF catch files
	// mangled by text-mode transfers, as PNG's does.
	Magic = "\x89SLC\r\n\x1a\n"
	// Version is the format version this code writes and reads.
	Version = 1

	headerLen = 16
	entryLen  = 24

	// MaxFileSize bounds what Load reads: an engine for a board is KBs to MBs.
	MaxFileSize = 256 << 20
	maxSections = 32
	maxString   = 4096
	maxClasses  = 1 << 16
	// MaxPrototypes bounds the k-NN set, whatever the file claims.
	MaxPrototypes = 1 << 22
)

var (
	tagMeta  = [4]byte{'M', 'E', 'T', 'A'}
	tagLayer = [4]byte{'L', 'A', 'Y', 'R'}
	tagClass = [4]byte{'C', 'L', 'A', 'S'}
	tagKNN   = [4]byte{'K', 'N', 'N', '_'}
	tagProj  = [4]byte{'P', 'R', 'O', 'J'}
	tagOpen  = [4]byte{'O', 'P', 'E', 'N'}
	// tagGauss holds the whitening and class means of a Gaussian open-set
	// calibration; readers that skip it fall back to nearest-prototype
	// radii, which are then lenient, never stricter.
	tagGauss = [4]byte{'G', 'A', 'U', 'S'}
	// tagPrep says how the input is made (mode u8, fit u8, 2 bytes zero,
	// pad f32, mean count u32 and values, scale count u32 and values). A
	// file without it is a digit engine, as every file before it was.
	tagPrep = [4]byte{'P', 'R', 'E', 'P'}
	// tagPrior holds the radius enrolled classes start from (f32), for
	// engines calibrated on classes they no longer carry.
	tagPrior = [4]byte{'P', 'R', 'I', 'O'}
	// tagSpread holds, beside GAUS, one spread per class (count u32, f32
	// each; see knn.Calibration.Spread). A reader that skips it treats
	// enrolled classes as the k-NN's, as files before it were read.
	tagSpread = [4]byte{'S', 'P', 'R', 'D'}
)
