/*
** fuzz_main.c: runs a libFuzzer target over a seed corpus without libFuzzer,
** so that the corpus is a plain regression test under meson (with the
** sanitizers of the build).
**
** Each argument is a file or a directory of files (not recursive; names
** starting with '.' are skipped).  Exits 1 when nothing ran, so that a
** missing or empty corpus cannot pass as success.
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads path whole and runs the target on it; returns 1 when it ran. */
static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t len = 0, cap = 0;
    int ran = 0;

    if (fp == NULL) {
        perror(path);
        return 0;
    }
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            unsigned char *p = realloc(data, ncap);
            if (p == NULL) {
                fprintf(stderr, "%s: out of memory\n", path);
                goto out;
            }
            data = p;
            cap = ncap;
        }
        size_t got = fread(data + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        perror(path);
        goto out;
    }
    LLVMFuzzerTestOneInput(data, len);
    ran = 1;
out:
    free(data);
    fclose(fp);
    return ran;
}

static int run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 0;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);

    DIR *d = opendir(path);
    struct dirent *de;
    int ran = 0;
    if (d == NULL) {
        perror(path);
        return 0;
    }
    while ((de = readdir(d)) != NULL) {
        char full[4096];
        struct stat fst;
        if (de->d_name[0] == '.')
            continue;
        snprintf(full, sizeof full, "%s/%s", path, de->d_name);
        if (stat(full, &fst) == 0 && S_ISREG(fst.st_mode))
            ran += run_file(full);
    }
    closedir(d);
    return ran;
}

int main(int argc, char **argv)
{
    int ran = 0;
    for (int i = 1; i < argc; i++)
        ran += run_path(argv[i]);
    printf("%d inputs ran\n", ran);
    return ran > 0 ? 0 : 1;
}
