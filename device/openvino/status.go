package openvino

import "fmt"

// Status is an OpenVINO ov_status_e.
type Status int

var statusNames = map[Status]string{
	0: "OK", -1: "GENERAL_ERROR", -2: "NOT_IMPLEMENTED", -3: "NETWORK_NOT_LOADED",
	-4: "PARAMETER_MISMATCH", -5: "NOT_FOUND", -6: "OUT_OF_BOUNDS", -7: "UNEXPECTED",
	-8: "REQUEST_BUSY", -9: "RESULT_NOT_READY", -10: "NOT_ALLOCATED", -11: "INFER_NOT_STARTED",
	-12: "NETWORK_NOT_READ", -13: "INFER_CANCELLED", -14: "INVALID_C_PARAM",
	-15: "UNKNOWN_C_ERROR", -16: "NOT_IMPLEMENT_C_METHOD", -17: "UNKNOW_EXCEPTION",
}

func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("ov_status_e(%d)", int(s))
}

// StatusError is a failed OpenVINO C API call. The package wraps it in an
// error that says what was being done.
type StatusError struct {
	Call   string // the C function, e.g. "ov_core_compile_model"
	Status Status
	Detail string // what OpenVINO said
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s: %v (%d)", e.Call, e.Status, int(e.Status))
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}
