// C-only shim over OpenVINO's C API 2.0, loaded at run time with dlopen so
// that nothing of OpenVINO is needed to build. Handles are opaque; every
// call that can fail returns 0 or fills an ovs_error.
#ifndef SLICED_OPENVINO_SHIM_H
#define SLICED_OPENVINO_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// An OpenVINO failure: the C API call, its ov_status_e and the runtime's
// message. status is 0 and call empty for a shim-level failure (msg says).
typedef struct {
    int status;
    char call[64];
    char msg[1024];
} ovs_error;

// Loads libopenvino_c from path and creates the process-wide ov_core_t.
// Calling it again after a success is a no-op that returns 0.
int ovs_load(const char* path, ovs_error* err);

// 1 once ovs_load succeeded.
int ovs_loaded(void);

// 1 when the library reads a model from memory (2023.1 and later); else a
// model must be passed as a file.
int ovs_reads_memory(void);

// Writes the OpenVINO build number into buf.
int ovs_version(char* buf, size_t len, ovs_error* err);

// Writes the available devices, comma-separated, into buf.
int ovs_devices(char* buf, size_t len, ovs_error* err);

typedef struct ovs_model ovs_model;

// Reads an ONNX model from data (or from path when data is NULL), compiles it
// for device and creates one infer request over host buffers. threads > 0
// sets INFERENCE_NUM_THREADS (CPU only).
int ovs_model_create(const void* data, size_t len, const char* path, const char* device,
                     int threads, ovs_model** out, ovs_error* err);

// Number of float32 values the model takes and gives.
size_t ovs_model_in_len(const ovs_model* m);
size_t ovs_model_out_len(const ovs_model* m);

// Copies in (ovs_model_in_len values), infers, copies the result to out.
int ovs_model_infer(ovs_model* m, const float* in, float* out, ovs_error* err);

// Runs ovs_model_infer n times in a C loop: the baseline that the cgo
// call's overhead is measured against.
int ovs_model_infer_loop(ovs_model* m, const float* in, float* out, int n, ovs_error* err);

// Releases everything the model holds; NULL is ignored.
void ovs_model_free(ovs_model* m);

#ifdef __cplusplus
}
#endif

#endif
