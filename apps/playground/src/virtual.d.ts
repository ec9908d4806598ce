// Modules the build (build.ts) provides to esbuild through a plugin; they exist only in bundles.

declare module 'playground:digits' {
  /** The bundled digits, gzipped (layout in digits.ts). */
  const bytes: Uint8Array;
  export default bytes;
}

declare module 'playground:worker' {
  /** The training worker's bundle as source text (started from a Blob URL, so file:// pages work too). */
  const source: string;
  export default source;
}

declare module 'playground:view-worker' {
  /** The view worker's bundle as source text. */
  const source: string;
  export default source;
}
