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
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

/* A two-variant bulk plan (JSON Lines): the same models at two alphas, each line a recipe plus "out". */
static char* bulk_plan(const char* a, const char* b, const char* out1, const char* out2)
{
    const char* format = "{\"a\": {\"path\": \"%s\"}, \"b\": {\"path\": \"%s\"}, \"mode\": \"ws\", \"alpha\": 0.3, \"out\": \"%s\"}\n"
                         "{\"a\": {\"path\": \"%s\"}, \"b\": {\"path\": \"%s\"}, \"mode\": \"ws\", \"alpha\": 0.7, \"out\": \"%s\"}\n";
    size_t size = strlen(format) + 2 * (strlen(a) + strlen(b)) + strlen(out1) + strlen(out2) + 16;
    char* plan = malloc(size);
    if (plan != NULL) {
        snprintf(plan, size, format, a, b, out1, a, b, out2);
    }
    return plan;
}

/* Whole file into a malloc'd buffer (NULL when unreadable); *length receives its size. */
static unsigned char* read_file(const char* path, long* length)
{
    FILE* f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    *length = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char* data = malloc(*length > 0 ? (size_t)*length : 1);
    if (data != NULL && fread(data, 1, (size_t)*length, f) != (size_t)*length) {
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

static int same_file_bytes(const char* x, const char* y)
{
    long nx = 0, ny = 0;
    unsigned char* dx = read_file(x, &nx);
    unsigned char* dy = read_file(y, &ny);
    int same = dx != NULL && dy != NULL && nx == ny && memcmp(dx, dy, (size_t)nx) == 0;
    free(dx);
    free(dy);
    return same;
}

/* A merge request whose recipe carries `extra` members (e.g. the supermerger options) after the models. */
static char* merge_request_with(const char* a, const char* b, const char* output, const char* extra)
{
    const char* format = "{\"recipe\": {\"a\": {\"path\": \"%s\"}, \"b\": {\"path\": \"%s\"}, %s}, \"output\": \"%s\"}";
    size_t size = strlen(format) + strlen(a) + strlen(b) + strlen(extra) + strlen(output) + 16;
    char* json = malloc(size);
    if (json != NULL) {
        snprintf(json, size, format, a, b, extra, output);
    }
    return json;
}

/* One bulk plan line of the same recipe. */
static char* plan_line_with(const char* a, const char* b, const char* output, const char* extra)
{
    const char* format = "{\"a\": {\"path\": \"%s\"}, \"b\": {\"path\": \"%s\"}, %s, \"out\": \"%s\"}\n";
    size_t size = strlen(format) + strlen(a) + strlen(b) + strlen(extra) + strlen(output) + 16;
    char* line = malloc(size);
    if (line != NULL) {
        snprintf(line, size, format, a, b, extra, output);
    }
    return line;
}

/*
 * Issue 14's options through the C ABI: fm_merge_run_json twice gives the same bytes and an empty "warnings", and the
 * bulk variant of the same recipe is byte-identical. (test_supermerger_options.py compares them with the CLI.)
 */
static void check_recipe_options(const char* dir, const char* a, const char* b, const char* name, const char* extra)
{
    char first[4096], second[4096], bulk[4096], what[512];
    snprintf(first, sizeof first, "%s/c_%s_1.safetensors", dir, name);
    snprintf(second, sizeof second, "%s/c_%s_2.safetensors", dir, name);
    snprintf(bulk, sizeof bulk, "%s/c_%s_bulk.safetensors", dir, name);
    unlink(first);
    unlink(second);
    unlink(bulk);
    char* report = (char*)"untouched";
    char* request = merge_request_with(a, b, first, extra);
    int status = fm_merge_run_json(request, NULL, NULL, &report);
    free(request);
    if (status != FM_OK) {
        printf("     %s failed: %d %s\n", name, status, fm_last_error());
    }
    snprintf(what, sizeof what, "fm_merge_run_json runs %s and reports no warnings", name);
    check(status == FM_OK && report != NULL && strstr(report, "\"warnings\":[]") != NULL && strstr(report, "\"sha256\":\"") != NULL, what);
    if (status == FM_OK) {
        fm_free(report);
    }
    request = merge_request_with(a, b, second, extra);
    status = fm_merge_json(request, NULL, NULL);
    free(request);
    char* line = plan_line_with(a, b, bulk, extra);
    int bulk_status = fm_bulk_json(line, NULL, NULL);
    free(line);
    snprintf(what, sizeof what, "%s: a second run and the bulk variant give the same bytes", name);
    check(status == FM_OK && bulk_status == FM_OK && same_file_bytes(first, second) && same_file_bytes(first, bulk), what);
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
    check(version != NULL && strcmp(version, FASTMERGE_VERSION_STRING) == 0, "fm_version equals the header's FASTMERGE_VERSION_STRING");
    check(fm_version_number() == FASTMERGE_VERSION_NUMBER, "fm_version_number equals the header's FASTMERGE_VERSION_NUMBER");
    check(fm_version_number() / 1000000 == FASTMERGE_VERSION_MAJOR, "the library's major version is the header's");

    /* Status descriptions: constant strings for every code, one for codes this library does not know. */
    check(strcmp(fm_status_string(FM_OK), "success") == 0, "fm_status_string(FM_OK)");
    check(strcmp(fm_status_string(FM_E_INPUT), "invalid input") == 0, "fm_status_string(FM_E_INPUT)");
    check(strcmp(fm_status_string(FM_E_CANCELLED), "cancelled") == 0, "fm_status_string(FM_E_CANCELLED)");
    check(strcmp(fm_status_string(FM_E_INTERNAL), "internal error") == 0, "fm_status_string(FM_E_INTERNAL)");
    check(strcmp(fm_status_string(FM_E_UNAVAILABLE), "not available in this build") == 0, "fm_status_string(FM_E_UNAVAILABLE)");
    check(strcmp(fm_status_string(FM_E_IO), "no room for the output") == 0, "fm_status_string(FM_E_IO)");
    check(strcmp(fm_status_string(42), "unknown status") == 0 && strcmp(fm_status_string(-1), "unknown status") == 0,
          "fm_status_string of an unknown code");

    /* Exit codes: each status is the outcome the CLI exits with 0, 2, 3, 70 or 130 for (docs/cli.md). */
    check(fm_exit_code(FM_OK) == 0 && fm_exit_code(FM_E_INPUT) == 2 && fm_exit_code(FM_E_IO) == 3
              && fm_exit_code(FM_E_INTERNAL) == 70 && fm_exit_code(FM_E_CANCELLED) == 130,
          "fm_exit_code gives the CLI's exit code of each status");
    check(fm_exit_code(FM_E_UNAVAILABLE) == 70 && fm_exit_code(42) == 70 && fm_exit_code(-1) == 70,
          "fm_exit_code of a status no call returns is 70");

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
    check(status == FM_E_INPUT && strstr(fm_last_error(), "unknown parameter 'thread' (did you mean 'threads'?)") != NULL,
          "an unknown member is FM_E_INPUT naming it and the closest known one");
    status = fm_merge_json("{\"recipe\": {\"a\": {\"path\": \"x\"}, \"b\": {\"path\": \"y\"}, \"alhpa\": 0.3}, \"output\": \"z\"}", NULL, NULL);
    printf("     misspelt recipe member -> %d: %s\n", status, fm_last_error());
    check(status == FM_E_INPUT && strstr(fm_last_error(), "unknown parameter 'alhpa' (did you mean 'alpha'?)") != NULL,
          "an unknown recipe member is FM_E_INPUT naming the closest known one");
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

    /* Bulk: two variants from one pass over A and B; the alpha-0.3 variant is byte-identical to the merge above. */
    char bulk1[4096], bulk2[4096];
    snprintf(bulk1, sizeof bulk1, "%s/c_bulk_1.safetensors", dir);
    snprintf(bulk2, sizeof bulk2, "%s/c_bulk_2.safetensors", dir);
    unlink(bulk1);
    unlink(bulk2);
    char* plan = bulk_plan(a, b, bulk1, bulk2);
    struct progress bulk_progress = {0, -1, 0, 1, 0};
    status = fm_bulk_json(plan, on_progress, &bulk_progress);
    check(status == FM_OK, "fm_bulk_json writes both variants");
    check(file_exists(bulk1) && file_exists(bulk2), "both bulk outputs exist");
    check(same_file_bytes(bulk1, out), "the bulk variant equals fm_merge_json of the same recipe, byte for byte");
    check(bulk_progress.calls > 0 && bulk_progress.monotonic && bulk_progress.last_done == bulk_progress.total,
          "bulk progress is monotonic and ends at total");

    /* The same plan again: the outputs exist, so every variant fails and says why; resume skips them instead. */
    status = fm_bulk_json(plan, NULL, NULL);
    check(status == FM_E_INPUT && strstr(fm_last_error(), "2 of 2 variants failed") != NULL, "existing outputs are per-variant failures");
    printf("     bulk again -> %s\n", fm_last_error());
    char* bulk_report = (char*)"untouched";
    status = fm_bulk_run_json(plan, "{\"resume\": true}", NULL, NULL, &bulk_report);
    check(status == FM_OK && bulk_report != NULL && strstr(bulk_report, "\"skipped\":2") != NULL, "resume skips both finished variants");
    if (status == FM_OK) {
        printf("     resume report: %.120s...\n", bulk_report);
        fm_free(bulk_report);
    }
    status = fm_bulk_run_json(plan, "{\"sink\": \"hash\", \"shard_index\": 1, \"shard_count\": 2}", NULL, NULL, &bulk_report);
    check(status == FM_OK && bulk_report != NULL && strstr(bulk_report, "\"sha256\":\"") != NULL && strstr(bulk_report, "\"done\":1") != NULL,
          "hash sink on shard 1/2 reports one variant's sha256");
    if (status == FM_OK) {
        fm_free(bulk_report);
    }
    bulk_report = (char*)"untouched";
    check(fm_bulk_run_json(plan, "{\"sink\": \"disk\"}", NULL, NULL, &bulk_report) == FM_E_INPUT && bulk_report == NULL,
          "an unknown sink is FM_E_INPUT and no report");
    check(fm_bulk_json("{\"mode\": \"ws\"\n", NULL, NULL) == FM_E_INPUT && strstr(fm_last_error(), "line 1") != NULL,
          "a malformed plan line is FM_E_INPUT naming the line");
    printf("     bad plan -> %s\n", fm_last_error());
    free(plan);

    /* The catalog: the names this library accepts, from its own tables. */
    char* catalog = (char*)"untouched";
    status = fm_catalog_json(&catalog);
    check(status == FM_OK && catalog != NULL && strstr(catalog, "\"self\",\"plus random\"]") != NULL && strstr(catalog, "\"old_calc\"") != NULL,
          "fm_catalog_json lists the calcmodes (self, plus random) and the recipe parameters");
    if (status == FM_OK) {
        fm_free(catalog);
    }
    check(fm_catalog_json(NULL) == FM_E_INPUT, "fm_catalog_json with a NULL report pointer is FM_E_INPUT");

    /* Issue 14's options (block-level ones need a block layout: the SD1 run). */
    check_recipe_options(dir, a, b, "self", "\"calcmode\": \"self\", \"alpha\": 0.7");
    check_recipe_options(dir, a, b, "plus_random", "\"calcmode\": \"plus random\", \"alpha\": 0.1, \"seed\": 3");
    check_recipe_options(dir, a, b, "old_calc", "\"alpha\": 0.3, \"old_calc\": true");
    if (argc == 4) {
        check_recipe_options(dir, a, b, "random_weights", "\"weights_alpha\": \"U\", \"seed\": 7, \"random_digits\": 2");
        check_recipe_options(dir, a, b, "elemental_adjust", "\"alpha\": 0.4, \"elemental\": \"IN04 OUT05:attn:0.2\", \"adjust\": \"1,1,1,0,0,0,0,0\"");
    }

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
    char fixed_again[4096];
    snprintf(fixed_again, sizeof fixed_again, "%s/c_fixed_report.safetensors", dir);
    unlink(fixed_again);
    snprintf(fix_request, sizeof fix_request, "{\"input\": \"%s\", \"output\": \"%s\", \"dtype\": \"fp16\"}", out, fixed_again);
    report = (char*)"untouched";
    status = fm_fix_run_json(fix_request, &report);
    check(status == FM_OK && report != NULL && strstr(report, "\"converted\":") != NULL && strstr(report, "\"position_ids_reset\":") != NULL
              && same_file_bytes(fixed, fixed_again),
          "fm_fix_run_json writes the same copy and returns what it changed");
    if (status == FM_OK) {
        printf("     fix report: %s\n", report);
        fm_free(report);
    }
    check(fm_fix_json("{\"input\": \"x\"}") == FM_E_INPUT && strstr(fm_last_error(), "output") != NULL,
          "fm_fix_json without output is FM_E_INPUT naming it");
    fm_free(NULL);

    /* No room for the output: the file-size limit (ulimit -f) stops the write, as a full disk would. FM_E_IO, the
     * CLI's exit code 3, and nothing left at the output path. SIGXFSZ is ignored so the write fails with EFBIG. */
    char no_room[4096];
    snprintf(no_room, sizeof no_room, "%s/c_no_room.safetensors", dir);
    unlink(no_room);
    struct rlimit saved;
    check(getrlimit(RLIMIT_FSIZE, &saved) == 0, "getrlimit(RLIMIT_FSIZE)");
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit tiny = { 64, saved.rlim_max };
    request = merge_request(a, b, no_room, 0.5);
    check(setrlimit(RLIMIT_FSIZE, &tiny) == 0, "setrlimit(RLIMIT_FSIZE, 64 bytes)");
    status = fm_merge_json(request, NULL, NULL);
    setrlimit(RLIMIT_FSIZE, &saved);
    free(request);
    printf("     no room -> %d (exit code %d): %s\n", status, fm_exit_code(status), fm_last_error());
    check(status == FM_E_IO && fm_exit_code(status) == 3, "an output past the file-size limit is FM_E_IO, the CLI's exit code 3");
    check(!file_exists(no_room), "nothing is left at the output path after FM_E_IO");

    /* The same closing line as pytest's, so .ci/run adds these checks to its totals. */
    printf("%d passed, %d failed\n", passes, failures);
    return failures;
}
