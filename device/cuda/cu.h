// The few CUDA driver API and NVRTC declarations the shim uses, written
// out here so that no CUDA header is needed to build. Values and
// signatures are those of cuda.h and nvrtc.h (stable since CUDA 7).
#ifndef SLICED_CUDA_CU_H
#define SLICED_CUDA_CU_H

#include <stddef.h>

typedef int CUresult; // CUDA_SUCCESS is 0
typedef int CUdevice;
typedef struct CUctx_st* CUcontext;
typedef struct CUmod_st* CUmodule;
typedef struct CUfunc_st* CUfunction;
typedef struct CUstream_st* CUstream;
#if defined(_WIN64) || defined(__LP64__)
typedef unsigned long long CUdeviceptr;
#else
typedef unsigned int CUdeviceptr;
#endif

enum {
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
};

typedef int nvrtcResult; // NVRTC_SUCCESS is 0
typedef struct _nvrtcProgram* nvrtcProgram;

// Driver entry points; the _v2 names are what cuda.h's macros resolve to.
struct cu_api {
    void* lib;
    CUresult (*init)(unsigned int);
    CUresult (*driver_version)(int*);
    CUresult (*device_count)(int*);
    CUresult (*device_get)(CUdevice*, int);
    CUresult (*device_name)(char*, int, CUdevice);
    CUresult (*device_attr)(int*, int, CUdevice);
    CUresult (*ctx_create)(CUcontext*, unsigned int, CUdevice);      // cuCtxCreate_v2
    CUresult (*ctx_destroy)(CUcontext);                              // cuCtxDestroy_v2
    CUresult (*ctx_push)(CUcontext);                                 // cuCtxPushCurrent_v2
    CUresult (*ctx_pop)(CUcontext*);                                 // cuCtxPopCurrent_v2
    CUresult (*ctx_sync)(void);
    CUresult (*module_load_data)(CUmodule*, const void*);
    CUresult (*module_unload)(CUmodule);
    CUresult (*module_function)(CUfunction*, CUmodule, const char*);
    CUresult (*mem_alloc)(CUdeviceptr*, size_t);                     // cuMemAlloc_v2
    CUresult (*mem_free)(CUdeviceptr);                               // cuMemFree_v2
    CUresult (*htod)(CUdeviceptr, const void*, size_t);              // cuMemcpyHtoD_v2
    CUresult (*dtoh)(void*, CUdeviceptr, size_t);                    // cuMemcpyDtoH_v2
    CUresult (*launch)(CUfunction, unsigned int, unsigned int, unsigned int,
                       unsigned int, unsigned int, unsigned int, unsigned int,
                       CUstream, void**, void**);
    CUresult (*error_name)(CUresult, const char**);
    CUresult (*error_string)(CUresult, const char**);
};

struct nvrtc_api {
    void* lib;
    nvrtcResult (*version)(int*, int*);
    nvrtcResult (*create)(nvrtcProgram*, const char*, const char*, int, const char* const*,
                          const char* const*);
    nvrtcResult (*compile)(nvrtcProgram, int, const char* const*);
    nvrtcResult (*log_size)(nvrtcProgram, size_t*);
    nvrtcResult (*log)(nvrtcProgram, char*);
    nvrtcResult (*ptx_size)(nvrtcProgram, size_t*);
    nvrtcResult (*ptx)(nvrtcProgram, char*);
    nvrtcResult (*destroy)(nvrtcProgram*);
    const char* (*error_string)(nvrtcResult);
};

extern struct cu_api cu;
extern struct nvrtc_api nvrtc;

#endif
