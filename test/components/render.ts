/**
 * Helpers for component tests: an Astro container, output without dev-only source annotations,
 * and a readable layout of the HTML for snapshot files.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import type { AstroComponentFactory } from 'astro/runtime/server/index.js';

let container: AstroContainer | null = null;

/** Renders a component with props and returns its HTML without dev-mode annotations. */
export async function render(component: AstroComponentFactory, props: Record<string, unknown>): Promise<string> {
  container ??= await AstroContainer.create();
  const html = await container.renderToString(component, { props });
  // Dev builds annotate elements with absolute source paths; they are not in production output.
  return html.replace(/ data-astro-source-(file|loc)="[^"]*"/g, '');
}

/**
 * One block-level tag per line so snapshot diffs are reviewable. Only inserts newlines before
 * block tags outside `<pre>`, which HTML treats as insignificant whitespace there.
 */
export function layout(html: string): string {
  const parts = html.split(/(<pre\b[\s\S]*?<\/pre>)/);
  return parts
    .map((part) => (part.startsWith('<pre') ? part : part.replace(/(?<!^)<(?=(article|section|header|div|details|summary|ul|ol|li|p|h[1-6]|table|tr|dl|figure|time|dt|dd)\b)/g, '\n<')))
    .join('')
    .trim()
    .concat('\n');
}
