//go:build cgo

package openvino

// The shim opens libopenvino_c itself; only libdl is linked.

/*
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import "strings"

// shimError turns a filled ovs_error into a Go error.
func shimError(e *C.ovs_error) error {
	call := C.GoString(&e.call[0])
	msg := strings.TrimSpace(C.GoString(&e.msg[0]))
	if call == "" {
		return &shimFailure{msg}
	}
	return &StatusError{Call: call, Status: Status(e.status), Detail: msg}
}

type shimFailure struct{ msg string }

func (e *shimFailure) Error() string { return e.msg }
