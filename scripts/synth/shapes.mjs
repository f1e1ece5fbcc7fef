/**
 * Record builders for synthetic Codex rollouts, shared by the synthetic-home generator and the
 * demo-home writer. They produce the generation-2 (legacy envelope, as Codex 0.130 writes) and
 * generation-3 (paginated, as Codex 0.169 writes) shapes described in
 * /work/shared/docs/rollout-format.md; field sets were copied from the authentic corpus, not
 * invented. Plain JavaScript so scripts run under any Node 24 without a build step.
 */

/** A small, fast, seedable PRNG (sfc32). Deterministic across platforms. */
export function makeRng(seedText) {
  // Hash the seed text into four 32-bit words (cyrb128).
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  const s = String(seedText);
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  let a = (h1 ^ h2 ^ h3 ^ h4) >>> 0, b = (h2 ^ h1) >>> 0, c = (h3 ^ h1) >>> 0, d = (h4 ^ h1) >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const rng = {
    /** Uniform in [0, 1). */
    next,
    /** Integer in [lo, hi] inclusive. */
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    /** Log-normal sample with the given median and sigma (of the underlying normal). */
    lognormal: (median, sigma) => {
      const u1 = next() || 1e-12, u2 = next();
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return median * Math.exp(sigma * z);
    },
    hex: (n) => {
      let out = '';
      for (let i = 0; i < n; i++) out += '0123456789abcdef'[Math.floor(next() * 16)];
      return out;
    },
  };
  return rng;
}

/** A UUIDv7 whose first 48 bits are `ms` (Unix ms), as Codex writes since v0.39. */
export function uuidv7(ms, rng) {
  const t = Math.floor(ms).toString(16).padStart(12, '0');
  const variant = '89ab'[Math.floor(rng.next() * 4)];
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${rng.hex(3)}-${variant}${rng.hex(3)}-${rng.hex(12)}`;
}

/** A random UUIDv4 (generation 0 and 1 files). */
export function uuidv4(rng) {
  const variant = '89ab'[Math.floor(rng.next() * 4)];
  return `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-${variant}${rng.hex(3)}-${rng.hex(12)}`;
}

/** `2026-03-04T09:14:07.532Z` */
export const iso = (ms) => new Date(ms).toISOString();

/** File-name stamp `2026-03-04T09-14-07` (local time = UTC for these homes). */
export const fileStamp = (ms) => iso(ms).slice(0, 19).replaceAll(':', '-');

/** `sessions/YYYY/MM/DD/rollout-<stamp>-<id>.jsonl` */
export function rolloutRelPath(ms, id, archived = false) {
  const d = iso(ms);
  const name = `rollout-${fileStamp(ms)}-${id}.jsonl`;
  return archived ? `archived_sessions/${name}` : `sessions/${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${name}`;
}

/** A token usage object in Codex's snake_case shape. */
export function usage(input, cached, output, reasoning, withCacheWrite = false) {
  const u = { input_tokens: input, cached_input_tokens: cached };
  if (withCacheWrite) u.cache_write_input_tokens = 0;
  u.output_tokens = output;
  u.reasoning_output_tokens = reasoning;
  u.total_tokens = input + output;
  return u;
}

const RATE_LIMITS_130 = { limit_id: 'codex', limit_name: null, primary: null, secondary: null, credits: null, plan_type: null, rate_limit_reached_type: null };

/**
 * Writes records of one session. It keeps the clock, the ordinal (paginated files), cumulative
 * token counts and the turn id, so callers only say what happened.
 */
export class SessionWriter {
  /**
   * @param {object} o
   * @param {2|3} o.generation
   * @param {string} o.id thread id
   * @param {number} o.ms clock start (Unix ms)
   * @param {{next:()=>number,int:Function,hex:Function}} o.rng
   * @param {number} [o.ordinal] first ordinal (paginated files; appends continue numbering)
   */
  constructor(o) {
    this.generation = o.generation;
    this.id = o.id;
    this.ms = o.ms;
    this.rng = o.rng;
    this.ordinal = o.ordinal ?? 0;
    this.lines = [];
    this.bytes = 0;
    this.turnId = null;
    this.turnStartMs = 0;
    this.total = o.total ?? usage(0, 0, 0, 0, o.generation === 3);
    this.seq = o.seq ?? 1;
    this.callSeq = o.callSeq ?? 1;
    this.contextWindow = 258400;
    /** Older legacy files (before 2026-02-10) have no task_started/task_complete events. */
    this.taskEvents = o.taskEvents ?? true;
    /** patch_apply_end is persisted only since 2026-04-30. */
    this.patchEvents = o.patchEvents ?? true;
  }

  /** Advance the clock by `ms` (plus a little jitter) and return the new time. */
  tick(ms = 30) {
    this.ms += Math.max(1, Math.round(ms * (0.5 + this.rng.next())));
    return this.ms;
  }

  /** Append one envelope line. */
  push(type, payload, extra) {
    const env = this.generation === 3
      ? { timestamp: iso(this.ms), ordinal: this.ordinal++, type, payload }
      : { timestamp: iso(this.ms), type, payload };
    if (extra) Object.assign(env, extra);
    const line = JSON.stringify(env);
    this.lines.push(line);
    this.bytes += line.length + 1;
    return env;
  }

  /** Append a line that is already JSON text (unknown records, hand-written oddities). */
  pushRaw(obj) {
    const line = JSON.stringify(obj);
    this.lines.push(line);
    this.bytes += line.length + 1;
  }

  newCallId() {
    return `call_${this.rng.hex(6)}${String(this.callSeq++).padStart(4, '0')}`;
  }

  responseItem(payload) {
    if (this.generation === 3) {
      payload = { ...payload, internal_chat_message_metadata_passthrough: { turn_id: this.turnId } };
      return this.push('response_item', payload, { metadata: { history_sequence: this.seq++, client_authored: false } });
    }
    return this.push('response_item', payload);
  }

  itemCompleted(item) {
    const at = this.ms;
    return this.push('event_msg', { type: 'item_completed', thread_id: this.id, turn_id: this.turnId, item, started_at_ms: at, completed_at_ms: at });
  }

  sessionMeta(meta) {
    return this.push('session_meta', meta);
  }

  taskStarted(turnId) {
    this.turnId = turnId;
    this.turnStartMs = this.ms;
    if (!this.taskEvents) return null;
    const p = { type: 'task_started' };
    if (this.generation === 3) {
      p.turn_attribution = { turn_id: turnId, turn_trigger: 'exec', parent_turn_id: null, initiating_agent_path: null, root_turn_id: turnId };
      p.turn_id = turnId;
      p.root_turn_id = turnId;
    } else p.turn_id = turnId;
    p.started_at = Math.floor(this.ms / 1000);
    p.model_context_window = this.contextWindow;
    p.collaboration_mode_kind = 'default';
    return this.push('event_msg', p);
  }

  turnContext(o) {
    const p = { turn_id: this.turnId, cwd: o.cwd, approval_policy: o.approval ?? 'on-request', sandbox_policy: { type: o.sandbox ?? 'workspace-write' }, model: o.model, effort: o.effort ?? 'medium', summary: 'auto' };
    if (this.generation === 2) {
      p.current_date = iso(this.ms).slice(0, 10);
      p.timezone = 'Etc/UTC';
    }
    return this.push('turn_context', p);
  }

  settingsApplied(o) {
    if (this.generation !== 3) return;
    this.push('event_msg', { type: 'thread_settings_applied', thread_id: this.id, thread_settings: { model: o.model, model_provider_id: 'openai', approval_policy: o.approval ?? 'on-request', cwd: o.cwd, reasoning_effort: o.effort ?? 'medium', reasoning_summary: 'auto', collaboration_mode: { mode: 'default', settings: { model: o.model, reasoning_effort: o.effort ?? 'medium', developer_instructions: null } } } });
  }

  developer(text) {
    this.responseItem({ type: 'message', role: 'developer', content: [{ type: 'input_text', text }] });
  }

  /** Injected context: AGENTS.md and the environment block, one user-role message. */
  injectedContext(cwd, agentsMd) {
    const content = [];
    if (agentsMd) content.push({ type: 'input_text', text: `# AGENTS.md instructions for ${cwd}\n\n<INSTRUCTIONS>\n${agentsMd}\n</INSTRUCTIONS>` });
    content.push({ type: 'input_text', text: `<environment_context>\n  <cwd>${cwd}</cwd>\n  <shell>bash</shell>\n  <current_date>${iso(this.ms).slice(0, 10)}</current_date>\n  <timezone>Etc/UTC</timezone>\n</environment_context>` });
    this.responseItem({ type: 'message', role: 'user', content });
  }

  /** The user's prompt (plus optional image data URLs). */
  userMessage(text, images = []) {
    const content = [];
    images.forEach((url, i) => {
      content.push({ type: 'input_text', text: `<image name=[Image #${i + 1}]>` }, { type: 'input_image', image_url: url, detail: 'high' }, { type: 'input_text', text: '</image>' });
    });
    content.push({ type: 'input_text', text });
    this.responseItem({ type: 'message', role: 'user', content });
    if (this.generation === 3) {
      const c = images.map((url) => ({ type: 'image', image_url: url }));
      c.push({ type: 'text', text, text_elements: [] });
      this.itemCompleted({ type: 'UserMessage', id: uuidv7(this.ms, this.rng), content: c });
    } else {
      this.push('event_msg', { type: 'user_message', message: text, images, local_images: [], text_elements: [] });
    }
  }

  reasoning(sections) {
    this.tick(400);
    const id = `rs_${this.rng.hex(10)}`;
    if (this.generation === 3) this.itemCompleted({ type: 'Reasoning', id, summary_text: sections, raw_content: [] });
    else for (const s of sections) this.push('event_msg', { type: 'agent_reasoning', text: s });
    this.responseItem({ type: 'reasoning', ...(this.generation === 3 ? { id } : {}), summary: sections.map((text) => ({ type: 'summary_text', text })), content: null, encrypted_content: 'gAAAAB' + this.rng.hex(40) });
  }

  /** An assistant message; `phase` is `commentary`, `final_answer` or null. */
  agentMessage(text, phase = null) {
    this.tick(300);
    const id = `msg_${this.rng.hex(10)}`;
    if (this.generation === 3) {
      const item = { type: 'AgentMessage', id, content: [{ type: 'Text', text }] };
      if (phase) item.phase = phase;
      this.itemCompleted(item);
      const p = { type: 'message', status: 'completed', id, role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
      if (phase) p.phase = phase;
      this.responseItem(p);
    } else {
      this.push('event_msg', { type: 'agent_message', message: text, phase, memory_citation: null });
      const p = { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] };
      if (phase) p.phase = phase;
      this.responseItem(p);
    }
    this.lastAgentMessage = text;
  }

  /** One model call's token usage (token_count event; paginated files also a token_usage_record). */
  tokens(input, output, reasoning = 0) {
    const cached = Math.floor(input * 0.6 / 1024) * 1024;
    const gen3 = this.generation === 3;
    const last = usage(input, cached, output, reasoning, gen3);
    const t = this.total;
    this.total = usage(t.input_tokens + input, t.cached_input_tokens + cached, t.output_tokens + output, t.reasoning_output_tokens + reasoning, gen3);
    if (gen3) {
      this.push('token_usage_record', { thread_id: this.id, turn_id: this.turnId, session_id: this.id, root_turn_id: this.turnId, response_id: `resp_${this.rng.hex(12)}`, usage: last, thread_token_usage: this.total });
    }
    const info = { total_token_usage: this.total, last_token_usage: last, model_context_window: this.contextWindow };
    this.push('event_msg', { type: 'token_count', info, rate_limits: RATE_LIMITS_130 });
  }

  /** A shell command run through unified exec (`exec_command`), with its output. */
  exec(cmd, cwd, output, exitCode = 0, wallMs = 120, itemExtra = {}) {
    const callId = this.newCallId();
    this.tick(200);
    this.responseItem({ type: 'function_call', name: 'exec_command', arguments: JSON.stringify({ cmd, workdir: cwd, yield_time_ms: 10000 }), call_id: callId });
    this.tick(wallMs);
    if (this.generation === 3) {
      this.itemCompleted({ type: 'CommandExecution', id: callId, command: ['/bin/bash', '-lc', cmd], cwd: `file://${cwd}`, parsed_cmd: [{ type: 'unknown', cmd }], source: 'unified_exec_startup', status: exitCode === 0 ? 'completed' : 'failed', aggregated_output: output, exit_code: exitCode, duration: { secs: Math.floor(wallMs / 1000), nanos: (wallMs % 1000) * 1e6 }, ...itemExtra });
    }
    const head = `Chunk ID: ${this.rng.hex(6)}\nWall time: ${(wallMs / 1000).toFixed(4)} seconds\nProcess exited with code ${exitCode}\nOriginal token count: ${Math.ceil(output.length / 4)}\nOutput:\n`;
    this.responseItem({ type: 'function_call_output', call_id: callId, output: head + output });
    return callId;
  }

  /** A command through the older `shell_command` tool (Codex 0.5x-0.9x), output as plain text. */
  shellCommand(command, output, exitCode = 0, wallMs = 300) {
    const callId = this.newCallId();
    this.tick(200);
    this.responseItem({ type: 'function_call', name: 'shell_command', arguments: JSON.stringify({ command, timeout_ms: 120000 }), call_id: callId });
    this.tick(wallMs);
    const lines = output.split('\n').length - (output.endsWith('\n') ? 1 : 0);
    this.responseItem({ type: 'function_call_output', call_id: callId, output: `Exit code: ${exitCode}\nWall time: ${Math.round(wallMs / 1000)} seconds\n${lines > 200 ? `Total output lines: ${lines}\n` : ''}Output:\n${output}` });
    return callId;
  }

  /**
   * apply_patch as a freeform custom tool call. `files` entries: {op:'add'|'update'|'delete',
   * path, content?, diff?, movePath?}; `root` is the cwd used to make absolute paths.
   */
  patch(files, root) {
    const callId = this.newCallId();
    this.tick(300);
    let text = '*** Begin Patch\n';
    const changes = {};
    for (const f of files) {
      const abs = `${root}/${f.path}`;
      if (f.op === 'add') {
        text += `*** Add File: ${f.path}\n` + f.content.replace(/\n$/, '').split('\n').map((l) => '+' + l).join('\n') + '\n';
        changes[abs] = { type: 'add', content: f.content };
      } else if (f.op === 'delete') {
        text += `*** Delete File: ${f.path}\n`;
        changes[abs] = { type: 'delete', content: f.content ?? '' };
      } else {
        text += `*** Update File: ${f.path}\n` + (f.movePath ? `*** Move to: ${f.movePath}\n` : '') + f.diff.replace(/\n$/, '') + '\n';
        changes[abs] = { type: 'update', unified_diff: f.unified ?? f.diff, move_path: f.movePath ? `${root}/${f.movePath}` : null };
      }
    }
    text += '*** End Patch';
    this.responseItem({ type: 'custom_tool_call', status: 'completed', call_id: callId, name: 'apply_patch', input: text });
    this.tick(40);
    const letters = { add: 'A', delete: 'D', update: 'M' };
    const stdout = 'Success. Updated the following files:\n' + files.map((f) => `${letters[f.op]} ${f.movePath ?? f.path}\n`).join('');
    if (this.generation === 3) {
      this.itemCompleted({ type: 'FileChange', id: callId, changes, status: 'completed', stdout, stderr: '' });
      this.responseItem({ type: 'custom_tool_call_output', call_id: callId, output: `Exit code: 0\nWall time: 0 seconds\nOutput:\n${stdout}` });
    } else {
      if (this.patchEvents) this.push('event_msg', { type: 'patch_apply_end', call_id: callId, turn_id: this.turnId, stdout, stderr: '', success: true, changes, status: 'completed' });
      this.responseItem({ type: 'custom_tool_call_output', call_id: callId, output: JSON.stringify({ output: stdout, metadata: { exit_code: 0, duration_seconds: 0.0 } }) });
    }
    return callId;
  }

  /** update_plan tool call (plans are only visible in the call arguments). */
  plan(explanation, steps) {
    const callId = this.newCallId();
    this.tick(100);
    this.responseItem({ type: 'function_call', name: 'update_plan', arguments: JSON.stringify({ explanation, plan: steps.map(([step, status]) => ({ step, status })) }), call_id: callId });
    this.responseItem({ type: 'function_call_output', call_id: callId, output: 'Plan updated' });
  }

  taskComplete(extra = {}) {
    this.tick(50);
    if (!this.taskEvents) return;
    const p = { type: 'task_complete' };
    if (this.generation === 3) p.root_turn_id = this.turnId;
    p.turn_id = this.turnId;
    p.last_agent_message = this.lastAgentMessage ?? null;
    p.completed_at = Math.floor(this.ms / 1000);
    p.duration_ms = this.ms - this.turnStartMs;
    Object.assign(p, extra);
    this.push('event_msg', p);
  }

  /** The file's text: every line followed by `\n`. */
  text() {
    return this.lines.length ? this.lines.join('\n') + '\n' : '';
  }
}
