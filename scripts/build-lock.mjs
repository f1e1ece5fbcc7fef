/**
 * One build per output folder at a time. A build starts by deleting the temporary folders that
 * interrupted builds of the same output folder left (`.<out>.building-<pid>`); a second build
 * started while one runs would delete the running one's folder under it (seen once: its Pagefind
 * phase then waited forever). So a build takes a lock first, a file made with O_EXCL that holds
 * its pid, and removes it when it exits. A lock whose process is gone (a build killed with
 * SIGKILL, a reboot) is taken over.
 *
 * The lock lives in this project (`node_modules/.codex-archive-build/locks/`), named by a hash
 * of the output folder, not beside the output folder: before the integration has resolved every
 * source, the folder beside the output could still be inside a Codex home, which we never write.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The lock file for builds into `out` (an absolute path), under the project `root`. */
export function buildLockFile(root, out) {
  const dir = path.join(root, 'node_modules', '.codex-archive-build', 'locks');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${createHash('sha256').update(out).digest('hex').slice(0, 16)}.lock`);
}

/** True when a process with this pid exists (EPERM: it exists but is another user's). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/**
 * Takes the lock file for this process. Returns null when taken, else the message to stop with
 * (another live build holds it).
 */
export function takeBuildLock(file, out) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return null;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
    } catch {
      // Removed meanwhile: try again.
      continue;
    }
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      return (
        `Another build (process ${holder}) is building ${out} right now. Wait for it to finish, or stop it, ` +
        `then build again. If no build is running, delete ${file}.`
      );
    }
    // Left by a build that no longer runs (or unreadable): take it over.
    try {
      unlinkSync(file);
    } catch {
      // Another build took it over first; the next attempt finds out which.
    }
  }
  return `Could not take the build lock ${file}: other builds keep taking it. Try again.`;
}

/** Removes the lock if this process still holds it. */
export function releaseBuildLock(file) {
  try {
    if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) unlinkSync(file);
  } catch {
    // Gone already.
  }
}
