// A stand-in for libcuda.so.1 and libnvrtc.so that runs kernels.cu on the
// CPU, so that the shim's whole path (load, compile, upload, launch, copy
// back, free, errors) is exercised on machines without a GPU. Device
// memory is host memory; a launch runs every thread in a loop.
// FAKECUDA_MODE picks a failure: nodevice (cuInit fails), oldnvrtc (NVRTC
// knows no architecture above compute_52), badsrc (compilation fails),
// launchfail (cuLaunchKernel fails).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <map>
#include <string>

struct dim3v { unsigned x, y, z; };
static dim3v threadIdx, blockIdx, blockDim;
#define __global__
static float __int_as_float(int i) {
    float f;
    memcpy(&f, &i, sizeof f);
    return f;
}
#include "../kernels.cu"

typedef unsigned long long CUdeviceptr;
static std::map<void*, size_t> live; // allocations
static int contexts;

static std::string mode() {
    const char* m = getenv("FAKECUDA_MODE");
    return m ? m : "";
}

struct fn { std::string name; };

extern "C" {
int cuInit(unsigned) { return mode() == "nodevice" ? 100 : 0; }
int cuDriverGetVersion(int* v) { *v = 12040; return 0; }
int cuDeviceGetCount(int* n) { *n = 1; return 0; }
int cuDeviceGet(int* d, int ord) { if (ord != 0) return 101; *d = 0; return 0; }
int cuDeviceGetName(char* s, int len, int) { snprintf(s, len, "Fake GPU"); return 0; }
int cuDeviceGetAttribute(int* v, int attr, int) { *v = attr == 75 ? 5 : 3; return 0; }
int cuCtxCreate_v2(void** c, unsigned, int) { *c = (void*)0x1; contexts++; return 0; }
int cuCtxDestroy_v2(void*) {
    contexts--;
    if (!live.empty()) fprintf(stderr, "LEAK: %zu allocations at cuCtxDestroy\n", live.size());
    return 0;
}
int cuCtxPushCurrent_v2(void*) { return 0; }
int cuCtxPopCurrent_v2(void** c) { if (c) *c = (void*)0x1; return 0; }
int cuCtxSynchronize(void) { return 0; }
int cuModuleLoadData(void** m, const void* img) {
    if (strncmp((const char*)img, "// fake ptx", 11) != 0) return 218; // CUDA_ERROR_INVALID_PTX
    *m = (void*)0x2;
    return 0;
}
int cuModuleUnload(void*) { return 0; }
int cuModuleGetFunction(void** f, void*, const char* name) {
    *f = new fn{name};
    return 0;
}
int cuMemAlloc_v2(CUdeviceptr* p, size_t n) {
    void* q = malloc(n);
    for (size_t i = 0; i < n / 4; i++) ((float*)q)[i] = NAN;
    live[q] = n;
    *p = (CUdeviceptr)q;
    return 0;
}
int cuMemFree_v2(CUdeviceptr p) {
    if (!live.erase((void*)p)) abort();
    free((void*)p);
    return 0;
}
static int check(CUdeviceptr p, size_t n) {
    auto it = live.find((void*)p);
    return it != live.end() && it->second >= n ? 0 : 1; // CUDA_ERROR_INVALID_VALUE
}
int cuMemcpyHtoD_v2(CUdeviceptr d, const void* s, size_t n) { if (check(d, n)) return 1; memcpy((void*)d, s, n); return 0; }
int cuMemcpyDtoH_v2(void* d, CUdeviceptr s, size_t n) { if (check(s, n)) return 1; memcpy(d, (void*)s, n); return 0; }

#define F(i) (*(float**)args[i])
#define I(i) (*(int*)args[i])
int cuLaunchKernel(void* f, unsigned gx, unsigned, unsigned, unsigned bx, unsigned, unsigned, unsigned, void*,
                   void** args, void**) {
    if (mode() == "launchfail") return 700;
    const std::string& k = ((fn*)f)->name;
    blockDim = {bx, 1, 1};
    for (blockIdx = {0, 0, 0}; blockIdx.x < gx; blockIdx.x++)
        for (threadIdx = {0, 0, 0}; threadIdx.x < bx; threadIdx.x++) {
            if (k == "conv") conv(F(0), F(1), F(2), F(3), I(4), I(5), I(6), I(7), I(8));
            else if (k == "relu") relu(F(0), F(1), I(2));
            else if (k == "maxpool") maxpool(F(0), F(1), I(2), I(3), I(4), I(5));
            else if (k == "dense") dense(F(0), F(1), F(2), F(3), I(4), I(5));
            else if (k == "softmax") softmax(F(0), F(1), I(2));
            else return 500; // CUDA_ERROR_NOT_FOUND
        }
    return 0;
}
int cuGetErrorName(int r, const char** s) {
    switch (r) {
    case 1: *s = "CUDA_ERROR_INVALID_VALUE"; return 0;
    case 100: *s = "CUDA_ERROR_NO_DEVICE"; return 0;
    case 218: *s = "CUDA_ERROR_INVALID_PTX"; return 0;
    case 700: *s = "CUDA_ERROR_ILLEGAL_ADDRESS"; return 0;
    }
    *s = "CUDA_ERROR_UNKNOWN";
    return 0;
}
int cuGetErrorString(int r, const char** s) {
    *s = r == 100 ? "no CUDA-capable device is detected" : "fake error";
    return 0;
}

struct prog { std::string src, ptx, log; };
int nvrtcVersion(int* a, int* b) { *a = 12; *b = 4; return 0; }
int nvrtcCreateProgram(prog** p, const char* src, const char*, int, const char* const*, const char* const*) {
    *p = new prog{src, "", ""};
    return 0;
}
int nvrtcCompileProgram(prog* p, int n, const char* const* opts) {
    std::string arch;
    for (int i = 0; i < n; i++)
        if (!strncmp(opts[i], "--gpu-architecture=", 19)) arch = opts[i] + 19;
    if (mode() == "oldnvrtc" && arch > "compute_52") return 5; // NVRTC_ERROR_INVALID_OPTION
    if (mode() == "badsrc") {
        p->log = "kernels.cu(7): error: identifier \"oops\" is undefined";
        return 6;
    }
    if (p->src.find("__global__ void conv(") == std::string::npos) return 6;
    p->ptx = "// fake ptx for " + arch;
    return 0;
}
int nvrtcGetProgramLogSize(prog* p, size_t* n) { *n = p->log.size() + 1; return 0; }
int nvrtcGetProgramLog(prog* p, char* s) { memcpy(s, p->log.c_str(), p->log.size() + 1); return 0; }
int nvrtcGetPTXSize(prog* p, size_t* n) { *n = p->ptx.size() + 1; return 0; }
int nvrtcGetPTX(prog* p, char* s) { memcpy(s, p->ptx.c_str(), p->ptx.size() + 1); return 0; }
int nvrtcDestroyProgram(prog** p) { delete *p; *p = nullptr; return 0; }
const char* nvrtcGetErrorString(int r) {
    switch (r) {
    case 5: return "NVRTC_ERROR_INVALID_OPTION";
    case 6: return "NVRTC_ERROR_COMPILATION";
    }
    return "NVRTC_ERROR_UNKNOWN";
}
}
