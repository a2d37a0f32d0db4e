import {
  createStandardPublicClientApplication,
  InteractionRequiredAuthError,
  type AccountInfo,
  type IPublicClientApplication,
} from "@azure/msal-browser";
import type { PageConfig } from "./config";

/** Who the page calls the gateway as: a secret sent as `Authorization: Bearer`, fresh for each request. */
export interface Credential {
  readonly label: string;
  getSecretAsync(): Promise<string>;
  signOutAsync(): Promise<void>;
}

const keyStorageName = "functionsrouter.gatewayKey";

/**
 * A gateway key pasted by the user. It lives in `sessionStorage` only (this tab, gone when it closes): never in a URL,
 * `localStorage` or a log.
 */
export function keyCredential(key: string): Credential {
  sessionStorage.setItem(keyStorageName, key);
  return {
    label: `Gateway key ${key.slice(0, 10)}…`,
    getSecretAsync: async () => key,
    signOutAsync: async () => sessionStorage.removeItem(keyStorageName),
  };
}

/** The key this tab already holds, if any. */
export function storedKeyCredential(): Credential | undefined {
  const key = sessionStorage.getItem(keyStorageName);
  return key ? keyCredential(key) : undefined;
}

/** A token handed over by a test (see `PageConfig.testHooks`); MSAL's redirect cannot run against a test issuer. */
export function tokenCredential(token: string, name: string): Credential {
  return { label: name, getSecretAsync: async () => token, signOutAsync: async () => {} };
}

/** Microsoft Entra ID through MSAL: sign-in by redirect, then a token for the gateway's scope before each request. */
export class EntraSignIn {
  private constructor(
    private readonly msal: IPublicClientApplication,
    private readonly scope: string,
  ) {}

  static async createAsync(entra: NonNullable<PageConfig["entra"]>): Promise<EntraSignIn> {
    // The page's own address without a trailing slash: exactly the redirect URI registered (SERVICE_WEB_URI).
    const redirectUri = (window.location.origin + window.location.pathname).replace(/\/$/, "");
    const msal = await createStandardPublicClientApplication({
      auth: { clientId: entra.clientId, authority: `https://login.microsoftonline.com/${entra.tenantId}`, redirectUri },
      cache: { cacheLocation: "sessionStorage" },
    });
    return new EntraSignIn(msal, entra.scope);
  }

  /** The signed-in account after a redirect back to the page, or one already in this tab's cache. */
  async accountAsync(): Promise<Credential | undefined> {
    const result = await this.msal.handleRedirectPromise();
    const account = result?.account ?? this.msal.getAllAccounts()[0];
    return account ? this.credential(account) : undefined;
  }

  signInAsync(): Promise<void> {
    return this.msal.loginRedirect({ scopes: [this.scope] });
  }

  private credential(account: AccountInfo): Credential {
    return {
      label: account.name ?? account.username,
      getSecretAsync: async () => {
        try {
          return (await this.msal.acquireTokenSilent({ scopes: [this.scope], account })).accessToken;
        } catch (error) {
          if (error instanceof InteractionRequiredAuthError) {
            await this.msal.acquireTokenRedirect({ scopes: [this.scope], account });
          }
          throw error;
        }
      },
      signOutAsync: () => this.msal.logoutRedirect({ account }),
    };
  }
}
