declare const __HOST_VERSION__: string | undefined;

/** The host's version: package.json's, injected by the build (esbuild `define`). */
export const HOST_VERSION: string =
  typeof __HOST_VERSION__ === 'string' ? __HOST_VERSION__ : '0.0.0-dev';
