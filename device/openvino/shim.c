//go:build cgo

// Loading libopenvino_c and the process-wide ov_core_t.
#include "shim.h"
#include "ov.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ov_api ov;

int set_msg(ovs_error* err, const char* fmt, ...) {
    va_list ap;
    err->status = 0;
    err->call[0] = 0;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

// fail records a failed OpenVINO call with everything the runtime says.
int fail(ovs_error* err, const char* call, ov_status_e st) {
    const char* info = ov.error_info ? ov.error_info(st) : NULL;
    const char* last = ov.last_err_msg ? ov.last_err_msg() : NULL;
    err->status = st;
    snprintf(err->call, sizeof err->call, "%s", call);
    snprintf(err->msg, sizeof err->msg, "%s%s%s", info ? info : "",
             (info && last && *last) ? ": " : "", last ? last : "");
    return -1;
}


static void* sym(const char* name, int required, ovs_error* err, int* missing) {
    void* p = dlsym(ov.lib, name);
    if (!p && required && !*missing) {
        set_msg(err, "symbol %s not found: not an OpenVINO 2022.3+ C API library", name);
        *missing = 1;
    }
    return p;
}

int ovs_load(const char* path, ovs_error* err) {
    if (ov.core) return 0;
    void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        set_msg(err, "dlopen %s: %s", path, dlerror());
        return -1;
    }
    ov.lib = lib;
    int missing = 0;
#define REQ(field, name) *(void**)&ov.field = sym(name, 1, err, &missing)
    REQ(core_create, "ov_core_create");
    REQ(core_free, "ov_core_free");
    REQ(read_model, "ov_core_read_model");
    REQ(model_free, "ov_model_free");
    REQ(compile_model, "ov_core_compile_model");
    REQ(compiled_model_free, "ov_compiled_model_free");
    REQ(compiled_input, "ov_compiled_model_input");
    REQ(compiled_output, "ov_compiled_model_output");
    REQ(port_free, "ov_output_const_port_free");
    REQ(port_shape, "ov_const_port_get_shape");
    REQ(port_type, "ov_port_get_element_type");
    REQ(shape_free, "ov_shape_free");
    REQ(create_request, "ov_compiled_model_create_infer_request");
    REQ(request_free, "ov_infer_request_free");
    REQ(tensor_from_host, "ov_tensor_create_from_host_ptr");
    REQ(tensor_free, "ov_tensor_free");
    REQ(tensor_bytes, "ov_tensor_get_byte_size");
    REQ(set_input, "ov_infer_request_set_input_tensor");
    REQ(set_output, "ov_infer_request_set_output_tensor");
    REQ(infer, "ov_infer_request_infer");
    REQ(devices, "ov_core_get_available_devices");
    REQ(devices_free, "ov_available_devices_free");
    REQ(version, "ov_get_openvino_version");
    REQ(version_free, "ov_version_free");
#undef REQ
    // Not in every release: the callers cope without them.
    *(void**)&ov.read_model_buffer = sym("ov_core_read_model_from_memory_buffer", 0, err, &missing);
    *(void**)&ov.last_err_msg = sym("ov_get_last_err_msg", 0, err, &missing);
    *(void**)&ov.error_info = sym("ov_get_error_info", 0, err, &missing);
    if (missing) {
        dlclose(lib);
        memset(&ov, 0, sizeof ov);
        return -1;
    }
    ov_status_e st = ov.core_create(&ov.core);
    if (st != 0) {
        fail(err, "ov_core_create", st);
        ov.core = NULL;
        dlclose(lib);
        memset(&ov, 0, sizeof ov);
        return -1;
    }
    return 0;
}

int ovs_loaded(void) { return ov.core != NULL; }

int ovs_reads_memory(void) { return ov.read_model_buffer != NULL; }

int ovs_version(char* buf, size_t len, ovs_error* err) {
    ov_version_t v = {0};
    CALL(err, "ov_get_openvino_version", ov.version(&v));
    snprintf(buf, len, "%s", v.buildNumber ? v.buildNumber : "");
    ov.version_free(&v);
    return 0;
}

int ovs_devices(char* buf, size_t len, ovs_error* err) {
    ov_available_devices_t d = {0};
    CALL(err, "ov_core_get_available_devices", ov.devices(ov.core, &d));
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < d.size && n < len; i++) {
        n += snprintf(buf + n, len - n, "%s%s", i ? "," : "", d.devices[i]);
    }
    ov.devices_free(&d);
    return 0;
}
