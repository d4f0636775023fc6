// The slice of OpenVINO's C API 2.0 that the shim calls, declared by hand:
// OpenVINO's headers are not needed to build, and the library is opened
// with dlopen. Types and signatures follow openvino/c/*.h (2022.3 to
// 2025.x). Internal to the shim.
#ifndef SLICED_OPENVINO_OV_H
#define SLICED_OPENVINO_OV_H

#include <stddef.h>
#include <stdint.h>

#include "shim.h"

typedef int ov_status_e;       // enum; 0 is OK
typedef int ov_element_type_e; // enum; values differ between releases, so read from the port
typedef struct ov_core ov_core_t;
typedef struct ov_model ov_model_t;
typedef struct ov_compiled_model ov_compiled_model_t;
typedef struct ov_infer_request ov_infer_request_t;
typedef struct ov_tensor ov_tensor_t;
typedef struct ov_output_const_port ov_output_const_port_t;
typedef struct { int64_t rank; int64_t* dims; } ov_shape_t;
typedef struct { char** devices; size_t size; } ov_available_devices_t;
typedef struct { const char* buildNumber; const char* description; } ov_version_t;

struct ov_api {
    void* lib;
    ov_core_t* core;
    ov_status_e (*core_create)(ov_core_t**);
    void (*core_free)(ov_core_t*);
    ov_status_e (*read_model)(const ov_core_t*, const char*, const char*, ov_model_t**);
    ov_status_e (*read_model_buffer)(const ov_core_t*, const char*, size_t, const ov_tensor_t*, ov_model_t**);
    void (*model_free)(ov_model_t*);
    ov_status_e (*compile_model)(const ov_core_t*, const ov_model_t*, const char*, size_t, ov_compiled_model_t**, ...);
    void (*compiled_model_free)(ov_compiled_model_t*);
    ov_status_e (*compiled_input)(const ov_compiled_model_t*, ov_output_const_port_t**);
    ov_status_e (*compiled_output)(const ov_compiled_model_t*, ov_output_const_port_t**);
    void (*port_free)(ov_output_const_port_t*);
    ov_status_e (*port_shape)(const ov_output_const_port_t*, ov_shape_t*);
    ov_status_e (*port_type)(const ov_output_const_port_t*, ov_element_type_e*);
    ov_status_e (*shape_free)(ov_shape_t*);
    ov_status_e (*create_request)(const ov_compiled_model_t*, ov_infer_request_t**);
    void (*request_free)(ov_infer_request_t*);
    ov_status_e (*tensor_from_host)(ov_element_type_e, ov_shape_t, void*, ov_tensor_t**);
    ov_status_e (*tensor_bytes)(const ov_tensor_t*, size_t*);
    void (*tensor_free)(ov_tensor_t*);
    ov_status_e (*set_input)(ov_infer_request_t*, const ov_tensor_t*);
    ov_status_e (*set_output)(ov_infer_request_t*, const ov_tensor_t*);
    ov_status_e (*infer)(ov_infer_request_t*);
    ov_status_e (*devices)(const ov_core_t*, ov_available_devices_t*);
    void (*devices_free)(ov_available_devices_t*);
    ov_status_e (*version)(ov_version_t*);
    void (*version_free)(ov_version_t*);
    const char* (*error_info)(ov_status_e);
    const char* (*last_err_msg)(void);
};
extern struct ov_api ov;


// set_msg records a shim-level failure; fail records a failed OpenVINO call
// with everything the runtime says about it. Both return -1.
int set_msg(ovs_error* err, const char* fmt, ...);
int fail(ovs_error* err, const char* call, ov_status_e st);

#define CALL(err, name, expr)                      \
    do {                                           \
        ov_status_e st_ = (expr);                  \
        if (st_ != 0) return fail(err, name, st_); \
    } while (0)

#endif
