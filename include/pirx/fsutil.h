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

/*
 * Writes a file back to disk in the background while it is still being
 * written, so that the fsync that makes it durable finds little left to
 * do (a 100 MB database took 80 ms to fsync at the end of a load; synced
 * as it grows, the last fsync takes a few).
 *
 * pirx_fs_flusher_start opens path (NULL on failure: the caller goes on
 * without one). Each pirx_fs_flusher_kick asks for an fdatasync of what
 * has been written so far; kicks during a running sync make one more
 * after it. pirx_fs_flusher_stop serves a kick still pending, waits for
 * the syncs, sets *syncs (when not NULL) to how many ran, frees f, and
 * returns 0, or PIRX_EIO with err set when a sync failed: the file's data
 * may then be lost, and a later fsync through another descriptor would
 * not say so. A NULL f is a flusher that does nothing.
 */
typedef struct pirx_fs_flusher pirx_fs_flusher;

pirx_fs_flusher *pirx_fs_flusher_start(const char *path);
void pirx_fs_flusher_kick(pirx_fs_flusher *f);
int pirx_fs_flusher_stop(pirx_fs_flusher *f, long *syncs, struct pirx_err *err);

/* Joins a and b with one "/". Heap string, caller frees. */
char *pirx_fs_join(const char *a, const char *b);

/* The directory part of path ("." when none). Heap string, caller frees. */
char *pirx_fs_dirname(const char *path);

#endif
