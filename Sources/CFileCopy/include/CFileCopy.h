#ifndef ALGOREG_CFILECOPY_H
#define ALGOREG_CFILECOPY_H

#include <stddef.h>
#include <sys/types.h>

/// Linux's copy_file_range(2), which Swift's Glibc module does not declare (it needs
/// _GNU_SOURCE): copies `length` bytes from `input` at `*offset` to `output` at its file
/// position, advancing both. Returns the bytes copied, or -1 with errno set.
ssize_t algoreg_copy_file_range(int input, long long *offset, int output, size_t length);

/// Whether the file open at `descriptor` is open anywhere else (another process reading it,
/// a mapping): 0 when it is not, 1 when it is, -1 when the system cannot tell (then treat it
/// as open). Asks for a write lease (fcntl F_SETLEASE), which Linux grants only to the sole
/// holder of the file and the file's owner, and gives it back at once.
int algoreg_open_elsewhere(int descriptor);

#endif
