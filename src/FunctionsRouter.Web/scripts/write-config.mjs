// Writes config.json (beside build.mjs; the build copies it into dist/) from the provisioning outputs that azd exports
// to hooks: the gateway's URL, and Entra ID sign-in when the page has an app registration. Run by azure.yaml's predeploy
// hook of the `web` service; node runs it the same from sh and pwsh.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const env = process.env;
const gatewayUrl = env.SERVICE_API_URI;
if (!gatewayUrl) {
  console.error("SERVICE_API_URI is not set: run this from azd (azd deploy web), after azd provision.");
  process.exit(1);
}

const clientId = env.WEB_ENTRA_CLIENT_ID ?? "";
const scope = env.WEB_ENTRA_SCOPE ?? "";
if (clientId && !scope) {
  console.error("WEB_ENTRA_CLIENT_ID is set without WEB_ENTRA_SCOPE (the gateway's scope, api://<gateway app id>/access_as_user).");
  process.exit(1);
}

const config = {
  gatewayUrl,
  entra: clientId ? { clientId, tenantId: env.AZURE_TENANT_ID, scope } : null,
};
const path = join(dirname(fileURLToPath(import.meta.url)), "..", "config.json");
writeFileSync(path, JSON.stringify(config, null, 2) + "\n");
console.log(`Wrote ${path}: gateway ${gatewayUrl}, ${clientId ? "Entra ID sign-in and gateway keys" : "gateway keys only"}.`);
