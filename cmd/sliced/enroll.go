package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/enrolfile"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

func init() {
	register(command{name: "enroll", summary: "add, list, export and import the classes of an engine file, offline", run: runEnroll})
}

const enrollUsage = `usage: sliced enroll <command> [flags]

  add    --engine FILE [--out FILE] NAME IMAGE...   enrol images (files or folders) as class NAME
  list   --engine FILE [--base FILE]                the classes, their examples and radii
  export --engine FILE --out FILE [--base FILE]     write the enrolled classes to one file
  import --engine FILE --in FILE [--out FILE]       add the classes of such a file

add and import write --out, or the engine file itself, atomically. Enrolled
classes are those the --base engine (default: the embedded one; "none": no
class is a base class) does not have. An import refuses a file for another
conv stack or projection, and one with a class the engine already has.
Run 'sliced enroll <command> -h' for its flags.
`

func runEnroll(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, enrollUsage)
		return errUsage
	}
	run, ok := map[string]func([]string, io.Writer, io.Writer) error{
		"add": enrollAdd, "list": enrollList, "export": enrollExport, "import": enrollImport,
	}[args[0]]
	if !ok {
		fmt.Fprint(stderr, enrollUsage)
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return nil
		}
		return errUsage
	}
	return run(args[1:], stdout, stderr)
}

// enrollFlags is a subcommand's flag set with the required --engine.
func enrollFlags(name, usage string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := newFlags("enroll "+name, stderr)
	path := fs.String("engine", "", "the engine `file`, or an embedded engine: mnist or scene (required)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: sliced enroll %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs, path
}

// parseEnroll parses args and loads the engine, which must be sliced.
func parseEnroll(fs *flag.FlagSet, path *string, args []string) (*engine.Engine, error) {
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if *path == "" {
		fmt.Fprintln(fs.Output(), "sliced "+fs.Name()+": --engine is required")
		fs.Usage()
		return nil, errUsage
	}
	e, err := models.Load(*path)
	if err != nil {
		return nil, err
	}
	if e.KNN == nil {
		return nil, enrolfile.ErrNotSliced
	}
	if _, err := e.NewSession(); err != nil {
		return nil, err
	}
	return e, nil
}

// baseFlag adds --base; its function returns the base class names.
func baseFlag(fs *flag.FlagSet) func() ([]string, error) {
	base := fs.String("base", "", "the engine `file` enrolment started from: its classes are not enrolled ones (default: the embedded engine; \"none\": every class is enrolled)")
	return func() ([]string, error) {
		switch *base {
		case "none":
			return nil, nil
		case "":
			e, err := models.Default()
			if err != nil {
				return nil, err
			}
			return e.ClassNames(), nil
		}
		e, err := models.Load(*base)
		if err != nil {
			return nil, err
		}
		return e.ClassNames(), nil
	}
}

func enrollList(args []string, stdout, stderr io.Writer) error {
	fs, path := enrollFlags("list", "--engine FILE [--base FILE]", stderr)
	base := baseFlag(fs)
	e, err := parseEnroll(fs, path, args)
	if err != nil {
		return err
	}
	names, err := base()
	if err != nil {
		return fmt.Errorf("--base: %w", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CLASS\tEXAMPLES\tRADIUS\tENROLLED")
	for i, n := range e.KNN.Counts() {
		enrolled := "no"
		if enrolfile.Enrolled(e, names, i) {
			enrolled = "yes"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", e.KNN.Classes[i], n, radius(e, i), enrolled)
	}
	return tw.Flush()
}

func enrollExport(args []string, stdout, stderr io.Writer) error {
	fs, path := enrollFlags("export", "--engine FILE --out FILE [--base FILE]", stderr)
	out := fs.String("out", "", "the enrolment `file` to write (required)")
	base := baseFlag(fs)
	e, err := parseEnroll(fs, path, args)
	if err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errUsage
	}
	names, err := base()
	if err != nil {
		return fmt.Errorf("--base: %w", err)
	}
	f, err := enrolfile.Export(e, names)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := enrolfile.Encode(&buf, f); err != nil {
		return err
	}
	if err := engine.WriteFileAtomic(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %d class(es) (%s) to %s\n", len(f.Classes), classNames(f), *out)
	return nil
}

func enrollImport(args []string, stdout, stderr io.Writer) error {
	fs, path := enrollFlags("import", "--engine FILE --in FILE [--out FILE]", stderr)
	in := fs.String("in", "", "the enrolment `file` to read (required)")
	out := fs.String("out", "", "write the engine to this `file` (default: --engine)")
	e, err := parseEnroll(fs, path, args)
	if err != nil {
		return err
	}
	if *in == "" {
		fs.Usage()
		return errUsage
	}
	data, err := readLimited(*in, enrolfile.MaxFileSize)
	if err != nil {
		return err
	}
	f, err := enrolfile.Decode(data)
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	if _, err := enrolfile.Apply(e, f); err != nil {
		return err
	}
	dst, err := destination(*out, *path)
	if err != nil {
		return err
	}
	if err := engine.Save(dst, e); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d class(es) (%s); wrote %s\n", len(f.Classes), classNames(f), dst)
	return nil
}

func classNames(f *enrolfile.File) string {
	var n []string
	for _, c := range f.Classes {
		n = append(n, c.Name)
	}
	return strings.Join(n, ", ")
}
