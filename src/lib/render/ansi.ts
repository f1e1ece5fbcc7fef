/**
 * Terminal output to safe HTML. Colour (SGR) sequences become spans with classes that
 * `session.css` maps onto our tokens; every other escape sequence is dropped; carriage-return
 * progress lines keep only what the terminal would finally show.
 *
 * A class is `a` plus the SGR code that sets it: `a32` green, `a92` bright green, `a44` blue
 * background, `a1` bold. Coloured runs are a large share of a test log's markup, and
 * `<span class=a32>` is 12 bytes shorter than `<span class="ansi-fg-green">`.
 */
import Anser from 'anser';
import { classAttr, visibleControls } from './escape.ts';

// CSI sequences other than SGR (cursor moves, erase, modes), OSC (titles, hyperlinks) and
// two-character escapes. SGR (`ESC [ … m`) is left for anser.
// eslint-disable-next-line no-control-regex
const CSI_NON_SGR = /\u001B\[[0-?]*[ -/]*[@-ln-~]/g;
// eslint-disable-next-line no-control-regex
const OSC = /\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?/g;
// eslint-disable-next-line no-control-regex
const OTHER_ESC = /\u001B(?:[@-Z\\^_]|[ -/]+[0-~])/g;
/** Single-byte CSI (U+009B) forms are rare; treat them like ESC [. */
// eslint-disable-next-line no-control-regex
const C1_CSI = /\u009B/g;

/** The 16 basic colours as [r, g, b], in SGR order (30–37, then the bright 90–97). */
const BASIC: Array<[string, [number, number, number]]> = [
  ['black', [0, 0, 0]], ['red', [187, 0, 0]], ['green', [0, 187, 0]], ['yellow', [187, 187, 0]],
  ['blue', [0, 0, 187]], ['magenta', [187, 0, 187]], ['cyan', [0, 187, 187]], ['white', [187, 187, 187]],
  ['bright-black', [85, 85, 85]], ['bright-red', [255, 85, 85]], ['bright-green', [85, 255, 85]],
  ['bright-yellow', [255, 255, 85]], ['bright-blue', [85, 85, 255]], ['bright-magenta', [255, 85, 255]],
  ['bright-cyan', [85, 255, 255]], ['bright-white', [255, 255, 255]],
];

/** RGB of an xterm 256-colour palette entry (16–255). */
function paletteRgb(index: number): [number, number, number] {
  if (index >= 232) {
    const v = 8 + (index - 232) * 10;
    return [v, v, v];
  }
  const i = index - 16;
  const level = (n: number) => (n === 0 ? 0 : 55 + n * 40);
  return [level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6)];
}

/** The nearest of our 16 colour classes to an RGB value (pages carry no arbitrary colours). */
function nearestBasic(rgb: [number, number, number]): string {
  let best = 'white';
  let bestDistance = Infinity;
  for (const [name, [r, g, b]] of BASIC) {
    const d = (r - rgb[0]) ** 2 + (g - rgb[1]) ** 2 + (b - rgb[2]) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  return best;
}

/** SGR code of a basic colour as foreground (`green` → 32, `bright-green` → 92); background is +10. */
function sgrCode(name: string): number {
  const index = BASIC.findIndex(([n]) => n === name);
  return index < 8 ? 30 + index : 90 + index - 8;
}

/** anser's colour (class or truecolour) to one of our class names, or null. */
function colourClass(cls: string | null, truecolor: string | null, prefix: 'fg' | 'bg'): string | null {
  if (!cls) return null;
  let name: string | null = null;
  if (cls === 'ansi-truecolor' && truecolor) {
    const parts = truecolor.split(',').map((n) => Number(n.trim()));
    if (parts.length === 3 && parts.every((n) => Number.isFinite(n))) name = nearestBasic(parts as [number, number, number]);
  } else if (cls.startsWith('ansi-palette-')) {
    const index = Number(cls.slice('ansi-palette-'.length));
    if (Number.isInteger(index) && index >= 16 && index <= 255) name = nearestBasic(paletteRgb(index));
  } else if (/^ansi-(bright-)?(black|red|green|yellow|blue|magenta|cyan|white)$/.test(cls)) {
    name = cls.slice('ansi-'.length);
  }
  return name ? `a${sgrCode(name) + (prefix === 'bg' ? 10 : 0)}` : null;
}

/**
 * Decorations the page shows, by their SGR code. Reverse needs no class (anser swaps the colours
 * itself) and hidden text stays readable on the page, so neither gets one.
 */
const DECORATIONS = new Map([['bold', 'a1'], ['dim', 'a2'], ['italic', 'a3'], ['underline', 'a4'], ['strikethrough', 'a9']]);

/** Applies carriage returns the way a terminal shows them: the last overwrite of each line wins. */
export function applyCarriageReturns(text: string): string {
  if (!text.includes('\r')) return text;
  return text
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => {
      if (!line.includes('\r')) return line;
      const parts = line.split('\r').filter((p) => p.length > 0);
      return parts[parts.length - 1] ?? '';
    })
    .join('\n');
}

/** Removes every escape sequence except SGR colour codes. */
export function stripNonSgr(text: string): string {
  return text.replace(C1_CSI, '\u001B[').replace(OSC, '').replace(CSI_NON_SGR, '').replace(OTHER_ESC, '');
}

/** Plain text of terminal output: all escapes removed, carriage returns applied. */
export function ansiToText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return applyCarriageReturns(stripNonSgr(text)).replace(/\u001B\[[0-9;:]*m/g, '');
}

/**
 * Terminal output as safe HTML: `<span class="a31 a1">…</span>` runs (`<span class=a31>` for a
 * single class), text escaped, leftover control and bidi characters made visible.
 */
export function ansiToHtml(text: string): string {
  // eslint-disable-next-line no-control-regex
  const prepared = applyCarriageReturns(stripNonSgr(text));
  if (!prepared.includes('\u001B')) return visibleControls(prepared);
  const chunks = Anser.ansiToJson(prepared, { use_classes: true, remove_empty: true });
  let html = '';
  for (const chunk of chunks) {
    const classes: string[] = [];
    const fg = colourClass(chunk.fg, chunk.fg_truecolor, 'fg');
    const bg = colourClass(chunk.bg, chunk.bg_truecolor, 'bg');
    if (fg) classes.push(fg);
    if (bg) classes.push(bg);
    for (const d of chunk.decorations ?? []) {
      const cls = DECORATIONS.get(d);
      if (cls) classes.push(cls);
    }
    const body = visibleControls(chunk.content);
    html += classes.length > 0 ? `<span ${classAttr(classes.join(' '))}>${body}</span>` : body;
  }
  return html;
}
