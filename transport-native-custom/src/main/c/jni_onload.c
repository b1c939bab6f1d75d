/*
 * JNI_OnLoad: registers every native with RegisterNatives against the class names the Java side really has.
 *
 * After a user relocates (shades) our packages, the classes are named <prefix>dev/customtransport/internal/...
 * The Java loader encodes that prefix in the name of the file it extracts,
 *     lib<mangled prefix>customtransport_<os>_<arch>[_<random>].so
 * mangled as JNI mangles names: '.' becomes '_' and a literal '_' becomes "_1". The unprefixed name means no
 * prefix. Here we find our own file (dl_iterate_phdr on Linux, dladdr elsewhere), decode the prefix and register.
 *
 * Nothing here calls into Java: the loader has loaded (not initialised) these classes before System.load, so
 * FindClass finds them in its class loader's table without running Java code. The only JNI calls are FindClass,
 * RegisterNatives, UnregisterNatives (to unwind) and exception checks.
 */
#include <string.h>
#if defined(__linux__)
#include <link.h>
#include <stdint.h>
#else
#include <dlfcn.h>
#endif

#include "poller.h"
#include "transport.h"

#define CT_MARKER "customtransport_"
#define CT_CLASS_NAME_MAX 1024

/* Any object of this library identifies it; a const one keeps function-pointer casts out of the picture. */
static const char ct_self_anchor = 0;

#if defined(__linux__)
struct ct_self_search {
    uintptr_t anchor;
    const char *path;
};

/* dl_iterate_phdr callback: stops (returns 1) at the object with a loaded segment holding the anchor. */
static int ct_find_self(struct dl_phdr_info *info, size_t size, void *data) {
    (void) size;
    struct ct_self_search *search = data;
    for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = (uintptr_t) info->dlpi_addr + (uintptr_t) ph->p_vaddr;
        if (ph->p_type == PT_LOAD && search->anchor >= start && search->anchor - start < (uintptr_t) ph->p_memsz) {
            search->path = info->dlpi_name;
            return 1;
        }
    }
    return 0;
}
#endif

/*
 * The path this library was loaded from, or NULL. On Linux through dl_iterate_phdr (glibc 2.2.5), not dladdr,
 * which glibc 2.34 moved into libc under a new symbol version: linking it would make the library refuse to load on
 * any older glibc (RHEL 8, Ubuntu 20.04).
 */
static const char *ct_self_path(void) {
#if defined(__linux__)
    struct ct_self_search search = { (uintptr_t) &ct_self_anchor, NULL };
    dl_iterate_phdr(ct_find_self, &search);
    return search.path;
#else
    Dl_info info;
    return dladdr(&ct_self_anchor, &info) == 0 ? NULL : info.dli_fname;
#endif
}

/*
 * Decodes the shading prefix from this library's file name into `out` as a JNI class-name prefix
 * ("com/acme/shaded/"), empty for none. -1 if the file name cannot be had or the prefix is malformed.
 */
static int ct_shading_prefix(char *out, size_t out_size) {
    out[0] = '\0';
    const char *path = ct_self_path();
    if (path == NULL || path[0] == '\0') {
        return -1;
    }
    const char *name = strrchr(path, '/');
    name = name == NULL ? path : name + 1;
    if (strncmp(name, "lib", 3) != 0) {
        return 0; /* not named by our loader (e.g. an explicit library path): no prefix */
    }
    name += 3;
    /* The last marker: the os/arch/random tail never contains it, a mangled prefix might. */
    const char *marker = NULL;
    for (const char *p = strstr(name, CT_MARKER); p != NULL; p = strstr(p + 1, CT_MARKER)) {
        marker = p;
    }
    if (marker == NULL || marker == name) {
        return 0;
    }
    size_t n = 0;
    for (const char *p = name; p < marker; p++) {
        char c;
        if (*p == '_') {
            if (p + 1 < marker && p[1] == '1') {
                c = '_';
                p++;
            } else {
                c = '/';
            }
        } else {
            c = *p;
        }
        if (n + 1 >= out_size) {
            return -1;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    /* A package prefix ends with its separator ("a.b." -> "a_b_" -> "a/b/"). */
    return out[n - 1] == '/' ? 0 : -1;
}

/* The classes, in registration order. */
static const struct ct_natives *const ct_all_natives[] = {
    &ct_system_natives,
    &ct_socket_natives,
    &ct_poller_natives,
    &ct_datagram_natives,
    &ct_unix_natives,
    &ct_kernel_natives,
    &ct_netty_unix_natives,
};

#define CT_CLASS_COUNT CT_ARRAY_LENGTH(ct_all_natives)

/* Unregisters what was registered, keeping the exception that made us stop pending for System.load to throw. */
static jint ct_unwind(JNIEnv *env, jclass *registered, jint count) {
    jthrowable cause = (*env)->ExceptionOccurred(env);
    if (cause != NULL) {
        (*env)->ExceptionClear(env);
    }
    for (jint i = count - 1; i >= 0; i--) {
        if (registered[i] == NULL) {
            continue;
        }
        (*env)->UnregisterNatives(env, registered[i]);
    }
    if (cause != NULL) {
        (*env)->Throw(env, cause);
    }
    return JNI_ERR;
}

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    char prefix[CT_CLASS_NAME_MAX / 2];
    if (ct_shading_prefix(prefix, sizeof(prefix)) < 0) {
        /* No Java exception may be made here; the loader reports the file name it used. */
        return JNI_ERR;
    }
    jclass registered[CT_CLASS_COUNT];
    for (jint i = 0; i < CT_CLASS_COUNT; i++) {
        const struct ct_natives *natives = ct_all_natives[i];
        char class_name[CT_CLASS_NAME_MAX];
        size_t prefix_len = strlen(prefix);
        size_t name_len = strlen(natives->class_name);
        if (prefix_len + name_len + 1 > sizeof(class_name)) {
            return ct_unwind(env, registered, i);
        }
        memcpy(class_name, prefix, prefix_len);
        memcpy(class_name + prefix_len, natives->class_name, name_len + 1);
        jclass clazz = (*env)->FindClass(env, class_name);
        if (clazz == NULL || (*env)->ExceptionCheck(env)) {
            return ct_unwind(env, registered, i);
        }
        registered[i] = clazz;
        if ((*env)->RegisterNatives(env, clazz, natives->methods, natives->count) != JNI_OK
                || (*env)->ExceptionCheck(env)) {
            /* Some methods of this class may be bound already, so it is unwound too; the pending
             * NoSuchMethodError names the method that did not match. */
            return ct_unwind(env, registered, i + 1);
        }
    }
    return JNI_VERSION_1_8;
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved) {
    (void) vm; (void) reserved;
    /* Called when our class loader is collected: the classes whose natives we registered are gone with it, and
     * the library holds nothing else (no globals, no cached references) that would need releasing. */
}
