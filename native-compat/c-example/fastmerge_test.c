/*
 * Example and test of the libfastmerge C API (run under valgrind by run.sh).
 *
 *   fastmerge_test WORKDIR [A.safetensors B.safetensors]
 *
 * Without A and B it writes two tiny safetensors models of its own into WORKDIR. Every check prints one
 * line, then "N passed, M failed"; the exit status is the number of failed checks.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fastmerge.h"

static int passes = 0;
static int failures = 0;

static void check(int ok, const char* what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (ok) {
        passes++;
    } else {
        failures++;
    }
}

static int file_exists(const char* path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* A safetensors file with two f32 tensors, "w" [2, 3] and "b" [3], values start, start + 1, ... */
static int write_model(const char* path, float start)
{
    const char* header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                         "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[12,36]}}";
    uint64_t n = strlen(header);
    float values[9];
    for (int i = 0; i < 9; i++) {
        values[i] = start + (float)i;
    }
    FILE* f = fopen(path, "wb");
    if (f == NULL) {
        return -1;
    }
    int ok = fwrite(&n, sizeof n, 1, f) == 1 && fwrite(header, 1, n, f) == n && fwrite(values, sizeof values, 1, f) == 1;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* Builds a merge request; the paths are test-controlled and contain no characters that need JSON escaping. */
static char* merge_request(const char* a, const char* b, const char* output, double alpha)
{
    const char* format = "{\"recipe\": {\"a\": {\"path\": \"%s\"}, \"b\": {\"path\": \"%s\"}, \"mode\": \"ws\", \"alpha\": %g},"
                         " \"output\": \"%s\", \"overwrite\": true, \"threads\": 2}";
    size_t size = strlen(format) + strlen(a) + strlen(b) + strlen(output) + 64;
    char* json = malloc(size);
    if (json != NULL) {
        snprintf(json, size, format, a, b, alpha, output);
    }
    return json;
}

struct progress {
    int calls;
    int64_t last_done;
    int64_t total;
    int monotonic;
    int cancel_at; /* cancel on this call number (1-based), 0 = never */
};

static int on_progress(int64_t done, int64_t total, void* user)
{
    struct progress* p = user;
    p->calls++;
    if (done <= p->last_done || done > total) {
        p->monotonic = 0;
    }
    p->last_done = done;
    p->total = total;
    return p->cancel_at != 0 && p->calls >= p->cancel_at;
}

static void* fail_on_other_thread(void* arg)
{
    (void)arg;
    int status = fm_merge_json("not json", NULL, NULL);
    return (void*)(intptr_t)(status == FM_E_INPUT && strlen(fm_last_error()) > 0);
}

int main(int argc, char** argv)
{
    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: %s WORKDIR [A.safetensors B.safetensors]\n", argv[0]);
        return 2;
    }
    const char* dir = argv[1];
    char a[4096], b[4096], out[4096], cancelled_out[4096], missing[4096];
    if (argc == 4) {
        snprintf(a, sizeof a, "%s", argv[2]);
        snprintf(b, sizeof b, "%s", argv[3]);
    } else {
        snprintf(a, sizeof a, "%s/tiny_a.safetensors", dir);
        snprintf(b, sizeof b, "%s/tiny_b.safetensors", dir);
        if (write_model(a, 0.0f) != 0 || write_model(b, 100.0f) != 0) {
            fprintf(stderr, "cannot write test models in %s: %s\n", dir, strerror(errno));
            return 2;
        }
    }
    snprintf(out, sizeof out, "%s/c_merged.safetensors", dir);
    snprintf(cancelled_out, sizeof cancelled_out, "%s/c_cancelled.safetensors", dir);
    snprintf(missing, sizeof missing, "%s/does_not_exist.safetensors", dir);
    unlink(out);
    unlink(cancelled_out);

    /* Version. */
    const char* version = fm_version();
    printf("libfastmerge %s\n", version);
    check(version != NULL && strlen(version) > 0, "fm_version returns a version");

    /* A real merge, with progress. */
    struct progress p = { 0, -1, 0, 1, 0 };
    char* request = merge_request(a, b, out, 0.3);
    int status = fm_merge_json(request, on_progress, &p);
    free(request);
    if (status != FM_OK) {
        printf("     merge failed: %d %s\n", status, fm_last_error());
    }
    check(status == FM_OK, "fm_merge_json merges A and B");
    check(file_exists(out), "the merged file exists");
    check(p.calls > 0 && p.monotonic && p.last_done == p.total, "progress is monotonic and ends at done == total");
    check(strcmp(fm_last_error(), "") == 0, "fm_last_error is empty after a successful call");

    /* Missing input: FM_E_INPUT and a message that names the file. */
    request = merge_request(missing, b, out, 0.5);
    status = fm_merge_json(request, NULL, NULL);
    free(request);
    printf("     missing input -> %d: %s\n", status, fm_last_error());
    check(status == FM_E_INPUT, "a missing input is FM_E_INPUT");
    check(strstr(fm_last_error(), "does_not_exist.safetensors") != NULL, "the message names the missing file");

    /* Bad requests. */
    check(fm_merge_json("{\"recipe\": {", NULL, NULL) == FM_E_INPUT, "malformed JSON is FM_E_INPUT");
    status = fm_merge_json("{\"recipe\": {\"a\": {\"path\": \"x\"}, \"b\": {\"path\": \"y\"}}, \"output\": \"z\", \"thread\": 1}", NULL, NULL);
    printf("     misspelt member -> %d: %s\n", status, fm_last_error());
    check(status == FM_E_INPUT && strstr(fm_last_error(), "thread") != NULL, "an unknown member is FM_E_INPUT naming it");
    check(fm_merge_json(NULL, NULL, NULL) == FM_E_INPUT, "a NULL request is FM_E_INPUT");

    /* Cancellation from the callback: FM_E_CANCELLED and no output left behind. */
    struct progress cancel = { 0, -1, 0, 1, 1 };
    request = merge_request(a, b, cancelled_out, 0.5);
    status = fm_merge_json(request, on_progress, &cancel);
    free(request);
    printf("     cancelled -> %d: %s\n", status, fm_last_error());
    check(status == FM_E_CANCELLED, "a non-zero callback return cancels (FM_E_CANCELLED)");
    check(cancel.calls == 1, "the callback is not called again after cancelling");
    check(!file_exists(cancelled_out), "a cancelled merge leaves no output");

    /* Last error is per thread: a failure on another thread leaves this thread's message alone. */
    check(fm_merge_json("{}", NULL, NULL) == FM_E_INPUT, "a request without recipe is FM_E_INPUT");
    char before[1024];
    snprintf(before, sizeof before, "%s", fm_last_error());
    pthread_t thread;
    void* thread_ok = NULL;
    check(pthread_create(&thread, NULL, fail_on_other_thread, NULL) == 0 && pthread_join(thread, &thread_ok) == 0 && thread_ok != NULL,
          "another thread sees its own error");
    check(strcmp(before, fm_last_error()) == 0, "this thread's error is unchanged by the other thread");

    /* Not in this build: a clear status and message, never a fake result. */
    check(fm_bulk_json("{}\n", NULL, NULL) == FM_E_UNAVAILABLE, "fm_bulk_json is FM_E_UNAVAILABLE");
    printf("     bulk -> %s\n", fm_last_error());

    /* Check: a JSON report owned by the caller, released with fm_free. */
    char* report = (char*)"untouched";
    status = fm_check_json(out, &report);
    check(status == FM_OK && report != NULL && strstr(report, "\"schema\":\"fastmerge.check/1\"") != NULL,
          "fm_check_json returns the check report");
    if (status == FM_OK) {
        printf("     report: %.100s...\n", report);
        fm_free(report);
    }
    report = (char*)"untouched";
    check(fm_check_json(missing, &report) == FM_E_INPUT && report == NULL && strstr(fm_last_error(), "does_not_exist") != NULL,
          "checking a missing file is FM_E_INPUT naming it, report NULL");
    check(fm_check_json(a, NULL) == FM_E_INPUT, "fm_check_json with a NULL report pointer is FM_E_INPUT");

    /* Fix: a repaired copy. */
    char fixed[4096], fix_request[16384];
    snprintf(fixed, sizeof fixed, "%s/c_fixed.safetensors", dir);
    unlink(fixed);
    snprintf(fix_request, sizeof fix_request, "{\"input\": \"%s\", \"output\": \"%s\", \"dtype\": \"fp16\"}", out, fixed);
    status = fm_fix_json(fix_request);
    if (status != FM_OK) {
        printf("     fix failed: %d %s\n", status, fm_last_error());
    }
    check(status == FM_OK && file_exists(fixed), "fm_fix_json writes the repaired copy");
    check(fm_fix_json(fix_request) == FM_E_INPUT, "fm_fix_json refuses to replace an existing output");
    check(fm_fix_json("{\"input\": \"x\"}") == FM_E_INPUT && strstr(fm_last_error(), "output") != NULL,
          "fm_fix_json without output is FM_E_INPUT naming it");
    fm_free(NULL);

    /* The same closing line as pytest's, so .ci/run adds these checks to its totals. */
    printf("%d passed, %d failed\n", passes, failures);
    return failures;
}
