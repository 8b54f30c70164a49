/*
 * fsutil: the file-system steps that make outputs all-or-nothing: scratch
 * names beside a target, durable writes, and atomic replacement.
 */
#ifndef PIRX_FSUTIL_H
#define PIRX_FSUTIL_H

#include "pirx/err.h"

/* 1 when path exists (any type), 0 otherwise. */
int pirx_fs_exists(const char *path);
/* 1 when path is a directory. */
int pirx_fs_is_dir(const char *path);

/* Creates path and its missing parents (mode 0777 & ~umask). 0 or PIRX_EIO. */
int pirx_fs_mkdir_p(const char *path, struct pirx_err *err);

/*
 * A mkdtemp/mkstemp template "dir/PREFIX<pid>-XXXXXX" (heap string, caller
 * frees). First removes what pirx_fs_sweep_stale removes.
 */
char *pirx_fs_scratch_name(const char *dir, const char *prefix);
/* Removes dir/PREFIX<pid>-* left by processes that no longer exist (a
 * killed run's scratch); never a live process's. */
void pirx_fs_sweep_stale(const char *dir, const char *prefix);

/*
 * Makes a new empty directory beside target, named ".NAME.tmp-<pid>-XXXXXX"
 * (sweeping dead runs' scratch beside it first). Returns a heap string the
 * caller frees, or NULL with err set.
 */
char *pirx_fs_temp_dir_beside(const char *target, struct pirx_err *err);
/* A new unique file name beside target (the file is created empty). */
char *pirx_fs_temp_file_beside(const char *target, struct pirx_err *err);

/* Removes path and, for a directory, everything under it; symbolic links
 * are removed, never followed. Returns 0 or -1. */
int pirx_fs_rmtree(const char *path);

/* fsync()s a file or directory by path. 0 or PIRX_EIO. */
int pirx_fs_fsync(const char *path, struct pirx_err *err);

/*
 * Puts the directory fresh at target: atomically exchanged with an existing
 * target (whose old contents are then removed), or renamed into place.
 * Returns 0 or PIRX_EIO (target then unchanged).
 */
int pirx_fs_replace_dir(const char *fresh, const char *target, struct pirx_err *err);

/* Renames the file fresh over target after fsync, then fsyncs the folder. */
int pirx_fs_replace_file(const char *fresh, const char *target, struct pirx_err *err);

/* Joins a and b with one "/". Heap string, caller frees. */
char *pirx_fs_join(const char *a, const char *b);

/* The directory part of path ("." when none). Heap string, caller frees. */
char *pirx_fs_dirname(const char *path);

#endif
