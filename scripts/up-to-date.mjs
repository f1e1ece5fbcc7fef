/**
 * "Nothing changed since the last build": lets `npm run build` stop in about a second instead of
 * starting Astro to restore 20,000 unchanged pages (~40 s at 20,000 sessions).
 *
 * A build is up to date when everything that shapes the site is as it was after the last good
 * build into the same folder, and that folder is as the build left it:
 * - the code and configuration (contents of src/, public/, the Astro config, package.json and the
 *   lockfile), the build arguments, the environment variables and machine facts the build reads;
 * - every file under the Codex homes that build read (path, size, modification time, inode: the
 *   same facts the content loader's digest uses), and whether ~/.codex exists (the demo fallback);
 * - every file of the output folder (path, size, modification time).
 * Anything unreadable or different means "build"; the check never decides "skip" on doubt.
 * The record lives in the build's cache folder, so `--cache-dir` elsewhere or a deleted cache
 * simply builds.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import path from 'node:path';

/** Bump when what the fingerprint covers changes. */
const VERSION = 1;

/**
 * Hashes a folder's tree: relative path, mode, size, mtime and inode of every entry, or with
 * `contents` path, size and bytes. Symbolic links are hashed as links, never followed; top-level
 * folders named in `skipDirs` are left out. Returns null on any error, so a doubt never counts
 * as "unchanged"; 'absent' for a missing folder. `tally`, when given, is added the bytes and count
 * of the regular files seen (the site's size, from the same walk).
 * @param {string} root
 * @param {{ contents?: boolean, skipDirs?: Set<string>, tally?: { bytes: number, files: number } | null }} [options]
 */
export function treeHash(root, { contents = false, skipDirs = new Set(), tally = null } = {}) {
  const hash = createHash('sha256');
  try {
    const walk = (dir, rel, depth) => {
      const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const abs = path.join(dir, entry.name);
        const relPath = rel ? `${rel}/${entry.name}` : entry.name;
        const st = lstatSync(abs, { bigint: true });
        if (st.isDirectory() && depth === 0 && skipDirs.has(entry.name)) continue;
        // Code is hashed by content (a checkout of the same bytes is no change); sources by the
        // facts the content loader's digest uses, plus the inode (a file replaced in place).
        hash.update(contents ? `${relPath}\0${st.isDirectory()}\0${st.size}\n` : `${relPath}\0${st.mode}\0${st.size}\0${st.mtimeNs}\0${st.ino}\n`);
        if (tally && st.isFile()) {
          tally.bytes += Number(st.size);
          tally.files++;
        }
        if (st.isDirectory()) walk(abs, relPath, depth + 1);
        else if (contents && st.isFile()) hash.update(readFileSync(abs));
      }
    };
    if (!existsSync(root)) return 'absent';
    walk(root, '', 0);
    return hash.digest('hex');
  } catch {
    return null;
  }
}

/**
 * The fingerprint of everything but the output: code, config, arguments, environment, sources.
 * `sources` are the Codex homes the last build resolved (from its report). Null when any part
 * could not be read.
 */
export function inputFingerprint({ root, configFile, args, sources, env = process.env }) {
  const parts = [VERSION];
  for (const folder of ['src', 'public']) parts.push(folder, treeHash(path.join(root, folder), { contents: true }));
  for (const file of [configFile, path.join(root, 'package.json'), path.join(root, 'package-lock.json')]) {
    try {
      parts.push(file, createHash('sha256').update(readFileSync(file)).digest('hex'));
    } catch {
      parts.push(file, 'absent');
    }
  }
  parts.push(JSON.stringify(args));
  // What the build reads from the environment and the machine: which home, whose name to redact.
  const codexEnv = Object.entries(env).filter(([k]) => k === 'CODEX_HOME' || k.startsWith('CODEX_ARCHIVE_') || k === 'TZ');
  parts.push(JSON.stringify(codexEnv.sort()), safe(homedir), safe(() => userInfo().username));
  parts.push(existsSync(path.join(safe(homedir) ?? '/', '.codex')));
  for (const source of [...sources].sort()) {
    const h = sourceHash(source);
    if (h === null) return null;
    parts.push(source, h);
  }
  if (parts.includes(null)) return null;
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * A Codex home is read only in `sessions/`, `archived_sessions/` and files at its root (thread
 * names, state database, history), so its other folders (`log/`, caches) can change while Codex
 * runs without making the site stale. Any other folder is read whole.
 */
function sourceHash(root) {
  const isDir = (p) => safe(() => lstatSync(p).isDirectory()) === true;
  if (!isDir(path.join(root, 'sessions')) && !isDir(path.join(root, 'archived_sessions'))) return treeHash(root);
  let others;
  try {
    others = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'sessions' && e.name !== 'archived_sessions');
  } catch {
    return null;
  }
  return treeHash(root, { skipDirs: new Set(others.map((e) => e.name)) });
}

function safe(fn) {
  try {
    return fn();
  } catch {
    return null;
  }
}

/** Where the record of the last good build into `out` is kept. */
export function recordPath(cacheDir, out) {
  const key = createHash('sha256').update(path.resolve(out)).digest('hex').slice(0, 16);
  return path.join(cacheDir, 'codex-archive', `last-build-${key}.json`);
}

/**
 * The last build's record when nothing changed since it (inputs and output folder), else null.
 * `inputs` is `inputFingerprint` minus the sources, which come from the record itself.
 */
export async function upToDate({ cacheDir, out, fingerprint }) {
  let record;
  try {
    record = JSON.parse(await readFile(recordPath(cacheDir, out), 'utf8'));
  } catch {
    return null;
  }
  if (record?.version !== VERSION || record.out !== path.resolve(out)) return null;
  if (fingerprint(record.sources) !== record.inputs || record.inputs === null) return null;
  const output = treeHash(out);
  if (output === null || output === 'absent' || output !== record.output) return null;
  return record;
}

/**
 * Records a good build: its inputs, the sources it read, the output it left (`output`: its
 * `treeHash`, when the caller took it once the folder was final), its report.
 */
export async function recordBuild({ cacheDir, out, sources, inputs, report, output = treeHash(out) }) {
  if (inputs === null) return;
  if (output === null) return;
  const file = recordPath(cacheDir, out);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ version: VERSION, out: path.resolve(out), sources, inputs, output, builtAt: new Date().toISOString(), report }));
  await rename(tmp, file);
}
