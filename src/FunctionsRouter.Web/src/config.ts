/** `config.json` beside index.html: written by azd's hook from the provisioning outputs, or by hand for local use. */
export interface PageConfig {
  /** The gateway's base URL (`https://<app>.azurewebsites.net`, or `http://localhost:7071` under `func start`). */
  gatewayUrl: string;
  /** Microsoft Entra ID sign-in; absent, the page offers only a gateway key. */
  entra?: {
    clientId: string;
    tenantId: string;
    /** The gateway's scope, e.g. `api://<gateway app id>/access_as_user`. */
    scope: string;
  };
  /** Tests only: exposes `window.functionsRouterTest` to sign in with a token minted by a test issuer. */
  testHooks?: boolean;
}

export async function loadConfig(): Promise<PageConfig> {
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json could not be read (${response.status}).`);
  const config = (await response.json()) as Partial<PageConfig>;
  if (typeof config.gatewayUrl !== "string" || !/^https?:\/\//.test(config.gatewayUrl)) {
    throw new Error("config.json has no gatewayUrl (http:// or https://).");
  }

  const entra = config.entra;
  if (entra && !(entra.clientId && entra.tenantId && entra.scope)) {
    throw new Error("config.json's entra needs clientId, tenantId and scope.");
  }

  return { gatewayUrl: config.gatewayUrl.replace(/\/+$/, ""), entra: entra?.clientId ? entra : undefined, testHooks: config.testHooks === true };
}
