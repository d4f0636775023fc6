//go:build cgo

// Loading libcuda and libnvrtc, errors, devices and run-time compilation.
#include "shim.h"
#include "cu.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cu_api cu;
struct nvrtc_api nvrtc;

int cks_msg(cks_error* err, const char* fmt, ...) {
    va_list ap;
    memset(err, 0, sizeof *err);
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

// cks_cu records a failed driver call with the driver's name and text.
int cks_cu(cks_error* err, const char* call, CUresult r) {
    const char* name = NULL;
    const char* text = NULL;
    memset(err, 0, sizeof *err);
    if (cu.error_name) cu.error_name(r, &name);
    if (cu.error_string) cu.error_string(r, &text);
    snprintf(err->lib, sizeof err->lib, "cuda");
    snprintf(err->call, sizeof err->call, "%s", call);
    err->code = r;
    snprintf(err->name, sizeof err->name, "%s", name ? name : "");
    snprintf(err->msg, sizeof err->msg, "%s", text ? text : "");
    return -1;
}

// cks_nvrtc records a failed NVRTC call; log, if any, becomes the message.
int cks_nvrtc(cks_error* err, const char* call, nvrtcResult r, const char* log) {
    const char* name = nvrtc.error_string ? nvrtc.error_string(r) : NULL;
    memset(err, 0, sizeof *err);
    snprintf(err->lib, sizeof err->lib, "nvrtc");
    snprintf(err->call, sizeof err->call, "%s", call);
    err->code = r;
    snprintf(err->name, sizeof err->name, "%s", name ? name : "");
    snprintf(err->msg, sizeof err->msg, "%s", log ? log : "");
    return -1;
}

static int bind(void* lib, void** slot, const char* name, cks_error* err, int* missing) {
    *slot = dlsym(lib, name);
    if (!*slot && !*missing) {
        *missing = 1;
        cks_msg(err, "symbol %s not found", name);
    }
    return *slot ? 0 : -1;
}

int cks_load_driver(const char* path, cks_error* err) {
    if (cu.lib) return 0;
    void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) return cks_msg(err, "dlopen %s: %s", path, dlerror());
    struct cu_api a;
    memset(&a, 0, sizeof a);
    a.lib = lib;
    int missing = 0;
#define REQ(field, name) bind(lib, (void**)&a.field, name, err, &missing)
    REQ(init, "cuInit");
    REQ(driver_version, "cuDriverGetVersion");
    REQ(device_count, "cuDeviceGetCount");
    REQ(device_get, "cuDeviceGet");
    REQ(device_name, "cuDeviceGetName");
    REQ(device_attr, "cuDeviceGetAttribute");
    REQ(ctx_create, "cuCtxCreate_v2");
    REQ(ctx_destroy, "cuCtxDestroy_v2");
    REQ(ctx_push, "cuCtxPushCurrent_v2");
    REQ(ctx_pop, "cuCtxPopCurrent_v2");
    REQ(ctx_sync, "cuCtxSynchronize");
    REQ(module_load_data, "cuModuleLoadData");
    REQ(module_unload, "cuModuleUnload");
    REQ(module_function, "cuModuleGetFunction");
    REQ(mem_alloc, "cuMemAlloc_v2");
    REQ(mem_free, "cuMemFree_v2");
    REQ(htod, "cuMemcpyHtoD_v2");
    REQ(dtoh, "cuMemcpyDtoH_v2");
    REQ(launch, "cuLaunchKernel");
    REQ(error_name, "cuGetErrorName");
    REQ(error_string, "cuGetErrorString");
#undef REQ
    if (missing) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", err->msg);
        dlclose(lib);
        return cks_msg(err, "%s in %s: not a CUDA driver library", msg, path);
    }
    CUresult r = a.init(0);
    if (r != 0) {
        cu = a; // for the error's name and text
        cks_cu(err, "cuInit", r);
        memset(&cu, 0, sizeof cu);
        dlclose(lib);
        return -1;
    }
    cu = a;
    return 0;
}

int cks_load_nvrtc(const char* path, cks_error* err) {
    if (nvrtc.lib) return 0;
    void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) return cks_msg(err, "dlopen %s: %s", path, dlerror());
    struct nvrtc_api a;
    memset(&a, 0, sizeof a);
    a.lib = lib;
    int missing = 0;
#define REQ(field, name) bind(lib, (void**)&a.field, name, err, &missing)
    REQ(version, "nvrtcVersion");
    REQ(create, "nvrtcCreateProgram");
    REQ(compile, "nvrtcCompileProgram");
    REQ(log_size, "nvrtcGetProgramLogSize");
    REQ(log, "nvrtcGetProgramLog");
    REQ(ptx_size, "nvrtcGetPTXSize");
    REQ(ptx, "nvrtcGetPTX");
    REQ(destroy, "nvrtcDestroyProgram");
    REQ(error_string, "nvrtcGetErrorString");
#undef REQ
    if (missing) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", err->msg);
        dlclose(lib);
        return cks_msg(err, "%s in %s: not an NVRTC library", msg, path);
    }
    nvrtc = a;
    return 0;
}

int cks_driver_version(int* v, cks_error* err) {
    if (!cu.lib) return cks_msg(err, "the CUDA driver is not loaded");
    CUresult r = cu.driver_version(v);
    return r ? cks_cu(err, "cuDriverGetVersion", r) : 0;
}

int cks_nvrtc_version(int* major, int* minor, cks_error* err) {
    if (!nvrtc.lib) return cks_msg(err, "NVRTC is not loaded");
    nvrtcResult r = nvrtc.version(major, minor);
    return r ? cks_nvrtc(err, "nvrtcVersion", r, NULL) : 0;
}

int cks_device_count(int* n, cks_error* err) {
    if (!cu.lib) return cks_msg(err, "the CUDA driver is not loaded");
    CUresult r = cu.device_count(n);
    return r ? cks_cu(err, "cuDeviceGetCount", r) : 0;
}

int cks_device_info(int ordinal, char* name, size_t len, int* major, int* minor, cks_error* err) {
    if (!cu.lib) return cks_msg(err, "the CUDA driver is not loaded");
    CUdevice d;
    CUresult r;
    if ((r = cu.device_get(&d, ordinal))) return cks_cu(err, "cuDeviceGet", r);
    if ((r = cu.device_name(name, (int)len, d))) return cks_cu(err, "cuDeviceGetName", r);
    if ((r = cu.device_attr(major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d)))
        return cks_cu(err, "cuDeviceGetAttribute", r);
    if ((r = cu.device_attr(minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d)))
        return cks_cu(err, "cuDeviceGetAttribute", r);
    return 0;
}

int cks_compile(const char* src, const char* arch, char** ptx, size_t* len, cks_error* err) {
    if (!nvrtc.lib) return cks_msg(err, "NVRTC is not loaded");
    nvrtcProgram p = NULL;
    nvrtcResult r = nvrtc.create(&p, src, "kernels.cu", 0, NULL, NULL);
    if (r) return cks_nvrtc(err, "nvrtcCreateProgram", r, NULL);
    char opt[64];
    snprintf(opt, sizeof opt, "--gpu-architecture=%s", arch);
    const char* opts[] = {opt, "--fmad=false"};
    r = nvrtc.compile(p, 2, opts);
    if (r) {
        size_t n = 0;
        char* log = NULL;
        if (nvrtc.log_size(p, &n) == 0 && n > 0 && (log = malloc(n + 1))) {
            if (nvrtc.log(p, log)) log[0] = 0;
            log[n] = 0;
        }
        cks_nvrtc(err, "nvrtcCompileProgram", r, log);
        free(log);
        nvrtc.destroy(&p);
        return -1;
    }
    size_t n = 0;
    if ((r = nvrtc.ptx_size(p, &n))) {
        nvrtc.destroy(&p);
        return cks_nvrtc(err, "nvrtcGetPTXSize", r, NULL);
    }
    char* buf = malloc(n + 1);
    if (!buf) {
        nvrtc.destroy(&p);
        return cks_msg(err, "out of memory for %zu bytes of PTX", n);
    }
    if ((r = nvrtc.ptx(p, buf))) {
        free(buf);
        nvrtc.destroy(&p);
        return cks_nvrtc(err, "nvrtcGetPTX", r, NULL);
    }
    buf[n] = 0;
    nvrtc.destroy(&p);
    *ptx = buf;
    *len = n;
    return 0;
}

void cks_free(void* p) { free(p); }
