/**
 * Re-scans a built site for secrets: the last net after redaction. Same detectors as the
 * redactor; placeholders are ignored. Reports file, rule and line, never the value.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { clipToGaps, createDetectors, placeholderRanges, scanCopy, type RedactionOptions } from './index.ts';

/** One finding in a built file. */
export interface VerifyFinding {
  /** Path relative to the scanned folder, `/`-separated. */
  file: string;
  rule: string;
  /** 1-based line of the decoded text (for Pagefind files: of the decompressed bytes). */
  line: number;
}

/** What a scan found and how much it read. */
export interface VerifyResult {
  findings: VerifyFinding[];
  filesScanned: number;
  bytesScanned: number;
  /** Files skipped because the same bytes were found clean before (with `cacheFile`). */
  filesReused?: number;
}

const TEXT_FILE = /\.(?:html|js|mjs|json|txt|xml)$/i;
/** Pagefind's index files: gzip-compressed, sometimes with a `pagefind_dcd` signature inside. */
const PAGEFIND_FILE = /\.(?:pf_meta|pf_index|pf_fragment|pf_filter)$/i;

/** Rules that are about privacy, not keys: the site's own chrome may name its author. */
const DEFAULT_IGNORED_RULES = new Set(['home-path', 'user-name']);

/** Options for `verifyDirectory`. */
export interface VerifyOptions extends Partial<RedactionOptions> {
  /** Rule ids not to report. Default: `home-path`, `user-name` (set explicitly to check them). */
  ignoreRules?: readonly string[];
  /**
   * A file (outside the scanned folder) of verdicts from earlier scans: the hashes of files found
   * clean. A file is skipped only when its exact bytes were found clean by the same detectors
   * (same detector sources and package versions) with the same options; it is rewritten with
   * the clean files of this scan.
   */
  cacheFile?: string;
}

/** Files and packages whose change means the detectors changed. */
function detectorVersion(): string {
  const hash = createHash('sha256');
  const here = dirname(fileURLToPath(import.meta.url));
  for (const name of readdirSync(here).sort()) {
    if (/\.(ts|js|mjs)$/.test(name)) hash.update(name).update('\0').update(readFileSync(join(here, name))).update('\0');
  }
  for (const pkg of ['@secretlint/core', '@secretlint/secretlint-rule-preset-recommend']) {
    try {
      const file = fileURLToPath(import.meta.resolve(`${pkg}/package.json`));
      hash.update(pkg).update(String(JSON.parse(readFileSync(file, 'utf8')).version));
    } catch {
      // Not resolvable by name (exports map): the file walk below still pins it.
      hash.update(pkg).update(String(Math.random()));
    }
  }
  return hash.digest('hex');
}

/** Decodes the HTML entities that hide characters detectors key on (`&quot;`, `&#61;`, …). */
function decodeEntities(s: string): string {
  return s.replace(/&(?:quot|amp|lt|gt|apos|#x([0-9a-f]+)|#(\d+));/gi, (m, hex, dec) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    if (dec) return String.fromCodePoint(Number(dec));
    return { '&quot;': '"', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&apos;': "'" }[m.toLowerCase()] ?? m;
  });
}

/** Scans one text; `file` names it in the findings. */
export function scanText(text: string, file: string, options: VerifyOptions = {}): VerifyFinding[] {
  const detectors = createDetectors({ homeDir: null, userName: null, ...options });
  const ignored = new Set(options.ignoreRules ?? DEFAULT_IGNORED_RULES);
  const out: VerifyFinding[] = [];
  const seen = new Set<string>();
  // HTML escapes quotes; scan the text as written and with entities decoded (lines stay the same).
  const variants = /&(?:quot|amp|#\d+|#x[0-9a-f]+);/i.test(text) ? [text, decodeEntities(text)] : [text];
  for (const t of variants) {
    const ranges = placeholderRanges(t);
    const findings = clipToGaps(detectors.find(scanCopy(t, ranges)), ranges);
    if (findings.length === 0) continue;
    const lineStarts = [0];
    for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    for (const f of findings) {
      if (ignored.has(f.rule)) continue;
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid]! <= f.start) lo = mid;
        else hi = mid - 1;
      }
      const key = `${f.rule}:${lo + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ file, rule: f.rule, line: lo + 1 });
    }
  }
  return out.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

/** The text of a built file, or null when it is not one we scan. */
export function decodeBuiltFile(name: string, bytes: Buffer): string | null {
  if (PAGEFIND_FILE.test(name)) {
    let raw: Buffer;
    try {
      raw = gunzipSync(bytes);
    } catch {
      raw = bytes; // not compressed after all: scan as it is
    }
    return raw.toString('latin1');
  }
  if (TEXT_FILE.test(name)) return bytes.toString('utf8');
  return null;
}

/**
 * Scans every .html, .js, .json, .txt, .xml file and Pagefind index file under `dir`.
 * Symbolic links are not followed (a link could lead out of the site).
 */
export async function verifyDirectory(dir: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const result: VerifyResult = { findings: [], filesScanned: 0, bytesScanned: 0, filesReused: 0 };
  const { cacheFile, ...scanOptions } = options;
  // Verdict key: detectors + options + how the file is decoded + its exact bytes.
  const prefix = cacheFile ? createHash('sha256').update(detectorVersion()).update(JSON.stringify(scanOptions)).digest('hex') : '';
  let clean = new Set<string>();
  if (cacheFile) {
    try {
      const saved = JSON.parse(await readFile(cacheFile, 'utf8')) as { prefix: string; clean: string[] };
      if (saved.prefix === prefix) clean = new Set(saved.clean);
    } catch {
      // No earlier verdicts.
    }
  }
  const cleanNow: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const current = stack.pop()!;
    const entries = await readdir(current, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(current, e.name);
      // Names are published too (URLs): a page folder named after a token is a leak. The report
      // names the parent folder only, never the value.
      const parent = relative(dir, current).split(sep).join('/');
      const where = `${parent ? `${parent}/` : ''}[${e.isDirectory() ? 'folder' : 'file'} name]`;
      result.findings.push(...scanText(e.name, where, scanOptions).map((f) => ({ ...f, line: 0 })));
      if (e.isDirectory()) stack.push(path);
      else if (e.isFile()) {
        if (!TEXT_FILE.test(e.name) && !PAGEFIND_FILE.test(e.name)) continue;
        const bytes = await readFile(path);
        let key = '';
        if (cacheFile) {
          const kind = PAGEFIND_FILE.test(e.name) ? 'pf' : 'text';
          key = createHash('sha256').update(prefix).update(kind).update(bytes).digest('base64url');
          if (clean.has(key)) {
            result.filesReused!++;
            cleanNow.push(key);
            continue;
          }
        }
        const text = decodeBuiltFile(e.name, bytes);
        if (text === null) continue;
        result.filesScanned++;
        result.bytesScanned += text.length;
        const found = scanText(text, relative(dir, path).split(sep).join('/'), scanOptions);
        result.findings.push(...found);
        if (cacheFile && found.length === 0) cleanNow.push(key);
      }
    }
  }
  result.findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  if (cacheFile) {
    await mkdir(dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ prefix, clean: [...new Set(cleanNow)].sort() }));
    await rename(tmp, cacheFile);
  }
  return result;
}
