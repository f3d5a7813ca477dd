/* A C program built against an installed libfastmerge with `pkg-config --cflags --libs fastmerge`
 * (build/test-install.sh): the same weighted sum as `fastmerge merge -a A -b B -o OUT --alpha 0.3`. */
#include <stdio.h>
#include <string.h>

#include <fastmerge.h>

int main(int argc, char** argv)
{
    if (argc != 4 || strpbrk(argv[1], "\"\\") || strpbrk(argv[2], "\"\\") || strpbrk(argv[3], "\"\\")) {
        fprintf(stderr, "usage: merge A B OUT (paths without quotes or backslashes)\n");
        return 2;
    }
    if (fm_version_number() / 1000000 != FASTMERGE_VERSION_MAJOR) {
        fprintf(stderr, "libfastmerge %s is not the major version of fastmerge.h %s\n", fm_version(), FASTMERGE_VERSION_STRING);
        return 1;
    }
    char request[8192];
    snprintf(request, sizeof request,
             "{\"recipe\": {\"a\": {\"path\": \"%s\"}, \"b\": {\"path\": \"%s\"}, \"mode\": \"ws\", \"alpha\": 0.3}, \"output\": \"%s\"}",
             argv[1], argv[2], argv[3]);
    int status = fm_merge_json(request, NULL, NULL);
    if (status != FM_OK) {
        fprintf(stderr, "fm_merge_json: %s: %s\n", fm_status_string(status), fm_last_error());
        return 1;
    }
    printf("libfastmerge %s (header %s): merged\n", fm_version(), FASTMERGE_VERSION_STRING);
    return 0;
}
