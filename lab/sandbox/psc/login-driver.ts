/**
 * Drives the stub's login page over plain HTTP as a browser would (manual redirects, a cookie
 * jar, the form), for tests and scripts that need a PSC sign-in without a browser. It stops at
 * the first redirect that leaves PSC's origin (the client's redirect URI) and returns it without
 * fetching it: the caller hands that URL to its OIDC client (openid-client's
 * `authorizationCodeGrant`).
 */
export class LoginDriver {
  readonly #jar = new Map<string, string>();
  #origin = '';

  private isCallback(url: string): boolean {
    return new URL(url).origin !== this.#origin;
  }

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        cookie: [...this.#jar].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const cookie of res.headers.getSetCookie()) {
      const pair = cookie.split(';')[0] ?? '';
      const i = pair.indexOf('=');
      if (i > 0) this.#jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }

  /** Follows redirects until a page, or until the client's callback (not fetched). */
  async follow(start: string, first: Response): Promise<{ url: string; res: Response }> {
    let url = start;
    let res = first;
    for (let hops = 0; res.status >= 300 && res.status < 400; hops += 1) {
      if (hops > 10) throw new Error(`too many redirects from ${start}`);
      url = new URL(res.headers.get('location') ?? '', url).href;
      if (this.isCallback(url)) return { url, res };
      res = await this.get(url);
    }
    return { url, res };
  }

  /** Opens the authorization URL and follows it to the login page. */
  openLoginPage(authorizationUrl: URL | string): Promise<{ url: string; res: Response }> {
    const href = String(authorizationUrl);
    this.#origin = new URL(href).origin;
    return this.get(href).then((res) => this.follow(href, res));
  }

  /**
   * Chooses a practitioner and a means (CPS card or e-CPS app), or cancels; returns the
   * callback URL PSC redirected to (with `code`, or `error=access_denied` on cancel).
   */
  async signIn(
    authorizationUrl: URL | string,
    nationalId: string,
    method: 'cps' | 'ecps' | 'cancel' = 'ecps',
  ): Promise<URL> {
    const page = await this.openLoginPage(authorizationUrl);
    if (this.isCallback(page.url)) return new URL(page.url); // already signed in (SSO)
    const html = await page.res.text();
    if (page.res.status !== 200) throw new Error(`login page ${page.url}: HTTP ${page.res.status}`);
    const action = /<form method="post" action="([^"]+)"/
      .exec(html)?.[1]
      ?.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    if (!action) throw new Error(`no login form at ${page.url}`);
    const target = new URL(action, page.url).href;
    const form = method === 'cancel' ? { cancel: '1' } : { nationalId, method };
    const posted = await this.get(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const done = await this.follow(target, posted);
    if (!this.isCallback(done.url))
      throw new Error(
        `the sign-in did not come back to the client: ${done.url} (HTTP ${done.res.status})`,
      );
    return new URL(done.url);
  }
}
