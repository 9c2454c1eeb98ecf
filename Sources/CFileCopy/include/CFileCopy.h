#ifndef ALGOREG_CFILECOPY_H
#define ALGOREG_CFILECOPY_H

#include <stddef.h>
#include <sys/types.h>

/// Linux's copy_file_range(2), which Swift's Glibc module does not declare (it needs
/// _GNU_SOURCE): copies `length` bytes from `input` at `*offset` to `output` at its file
/// position, advancing both. Returns the bytes copied, or -1 with errno set.
ssize_t algoreg_copy_file_range(int input, long long *offset, int output, size_t length);

#endif
