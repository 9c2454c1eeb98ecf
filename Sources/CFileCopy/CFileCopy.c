#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "CFileCopy.h"

ssize_t algoreg_copy_file_range(int input, long long *offset, int output, size_t length) {
#ifdef __linux__
    off_t from = (off_t)*offset;
    ssize_t copied = copy_file_range(input, &from, output, NULL, length, 0);
    *offset = (long long)from;
    return copied;
#else
    (void)input; (void)offset; (void)output; (void)length;
    errno = ENOSYS;
    return -1;
#endif
}

int algoreg_open_elsewhere(int descriptor) {
#ifdef __linux__
    // A write lease is granted only when no other open file description refers to the file.
    if (fcntl(descriptor, F_SETLEASE, F_WRLCK) != 0) return errno == EAGAIN ? 1 : -1;
    fcntl(descriptor, F_SETLEASE, F_UNLCK);
    return 0;
#else
    (void)descriptor;
    return -1;
#endif
}
