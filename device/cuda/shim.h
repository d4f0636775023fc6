// C-only shim over the CUDA driver API and NVRTC, both loaded at run time
// with dlopen so that nothing of CUDA is needed to build. Every call that
// can fail returns 0 on success or -1 after filling a cks_error.
#ifndef SLICED_CUDA_SHIM_H
#define SLICED_CUDA_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// A failure: lib is "cuda", "nvrtc" or "" (a shim-level failure, msg says),
// call the C function, code its CUresult or nvrtcResult, name the
// result's enum name, msg the library's text (or NVRTC's compile log).
typedef struct {
    char lib[8];
    char call[48];
    int code;
    char name[64];
    char msg[4096];
} cks_error;

// Loads libcuda from path and calls cuInit(0). Idempotent after a success.
int cks_load_driver(const char* path, cks_error* err);

// Loads libnvrtc from path. Idempotent after a success.
int cks_load_nvrtc(const char* path, cks_error* err);

// Versions: the driver's as 1000*major + 10*minor, NVRTC's as major, minor.
int cks_driver_version(int* v, cks_error* err);
int cks_nvrtc_version(int* major, int* minor, cks_error* err);

int cks_device_count(int* n, cks_error* err);

// Name and compute capability of device ordinal.
int cks_device_info(int ordinal, char* name, size_t len, int* major, int* minor, cks_error* err);

// Compiles CUDA C source to PTX for arch (e.g. "compute_53"). *ptx is
// malloc'ed; free it with cks_free.
int cks_compile(const char* src, const char* arch, char** ptx, size_t* len, cks_error* err);
void cks_free(void* p);

typedef struct cks_model cks_model;

// Creates a context on device ordinal and loads the PTX module.
int cks_model_create(int ordinal, const char* ptx, cks_model** out, cks_error* err);

// Allocates a device buffer of n floats, copying host (may be NULL) into it;
// returns its index in *buf.
int cks_model_buffer(cks_model* m, const float* host, size_t n, int* buf, cks_error* err);

// Layer operations, in the order of the kernels in kernels.cu.
enum { CKS_CONV = 1, CKS_RELU = 2, CKS_MAXPOOL = 3, CKS_DENSE = 4, CKS_SOFTMAX = 5 };

// One step of the forward pass: op reads buffer in and writes buffer out;
// w and b are weight buffers (-1 for none); dims are C, H, W of the input
// and then F (filters or units) and K (kernel or pool size).
int cks_model_step(cks_model* m, int op, int in, int out, int w, int b, const int dims[5],
                   size_t threads, cks_error* err);

// Copies n_in floats into buffer 0, runs every step, waits, and copies
// n_out floats of the last step's output buffer out.
int cks_model_run(cks_model* m, const float* in, size_t n_in, float* out, size_t n_out,
                  cks_error* err);

// Runs cks_model_run n times in a C loop: the baseline that the cgo
// call's overhead is measured against.
int cks_model_run_loop(cks_model* m, const float* in, size_t n_in, float* out, size_t n_out,
                       int n, cks_error* err);

// Releases the buffers, module and context; NULL is ignored.
void cks_model_free(cks_model* m);

#ifdef __cplusplus
}
#endif

#endif
