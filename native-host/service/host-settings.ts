import type { LookupFunction } from 'node:net';
import path from 'node:path';
import { type ResolvedConfig, resolveConfig } from '../config/load';
import { trustContext } from '../trust/context';
import type { TrustContext } from '../trust/verify';

/**
 * The host's config.json and the trust context made from it, read when first needed (the
 * sandbox may start after the host) and then kept. A config that cannot be read throws its coded
 * error on every call until it can.
 */
export class HostSettings {
  #config: ResolvedConfig | null = null;
  #trust: TrustContext | null = null;

  constructor(private readonly stateDir: string) {}

  resolved(): { config: ResolvedConfig; trust: TrustContext } {
    if (!this.#config || !this.#trust) {
      const config = resolveConfig(this.stateDir);
      this.#config = config;
      this.#trust = trustContext(config.trust, {
        cacheDir: path.join(this.stateDir, 'crl-cache'),
        ...(config.lookup ? { lookup: config.lookup } : {}),
      });
    }
    return { config: this.#config, trust: this.#trust };
  }

  /** What every upstream TLS connection of the host is checked with (bridge, autoconfig, Annuaire). */
  upstreamTls(): { trust: TrustContext; lookup?: LookupFunction } {
    const { config, trust } = this.resolved();
    return { trust, ...(config.lookup ? { lookup: config.lookup } : {}) };
  }
}
