package benchrun

import (
	"fmt"
	"strings"
)

// Spec names one backend of a run: a registry name and an optional device,
// written name[:device] (openvino:MYRIAD, cuda:0).
type Spec struct {
	Name   string
	Device string
}

func (s Spec) String() string {
	if s.Device == "" {
		return s.Name
	}
	return s.Name + ":" + s.Device
}

// ParseBackends reads a comma-separated list of name[:device].
func ParseBackends(list string) ([]Spec, error) {
	var out []Spec
	seen := map[string]bool{}
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		name, dev, _ := strings.Cut(f, ":")
		if name == "" {
			return nil, fmt.Errorf("backend %q has no name", f)
		}
		s := Spec{Name: name, Device: dev}
		if seen[s.String()] {
			return nil, fmt.Errorf("backend %s listed twice", s)
		}
		seen[s.String()] = true
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no backends in %q", list)
	}
	return out, nil
}
