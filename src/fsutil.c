/*
 * fsutil: POSIX file-system helpers for atomic outputs. Reports are built
 * in a scratch directory and swapped in with renameat2(RENAME_EXCHANGE)
 * where the kernel has it, so a reader never sees half a report and a
 * crash leaves the previous one in place.
 */
#define _GNU_SOURCE
#include "pirx/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pirx/mem.h"

int pirx_fs_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int pirx_fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int pirx_fs_mkdir_p(const char *path, struct pirx_err *err)
{
	char *p = pirx_xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0777) != 0 && errno != EEXIST) {
				rc = pirx_err_set(err, PIRX_EIO, p, 0, NULL,
						  "cannot create directory: %s", strerror(errno));
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	if (rc == 0 && !pirx_fs_is_dir(path))
		rc = pirx_err_set(err, PIRX_EIO, path, 0, NULL, "exists and is not a directory");
	free(p);
	return rc;
}

char *pirx_fs_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return pirx_xstrdup(".");
	if (slash == path)
		return pirx_xstrdup("/");
	return pirx_xstrndup(path, (size_t)(slash - path));
}

/*
 * Scratch names carry the creating process's id: dir/PREFIX<pid>-XXXXXX.
 * A process killed outright (SIGKILL, power loss) cannot remove its
 * scratch, so the next run that makes scratch with the same prefix in the
 * same folder removes every one whose process no longer exists. A live
 * process's scratch, and names of any other form, are never touched.
 */
void pirx_fs_sweep_stale(const char *dir, const char *prefix)
{
	size_t plen = strlen(prefix);
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		const char *p = e->d_name + plen;
		char *end, *path;
		long pid;

		if (strncmp(e->d_name, prefix, plen) != 0 || *p < '1' || *p > '9')
			continue;
		errno = 0;
		pid = strtol(p, &end, 10);
		if (errno || *end != '-' || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		path = pirx_fs_join(dir, e->d_name);
		pirx_fs_rmtree(path);
		free(path);
	}
	closedir(d);
}

char *pirx_fs_scratch_name(const char *dir, const char *prefix)
{
	size_t n = strlen(dir) + strlen(prefix) + 40;
	char *t = pirx_xmalloc(n);

	pirx_fs_sweep_stale(dir, prefix);
	snprintf(t, n, "%s/%s%ld-XXXXXX", dir, prefix, (long)getpid());
	return t;
}

/* The scratch template beside target: ".NAME.tmp-<pid>-XXXXXX". */
static char *beside(const char *target)
{
	char *dir = pirx_fs_dirname(target);
	const char *base = strrchr(target, '/');
	char *prefix, *t;
	size_t n;

	base = base ? base + 1 : target;
	n = strlen(base) + 8;
	prefix = pirx_xmalloc(n);
	snprintf(prefix, n, ".%s.tmp-", base);
	t = pirx_fs_scratch_name(dir, prefix);
	free(prefix);
	free(dir);
	return t;
}

char *pirx_fs_temp_dir_beside(const char *target, struct pirx_err *err)
{
	char *t = beside(target);

	if (!mkdtemp(t)) {
		pirx_err_set(err, PIRX_EIO, target, 0, NULL, "cannot create a scratch directory beside it: %s",
			     strerror(errno));
		free(t);
		return NULL;
	}
	return t;
}

char *pirx_fs_temp_file_beside(const char *target, struct pirx_err *err)
{
	char *t = beside(target);
	int fd = mkstemp(t);

	if (fd < 0) {
		pirx_err_set(err, PIRX_EIO, target, 0, NULL, "cannot create a scratch file beside it: %s",
			     strerror(errno));
		free(t);
		return NULL;
	}
	close(fd);
	return t;
}

int pirx_fs_rmtree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d))) {
		char *sub;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sub = pirx_fs_join(path, e->d_name);
		if (pirx_fs_rmtree(sub) != 0)
			rc = -1;
		free(sub);
	}
	closedir(d);
	if (rmdir(path) != 0)
		rc = -1;
	return rc;
}

int pirx_fs_fsync(const char *path, struct pirx_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot open to sync: %s", strerror(errno));
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot sync: %s", strerror(errno));
	close(fd);
	return rc;
}

/* ---- background write-back ---------------------------------------------- */

struct pirx_fs_flusher {
	char *path;
	int fd;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int wanted;      /* kicks not yet served */
	int quit;
	int failed;      /* errno of the first failed sync, or 0 */
	long syncs;      /* syncs run */
};

static void *flusher_main(void *arg)
{
	pirx_fs_flusher *f = arg;
	int e;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		while (!f->wanted && !f->quit)
			pthread_cond_wait(&f->cv, &f->mu);
		if (!f->wanted)
			break;
		f->wanted = 0;
		pthread_mutex_unlock(&f->mu);
		/* EINVAL: a file that cannot be synced (a pipe, /dev/null). */
		e = fdatasync(f->fd) == 0 || errno == EINVAL ? 0 : errno;
		pthread_mutex_lock(&f->mu);
		f->syncs++;
		if (e && !f->failed)
			f->failed = e;
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

/* Closes f's file and frees f (its thread ended or never started). */
static void flusher_free(pirx_fs_flusher *f)
{
	close(f->fd);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f->path);
	free(f);
}

pirx_fs_flusher *pirx_fs_flusher_start(const char *path)
{
	pirx_fs_flusher *f = pirx_xcalloc(1, sizeof(*f));
	sigset_t all, old;
	int rc;

	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		free(f);
		return NULL;
	}
	f->path = pirx_xstrdup(path);
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	/* Signals (the load's clean-up on SIGINT) stay with the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&f->thread, NULL, flusher_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		flusher_free(f);
		return NULL;
	}
	return f;
}

void pirx_fs_flusher_kick(pirx_fs_flusher *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->mu);
	f->wanted = 1;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

int pirx_fs_flusher_stop(pirx_fs_flusher *f, long *syncs, struct pirx_err *err)
{
	int rc = 0;

	if (syncs)
		*syncs = 0;
	if (!f)
		return 0;
	pthread_mutex_lock(&f->mu);
	f->quit = 1;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->thread, NULL);
	if (syncs)
		*syncs = f->syncs;
	if (f->failed)
		rc = pirx_err_set(err, PIRX_EIO, f->path, 0, NULL, "cannot sync: %s", strerror(f->failed));
	flusher_free(f);
	return rc;
}

static void sync_parent(const char *path)
{
	char *dir = pirx_fs_dirname(path);
	pirx_fs_fsync(dir, NULL);
	free(dir);
}

int pirx_fs_replace_dir(const char *fresh, const char *target, struct pirx_err *err)
{
	if (pirx_fs_exists(target)) {
#ifdef RENAME_EXCHANGE
		if (renameat2(AT_FDCWD, fresh, AT_FDCWD, target, RENAME_EXCHANGE) == 0) {
			sync_parent(target);
			pirx_fs_rmtree(fresh);   /* now holds the old report */
			return 0;
		}
#endif
		{
			/* No atomic exchange here: keep the old one until the new is in. */
			char *old = beside(target);
			if (!mkdtemp(old) || rmdir(old) != 0 || rename(target, old) != 0) {
				int e = errno;
				free(old);
				return pirx_err_set(err, PIRX_EIO, target, 0, NULL,
						    "cannot move the previous output aside: %s", strerror(e));
			}
			if (rename(fresh, target) != 0) {
				int e = errno;
				rename(old, target);
				free(old);
				return pirx_err_set(err, PIRX_EIO, target, 0, NULL,
						    "cannot put the new output in place: %s", strerror(e));
			}
			pirx_fs_rmtree(old);
			free(old);
			sync_parent(target);
			return 0;
		}
	}
	if (rename(fresh, target) != 0)
		return pirx_err_set(err, PIRX_EIO, target, 0, NULL, "cannot put the new output in place: %s",
				    strerror(errno));
	sync_parent(target);
	return 0;
}

int pirx_fs_replace_file(const char *fresh, const char *target, struct pirx_err *err)
{
	int rc;

	if ((rc = pirx_fs_fsync(fresh, err)))
		return rc;
	if (rename(fresh, target) != 0)
		return pirx_err_set(err, PIRX_EIO, target, 0, NULL, "cannot put the new file in place: %s",
				    strerror(errno));
	sync_parent(target);
	return 0;
}

char *pirx_fs_join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = pirx_xmalloc(na + nb + 2);

	memcpy(p, a, na);
	if (na && a[na - 1] != '/')
		p[na++] = '/';
	memcpy(p + na, b, nb + 1);
	return p;
}
