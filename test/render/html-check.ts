/**
 * A strict look at rendered HTML through a real tokenizer (htmlparser2, already installed as
 * sanitize-html's parser): lists every element and attribute that could run script or load
 * something, and every link out without our `rel`, so tests can assert there are none.
 */
import { Parser } from 'htmlparser2';

/** Elements that must never come out of a renderer. */
const FORBIDDEN_TAGS = new Set(['script', 'iframe', 'frame', 'object', 'embed', 'svg', 'math', 'style', 'form', 'link', 'meta', 'base', 'img', 'video', 'audio', 'source']);

/** Problems found in `html`; empty when it is safe. Pass `allowImg` for component output. */
export function htmlProblems(html: string, options: { allowImg?: boolean } = {}): string[] {
  const problems: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (FORBIDDEN_TAGS.has(name) && !(options.allowImg && name === 'img')) problems.push(`<${name}>`);
        for (const [key, value] of Object.entries(attribs)) {
          if (/^on/i.test(key)) problems.push(`${name}[${key}]`);
          if (key === 'style') problems.push(`${name}[style]`);
          if (/^(href|src|action|formaction|xlink:href)$/i.test(key) && /^\s*(javascript|vbscript|data):/i.test(value) && !/^data:image\/(png|jpeg|gif|webp);/i.test(value)) {
            problems.push(`${name}[${key}=${value.slice(0, 30)}]`);
          }
          if (key === 'target') problems.push(`${name}[target]`);
        }
        // A link out of the archive is untrusted: no referrer, no opener, no endorsement.
        if (name === 'a' && /^\s*(https?:)?\/\//i.test(attribs.href ?? '')) {
          const rel = new Set((attribs.rel ?? '').toLowerCase().split(/\s+/));
          if (!['noopener', 'noreferrer', 'nofollow'].every((r) => rel.has(r))) problems.push(`a[rel=${attribs.rel ?? ''}]`);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return problems;
}
