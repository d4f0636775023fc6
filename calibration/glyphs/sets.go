package glyphs

// Two disjoint sets of shapes, so that what trains an engine's "none of
// these" class is never what a test enrols or calls unknown.
var (
	// Other are shapes an engine may train on as "none of the classes":
	// lower-case Latin and Greek letters that look like no digit and like
	// none of the shapes in Held.
	Other = []rune("adefhjnrtαβγδεζηθλμξπρστφψω")
	// Held are shapes no engine trains on, for enrolment and open-set
	// tests: upper-case letters and symbols that look like no digit
	// (O, I, S, Z, B, G and the like are left out).
	Held = []rune("ACEFHKLMNPRTUVWXY#%&@?+*=")
)
