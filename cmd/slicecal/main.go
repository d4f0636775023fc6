// Command slicecal is the calibration tool: it trains the full CNNs,
// tunes conv kernels, picks prototypes, builds and scores engine files.
//
// Usage:
//
//	slicecal COMMAND [flags]
//	slicecal help COMMAND
//
// Each subcommand lives in its own file and registers itself in init.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand. Run gets the arguments after its name and
// returns errUsage for bad flags (exit 2) or any other error (exit 1).
type command struct {
	Name    string
	Summary string // one line for the command list
	Run     func(args []string) error
}

var commands = map[string]*command{}

// register adds a subcommand; called from init in the command's file.
func register(c *command) {
	if _, dup := commands[c.Name]; dup {
		panic("slicecal: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// errUsage reports bad arguments; the flag package has already said why.
var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: slicecal COMMAND [flags]   (slicecal COMMAND -h for its flags)")
	fmt.Fprintln(w, "commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].Summary)
	}
}

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	if len(args) == 0 {
		usage(os.Stderr)
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		if len(args) > 1 && commands[args[1]] != nil {
			return run([]string{args[1], "-h"})
		}
		usage(os.Stdout)
		return 0
	}
	c := commands[name]
	if c == nil {
		fmt.Fprintf(os.Stderr, "slicecal: unknown command %q\n", name)
		usage(os.Stderr)
		return 2
	}
	err := c.Run(args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(os.Stderr, "slicecal %s: %v\n", name, err)
	return 1
}

// newFlags makes a subcommand's flag set that returns errors instead of
// exiting, with a usage line naming the command.
func newFlags(name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: slicecal %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse runs fs on args and maps its failures onto errUsage / flag.ErrHelp.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "slicecal %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}
