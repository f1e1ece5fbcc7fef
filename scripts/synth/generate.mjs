#!/usr/bin/env node
/**
 * Synthetic Codex home generator, for benchmarks and scale tests.
 *
 *   node scripts/synth/generate.mjs --out DIR --sessions N [--seed S]
 *   node scripts/synth/generate.mjs --out DIR --append-one [REL_PATH] [--append-at resume|continue] [--seed S]
 *
 * Writes a realistic mix of generation-2 (legacy envelope, shaped like Codex 0.130) and
 * generation-3 (paginated, shaped like Codex 0.169) rollouts into `sessions/YYYY/MM/DD/`, a few
 * into `archived_sessions/`, and a `session_index.jsonl` naming some threads. Session `i` depends
 * only on (seed, i), so output is byte-identical for the same arguments and memory stays bounded:
 * one session is built in memory, written, and dropped.
 *
 * Distribution (see docs/performance.md): median ~60 records per session, ~1 % of sessions with
 * ~2,000 records, ~0.5 % with one 5 MB command output, spread over 18 months and 40 projects,
 * ~4 % archived.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRng, uuidv7, iso, rolloutRelPath, SessionWriter, usage } from './shapes.mjs';
import * as C from './content.mjs';

/** First and last instants of the generated history (18 months). */
const START_MS = Date.UTC(2025, 5, 1);
const END_MS = Date.UTC(2026, 10, 20);
/** Paginated history exists since 2026-07-08. */
const PAGINATED_FROM = Date.UTC(2026, 6, 8);
const FIVE_MB = 5 * 1024 * 1024;

const PROJECTS = C.projects();

/** Codex version plausible for a date (shape stays 0.130 / 0.169 like). */
function cliVersion(ms, generation) {
  if (generation === 3) return `0.${150 + Math.floor((ms - PAGINATED_FROM) / (86400000 * 9))}.0`;
  const months = (ms - START_MS) / (86400000 * 30.5);
  return `0.${Math.min(168, 32 + Math.floor(months * 7.5))}.0`;
}

/** The plan for session `index`: everything decided up front from its own PRNG. */
export function planSession(seed, index) {
  const rng = makeRng(`${seed}:${index}`);
  const ms = START_MS + Math.floor(rng.next() * (END_MS - START_MS));
  // A few projects get most of the work (skewed pick), like a real home.
  const project = PROJECTS[Math.floor(PROJECTS.length * rng.next() ** 1.6)];
  const generation = ms >= PAGINATED_FROM && rng.chance(0.7) ? 3 : 2;
  const sizeRoll = rng.next();
  const targetRecords = sizeRoll < 0.01 ? 2000 : Math.round(Math.min(700, Math.max(14, rng.lognormal(50, 0.55))));
  const bigOutput = rng.chance(0.005);
  const archived = rng.chance(0.04);
  const named = rng.chance(0.03);
  const id = uuidv7(ms, rng);
  return { rng, ms, project, generation, targetRecords, bigOutput, archived, named, id, relPath: rolloutRelPath(ms, id, archived) };
}

/** One realistic turn: prompt, a few tool steps with reasoning, a markdown answer. */
function writeTurn(w, rng, project, ctx, opts = {}) {
  const model = w.generation === 3 ? 'gpt-5.5' : rng.pick(['gpt-5-codex', 'gpt-5.1-codex-max', 'gpt-5.3-codex']);
  w.taskStarted(uuidv7(w.ms, rng));
  w.settingsApplied({ model, cwd: project.cwd });
  if (opts.first) {
    w.developer(C.DEVELOPER_TEXT);
    w.injectedContext(project.cwd, '# Agent notes\n\nRun the tests before you finish. Prefer small commits.\n');
  }
  w.turnContext({ cwd: project.cwd, model });
  w.userMessage(C.prompt(rng, ctx));
  const steps = opts.steps ?? rng.int(1, 5);
  for (let s = 0; s < steps; s++) {
    if (rng.chance(0.75)) w.reasoning(C.reasoning(rng, ctx));
    if (rng.chance(0.3)) w.agentMessage(C.commentary(rng, ctx), 'commentary');
    const roll = rng.next();
    if (opts.bigOutput && s === 0) {
      w.exec('cat logs/full-trace.log', project.cwd, bigLog(ctx), 0, 2300);
    } else if (roll < 0.62) {
      const lines = Math.round(Math.min(6000, Math.max(1, rng.lognormal(opts.lineMedian ?? 70, 1.4))));
      const c = C.command(rng, ctx, lines);
      w.exec(c.cmd, project.cwd, c.output, c.exit, rng.int(20, 4000));
    } else if (roll < 0.87) {
      w.patch(C.patchFiles(rng, ctx), project.cwd);
    } else {
      w.plan('Plan for this change', [['Reproduce', 'completed'], ['Fix ' + ctx.topic, s + 1 < steps ? 'in_progress' : 'completed'], ['Run tests', s + 1 < steps ? 'pending' : 'completed']]);
    }
    w.tokens(rng.int(3000, 60000), rng.int(40, 900), rng.int(0, 400));
  }
  w.agentMessage(C.answer(rng, ctx), w.generation === 3 ? 'final_answer' : null);
  w.tokens(rng.int(3000, 60000), rng.int(100, 1500), rng.int(0, 400));
  w.taskComplete();
}

/** ~5 MB of log lines (deterministic, cheap: one template, varying numbers). */
function bigLog(ctx) {
  const parts = [];
  let n = 0;
  for (let i = 0; n < FIVE_MB; i++) {
    const line = `${new Date(1767225600000 + i * 37).toISOString()} DEBUG trace span=${i} worker=${i % 16} ${ctx.topic} latency_ms=${(i * 7919) % 1000}\n`;
    parts.push(line);
    n += line.length;
  }
  return parts.join('');
}

/** Build one session's text. Returns `{ relPath, text, records, plan }`. */
export function buildSession(seed, index) {
  const plan = planSession(seed, index);
  const { rng, project, generation, id } = plan;
  const ctx = C.sessionContext(rng, project);
  const w = new SessionWriter({ generation, id, ms: plan.ms, rng });
  const meta = { id, timestamp: iso(plan.ms), cwd: project.cwd, originator: 'codex_exec', cli_version: cliVersion(plan.ms, generation), source: rng.chance(0.6) ? 'cli' : 'exec', model_provider: 'openai', base_instructions: { text: C.BASE_INSTRUCTIONS } };
  if (generation === 3) {
    Object.assign(meta, { session_id: id, thread_source: 'user', history_mode: 'paginated' });
  }
  meta.git = project.git;
  w.tick(30);
  w.sessionMeta(meta);
  let first = true;
  while (w.lines.length < plan.targetRecords) {
    const big = plan.bigOutput && first;
    // Long sessions take many small turns; short ones fewer, larger ones.
    writeTurn(w, rng, project, ctx, { first, bigOutput: big, steps: plan.targetRecords >= 2000 ? rng.int(2, 6) : undefined, lineMedian: plan.targetRecords >= 2000 ? 6 : 130 });
    first = false;
    w.tick(rng.int(60_000, 900_000));
  }
  return { relPath: plan.relPath, text: w.text(), records: w.lines.length, plan };
}

/**
 * Generate a synthetic home. Stops after `sessions` sessions or, when `maxBytes` is given, as
 * soon as the rollouts written reach that many bytes (whichever comes first).
 * @param {{out: string, sessions?: number, maxBytes?: number, seed?: string|number, onProgress?: (done:number, bytes:number)=>void}} o
 * @returns {Promise<{files: number, bytes: number, records: number, ms: number, largest: number}>}
 */
export async function generateHome(o) {
  const seed = String(o.seed ?? 1);
  const t0 = performance.now();
  const made = new Set();
  const names = [];
  const limit = o.sessions ?? Infinity;
  const maxBytes = o.maxBytes ?? Infinity;
  if (!Number.isFinite(limit) && !Number.isFinite(maxBytes)) throw new Error('generateHome needs `sessions` or `maxBytes`.');
  let bytes = 0, records = 0, largest = 0, files = 0;
  for (let i = 0; i < limit && bytes < maxBytes; i++) {
    const s = buildSession(seed, i);
    const abs = path.join(o.out, s.relPath);
    const dir = path.dirname(abs);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const buf = Buffer.from(s.text, 'utf8');
    fs.writeFileSync(abs, buf);
    bytes += buf.length;
    records += s.records;
    files++;
    if (buf.length > largest) largest = buf.length;
    if (s.plan.named) names.push({ id: s.plan.id, thread_name: `Synthetic thread ${i}: ${s.plan.project.name}`, updated_at: iso(s.plan.ms + 3_600_000) });
    if (o.onProgress && (i + 1) % 500 === 0) o.onProgress(i + 1, bytes);
    // Let other work (progress printing, RSS sampling) run now and then.
    if ((i + 1) % 200 === 0) await new Promise((r) => setImmediate(r));
  }
  fs.mkdirSync(o.out, { recursive: true });
  fs.writeFileSync(path.join(o.out, 'session_index.jsonl'), names.map((n) => JSON.stringify(n) + '\n').join(''));
  return { files, bytes, records, ms: performance.now() - t0, largest };
}

/**
 * Write one very large legacy session (many turns, each with a ~5 MB command output) of at
 * least `targetBytes`, appending turn by turn so memory stays at one turn. For "does memory grow
 * with the largest file" benchmarks. Returns its id, path relative to `dir`, and size.
 */
export function writeHugeSession(dir, seed, targetBytes) {
  const rng = makeRng(`${seed}:huge`);
  const ms = Date.UTC(2026, 9, 1, 12);
  const project = PROJECTS[0];
  const id = uuidv7(ms, rng);
  const relPath = rolloutRelPath(ms, id);
  const file = path.join(dir, relPath);
  const ctx = C.sessionContext(rng, project);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let w = new SessionWriter({ generation: 2, id, ms, rng });
  w.sessionMeta({ id, timestamp: iso(ms), cwd: project.cwd, originator: 'codex_exec', cli_version: '0.130.0', source: 'exec', model_provider: 'openai', base_instructions: { text: C.BASE_INSTRUCTIONS }, git: project.git });
  let written = 0;
  let first = true;
  fs.writeFileSync(file, '');
  while (written < targetBytes) {
    writeTurn(w, rng, project, ctx, { first, bigOutput: true, steps: 2 });
    first = false;
    const out = w.text();
    fs.appendFileSync(file, out);
    written += Buffer.byteLength(out);
    w = new SessionWriter({ generation: 2, id, ms: w.ms + 60_000, rng, total: w.total });
  }
  return { id, relPath, bytes: written };
}

/** Last `n` bytes of a file as text. */
function tail(file, n) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const len = Math.min(n, size);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    return { text: buf.toString('utf8'), size };
  } finally {
    fs.closeSync(fd);
  }
}

/** First line of a file (the session_meta), read in chunks so huge files are not loaded. */
function firstLine(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const chunks = [];
    const buf = Buffer.alloc(65536);
    let pos = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      const nl = buf.subarray(0, n).indexOf(10);
      if (nl >= 0) {
        chunks.push(Buffer.from(buf.subarray(0, nl)));
        break;
      }
      chunks.push(Buffer.from(buf.subarray(0, n)));
      pos += n;
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Append one realistic turn to an existing session (for incremental-rebuild benchmarks). The new
 * lines continue the file's ordinals (paginated files) and token totals. Their clock:
 * - `resume` (default): now, as `codex resume` writes it. Since v0.32 a resumed session is
 *   appended to in its own file, after a gap (docs: rollout-format.md, "7.2 Resume"); the
 *   synthetic timeline ends before today, so "now" is after every record of the home.
 * - `continue`: minutes after the file's last record, as if the session had gone on then.
 * @param {string} dir the Codex home
 * @param {string} relPath rollout path relative to `dir`
 * @param {string|number} [seed]
 * @param {{ at?: 'resume' | 'continue', now?: number }} [options]
 * @returns {{ relPath: string, appendedBytes: number, appendedRecords: number }}
 */
export function appendToSession(dir, relPath, seed = 1, { at = 'resume', now = Date.now() } = {}) {
  if (at !== 'resume' && at !== 'continue') throw new Error(`appendToSession: at must be 'resume' or 'continue', not ${String(at)}.`);
  const file = path.join(dir, relPath);
  const meta = JSON.parse(firstLine(file));
  const p = meta.payload ?? {};
  const generation = p.history_mode === 'paginated' ? 3 : 2;
  const { text, size } = tail(file, 1 << 20);
  const lines = text.split('\n').filter(Boolean);
  let last = null, total = null;
  for (let i = lines.length - 1; i >= 0 && (!last || !total); i--) {
    let rec;
    try {
      rec = JSON.parse(lines[i]);
    } catch {
      continue; // the first line of the tail window may be cut
    }
    if (!last) last = rec;
    if (!total && rec.type === 'event_msg' && rec.payload?.type === 'token_count' && rec.payload.info) total = rec.payload.info.total_token_usage;
  }
  const rng = makeRng(`${seed}:append:${relPath}:${size}`);
  const lastMs = Date.parse(last?.timestamp ?? p.timestamp ?? iso(END_MS));
  const project = PROJECTS.find((x) => x.cwd === p.cwd) ?? { ...PROJECTS[0], cwd: p.cwd ?? PROJECTS[0].cwd };
  const startMs = at === 'resume' ? Math.max(now, lastMs + 1000) : lastMs + rng.int(120_000, 1_800_000);
  const w = new SessionWriter({ generation, id: p.id, ms: startMs, rng, ordinal: typeof last?.ordinal === 'number' ? last.ordinal + 1 : 0, total: total ?? usage(0, 0, 0, 0, generation === 3) });
  writeTurn(w, rng, project, C.sessionContext(rng, project), { steps: 3 });
  const out = w.text();
  fs.appendFileSync(file, out);
  return { relPath, appendedBytes: Buffer.byteLength(out), appendedRecords: w.lines.length };
}

/** First rollout under `sessions/` in sorted order (the default target of --append-one). */
export function firstRollout(dir) {
  const walk = (rel) => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).map((e) => e.name).sort();
    for (const name of entries) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.statSync(path.join(dir, r));
      if (st.isDirectory()) {
        const f = walk(r);
        if (f) return f;
      } else if (name.startsWith('rollout-') && name.endsWith('.jsonl')) return r;
    }
    return null;
  };
  return walk('sessions');
}

function parseArgs(argv) {
  const a = { seed: '1' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === '--out') (a.out = v), i++;
    else if (k === '--sessions') (a.sessions = Number(v)), i++;
    else if (k === '--seed') (a.seed = v), i++;
    else if (k === '--append-at') (a.appendAt = v), i++;
    else if (k === '--append-one') {
      a.appendOne = true;
      if (v && !v.startsWith('--')) (a.appendPath = v), i++;
    } else if (k === '--help' || k === '-h') a.help = true;
    else throw new Error(`Unknown option ${k}. Run with --help for usage.`);
  }
  return a;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.help || !a.out || (!a.appendOne && !(a.sessions > 0))) {
    console.log('usage: node scripts/synth/generate.mjs --out DIR --sessions N [--seed S]\n       node scripts/synth/generate.mjs --out DIR --append-one [REL_PATH] [--append-at resume|continue] [--seed S]');
    process.exit(a.help ? 0 : 2);
  }
  if (a.appendOne) {
    const rel = a.appendPath ?? firstRollout(a.out);
    if (!rel) throw new Error(`No rollout found under ${a.out}/sessions to append to.`);
    const r = appendToSession(a.out, rel, a.seed, { at: a.appendAt ?? 'resume' });
    console.log(`appended ${r.appendedRecords} records (${r.appendedBytes} bytes) to ${r.relPath}`);
    return;
  }
  const r = await generateHome({
    out: a.out,
    sessions: a.sessions,
    seed: a.seed,
    onProgress: (done, bytes) => process.stderr.write(`\r${done}/${a.sessions} sessions, ${(bytes / 1e6).toFixed(0)} MB`),
  });
  if (a.sessions >= 500) process.stderr.write('\n');
  const mb = r.bytes / 1e6;
  console.log(`wrote ${r.files} sessions, ${r.records} records, ${mb.toFixed(1)} MB in ${(r.ms / 1000).toFixed(1)} s (${(mb / (r.ms / 1000)).toFixed(0)} MB/s) to ${a.out}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
