// Astro 7 leaves `.astro` module types to its language server; plain `tsc` needs this to type the
// component imports in these tests.
declare module '*.astro' {
  const Component: import('astro/runtime/server/index.js').AstroComponentFactory;
  export default Component;
}
