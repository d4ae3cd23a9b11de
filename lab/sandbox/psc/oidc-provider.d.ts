// oidc-provider ships no TypeScript types for v9 (and @types/oidc-provider lags behind); the
// stub uses a small part of it, typed loosely here.
declare module 'oidc-provider' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const Provider: any;
  export default Provider;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export const errors: any;
}
